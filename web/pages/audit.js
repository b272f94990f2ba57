// Audit: who changed which mapping or setting, and what each pass wrote, newest first. Filters by
// integration, person and kind live in the address (a filtered view can be bookmarked); "Older"
// pages back in time with the hub's `before` cursor.
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { ErrorState, Empty, Loading } from '../components/page-state.js';
import { Time } from '../format.js';
import { navigate } from '../router.js';
import { useResource } from '../use-resource.js';

const KINDS = [
  ['mapping', 'Mappings'], ['setting', 'Settings'], ['integration', 'Integrations'], ['connection', 'Connections'], ['user', 'Users'],
  ['token', 'API tokens'], ['sign_in', 'Sign-ins'], ['approval', 'Approvals'], ['callback', 'Callbacks'], ['pass', 'Pass writes'],
];
const KIND_LABEL = Object.fromEntries(KINDS);
const PAGE_SIZE = 50;

/** "integration.settings.provisioning.update" → "settings provisioning update": words, not a code. */
const actionWords = (action) => action.replace(/^integration\./, '').replace(/[._]/g, ' ');

function detailsText(details) {
  const { payload, ...rest } = details ?? {};
  const text = Object.entries(rest).filter(([, v]) => v !== null && v !== undefined && typeof v !== 'object').map(([k, v]) => `${k}: ${v}`);
  if (Array.isArray(rest.changed)) text.push(`changed: ${rest.changed.join(', ')}`);
  return text.join(' · ');
}

export function AuditPage({ query }) {
  const filters = { integrationId: query.get('integrationId') ?? '', actor: query.get('actor') ?? '', kind: query.get('kind') ?? '' };
  const [pages, setPages] = useState([undefined]); // the `before` cursor of each page shown
  const integrations = useResource(() => api.get('/integrations').then((r) => r.items), []);
  const users = useResource(() => api.get('/users').then((r) => r.items), []);
  const key = `${filters.integrationId}|${filters.actor}|${filters.kind}|${pages.at(-1) ?? ''}`;
  const entries = useResource(() => {
    const params = new URLSearchParams({ limit: String(PAGE_SIZE) });
    for (const [name, value] of Object.entries(filters)) if (value) params.set(name, value);
    if (pages.at(-1)) params.set('before', pages.at(-1));
    return api.get(`/audit?${params}`);
  }, [key]);

  useEffect(() => {
    document.title = 'Audit · psa-bridge';
  }, []);

  const setFilter = (name, value) => {
    const next = new URLSearchParams(query);
    value ? next.set(name, value) : next.delete(name);
    setPages([undefined]);
    navigate(`/audit${next.toString() ? `?${next}` : ''}`, { replace: true });
  };
  const select = (name, label, options) => html`
    <label class="table-filter">
      <span class="visually-hidden">${label}</span>
      <select aria-label=${label} value=${filters[name]} onChange=${(e) => setFilter(name, e.currentTarget.value)}>
        <option value="">${label}: all</option>
        ${options.map(([value, text]) => html`<option value=${value}>${text}</option>`)}
      </select>
    </label>`;

  const actors = [['system', 'system (passes)'], ...(users.data ?? []).map((u) => [u.username, u.username])];
  let body;
  if (entries.loading && !entries.data) body = html`<${Loading} />`;
  else if (entries.error) body = html`<${ErrorState} message=${entries.error} onRetry=${entries.reload} />`;
  else if ((entries.data?.items ?? []).length === 0) body = html`<${Empty} title="Nothing recorded matches these filters" />`;
  else
    body = html`
      <table class="data-table" aria-label="Audit trail">
        <thead><tr><th scope="col">When</th><th scope="col">Who</th><th scope="col">Kind</th><th scope="col">What</th><th scope="col">Integration</th><th scope="col">Details</th></tr></thead>
        <tbody>
          ${entries.data.items.map(
            (e) => html`<tr key=${e.id}>
              <td data-label="When"><${Time} iso=${e.at} /></td>
              <td data-label="Who">${e.actor}</td>
              <td data-label="Kind">${KIND_LABEL[e.kind] ?? e.kind}</td>
              <td data-label="What"><strong>${actionWords(e.action)}</strong>${e.subject ? html` · ${e.subject}` : null}</td>
              <td data-label="Integration">${e.integrationName ?? html`<span class="muted">—</span>`}</td>
              <td data-label="Details" class="cell-note">${detailsText(e.details)}</td>
            </tr>`,
          )}
        </tbody>
      </table>`;

  return html`
    <div class="page-header"><h1>Audit</h1></div>
    <p class="page-lead">Who changed which mapping or setting, and what each pass wrote to the PSA and to Acronis.</p>
    <div class="table-toolbar" role="search" aria-label="Filter the audit trail">
      ${select('integrationId', 'Integration', (integrations.data ?? []).map((i) => [i.id, i.name]))}
      ${select('actor', 'Who', actors)}
      ${select('kind', 'Kind', KINDS)}
    </div>
    ${body}
    <div class="row-actions pager">
      ${pages.length > 1 && html`<button type="button" onClick=${() => setPages(pages.slice(0, -1))}>Newer</button>`}
      ${entries.data?.nextBefore && html`<button type="button" onClick=${() => setPages([...pages, entries.data.nextBefore])}>Older</button>`}
      <span class="muted">Page ${pages.length}</span>
    </div>
  `;
}
