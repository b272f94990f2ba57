import { html } from 'htm/preact';
import { useEffect } from 'preact/hooks';
import { Empty } from '../components/page-state.js';

export function NotFoundPage() {
  useEffect(() => {
    document.title = 'Not found · psa-bridge';
  }, []);
  return html`
    <h1>Page not found</h1>
    <${Empty} title="There is no page at this address."><p><a href="/integrations">Go to the integrations</a></p><//>
  `;
}
