// Summary (seed 002 §8 "Status OK · Accounts Total/Linked · Tickets New", and more): the integration's
// status, accounts total and linked, new tickets, the API budget, the last run and last error of each
// loop (with "Run now"), the dry-run plan of the next sync grouped by company, and the charts:
// contracted vs used units per customer over time, tickets opened and closed per day.
import { partnerColumns, partnerText } from '../../components/partner-column.js';
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { api, messageOf } from '../../api.js';
import { TimeChart } from '../../components/chart.js';
import { DataTable } from '../../components/data-table.js';
import { CsvDownload } from '../../components/csv-download.js';
import { Empty, ErrorState, Loading } from '../../components/page-state.js';
import { StatusBadge } from '../../components/status-badge.js';
import { toast } from '../../components/toasts.js';
import { Time } from '../../format.js';
import { HealthBadge } from '../../components/health-badge.js';
import { loopLabel } from '../../targets.js';
import { useResource } from '../../use-resource.js';
import { ApprovalsSection } from './approvals.js';
import { PlanProblems } from './plan-problems.js';
import { RunHistory } from './run-history.js';

const OP_LABELS = {
  set_offering_items: 'Set offering items',
  create_tenant: 'Create customer tenant',
  create_admin: 'Create admin account',
  write_usage: 'Write usage',
  disable_tenant: 'Disable customer',
  delete_tenant: 'Delete customer',
  zero_quotas: 'Set quotas to zero',
  // The alerts and tickets loops (src/domain/ticket-plan.ts).
  create_ticket: 'Create ticket',
  add_note: 'Add note',
  reopen_ticket: 'Reopen ticket',
  close_ticket: 'Close ticket',
  wait_unmapped: 'Wait: customer not mapped',
  defer: 'Wait: PSA budget spent',
  park: 'Parked after failures',
  nothing: 'No ticket',
  clear_alert: 'Clear alert',
  record_close: 'Record technician close',
  record_reopen: 'Record technician reopen',
};
const words = (kind) => OP_LABELS[kind] ?? String(kind ?? 'change').replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());

export default function SummaryTab({ integration, target, reloadIntegration }) {
  const base = `/integrations/${integration.id}`;
  const summary = useResource(() => api.get(`${base}/summary`), [integration.id]);
  const [running, setRunning] = useState(null);
  // Bumped after a run, so the charts show what the run recorded.
  const [generation, setGeneration] = useState(0);

  const runNow = async (loop) => {
    setRunning(loop);
    try {
      const result = await api.post(`${base}/loops/${loop}/run`);
      // The verdict, not the runner's "ok": a pass that left companies failed did not succeed.
      const verdict = result.verdict ?? { status: result.status, reason: result.error };
      if (verdict.status === 'failed') toast.error(`${loopLabel(loop)} failed: ${verdict.reason ?? result.error ?? 'no reason recorded'}`);
      else if (verdict.status === 'degraded') toast.error(`${loopLabel(loop)} ran with problems: ${verdict.reason}`);
      else toast.success(`${loopLabel(loop)} ran: ${verdict.status}.`);
      summary.reload();
      setGeneration((g) => g + 1);
      reloadIntegration?.();
    } catch (error) {
      toast.error(error);
    } finally {
      setRunning(null);
    }
  };

  const s = summary.data;
  const verdictOf = (loop) => s?.health.loops.find((l) => l.loop === loop) ?? null;
  const reasons = s?.health.reasons ?? [];
  const loopColumns = [
    { key: 'loop', label: 'Loop', sortValue: (l) => loopLabel(l.loop), render: (l) => loopLabel(l.loop) },
    {
      key: 'status',
      label: 'Last run',
      sortValue: (l) => verdictOf(l.loop)?.status ?? '',
      render: (l) => {
        const v = verdictOf(l.loop);
        if (!l.lastRun) return html`<span class="muted">never</span>`;
        return html`<${StatusBadge} status=${v?.status ?? l.lastRun.status} label=${v && v.count > 0 ? `${v.status} · ${v.count}` : undefined} /> <${Time} iso=${l.lastRun.startedAt} />
          ${v?.reason && v.status !== 'failed' && html`<span class=${`health-reason ${v.status}`}>${v.reason}</span>`}`;
      },
    },
    { key: 'lastError', label: 'Last error', sortable: false, render: (l) => (l.lastError ? html`<span class="error-inline">${l.lastError.message}</span> <span class="hint"><${Time} iso=${l.lastError.at} /></span>` : html`<span class="muted">—</span>`) },
  ];

  return html`
    ${summary.error && html`<${ErrorState} message=${summary.error} onRetry=${summary.reload} />`}
    ${!s && !summary.error && html`<${Loading} label="Loading the summary…" />`}
    ${s &&
    html`
      <div class="summary-cards">
        <section class="card stat" aria-label="Status">
          <span class="stat-label">Status</span>
          <${HealthBadge} health=${s.health} />
        </section>
        <section class="card stat" aria-label="Accounts">
          <span class="stat-label">Accounts</span>
          <span class="stat-value">${s.companies.total}</span>
          <span class="hint">Linked: <strong>${s.companies.linked}</strong>${s.companies.byState.failed ? html` · failed: <strong>${s.companies.byState.failed}</strong>` : ''}</span>
        </section>
        <section class="card stat" aria-label="Tickets">
          <span class="stat-label">Tickets · new</span>
          <span class="stat-value">${s.tickets?.new ?? '—'}</span>
          <span class="hint">${s.tickets ? `${s.tickets.byState.closed + s.tickets.byState.alert_cleared} closed` : 'No tickets for this target'}</span>
        </section>
        <section class="card stat" aria-label="API budget">
          <span class="stat-label">API budget</span>
          ${s.apiBudget
            ? html`<span class="stat-value">${s.apiBudget.used}${s.apiBudget.limit ? html`<span class="stat-of"> / ${s.apiBudget.limit}</span>` : ''}</span>
                <span class="hint">calls per ${Math.round(s.apiBudget.windowMs / 60000)} min${s.apiBudget.rateLimited ? ` · ${s.apiBudget.rateLimited} rate-limited` : ''}${s.apiBudget.waitUntil ? ' · waiting' : ''}</span>`
            : html`<span class="hint">${s.apiBudgetError ?? 'Not reported by this target'}</span>`}
        </section>
      </div>
      ${reasons.length > 0 &&
      html`<div class=${`alert ${s.health.status === 'failed' ? 'alert-error' : 'alert-warning'}`} role="alert">
        <strong>${s.health.status === 'failed' ? 'Failed' : 'Degraded'}: what is wrong</strong>
        <ul>${reasons.map((r) => html`<li><strong>${r.source === 'mappings' ? 'Customers' : r.source === 'api-budget' ? 'API budget' : loopLabel(r.source)}:</strong> ${r.message}</li>`)}</ul>
      </div>`}
      <${ApprovalsSection} base=${base} generation=${generation} companyWord=${target.words.company} onApproved=${() => { summary.reload(); setGeneration((g) => g + 1); reloadIntegration?.(); }} />
      <${ProblemsSection} base=${base} generation=${generation} />
      <h2>Loops</h2>
      <${DataTable}
        label="Loops"
        columns=${loopColumns}
        rows=${s.loops}
        rowKey=${(l) => l.loop}
        actions=${(l) => html`<div class="row-actions"><button type="button" onClick=${() => runNow(l.loop)} disabled=${running !== null || !integration.enabled} aria-label=${`Run ${loopLabel(l.loop)} now`}>${running === l.loop ? 'Running…' : 'Run now'}</button></div>`}
      />
    `}

    <${PlanSection} base=${base} />
    <${Charts} base=${base} generation=${generation} />
    ${target.kind === 'psa' && html`<${PrepaidUsageSection} base=${base} generation=${generation} />`}

    <${RunHistory} base=${base} generation=${generation} />
  `;
}

/** The next sync as a dry run: per loop its counts, the planned changes grouped by company. */
function PlanSection({ base }) {
  const [state, setState] = useState({ loading: false, plan: null, error: null, names: new Map() });
  const load = async () => {
    setState((x) => ({ ...x, loading: true, error: null }));
    try {
      const [summary, mappings] = await Promise.all([api.get(`${base}/summary?plan=true`), api.get(`${base}/mappings?limit=1000`).catch(() => ({ items: [] }))]);
      setState({ loading: false, plan: summary.plan ?? [], error: null, names: new Map(mappings.items.map((m) => [m.companyId, m.companyName])) });
    } catch (error) {
      setState((x) => ({ ...x, loading: false, error: messageOf(error) }));
    }
  };
  const plan = state.plan;
  // Changes and problems apart: a company whose plan holds only a problem is not a change.
  const total = plan ? plan.reduce((n, l) => n + (l.changes ?? l.planned), 0) : 0;
  const problemCount = plan ? plan.reduce((n, l) => n + (l.problems ?? 0), 0) : 0;
  return html`
    <section class="plan" aria-labelledby="plan-title">
      <div class="section-header">
        <h2 id="plan-title">Next sync (dry run)</h2>
        <button type="button" onClick=${load} disabled=${state.loading}>${state.loading ? 'Planning…' : plan ? 'Plan again' : 'Show what the next sync would do'}</button>
      </div>
      <p class="hint">A dry run reads both sides and plans, but changes nothing.</p>
      ${state.error && html`<div class="alert alert-error" role="alert">${state.error}</div>`}
      ${plan &&
      html`<p class="plan-total" aria-live="polite">
          <strong>${total === 0 ? 'Nothing to change' : `${total} change${total === 1 ? '' : 's'} planned`}</strong>
          ${problemCount > 0 && html` · <strong class="plan-problem-count">${problemCount} problem${problemCount === 1 ? '' : 's'}</strong> left open`} across ${plan.length} loops.
        </p>
        ${plan.map((loop) => html`<${PlanLoop} key=${loop.loop} loop=${loop} names=${state.names} base=${base} />`)}`}
    </section>
  `;
}

/** [name, operations, partner] per company; `partner` as the API sent it (only with several partner tenants). */
function groupsOf(loop, names) {
  const groups = new Map();
  for (const item of loop.sample) {
    const companyId = item?.companyId ?? null;
    const name = item?.companyName ?? (companyId ? names.get(companyId) : null) ?? companyId ?? item?.tenantId ?? 'Integration';
    const ops = Array.isArray(item?.operations) ? item.operations : [item];
    // A company plan that only holds problems is listed with the problems, not as a change.
    if (ops.length === 0) continue;
    const group = groups.get(name) ?? { ops: [], partner: item?.partner };
    group.ops.push(...ops);
    groups.set(name, group);
  }
  return [...groups.entries()].map(([name, g]) => [name, g.ops, g.partner]);
}

/** A vendor item name as people say it: pw_base_m365_seats → "m365 seats", pw_pack_adv_security → "adv security". */
const itemWords = (name) => String(name).replace(/^pw_(base|pack)_/, '').replace(/_/g, ' ');

function describe(op) {
  if (op?.kind === 'set_offering_items' && Array.isArray(op.changes)) {
    const parts = op.changes.map((c) => `${itemWords(c.name)}${c.enabled === false ? ' off' : c.quota ? ` → ${c.quota.value === null ? 'unlimited' : c.quota.value}` : ' on'}`);
    return `${op.changes.length} item${op.changes.length === 1 ? '' : 's'}: ${parts.slice(0, 6).join(', ')}${parts.length > 6 ? `, +${parts.length - 6} more` : ''}`;
  }
  // A contract line by the service it sells, not its id.
  if (op?.kind === 'write_usage') return `${op.service ?? `line ${op.lineId}`}: ${op.previous} → ${op.quantity}`;
  // A ticket loop's entry: the alert type, the ticket it concerns, and what is written.
  if (typeof op?.what === 'string') {
    const alert = op.alertTypeName ?? op.alertType;
    const ticket = op.ticketNumber ?? op.ticketId;
    return [alert, ticket ? `ticket ${ticket}` : null, op.what].filter(Boolean).join(' · ');
  }
  const detail = op?.name ?? op?.login ?? op?.tenantName ?? op?.title ?? op?.alertType;
  return detail ? String(detail) : '';
}

function PlanLoop({ loop, names, base }) {
  const groups = groupsOf(loop, names);
  const changes = loop.changes ?? loop.planned;
  return html`
    <details class="plan-loop" open=${changes > 0 || loop.problems > 0}>
      <summary>
        <strong>${loopLabel(loop.loop)}</strong>
        ${loop.error
          ? html` <${StatusBadge} status="failed" label="could not plan" />`
          : html` <span class="badge ${changes ? 'badge-busy' : 'badge-neutral'}">${changes} change${changes === 1 ? '' : 's'}</span>
              ${loop.problems > 0 && html` <span class="badge badge-warn">${loop.problems} problem${loop.problems === 1 ? '' : 's'}</span>`}`}
        ${loop.stats?.skipped ? html` <span class="hint">skipped: ${String(loop.stats.skipped).replace(/_/g, ' ')}</span>` : ''}
      </summary>
      ${loop.error && html`<p class="error-text">${loop.error}</p>`}
      ${groups.length > 0 &&
      html`<ul class="plan-groups">
        ${groups.map(
          ([name, ops, partner]) => html`<li>
            <span class="plan-company">${name}</span>${partner && html`<span class="hint plan-partner"> · partner ${partnerText(partner)}</span>`}
            <ul>${ops.map((op) => html`<li><span class="plan-op">${words(op?.kind)}</span> <span class="hint">${describe(op)}</span></li>`)}</ul>
          </li>`,
        )}
      </ul>`}
      ${loop.planned > loop.sample.length && html`<p class="hint">Showing the first ${loop.sample.length} of ${loop.planned}.</p>`}
      ${loop.problemList?.length > 0 && html`<${PlanProblems} problems=${loop.problemList} total=${loop.problems} base=${base} />`}
    </details>
  `;
}

function Charts({ base, generation }) {
  const [company, setCompany] = useState('');
  const usage = useResource(() => api.get(`${base}/charts/usage?days=60${company ? `&company=${encodeURIComponent(company)}` : ''}`), [base, company, generation]);
  const tickets = useResource(() => api.get(`${base}/charts/tickets?days=30`), [base, generation]);
  const u = usage.data;
  return html`
    <h2>Charts</h2>
    <div class="chart-grid">
      <section class="card" aria-labelledby="usage-chart-title">
        <div class="section-header">
          <h3 id="usage-chart-title">Contracted vs used, per customer</h3>
          ${u && u.companies.length > 0 &&
          html`<label class="table-filter"><span class="visually-hidden">Customer</span>
            <select aria-label="Customer" value=${u.company?.companyId ?? ''} onChange=${(e) => setCompany(e.currentTarget.value)}>
              ${u.companies.map((c) => html`<option value=${c.companyId}>${c.companyName}</option>`)}
            </select></label>`}
        </div>
        ${usage.error && html`<${ErrorState} message=${usage.error} onRetry=${usage.reload} />`}
        ${!u && !usage.error && html`<${Loading} />`}
        ${u && u.items.length === 0 && html`<${Empty} title="No usage history yet"><p>The usage loop records contracted and used units once a day for mapped customers with a contract.</p><//>`}
        ${u &&
        u.items.map(
          (item) => html`<div class="chart-item">
            <h4>${item.label}</h4>
            <${TimeChart}
              label=${`${u.company?.companyName}: ${item.label}, contracted vs used ${item.unit}`}
              days=${u.days}
              unit=${item.unit === 'GB' ? 'GB' : ''}
              integer
              height=${180}
              series=${[
                { label: 'Contracted', values: item.contracted, color: '#1f5fbf', dash: true },
                { label: 'Used', values: item.used, color: '#c2410c' },
              ]}
            />
          </div>`,
        )}
      </section>
      <section class="card" aria-labelledby="tickets-chart-title">
        <h3 id="tickets-chart-title">Tickets opened and closed per day</h3>
        ${tickets.error && html`<${ErrorState} message=${tickets.error} onRetry=${tickets.reload} />`}
        ${!tickets.data && !tickets.error && html`<${Loading} />`}
        ${tickets.data &&
        html`<p class="hint">${tickets.data.openNow} open now</p>
          <${TimeChart}
            label="Tickets opened and closed per day"
            integer
            days=${tickets.data.days}
            series=${[
              { label: 'Opened', values: tickets.data.opened, color: '#b42318', bars: true },
              { label: 'Closed', values: tickets.data.closed, color: '#137333' },
            ]}
          />`}
      </section>
    </div>
  `;
}

const SEVERITY_LABELS = { error: 'Error', warning: 'Warning', info: 'Note' };
const SEVERITY_TONE = { error: 'failed', warning: 'degraded', info: 'cancelled' };

/** The open plan problems: the company, the service, what is wrong and what to do. */
function ProblemsSection({ base, generation }) {
  const problems = useResource(() => api.get(`${base}/problems`).then((r) => r.items), [base, generation]);
  const columns = [
    { key: 'severity', label: 'Severity', sortValue: (p) => ['error', 'warning', 'info'].indexOf(p.severity), render: (p) => html`<${StatusBadge} status=${SEVERITY_TONE[p.severity] ?? 'cancelled'} label=${SEVERITY_LABELS[p.severity] ?? p.severity} />` },
    { key: 'company', label: 'Company', sortValue: (p) => p.company.name ?? p.company.id, render: (p) => html`<a href=${`${base}/customers/${encodeURIComponent(p.company.id)}`}>${p.company.name ?? p.company.id}</a>` },
    ...partnerColumns(problems.data),
    { key: 'service', label: 'Service', sortValue: (p) => p.service ?? '', render: (p) => p.service ?? html`<span class="muted">—</span>` },
    { key: 'message', label: 'Problem', sortable: false, render: (p) => p.message },
    { key: 'advice', label: 'What to do', sortable: false, render: (p) => p.advice },
  ];
  if (problems.data && problems.data.length === 0) return null;
  return html`
    <h2>Problems</h2>
    <${DataTable}
      label="Problems"
      columns=${columns}
      rows=${problems.data}
      rowKey=${(p) => `${p.loop}/${p.company.id}/${p.code}/${p.message}`}
      loading=${problems.loading}
      error=${problems.error}
      onRetry=${problems.reload}
      search=${{ placeholder: 'Search problems', text: (p) => `${p.company.name ?? ''} ${p.service ?? ''} ${p.message}` }}
      filters=${[{ key: 'severity', label: 'Severity', options: Object.entries(SEVERITY_LABELS).map(([value, label]) => ({ value, label })), test: (p, v) => p.severity === v }]}
      initialSort=${{ key: 'severity', dir: 'asc' }}
    />
  `;
}

/**
 * Prepaid usage against the contract (the vendor's PREPAID rule: compared, never written): one row per
 * customer and item, customers over their contracted quantity first — the list to bill overage from.
 */
function PrepaidUsageSection({ base, generation }) {
  const report = useResource(() => api.get(`${base}/prepaid-usage`), [base, generation]);
  const rows = (report.data?.customers ?? []).flatMap((c) => c.rows.map((r) => ({ ...r, companyId: c.companyId, companyName: c.companyName, tenantName: c.tenantName, partner: c.partner })));
  const unit = (r, n) => (n === null ? html`<span class="muted">—</span>` : `${n}${r.billingUnit === 'GB' ? ' GB' : ''}`);
  const columns = [
    { key: 'companyName', label: 'Customer', render: (r) => html`<strong>${r.companyName}</strong>` },
    ...partnerColumns(rows),
    { key: 'label', label: 'Service', render: (r) => r.label },
    { key: 'contracted', label: 'Contracted', render: (r) => unit(r, r.contracted) },
    { key: 'usage', label: 'Used', sortValue: (r) => r.usage ?? -1, render: (r) => unit(r, r.usage) },
    { key: 'quotaValue', label: 'Quota', sortValue: (r) => r.quotaValue ?? Number.MAX_SAFE_INTEGER, render: (r) => (r.quotaValue === null ? 'Unlimited' : unit(r, r.quotaValue)) },
    { key: 'overage', label: 'Overage', render: (r) => (r.over ? html`<strong>${unit(r, r.overage)}</strong>` : unit(r, r.overage)) },
    { key: 'over', label: 'Status', sortValue: (r) => (r.over ? 0 : 1), render: (r) => html`<${StatusBadge} status=${r.over ? 'failed' : 'succeeded'} label=${r.over ? 'Over contract' : 'Within contract'} />` },
  ];
  return html`
    <div class="section-header"><h2>Prepaid usage</h2><${CsvDownload} path=${`${base}/prepaid-usage.csv`} label="Download usage CSV" /></div>
    <p class="hint">Usage of prepaid services against the contracted quantity; nothing is written to the contract.${report.data ? ` ${report.data.overCount} customer${report.data.overCount === 1 ? '' : 's'} over contract.` : ''}</p>
    <${DataTable}
      label="Prepaid usage"
      columns=${columns}
      rows=${report.data ? rows : undefined}
      rowKey=${(r) => `${r.companyId}/${r.itemKey}/${r.infraId ?? ''}`}
      loading=${report.loading}
      error=${report.error}
      onRetry=${report.reload}
      search=${{ placeholder: 'Search customers or services', text: (r) => `${r.companyName} ${r.label}` }}
      filters=${[{ key: 'over', label: 'Contract', options: [{ value: 'over', label: 'Over contract' }, { value: 'within', label: 'Within contract' }], test: (r, v) => (v === 'over' ? r.over : !r.over) }]}
      initialSort=${{ key: 'over', dir: 'asc' }}
      empty="No mapped customer has prepaid services."
    />
  `;
}
