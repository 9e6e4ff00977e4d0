import { useEffect, useState, type AnchorHTMLAttributes, type MouseEvent } from 'react';

/** Client-side routes: the server answers index.html for them, so a reload or a shared link works. */
export type Route =
  | { page: 'models' }
  | { page: 'model'; name: string }
  | { page: 'jobs' }
  | { page: 'keys' }
  | { page: 'audit' }
  | { page: 'operators' }
  | { page: 'account' }
  | { page: 'not-found'; path: string };

export function routeOf(path: string): Route {
  if (path === '/' || path === '/models' || path === '/models/') return { page: 'models' };
  const model = /^\/models\/([^/]+)\/?$/.exec(path);
  if (model) return { page: 'model', name: decodeURIComponent(model[1]) };
  if (path === '/jobs') return { page: 'jobs' };
  if (path === '/keys') return { page: 'keys' };
  if (path === '/audit') return { page: 'audit' };
  if (path === '/operators') return { page: 'operators' };
  if (path === '/account') return { page: 'account' };
  return { page: 'not-found', path };
}

const NAVIGATED = 'modelgate:navigate';

export function navigate(path: string): void {
  if (path === window.location.pathname) return;
  window.history.pushState(null, '', path);
  window.dispatchEvent(new Event(NAVIGATED));
}

export function useRoute(): Route {
  const [path, setPath] = useState(window.location.pathname);
  useEffect(() => {
    const update = () => setPath(window.location.pathname);
    window.addEventListener('popstate', update);
    window.addEventListener(NAVIGATED, update);
    return () => {
      window.removeEventListener('popstate', update);
      window.removeEventListener(NAVIGATED, update);
    };
  }, []);
  return routeOf(path);
}

/** An ordinary link (open in a new tab works) that navigates in place on a plain click. */
export function Link({ href, onClick, ...rest }: AnchorHTMLAttributes<HTMLAnchorElement> & { href: string }) {
  const follow = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(href);
  };
  return <a href={href} onClick={follow} {...rest} />;
}

export const modelPath = (name: string) => `/models/${encodeURIComponent(name)}`;
