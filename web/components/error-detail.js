// The detail view of an error: the API's own message, with the internal field paths
// ("alert-mappings.types.BackupFailed.fields.status: …") that a person reads only when they ask,
// e.g. to quote it to support. Closed by default.
import { html } from 'htm/preact';

export function ErrorDetail({ detail }) {
  return html`<details class="error-detail">
    <summary>Details</summary>
    <p class="mono">${detail}</p>
  </details>`;
}
