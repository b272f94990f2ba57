// A billing platform's integration (Gradient Synthesize) as the MSP checks it: the hub is the vendor
// integration that pushes, and the mapping happens inside the platform, where the hub cannot see it.
// So this reads what the platform's answers say (GET /integrations/:id/billing-overview): its
// integration status; the accounts and services pushed and which are mapped there or still waiting
// (by name, to map in the platform); the last count per account and service; the alerts delivered
// and failed with the platform's own errors; and, where storage is counted, the vendor's note that
// cloud storage includes Microsoft 365 backup data.
import { html } from 'htm/preact';
import { api } from '../../api.js';
import { DataTable } from '../../components/data-table.js';
import { Empty, ErrorState, Loading } from '../../components/page-state.js';
import { StatusBadge } from '../../components/status-badge.js';
import { Time } from '../../format.js';
import { useResource } from '../../use-resource.js';

const MAPPING = { mapped: ['mapped', 'Mapped'], waiting: ['ready', 'Waiting for mapping'], unknown: ['not_mapped', 'Not counted yet'] };
const mappingBadge = (state, platform) => {
  const [tone, label] = MAPPING[state] ?? ['not_mapped', state];
  return html`<${StatusBadge} status=${tone} label=${state === 'waiting' ? `${label} in ${platform}` : label} />`;
};
const ALERT_STATES = { sending: 'Sending', pending: 'Pending at the platform', delivered: 'Delivered', failed: 'Failed' };

export default function BillingTab({ integration }) {
  const overview = useResource(() => api.get(`/integrations/${integration.id}/billing-overview`), [integration.id]);
  if (overview.error && !overview.data) return html`<${ErrorState} message=${overview.error} onRetry=${overview.reload} />`;
  if (!overview.data) return html`<${Loading} label="Reading what the billing platform answered…" />`;
  const o = overview.data;
  const platform = o.platform.shortLabel;
  const storage = o.services.items.some((s) => s.storage);
  return html`
    <section class="card" aria-labelledby="billing-status-title">
      <h2 id="billing-status-title">${o.platform.label}</h2>
      ${o.status.ok
        ? html`<dl class="facts">
            <div><dt>Integration status</dt><dd><${StatusBadge} status=${o.status.status === 'active' ? 'mapped' : o.status.status === 'error' || o.status.status === 'disabled' ? 'failed' : 'ready'} label=${o.status.platformStatus} /></dd></div>
            <div><dt>Organization</dt><dd>${o.status.organization}</dd></div>
            <div><dt>Last synced</dt><dd>${o.status.lastSyncedAt ? html`<${Time} iso=${o.status.lastSyncedAt} />` : 'never'}</dd></div>
          </dl>`
        : html`<p class="alert alert-error" role="alert">${platform} could not be reached: ${o.status.error}. What the hub stored is shown below.</p>`}
      <dl class="facts" aria-label="Accounts">
        <div><dt>Accounts pushed</dt><dd>${o.accounts.pushed}</dd></div>
        <div><dt>Mapped in ${platform}</dt><dd>${o.accounts.mapped}</dd></div>
        <div><dt>Waiting for mapping</dt><dd>${o.accounts.waiting}</dd></div>
        <div><dt>Not counted yet</dt><dd>${o.accounts.unknown}</dd></div>
        ${o.accounts.deleted > 0 && html`<div><dt>Tenant deleted</dt><dd>${o.accounts.deleted}</dd></div>`}
      </dl>
      ${o.accounts.waitingNames.length > 0 &&
      html`<div class="waiting-accounts">
        <h3>Waiting for mapping in ${platform}</h3>
        <p class="hint">Map these accounts to their PSA companies in ${platform}; the next pass fills in their counts.</p>
        <ul>${o.accounts.waitingNames.map((name) => html`<li>${name}</li>`)}</ul>
      </div>`}
    </section>

    <h2>Services</h2>
    ${storage && html`<p class="alert alert-info" role="note">${o.storageNote}</p>`}
    <${DataTable}
      label="Services"
      columns=${[
        { key: 'name', label: 'Service', render: (s) => html`${s.name}${s.storage ? html`<span class="hint"> · storage</span>` : ''}` },
        { key: 'unit', label: 'Unit' },
        { key: 'mapping', label: `In ${platform}`, render: (s) => mappingBadge(s.mapping, platform) },
        { key: 'accountsCounted', label: 'Accounts counted' },
        { key: 'accountsWaiting', label: 'Accounts waiting' },
      ]}
      rows=${o.services.items}
      rowKey=${(s) => s.serviceKey}
      filters=${[{ key: 'mapping', label: `In ${platform}`, options: Object.entries(MAPPING).map(([value, [, label]]) => ({ value, label })), test: (s, v) => s.mapping === v }]}
      empty=${html`<${Empty} title="No service pushed yet"><p>Services are pushed with the accounts on the first pass.</p><//>`}
    />

    <h2>Last counts</h2>
    <${DataTable}
      label="Last counts"
      columns=${[
        { key: 'account', label: 'Account' },
        { key: 'service', label: 'Service' },
        { key: 'quantity', label: 'Quantity', render: (c) => `${c.quantity} ${c.unit}` },
        { key: 'state', label: `In ${platform}`, render: (c) => (c.state === 'counted' ? mappingBadge('mapped', platform) : html`${mappingBadge('waiting', platform)}${c.message ? html`<span class="cell-note">${c.message}</span>` : ''}`) },
        { key: 'postedAt', label: 'Posted', render: (c) => html`<${Time} iso=${c.postedAt} />` },
      ]}
      rows=${o.counts}
      rowKey=${(c) => `${c.accountId}|${c.serviceKey}`}
      search=${{ placeholder: 'Search counts by account or service', text: (c) => `${c.account} ${c.service}` }}
      filters=${[{ key: 'state', label: 'State', options: [{ value: 'counted', label: 'Counted' }, { value: 'waiting', label: 'Waiting for mapping' }], test: (c, v) => c.state === v }]}
      empty=${html`<${Empty} title="No count posted yet"><p>Counts are posted on the usage schedule (daily by default).</p><//>`}
    />

    <h2>Alerts</h2>
    <p>${o.alerts.delivered} delivered · ${o.alerts.failed} failed · ${o.alerts.pending} pending</p>
    <${DataTable}
      label="Alerts sent"
      columns=${[
        { key: 'title', label: 'Alert', render: (a) => a.title || a.alertType },
        { key: 'account', label: 'Account' },
        { key: 'priority', label: 'Priority' },
        { key: 'state', label: 'State', render: (a) => html`<${StatusBadge} status=${a.state === 'delivered' ? 'mapped' : a.state === 'failed' ? 'failed' : 'ready'} label=${ALERT_STATES[a.state] ?? a.state} />${a.errors.map((e) => html`<span class="cell-note">${e}</span>`)}` },
        { key: 'updatedAt', label: 'Updated', render: (a) => html`<${Time} iso=${a.updatedAt} />` },
      ]}
      rows=${o.alerts.items}
      rowKey=${(a) => a.alertId}
      filters=${[{ key: 'state', label: 'State', options: Object.entries(ALERT_STATES).map(([value, label]) => ({ value, label })), test: (a, v) => a.state === v }]}
      empty=${html`<${Empty} title="No alert sent yet"><p>Alerts of the enabled types become ${platform} tickets.</p><//>`}
    />
    <div class="inline-actions"><button type="button" onClick=${overview.reload}>Refresh</button></div>
  `;
}
