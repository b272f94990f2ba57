// Times as people read them: "3 min ago", with the exact time in a tooltip.
import { html } from 'htm/preact';

const UNITS = [
  ['year', 365 * 24 * 3600], ['month', 30 * 24 * 3600], ['day', 24 * 3600], ['hour', 3600], ['minute', 60], ['second', 1],
];
const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });

export function timeAgo(iso) {
  if (!iso) return '—';
  const seconds = (Date.parse(iso) - Date.now()) / 1000;
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size || unit === 'second') return relative.format(Math.round(seconds / size), unit);
  }
  return iso;
}

export function exactTime(iso) {
  return iso ? new Date(iso).toLocaleString() : '';
}

export function Time({ iso }) {
  if (!iso) return html`<span class="muted">never</span>`;
  return html`<time datetime=${iso} title=${exactTime(iso)}>${timeAgo(iso)}</time>`;
}

export function duration(startIso, endIso) {
  if (!startIso || !endIso) return '—';
  const ms = Date.parse(endIso) - Date.parse(startIso);
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.round(ms / 60_000)} min`;
}
