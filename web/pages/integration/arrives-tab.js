// What a tab shows until the work that fills it lands.
import { html } from 'htm/preact';
import { Arrives } from '../../components/page-state.js';

const WHAT = {
  'product-mapping': 'Map each offering item to a target product or service, with its period type, free provisioning and default storage.',
  provisioning: 'Choose how customer tenants and their admin accounts are created (primary contact or company name, activation email or password, 2FA) and what deprovisioning does.',
  mapping: 'Map each company to a customer tenant: map to new, map to existing, remove, with search, filters and bulk actions.',
  tickets: "Choose which alerts raise tickets, with the target's fields filled from its real picklists, and the reopen, auto-close and clear-alert rules.",
};

export function ArrivesTab({ tabId, tabLabel, target }) {
  return html`
    <${Arrives} title=${`${tabLabel} arrives with the ${target.label} connector`}>
      <p>${WHAT[tabId] ?? ''}</p>
      <p class="muted">Until then, this integration's settings and summary are available.</p>
    <//>
  `;
}
