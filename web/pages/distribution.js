// Distribution: the billing platforms (interworks.cloud BSS) that call psa-bridge as their service
// manager. Per application registration and instance: the activation settings (secrets only as
// "set"), the last Get Services Definition with its products' sell and cost, the service providers
// with their subscriptions and states, recent usage pulls with totals, and the calls the hub
// refused, by the BSS's track id, with the message the BSS was given. Read-only: the BSS drives all
// of it; registrations are made with `psa-bridge service-manager register`.
import { html } from 'htm/preact';
import { useEffect } from 'preact/hooks';
import { api } from '../api.js';
import { DataTable } from '../components/data-table.js';
import { Empty, ErrorState, Loading } from '../components/page-state.js';
import { StatusBadge } from '../components/status-badge.js';
import { Time } from '../format.js';
import { useResource } from '../use-resource.js';

const NAME_POLICIES = { continuous: 'Continuously update names', keep: 'Keep the names of the first run' };

const amount = (value) => (typeof value === 'number' ? value.toLocaleString(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 4 }) : '—');
const quota = (value) => (value === null ? 'unlimited' : String(value));
const Secret = ({ state }) => (state === 'set' ? html`<span class="badge badge-good">set</span>` : html`<span class="badge badge-bad">not set</span>`);
const slug = (text) => text.toLowerCase().replace(/[^a-z0-9]+/g, '-');

function Settings({ instance }) {
  const s = instance.settings;
  const rows = [
    ['System Name', s.systemName],
    ['Gateway', html`<span class="mono">${s.gateway}</span>`],
    ['Client Id', html`<span class="mono">${s.clientId}</span>`],
    ['Client Secret', html`<${Secret} state=${s.clientSecret} />`],
    ['Distributor Discount (%)', `${s.discountPercent} %`],
    ['Primary Currency', s.currency],
    ['Update Product Names', NAME_POLICIES[s.updateNames] ?? s.updateNames],
    ['Distributor tenant', instance.distributor.name],
    ['Product type', html`<span class="mono">${instance.productTypeId}</span>`],
    ['Gateway check', instance.connection ? html`<${StatusBadge} status=${instance.connection.status} /> <${Time} iso=${instance.connection.lastCheckedAt} />` : html`<span class="muted">no connection</span>`],
  ];
  return html`<dl class="settings-list" aria-label=${`Settings of ${s.systemName}`}>
    ${rows.map(([label, value]) => html`<div class="settings-row"><dt>${label}</dt><dd>${value}</dd></div>`)}
  </dl>`;
}

function Definition({ instance }) {
  const d = instance.lastDefinition;
  if (!d) return html`<${Empty} title="No Get Services Definition yet"><p>The BSS runs it from the instance's product setup; its products appear here.</p><//>`;
  const columns = [
    { key: 'name', label: 'Product', render: (p) => html`<strong>${p.name}</strong><span class="hint mono">${p.id}</span>` },
    { key: 'unit', label: 'Unit' },
    { key: 'sell', label: `Sell (${d.currency})`, className: 'num', render: (p) => amount(p.sell) },
    { key: 'cost', label: `Cost (${d.currency})`, className: 'num', render: (p) => amount(p.cost) },
  ];
  return html`
    <p class="hint">Run <${Time} iso=${d.at} />: ${d.products.length} products; cost = sell × (1 − ${instance.settings.discountPercent} %).</p>
    <${DataTable} label=${`Products of ${instance.settings.systemName}`} columns=${columns} rows=${d.products} rowKey=${(p) => p.id}
      search=${{ placeholder: 'Search products', text: (p) => `${p.name} ${p.id}` }} />
  `;
}

function ServiceProviders({ instance }) {
  const rows = instance.serviceProviders.flatMap((a) =>
    (a.subscriptions.length === 0 ? [null] : a.subscriptions).map((s) => ({ key: `${a.accountId}|${s?.subscriptionId ?? ''}`, account: a, subscription: s })),
  );
  const columns = [
    { key: 'provider', label: 'Service provider', sortValue: (r) => r.account.name, render: (r) => html`<strong>${r.account.name}</strong><span class="hint">BSS account ${r.account.accountId}${r.account.adminLogin ? ` · admin ${r.account.adminLogin}` : ''}</span>` },
    { key: 'tenant', label: 'Tenant', sortValue: (r) => r.account.state, render: (r) => html`<${StatusBadge} status=${r.account.state} /><span class="hint mono">${r.account.tenantId}</span>` },
    { key: 'subscription', label: 'Subscription', sortValue: (r) => r.subscription?.subscriptionId ?? '', render: (r) => (r.subscription ? html`<span class="mono">${r.subscription.subscriptionId}</span>${r.subscription.tier !== null ? html`<span class="hint">tier ${r.subscription.tier}</span>` : null}` : html`<span class="muted">none</span>`) },
    { key: 'state', label: 'State', sortValue: (r) => r.subscription?.state ?? '', render: (r) => (r.subscription ? html`<${StatusBadge} status=${r.subscription.state} />` : null) },
    { key: 'services', label: 'Services', sortable: false, render: (r) => (r.subscription ? html`<ul class="plain-list">${Object.entries(r.subscription.services).map(([item, q]) => html`<li><span class="mono">${item}</span> ${quota(q)}</li>`)}</ul>` : null) },
    { key: 'updated', label: 'Changed', sortValue: (r) => r.subscription?.updatedAt ?? '', render: (r) => html`<${Time} iso=${r.subscription?.updatedAt} />` },
  ];
  return html`<${DataTable} label=${`Service providers of ${instance.settings.systemName}`} columns=${columns} rows=${rows} rowKey=${(r) => r.key}
    search=${{ placeholder: 'Search service providers', text: (r) => `${r.account.name} ${r.account.accountId} ${r.subscription?.subscriptionId ?? ''}` }}
    filters=${[{ key: 'state', label: 'State', options: ['active', 'suspended', 'cancelled'].map((v) => ({ value: v, label: v })), test: (r, v) => r.subscription?.state === v }]}
    empty=${html`<${Empty} title="No service providers yet"><p>They appear when the BSS synchronizes a reseller's account.</p><//>`} />`;
}

/** Totals per currency of the pulls shown. */
function pullTotals(pulls) {
  const by = new Map();
  for (const p of pulls) {
    const t = by.get(p.currency) ?? { currency: p.currency, items: 0, cost: 0, sell: 0 };
    t.items += p.items;
    t.cost += p.cost;
    t.sell += p.sell;
    by.set(p.currency, t);
  }
  return [...by.values()];
}

function UsagePulls({ instance }) {
  const columns = [
    { key: 'subscriptionId', label: 'Subscription', render: (p) => html`<span class="mono">${p.subscriptionId}</span>` },
    { key: 'window', label: 'Billing cycle', sortValue: (p) => p.window.start, render: (p) => html`${p.window.start} – ${p.window.end}${p.closed ? null : html`<span class="hint">open (answer follows usage)</span>`}` },
    { key: 'items', label: 'Items', className: 'num' },
    { key: 'cost', label: 'Cost', className: 'num', render: (p) => `${amount(p.cost)} ${p.currency}` },
    { key: 'sell', label: 'Sell', className: 'num', render: (p) => `${amount(p.sell)} ${p.currency}` },
    { key: 'pulls', label: 'Pulled', className: 'num', render: (p) => `${p.pulls}×` },
    { key: 'pulledAt', label: 'Last pull', render: (p) => html`<${Time} iso=${p.pulledAt} />` },
  ];
  const totals = pullTotals(instance.usagePulls);
  return html`
    <${DataTable} label=${`Usage pulls of ${instance.settings.systemName}`} columns=${columns} rows=${instance.usagePulls} rowKey=${(p) => `${p.subscriptionId}|${p.window.start}|${p.window.end}|${p.currency}`}
      initialSort=${{ key: 'pulledAt', dir: 'desc' }}
      empty=${html`<${Empty} title="No usage pulls yet"><p>The BSS pulls Ppu/usages per subscription when it runs a billing cycle.</p><//>`} />
    ${totals.length > 0 &&
    html`<p class="pull-totals" aria-label=${`Usage totals of ${instance.settings.systemName}`}>
      Totals of these pulls: ${totals.map((t, i) => html`${i > 0 ? ' · ' : ''}<strong>${t.items}</strong> items, cost <strong>${amount(t.cost)} ${t.currency}</strong>, sell <strong>${amount(t.sell)} ${t.currency}</strong>`)}
    </p>`}
  `;
}

function FailedCalls({ label, calls }) {
  const columns = [
    { key: 'at', label: 'When', render: (f) => html`<${Time} iso=${f.at} />` },
    { key: 'trackId', label: 'Track id', render: (f) => (f.trackId ? html`<span class="mono nowrap">${f.trackId}</span>` : html`<span class="muted">none sent</span>`) },
    { key: 'route', label: 'Call', render: (f) => html`<span class="mono nowrap">${f.route}</span>` },
    { key: 'code', label: 'Code', className: 'num' },
    { key: 'message', label: 'Message the BSS was given', sortable: false, render: (f) => html`<span class="error-inline">${f.message}</span>` },
  ];
  return html`<${DataTable} label=${label} columns=${columns} rows=${calls} rowKey=${(f) => `${f.at}|${f.trackId}|${f.route}|${f.message}`}
    initialSort=${{ key: 'at', dir: 'desc' }}
    search=${{ placeholder: 'Search by track id or message', text: (f) => `${f.trackId ?? ''} ${f.route} ${f.message}` }}
    empty=${html`<${Empty} title="No failed calls" />`} />`;
}

function InstanceSection({ instance }) {
  const id = `instance-${slug(instance.id)}`;
  const name = instance.settings.systemName;
  return html`
    <section class="card distribution-instance" aria-labelledby=${id}>
      <h2 id=${id}>${name}</h2>
      <p class="hint">Instance of the registration “${instance.registrationName ?? instance.registrationId}” · linked <${Time} iso=${instance.createdAt} /></p>
      <${Settings} instance=${instance} />
      <h3 class="card-subtitle">Last Get Services Definition</h3>
      <${Definition} instance=${instance} />
      <h3 class="card-subtitle">Service providers</h3>
      <${ServiceProviders} instance=${instance} />
      <h3 class="card-subtitle">Usage pulls</h3>
      <${UsagePulls} instance=${instance} />
      <h3 class="card-subtitle">Failed calls</h3>
      <${FailedCalls} label=${`Failed calls of ${name}`} calls=${instance.failedCalls} />
    </section>
  `;
}

export function DistributionPage() {
  const overview = useResource(() => api.get('/service-managers'), []);

  useEffect(() => {
    document.title = 'Distribution · psa-bridge';
  }, []);

  const o = overview.data;
  const registrationColumns = [
    { key: 'name', label: 'Registration', render: (r) => html`<strong>${r.name}</strong>` },
    { key: 'connector', label: 'Platform' },
    { key: 'applicationId', label: 'Application id', render: (r) => html`<span class="mono">${r.applicationId}</span>` },
    { key: 'applicationKey', label: 'Application key', sortable: false, render: (r) => html`<${Secret} state=${r.applicationKey} />` },
    { key: 'instances', label: 'Instances', className: 'num', sortValue: (r) => o.instances.filter((i) => i.registrationId === r.id).length, render: (r) => o.instances.filter((i) => i.registrationId === r.id).length },
    { key: 'lastUsedAt', label: 'Last call', render: (r) => html`<${Time} iso=${r.lastUsedAt} />` },
  ];

  return html`
    <div class="page-header">
      <h1>Distribution</h1>
      <button type="button" onClick=${overview.reload} disabled=${overview.loading}>${overview.loading ? 'Reloading…' : 'Reload'}</button>
    </div>
    <p class="page-lead">Billing platforms that call psa-bridge as their service manager (interworks.cloud BSS, distributor mode): each instance is one distributor agreement, provisioning service providers under the distributor's tenant.</p>
    ${overview.error && html`<${ErrorState} message=${overview.error} onRetry=${overview.reload} />`}
    ${!o && !overview.error && html`<${Loading} label="Loading the instances…" />`}
    ${o &&
    html`
      <h2>Application registrations</h2>
      <${DataTable} label="Application registrations" columns=${registrationColumns} rows=${o.registrations} rowKey=${(r) => r.id}
        empty=${html`<${Empty} title="No billing platform is registered">
          <p>Run <code>psa-bridge service-manager register</code> and enter the base URL, application id and key it prints in the BSS.</p>
        <//>`} />
      ${o.registrations.length > 0 && o.instances.length === 0 &&
      html`<${Empty} title="No instance yet"><p>An instance appears when the BSS saves the Acronis activation form (Fields/Validate).</p><//>`}
      ${o.instances.map((instance) => html`<${InstanceSection} key=${instance.id} instance=${instance} />`)}
      ${o.unattributedFailures.length > 0 &&
      html`<section class="card distribution-instance" aria-labelledby="unattributed-title">
        <h2 id="unattributed-title">Refused before an instance was known</h2>
        <p class="hint">Calls with an unknown application, a wrong key or incomplete settings.</p>
        <${FailedCalls} label="Calls refused before an instance was known" calls=${o.unattributedFailures} />
      </section>`}
    `}
  `;
}
