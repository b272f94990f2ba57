// History-API routing: the hub answers every client path with index.html, so links are plain
// hrefs that work with a reload, a bookmark or a new tab. Same-origin link clicks are handled here.
import { useEffect, useState } from 'preact/hooks';

const listeners = new Set();

// Asked before a person leaves the page in the portal (a link, a tab, Back): resolves true to go.
// components/unsaved-changes.js sets it while a form has unsaved edits.
let leaveGuard = null;
export function setLeaveGuard(guard) {
  leaveGuard = guard;
}

/** Navigates when the leave guard (if any) agrees: for a person's clicks, not for code after a save. */
export async function requestNavigation(to, options) {
  if (to === window.location.pathname + window.location.search) return;
  if (leaveGuard && !(await leaveGuard())) return;
  navigate(to, options);
}

export function currentLocation() {
  return { path: window.location.pathname, query: new URLSearchParams(window.location.search) };
}

export function navigate(to, { replace = false } = {}) {
  if (to === window.location.pathname + window.location.search) return;
  if (replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  for (const listener of listeners) listener();
}

// Back and Forward have already moved the address when popstate fires: with unsaved edits, put the
// page's address back, ask, and go on only if the person agrees.
let shownPath = window.location.pathname + window.location.search;
window.addEventListener('popstate', async () => {
  const wanted = window.location.pathname + window.location.search;
  if (!leaveGuard || wanted === shownPath) {
    shownPath = wanted;
    return;
  }
  // Runs before useLocation's listener (registered later), which then sees the page's own address.
  window.history.pushState(null, '', shownPath);
  if (await leaveGuard()) navigate(wanted);
});
listeners.add(() => (shownPath = window.location.pathname + window.location.search));

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
  requestNavigation(url.pathname + url.search);
});
