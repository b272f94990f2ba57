// One customer of an integration (/integrations/:id/customers/:companyId): its tenant, contracts
// with each line named by the service it sells, quotas against what it uses, the tickets raised for
// it, the problems open for it (with what to do) and who changed its mapping when (the audit log).
// The company/account word is the target's (GET /api/v1/targets `words`).
import { partnerText } from '../components/partner-column.js';
import { html } from 'htm/preact';
import { useEffect } from 'preact/hooks';
import { api } from '../api.js';
import { DataTable } from '../components/data-table.js';
import { ErrorState, Loading } from '../components/page-state.js';
import { StatusBadge } from '../components/status-badge.js';
import { Time } from '../format.js';
import { useResource } from '../use-resource.js';

const SEVERITY = { error: ['failed', 'Error'], warning: ['degraded', 'Warning'], info: ['cancelled', 'Note'] };
const ACTION_WORDS = {
  'mapping.map': 'Mapped to an existing tenant',
  'mapping.propose': 'Proposed for mapping',
  'mapping.map_new': 'Mapped to a new tenant',
  'mapping.unlink': 'Mapping removed',
  'mapping.apply': 'Proposed mapping applied',
  'provisioning.approve_reductions': 'Service reductions approved',
};
const actionWords = (action) => ACTION_WORDS[action] ?? action.replace(/[._]/g, ' ');
const capital = (word) => word.replace(/^./, (c) => c.toUpperCase());
const amount = (n, unit) => (n === null ? null : `${n}${unit ? ` ${unit}` : ''}`);

function historyDetail(entry) {
  const d = entry.details;
  if (d.tenantName) return `Tenant "${d.tenantName}"`;
  if (Array.isArray(d.changes)) return d.changes.join('; ');
  return '';
}

export function CustomerPage({ id, companyId }) {
  const resource = useResource(
    () =>
      Promise.all([api.get(`/integrations/${encodeURIComponent(id)}`), api.get('/targets'), api.get(`/integrations/${encodeURIComponent(id)}/customers/${encodeURIComponent(companyId)}`)]).then(
        ([integration, targets, customer]) => ({ integration, target: targets.items.find((t) => t.target === integration.target), customer }),
      ),
    [id, companyId],
  );
  const data = resource.data;
  useEffect(() => {
    document.title = `${data?.customer.company.name ?? 'Customer'} · psa-bridge`;
  }, [data?.customer.company.name]);
  if (resource.error && !data) return html`<h1>Customer</h1><${ErrorState} message=${resource.error} onRetry=${resource.reload} />`;
  if (!data) return html`<${Loading} label="Loading the customer…" />`;
  const { integration, target, customer: c } = data;
  const base = `/integrations/${integration.id}`;
  const companyWord = target?.words.company ?? 'company';
  const psa = target?.label ?? integration.target;

  const lines = c.contracts.flatMap((contract) => contract.lines.map((line) => ({ ...line, contract })));
  const lineColumns = [
    { key: 'contract', label: 'Contract', sortValue: (l) => l.contract.name, render: (l) => html`${l.contract.name}${!l.contract.active && html`<span class="cell-note">Not in effect${l.contract.endDate ? ` since ${l.contract.endDate.slice(0, 10)}` : ''}</span>`}` },
    { key: 'service', label: 'Service', render: (l) => l.service ?? html`<span class="muted">Not a mapped service</span>` },
    { key: 'quantity', label: 'Quantity', render: (l) => String(l.quantity) },
    { key: 'billing', label: 'Billing', render: (l) => (l.billing === 'payg' ? 'Pay as you go' : 'Prepaid') },
    { key: 'active', label: 'Line', sortValue: (l) => (l.active ? 0 : 1), render: (l) => html`<${StatusBadge} status=${l.active ? 'enabled' : 'disabled'} label=${l.active ? 'In effect' : 'Ended'} />` },
  ];
  const quotaColumns = [
    { key: 'item', label: 'Service' },
    { key: 'quota', label: 'Quota', sortValue: (q) => q.quota ?? Number.MAX_SAFE_INTEGER, render: (q) => (q.quota === null ? 'Unlimited' : amount(q.quota, q.unit)) },
    { key: 'used', label: 'In use', sortValue: (q) => q.used ?? -1, render: (q) => amount(q.used, q.unit) ?? html`<span class="muted">—</span>` },
    { key: 'over', label: 'Check', sortValue: (q) => (q.over ? 0 : 1), render: (q) => html`<${StatusBadge} status=${q.over ? 'failed' : 'succeeded'} label=${q.over ? 'Over quota' : 'Within quota'} />` },
  ];
  const ticketColumns = [
    { key: 'ticketNumber', label: 'Ticket', render: (t) => t.ticketNumber ?? html`<span class="muted">—</span>` },
    { key: 'title', label: 'Title', render: (t) => t.title ?? t.alertType },
    { key: 'state', label: 'State', render: (t) => html`<${StatusBadge} status=${t.state === 'open' ? 'running' : 'cancelled'} label=${t.state.replace(/_/g, ' ')} />` },
    { key: 'openedAt', label: 'Opened', render: (t) => html`<${Time} iso=${t.openedAt} />` },
  ];
  const problemColumns = [
    { key: 'severity', label: 'Severity', sortValue: (p) => ['error', 'warning', 'info'].indexOf(p.severity), render: (p) => html`<${StatusBadge} status=${(SEVERITY[p.severity] ?? SEVERITY.info)[0]} label=${(SEVERITY[p.severity] ?? SEVERITY.info)[1]} />` },
    { key: 'service', label: 'Service', render: (p) => p.service ?? html`<span class="muted">—</span>` },
    { key: 'message', label: 'Problem', sortable: false },
    { key: 'advice', label: 'What to do', sortable: false },
  ];
  const historyColumns = [
    { key: 'at', label: 'When', render: (h) => html`<${Time} iso=${h.at} />` },
    { key: 'actor', label: 'Who', render: (h) => h.actor.replace(/^user:/, '') },
    { key: 'action', label: 'What', render: (h) => actionWords(h.action) },
    { key: 'detail', label: 'Detail', sortable: false, render: (h) => historyDetail(h) || html`<span class="muted">—</span>` },
  ];

  return html`
    <nav class="breadcrumbs" aria-label="Breadcrumb">
      <a href="/integrations">Integrations</a> <span aria-hidden="true">/</span>
      <a href=${`${base}/mapping`}>${integration.name}</a> <span aria-hidden="true">/</span>
      <span aria-current="page">${c.company.name}</span>
    </nav>
    <div class="page-header">
      <div>
        <h1>${c.company.name}</h1>
        <p class="page-lead">
          ${capital(companyWord)} in ${psa} · <${StatusBadge} status=${c.company.state} label=${c.company.stateLabel} />
          ${c.tenant ? html` · customer tenant <strong>${c.tenant.name}</strong>${c.tenant.enabled === false ? html` <span class="badge badge-neutral">disabled</span>` : ''}${c.tenant.partner ? html` · partner <strong>${partnerText(c.tenant.partner)}</strong>` : ''}` : ' · no customer tenant'}
        </p>
        ${c.company.error && html`<div class="alert alert-error" role="alert">${c.company.error}</div>`}
      </div>
    </div>

    <h2>Problems</h2>
    <${DataTable} label="Customer problems" columns=${problemColumns} rows=${c.problems} rowKey=${(p) => `${p.loop}/${p.code}/${p.message}`} empty="No open problem for this customer." initialSort=${{ key: 'severity', dir: 'asc' }} />

    <h2>Contracts</h2>
    <${DataTable} label="Contract lines" columns=${lineColumns} rows=${lines} rowKey=${(l) => `${l.contract.id}/${l.lineId}`} empty=${`No contract of this ${companyWord} has been read from ${psa}.`} />

    <h2>Quotas and usage</h2>
    ${c.quotasError && html`<div class="alert alert-warning" role="alert">The quotas could not be read from the cloud now: ${c.quotasError}</div>`}
    ${c.tenant
      ? html`<${DataTable} label="Quotas and usage" columns=${quotaColumns} rows=${c.quotas} rowKey=${(q) => q.item} empty="No service is enabled for the tenant." initialSort=${{ key: 'over', dir: 'asc' }} />`
      : html`<p class="muted">Not mapped to a customer tenant yet.</p>`}

    <h2>Tickets</h2>
    <${DataTable} label="Customer tickets" columns=${ticketColumns} rows=${c.tickets} rowKey=${(t) => t.id} empty="No ticket has been raised for this customer." />

    <h2>Mapping history</h2>
    <${DataTable} label="Mapping history" columns=${historyColumns} rows=${c.history} rowKey=${(h) => `${h.at}/${h.action}`} empty="No change of this mapping is recorded." initialSort=${{ key: 'at', dir: 'desc' }} />
  `;
}
