// The three states every loaded view goes through besides "here is the data".
import { html } from 'htm/preact';

export function Loading({ label = 'Loading…' }) {
  return html`<div class="state state-loading" role="status" aria-live="polite"><span class="spinner" aria-hidden="true"></span>${label}</div>`;
}

export function ErrorState({ message, onRetry }) {
  return html`
    <div class="state state-error" role="alert">
      <p>${message}</p>
      ${onRetry && html`<button type="button" onClick=${onRetry}>Try again</button>`}
    </div>
  `;
}

export function Empty({ title, children }) {
  return html`<div class="state state-empty"><p class="state-title">${title}</p>${children}</div>`;
}

/** Placeholder for a feature another piece of work delivers ("arrives with the Autotask connector"). */
export function Arrives({ title, children }) {
  return html`<section class="state state-arrives" aria-label=${title}><p class="state-title">${title}</p>${children}</section>`;
}
