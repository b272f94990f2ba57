// Integrations with their health: one row per integration, the latest run of each loop in words.
import { html } from 'htm/preact';
import { useEffect } from 'preact/hooks';
import { api } from '../api.js';
import { DataTable } from '../components/data-table.js';
import { Empty } from '../components/page-state.js';
import { HealthBadge } from '../components/health-badge.js';
import { StatusBadge } from '../components/status-badge.js';
import { Time } from '../format.js';
import { FEATURE_LABELS, HEALTH_LABELS, loopLabel } from '../targets.js';
import { useResource } from '../use-resource.js';

function LoopHealth({ loops }) {
  if (loops.length === 0) return html`<span class="muted">No run yet</span>`;
  return html`<ul class="loop-list">
    ${loops.map(
      (run) => html`<li>
        <${StatusBadge} status=${run.status} />
        <span>${loopLabel(run.loop)}</span>
        <span class="muted"><${Time} iso=${run.finishedAt ?? run.startedAt} /></span>
      </li>`,
    )}
  </ul>`;
}

export function IntegrationsPage() {
  const integrations = useResource(() => api.get('/integrations').then((r) => r.items), []);
  // The targets' labels, as their connectors declare them; an id is shown until they are read.
  const targets = useResource(() => api.get('/targets').then((r) => r.items), []);
  const labels = Object.fromEntries((targets.data ?? []).map((t) => [t.target, t.label]));
  const targetLabel = (target) => labels[target] ?? target;
  useEffect(() => {
    document.title = 'Integrations · psa-bridge';
  }, []);

  const columns = [
    { key: 'name', label: 'Name', render: (i) => html`<a href=${`/integrations/${i.id}/settings`} class="strong-link">${i.name}</a>` },
    { key: 'target', label: 'Target', sortValue: (i) => targetLabel(i.target), render: (i) => targetLabel(i.target) },
    { key: 'connection', label: 'Connection', sortValue: (i) => i.connection.name ?? '', render: (i) => i.connection.name ?? html`<span class="muted">missing</span>` },
    { key: 'enabled', label: 'Enabled', sortValue: (i) => (i.enabled ? 0 : 1), render: (i) => (i.enabled ? 'Yes' : 'No') },
    {
      key: 'features',
      label: 'Features',
      sortable: false,
      render: (i) => {
        const on = Object.entries(i.features).filter(([, v]) => v).map(([k]) => FEATURE_LABELS[k] ?? k);
        return on.length ? on.join(', ') : html`<span class="muted">None</span>`;
      },
    },
    { key: 'health', label: 'Health', sortValue: (i) => i.health.status, render: (i) => html`<${HealthBadge} health=${i.health} />` },
    { key: 'loops', label: 'Last runs', sortable: false, render: (i) => html`<${LoopHealth} loops=${i.health.loops} />` },
  ];

  return html`
    <div class="page-header">
      <h1>Integrations</h1>
      <a class="button primary" href="/integrations/new">Add integration</a>
    </div>
    <${DataTable}
      label="Integrations"
      columns=${columns}
      source=${integrations}
      rowKey=${(i) => i.id}
      search=${{ placeholder: 'Search integrations', text: (i) => `${i.name} ${targetLabel(i.target)} ${i.connection.name ?? ''}` }}
      filters=${[
        { key: 'target', label: 'Target', options: Object.entries(labels).map(([value, label]) => ({ value, label })), test: (i, v) => i.target === v },
        { key: 'health', label: 'Health', options: Object.entries(HEALTH_LABELS).map(([value, label]) => ({ value, label })), test: (i, v) => i.health.status === v },
      ]}
      initialSort=${{ key: 'name', dir: 'asc' }}
      empty=${html`<${Empty} title="No integrations yet">
        <p>An integration links a connection to a PSA or billing system.</p>
        <a class="button primary" href="/integrations/new">Add integration</a>
      <//>`}
    />
  `;
}
