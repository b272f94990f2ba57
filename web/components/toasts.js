// Short notices after an action ("Connection saved"), in live regions so screen readers announce
// them: polite for successes, assertive for errors. Both regions exist from the start (a live
// region added later is not announced). Each notice goes on its own or with its close button.
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { errorDetailOf, messageOf } from '../api.js';
import { ErrorDetail } from './error-detail.js';

let nextId = 1;
let items = [];
const listeners = new Set();
const publish = () => listeners.forEach((listener) => listener(items));

function show(kind, message, timeoutMs, detail) {
  const id = nextId++;
  // A few at a time: older notices make room rather than covering the page.
  items = [...items, { id, kind, message, detail }].slice(-3);
  publish();
  if (timeoutMs > 0) setTimeout(() => dismiss(id), timeoutMs);
  return id;
}

export function dismiss(id) {
  items = items.filter((item) => item.id !== id);
  publish();
}

export const toast = {
  success: (message) => show('success', message, 4000),
  /**
   * A sentence, or what was thrown: said in a person's words (messageOf), with the API's own
   * message (field paths and all) behind "Details". One with details stays until dismissed, so it
   * can be read.
   */
  error: (messageOrError) => {
    if (typeof messageOrError === 'string') return show('error', messageOrError, 8000);
    const detail = errorDetailOf(messageOrError);
    return show('error', messageOf(messageOrError), detail === undefined ? 8000 : 0, detail);
  },
  info: (message) => show('info', message, 4000),
};

/**
 * Runs a person's action and says how it went: `done` when it succeeded, the error when it failed.
 * Answers whether it succeeded, so a dialog can stay open on a refusal.
 */
export async function withToasts(work, done) {
  try {
    await work();
    toast.success(done);
    return true;
  } catch (error) {
    toast.error(error);
    return false;
  }
}

export function ToastHost() {
  const [list, setList] = useState(items);
  useEffect(() => {
    listeners.add(setList);
    return () => listeners.delete(setList);
  }, []);
  return html`
    <div class="toasts">
      <div role="status" aria-live="polite" class="toast-region">
        ${list.filter((t) => t.kind !== 'error').map((t) => html`<${Toast} key=${t.id} item=${t} />`)}
      </div>
      <div aria-live="assertive" class="toast-region">
        ${list.filter((t) => t.kind === 'error').map((t) => html`<${Toast} key=${t.id} item=${t} />`)}
      </div>
    </div>
  `;
}

function Toast({ item }) {
  return html`
    <div class="toast toast-${item.kind}">
      <div class="toast-body">
        <span>${item.message}</span>
        ${item.detail && html`<${ErrorDetail} detail=${item.detail} />`}
      </div>
      <button type="button" class="icon-button" aria-label="Dismiss notice" onClick=${() => dismiss(item.id)}>×</button>
    </div>
  `;
}
