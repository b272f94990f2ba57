// History-API routing: the hub answers every client path with index.html, so links are plain
// hrefs that work with a reload, a bookmark or a new tab. Same-origin link clicks are handled here.
import { useEffect, useState } from 'preact/hooks';

const listeners = new Set();

export function currentLocation() {
  return { path: window.location.pathname, query: new URLSearchParams(window.location.search) };
}

export function navigate(to, { replace = false } = {}) {
  if (to === window.location.pathname + window.location.search) return;
  if (replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  for (const listener of listeners) listener();
}

export function useLocation() {
  const [location, setLocation] = useState(currentLocation);
  useEffect(() => {
    const update = () => setLocation(currentLocation());
    listeners.add(update);
    window.addEventListener('popstate', update);
    return () => {
      listeners.delete(update);
      window.removeEventListener('popstate', update);
    };
  }, []);
  return location;
}

/**
 * Matches `path` against patterns like '/integrations/:id/:tab?'. Returns the params, or null.
 */
export function match(pattern, path) {
  const names = [];
  const source = pattern
    .split('/')
    .map((part) => {
      if (!part.startsWith(':')) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      const optional = part.endsWith('?');
      names.push(optional ? part.slice(1, -1) : part.slice(1));
      return optional ? '?([^/]*)' : '([^/]+)';
    })
    .join('/');
  const found = new RegExp(`^${source}/?$`).exec(path);
  if (!found) return null;
  return Object.fromEntries(names.map((name, i) => [name, found[i + 1] ? decodeURIComponent(found[i + 1]) : undefined]));
}

// Plain <a href="/…"> links navigate without a reload; modified clicks (new tab…) stay the browser's.
document.addEventListener('click', (event) => {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const link = event.target instanceof Element ? event.target.closest('a[href]') : null;
  if (!link || link.target || link.hasAttribute('download')) return;
  const url = new URL(link.href, window.location.href);
  if (url.origin !== window.location.origin || url.pathname.startsWith('/api/')) return;
  event.preventDefault();
  navigate(url.pathname + url.search);
});
