import { acceptsHtml, isServerPath, isTopLevelName, prefersJson } from './serve-dashboard';

describe('serving the dashboard', () => {
  it('leaves the paths of the API and the docs to the server', () => {
    for (const path of ['/api', '/api/models', '/v1', '/v1/models/iris:predict', '/v2', '/v2/models/iris', '/health/live', '/metrics', '/docs', '/docs/', '/docs-json', '/docs-yaml']) {
      expect(isServerPath(path), path).toBe(true);
    }
    for (const path of ['/', '/models/iris', '/keys', '/apis', '/healthy', '/assets/app.js', '/index.html']) {
      expect(isServerPath(path), path).toBe(false);
    }
  });

  it('serves only plain file names from the top of the build', () => {
    for (const name of ['favicon.svg', 'robots.txt', 'manifest.webmanifest']) expect(isTopLevelName(name), name).toBe(true);
    for (const name of ['', '.env', '..', 'assets/app.js', '../secret', '..\\secret', 'a\\b']) expect(isTopLevelName(name), name).toBe(false);
  });

  it('gives the page to a browser loading a page, and JSON to a client asking for it', () => {
    expect(acceptsHtml('text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8')).toBe(true);
    expect(acceptsHtml('TEXT/HTML')).toBe(true);
    for (const accept of [undefined, '', '*/*', 'application/json', 'text/css,*/*;q=0.1', 'text/html;q=0', 'text/html; q=0.0, */*']) expect(acceptsHtml(accept), accept).toBe(false);
    expect(prefersJson('application/json')).toBe(true);
    expect(prefersJson('application/problem+json, */*;q=0.5')).toBe(true);
    for (const accept of [undefined, '*/*', 'text/html,application/json', 'application/json;q=0']) expect(prefersJson(accept), accept).toBe(false);
  });
});
