// Summary: the integration's state, the latest run of each loop with its error, and recent runs.
// Accounts, tickets and the dry-run plan arrive with the loops that produce them.
import { html } from 'htm/preact';
import { api } from '../../api.js';
import { DataTable } from '../../components/data-table.js';
import { Empty } from '../../components/page-state.js';
import { StatusBadge } from '../../components/status-badge.js';
import { duration, Time } from '../../format.js';
import { HEALTH_LABELS, loopLabel } from '../../targets.js';
import { useResource } from '../../use-resource.js';

const RUN_STATUS = ['succeeded', 'failed', 'running', 'cancelled'].map((value) => ({ value, label: value }));

export default function SummaryTab({ integration }) {
  const runs = useResource(() => api.get(`/integrations/${integration.id}/runs?limit=100`).then((r) => r.items), [integration.id]);
  const failing = integration.health.loops.filter((run) => run.status === 'failed');

  const columns = [
    { key: 'loop', label: 'Loop', sortValue: (r) => loopLabel(r.loop), render: (r) => loopLabel(r.loop) },
    { key: 'status', label: 'Status', render: (r) => html`<${StatusBadge} status=${r.status} />` },
    { key: 'startedAt', label: 'Started', render: (r) => html`<${Time} iso=${r.startedAt} />` },
    { key: 'duration', label: 'Duration', sortable: false, render: (r) => duration(r.startedAt, r.finishedAt) },
    { key: 'error', label: 'Error', sortable: false, render: (r) => r.error ?? html`<span class="muted">—</span>` },
  ];

  return html`
    <div class="summary-cards">
      <section class="card stat" aria-label="Status">
        <span class="stat-label">Status</span>
        <${StatusBadge} status=${integration.health.status} label=${HEALTH_LABELS[integration.health.status]} />
      </section>
      <section class="card stat" aria-label="Loops">
        <span class="stat-label">Loops that ran</span>
        <span class="stat-value">${integration.health.loops.length}</span>
      </section>
      <section class="card stat" aria-label="Failing loops">
        <span class="stat-label">Failing loops</span>
        <span class="stat-value">${failing.length}</span>
      </section>
      <section class="card stat muted-card" aria-label="Accounts and tickets">
        <span class="stat-label">Accounts · tickets</span>
        <span class="hint">Counted once the connector's loops run</span>
      </section>
    </div>

    ${failing.length > 0 &&
    html`<div class="alert alert-error" role="alert">
      <strong>Errors</strong>
      <ul>${failing.map((run) => html`<li><strong>${loopLabel(run.loop)}:</strong> ${run.error ?? 'failed without a message'}</li>`)}</ul>
    </div>`}

    <h2>Last run per loop</h2>
    <${DataTable}
      label="Last run per loop"
      columns=${columns}
      rows=${integration.health.loops}
      rowKey=${(r) => r.id}
      empty=${html`<${Empty} title="No loop has run yet"><p>Runs appear here once the loops of this integration are scheduled.</p><//>`}
    />

    <h2>Recent runs</h2>
    <${DataTable}
      label="Recent runs"
      columns=${columns}
      rows=${runs.data}
      rowKey=${(r) => r.id}
      loading=${runs.loading}
      error=${runs.error}
      onRetry=${runs.reload}
      filters=${[{ key: 'status', label: 'Status', options: RUN_STATUS, test: (r, v) => r.status === v }]}
      empty=${html`<${Empty} title="No runs yet" />`}
    />
  `;
}
