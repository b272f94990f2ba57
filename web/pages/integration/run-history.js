// The run history of an integration, a page at a time (GET /integrations/:id/runs?limit&offset):
// every pass, the scheduled ones, "Run now", the demo's first passes and `psa-bridge sync`, each with
// what it means (its verdict: a pass that left companies failed did not succeed) and who started it.
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { api } from '../../api.js';
import { DataTable } from '../../components/data-table.js';
import { Empty } from '../../components/page-state.js';
import { StatusBadge } from '../../components/status-badge.js';
import { duration, Time } from '../../format.js';
import { loopLabel, LOOP_LABELS } from '../../targets.js';
import { useResource } from '../../use-resource.js';

const PAGE_SIZE = 25;
const RUNNING_REFRESH_MS = 3_000;
const STATUS_OPTIONS = [
  ['succeeded', 'Succeeded'],
  ['failed', 'Failed'],
  ['running', 'Running'],
  ['cancelled', 'Cancelled'],
];
const TRIGGER_LABELS = { demo: 'Demo setup', schedule: 'Schedule', manual: 'Run now', retry: 'Retry', sync: 'psa-bridge sync' };

/** What the counters of a run say, in a few words ("observed=32 applied=20"). */
function countersOf(stats) {
  return Object.entries(stats ?? {})
    .filter(([key, value]) => !key.startsWith('_') && typeof value === 'number' && value > 0)
    .slice(0, 6)
    .map(([key, value]) => `${key.replace(/([A-Z])/g, ' $1').toLowerCase()} ${value}`)
    .join(' · ');
}

export function RunHistory({ base, generation }) {
  const [offset, setOffset] = useState(0);
  const [loop, setLoop] = useState('');
  const [status, setStatus] = useState('');
  const query = `limit=${PAGE_SIZE}&offset=${offset}${loop ? `&loop=${encodeURIComponent(loop)}` : ''}${status ? `&status=${status}` : ''}`;
  const runs = useResource(() => api.get(`${base}/runs?${query}`), [base, query, generation]);
  const page = runs.data;
  const total = page?.total ?? 0;
  // A run listed as running is followed until it ends: its outcome is what a person waits for.
  const anyRunning = page?.items?.some((r) => r.status === 'running') === true;
  useEffect(() => {
    if (!anyRunning) return undefined;
    const timer = setTimeout(() => runs.reload(), RUNNING_REFRESH_MS);
    return () => clearTimeout(timer);
  }, [anyRunning, page]);
  const choose = (set) => (event) => {
    set(event.currentTarget.value);
    setOffset(0);
  };

  const columns = [
    { key: 'loop', label: 'Loop', sortable: false, render: (r) => loopLabel(r.loop) },
    {
      key: 'status',
      label: 'Outcome',
      sortable: false,
      render: (r) => html`<${StatusBadge} status=${r.verdict.status} label=${r.verdict.count > 0 ? `${r.verdict.status} · ${r.verdict.count}` : r.verdict.status} />
        ${r.verdict.status !== r.status && html`<span class="hint"> (the pass ${r.status === 'succeeded' ? 'returned' : r.status})</span>`}`,
    },
    { key: 'startedAt', label: 'Started', sortable: false, render: (r) => html`<${Time} iso=${r.startedAt} />` },
    { key: 'duration', label: 'Duration', sortable: false, render: (r) => duration(r.startedAt, r.finishedAt) },
    { key: 'trigger', label: 'Started by', sortable: false, render: (r) => TRIGGER_LABELS[r.stats?._run?.trigger] ?? r.stats?._run?.trigger ?? html`<span class="muted">—</span>` },
    {
      key: 'error',
      label: 'What happened',
      sortable: false,
      render: (r) => r.error ?? r.verdict.reason ?? (countersOf(r.stats) || html`<span class="muted">—</span>`),
    },
  ];

  return html`
    <section aria-labelledby="run-history-title">
      <div class="section-header">
        <h2 id="run-history-title">Run history</h2>
        <div class="inline-actions">
          <label class="table-filter"><span class="visually-hidden">Loop</span>
            <select aria-label="Loop" value=${loop} onChange=${choose(setLoop)}>
              <option value="">All loops</option>
              ${Object.entries(LOOP_LABELS).map(([value, label]) => html`<option value=${value}>${label}</option>`)}
            </select></label>
          <label class="table-filter"><span class="visually-hidden">Run status</span>
            <select aria-label="Run status" value=${status} onChange=${choose(setStatus)}>
              <option value="">Any status</option>
              ${STATUS_OPTIONS.map(([value, label]) => html`<option value=${value}>${label}</option>`)}
            </select></label>
        </div>
      </div>
      <${DataTable}
        label="Run history"
        columns=${columns}
        rows=${page?.items}
        rowKey=${(r) => r.id}
        loading=${runs.loading && !page}
        error=${runs.error}
        onRetry=${runs.reload}
        empty=${html`<${Empty} title="No runs yet"><p>Runs appear here once the loops of this integration have run.</p><//>`}
      />
      ${page &&
      total > 0 &&
      html`<nav class="pager" aria-label="Run history pages">
        <button type="button" disabled=${offset === 0} onClick=${() => setOffset(Math.max(0, offset - PAGE_SIZE))}>Newer</button>
        <span aria-live="polite">Runs ${offset + 1}–${Math.min(offset + PAGE_SIZE, total)} of ${total}</span>
        <button type="button" disabled=${offset + PAGE_SIZE >= total} onClick=${() => setOffset(offset + PAGE_SIZE)}>Older</button>
      </nav>`}
    </section>
  `;
}
