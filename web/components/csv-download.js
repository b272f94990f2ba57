// "Download CSV": a plain link to one of the hub's text/csv routes. The browser sends the session
// cookie with a GET and saves the file under the name the hub gives (Content-Disposition); the
// router leaves links with `download` and /api/ paths to the browser.
import { html } from 'htm/preact';

/** @param {{ path: string, label?: string }} props — `path` is under /api/v1, e.g. `/integrations/x/mappings.csv`. */
export function CsvDownload({ path, label = 'Download CSV' }) {
  return html`<a class="button" href=${`/api/v1${path}`} download>${label}</a>`;
}
