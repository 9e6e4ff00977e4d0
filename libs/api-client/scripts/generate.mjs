#!/usr/bin/env node
// Rewrites libs/api-client/openapi.json and src/schema.ts from the built API (apps/api/dist):
// boots the app as the tests do (embedded database in a temporary directory, no demo model),
// takes its OpenAPI document and closes it. `npm run generate:api-client` builds the API first.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { documentSource, schemaSource } from './schema-source.mjs';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const apiDist = join(packageDir, '..', '..', 'apps', 'api', 'dist');
const require = createRequire(import.meta.url);

async function openApiDocument() {
  const { createModelgate } = require(join(apiDist, 'app.js'));
  const { loadConfig } = require(join(apiDist, 'config', 'config.js'));
  const { buildOpenApiDocument } = require(join(apiDist, 'openapi.js'));
  const dataDir = await mkdtemp(join(tmpdir(), 'modelgate-openapi-'));
  try {
    // Credentials of its own, so that nothing is generated, saved or printed.
    const modelgate = await createModelgate(
      loadConfig({
        MODELGATE_DATA_DIR: dataDir,
        MODELGATE_DEMO: 'false',
        MODELGATE_ADMIN_KEY: `mg_openapi01_${randomBytes(24).toString('hex')}`,
        MODELGATE_ADMIN_PASSWORD: randomBytes(24).toString('hex'),
        LOG_LEVEL: 'error',
      }),
    );
    try {
      return buildOpenApiDocument(modelgate.app);
    } finally {
      await modelgate.close();
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

const started = Date.now();
const document = await openApiDocument();
await writeFile(join(packageDir, 'openapi.json'), documentSource(document));
await writeFile(join(packageDir, 'src', 'schema.ts'), await schemaSource(document));
process.stdout.write(`libs/api-client: openapi.json and src/schema.ts written in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
