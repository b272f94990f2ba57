// Ticket creation (seed 000 §5.5–5.6, seed 001 "Mapping Alerts to Tickets", seed 002 §7): the
// feature switch; one row per vendor alert type with the target's ticket fields as dropdowns filled
// from the target's real picklists (dependent fields follow their parent: Autotask sub-issue type →
// issue type, ConnectWise type/subtype/status → board, CloudBlue category → type); filters by name
// and by the vendor's alert category; enable per row, or the shown alerts together with one mapping; the values every ticket gets; the reopen / new-after-N-days, auto-close and
// clear-alert rules; then the tickets that came from alerts and the alerts still waiting.
import { html } from 'htm/preact';
import { useMemo, useState } from 'preact/hooks';
import { api, issuesOf } from '../../api.js';
import { DataTable } from '../../components/data-table.js';
import { Empty, ErrorState, Loading } from '../../components/page-state.js';
import { StatusBadge } from '../../components/status-badge.js';
import { Switch } from '../../components/switch.js';
import { AlertBulkEnable } from './alert-bulk-enable.js';
import { TicketStartDialog } from './ticket-start-dialog.js';
import { toast } from '../../components/toasts.js';
import { Time } from '../../format.js';
import { useResource } from '../../use-resource.js';
import { useUnsavedChanges } from '../../components/unsaved-changes.js';

const TICKET_STATES = { open: 'Open', reopened: 'Reopened', closed: 'Closed', alert_cleared: 'Alert cleared' };
const STATE_TONES = { open: 'ready', reopened: 'ready', closed: 'mapped', alert_cleared: 'mapped' };

const parentsOf = (entry) => (entry.parent === undefined ? [] : Array.isArray(entry.parent) ? entry.parent : [entry.parent]);

/** The picklist entries a field may take given the values chosen so far (a child follows its parent). */
export function optionsFor(field, picklists, effective) {
  const all = (picklists[field.name] ?? []).filter((e) => e.active !== false || e.value === effective[field.name]);
  if (!field.parent) return { options: all, waiting: false };
  const parentValue = effective[field.parent];
  if (!parentValue) return { options: [], waiting: true };
  return { options: all.filter((e) => parentsOf(e).length === 0 || parentsOf(e).includes(parentValue)), waiting: false };
}

/** Sets `name` and clears the fields that depend on it (transitively) when they no longer fit. */
function setField(fields, specs, picklists, defaults, name, value) {
  const next = { ...fields };
  if (value) next[name] = value;
  else delete next[name];
  for (const spec of specs) {
    if (!spec.parent) continue;
    const effective = { ...defaults, ...next };
    const current = next[spec.name];
    if (current === undefined) continue;
    const { options } = optionsFor(spec, picklists, effective);
    if (!options.some((o) => o.value === current)) delete next[spec.name];
  }
  return next;
}

/**
 * What the target can do with a ticket once made (its manifest's capabilities): a PSA closes and
 * reopens by status; a billing platform that passes alerts on (Gradient) only creates tickets, so
 * the screen offers no reopening, auto-close or clearing the alert for it.
 */
export function ticketLifecycle(target) {
  const caps = target.kind === 'billing-platform' ? target.capabilities.alerts : target.capabilities.tickets;
  return caps ? { close: caps.close !== false, reopen: caps.reopen !== false } : { close: false, reopen: false };
}

export default function TicketsTab({ integration, target, onIntegrationChange }) {
  const base = `/integrations/${integration.id}`;
  const config = useResource(() => Promise.all([api.get(`${base}/alert-mappings`), api.get(`${base}/ticket-settings`)]).then(([mappings, settings]) => ({ mappings, settings })), [integration.id]);
  if (config.error && !config.data) return html`<${ErrorState} message=${config.error} onRetry=${config.reload} />`;
  if (!config.data) return html`<${Loading} label="Loading alert types and the target's ticket picklists…" />`;
  return html`
    <${Configuration} key=${JSON.stringify(config.data)} data=${config.data} base=${base} integration=${integration} target=${target} onIntegrationChange=${onIntegrationChange} onSaved=${config.reload} />
    ${target.kind === 'billing-platform'
      ? html`<p class="hint">The alerts sent to ${target.shortLabel}, and what ${target.shortLabel} answered for each, are listed under “Accounts in ${target.shortLabel}”.</p>`
      : html`<${TicketLists} base=${base} alertTypes=${config.data.mappings.alertTypes} />`}
  `;
}

function Configuration({ data, base, integration, target, onIntegrationChange, onSaved }) {
  const { mappings, settings } = data;
  // Fields set once for every ticket (the seeds' header selectors), as the target's manifest marks them.
  const defaultOnly = (target.tickets?.fields ?? []).filter((f) => f.defaultOnly === true).map((f) => f.name);
  const rowFields = mappings.fields.filter((f) => !defaultOnly.includes(f.name));
  const headerFields = mappings.fields.filter((f) => defaultOnly.includes(f.name));
  const initialTypes = useMemo(() => Object.fromEntries(mappings.alertTypes.map((t) => [t.id, { enabled: t.enabled, fields: t.fields, ...(t.minSeverity ? { minSeverity: t.minSeverity } : {}) }])), [mappings]);
  const [defaults, setDefaults] = useState(mappings.defaults);
  const [types, setTypes] = useState(initialTypes);
  const [rules, setRules] = useState(settings.effective);
  const [filter, setFilter] = useState('');
  const [onlyEnabled, setOnlyEnabled] = useState(false);
  const [category, setCategory] = useState('');
  const [errors, setErrors] = useState({});
  const [busy, setBusy] = useState(false);
  const [switching, setSwitching] = useState(false);
  const enabledFeature = settings.effective.enabled;
  const dirtyMapping = JSON.stringify(defaults) !== JSON.stringify(mappings.defaults) || JSON.stringify(types) !== JSON.stringify(initialTypes);
  const dirtyRules = JSON.stringify(rules) !== JSON.stringify(settings.effective);
  useUnsavedChanges(dirtyMapping || dirtyRules, 'the ticket settings');
  const changedCount = mappings.alertTypes.filter((t) => JSON.stringify(types[t.id]) !== JSON.stringify(initialTypes[t.id])).length;

  // Turning on first shows the alerts already open and asks whether they raise tickets too.
  const [starting, setStarting] = useState(false);
  const started = async (from, count) => {
    if (!integration.features.tickets) onIntegrationChange(await api.patch(`/integrations/${integration.id}`, { features: { tickets: true } }));
    setStarting(false);
    toast.success(from === 'all' && count > 0 ? `Ticket creation turned on: the ${count} open alert${count === 1 ? '' : 's'} raise tickets too.` : 'Ticket creation turned on: only alerts raised from now on raise tickets.');
    onSaved();
  };
  const switchFeature = async (on) => {
    if (on) return setStarting(true);
    setSwitching(true);
    try {
      await api.put(`${base}/ticket-settings`, { enabled: on });
      // The integration's feature flag says the same, so the Integration settings tab agrees.
      if (integration.features.tickets !== on) onIntegrationChange(await api.patch(`/integrations/${integration.id}`, { features: { tickets: on } }));
      toast.success(`Ticket creation turned ${on ? 'on' : 'off'}.`);
      onSaved();
    } catch (error) {
      toast.error(error);
    } finally {
      setSwitching(false);
    }
  };

  const save = async (event) => {
    event.preventDefault();
    setBusy(true);
    setErrors({});
    try {
      if (dirtyMapping) await api.put(`${base}/alert-mappings`, { defaults, types });
      if (dirtyRules) {
        const { enabled: _enabled, ...rest } = rules;
        await api.put(`${base}/ticket-settings`, rest);
      }
      toast.success('Ticket creation settings saved.');
      onSaved();
    } catch (error) {
      setErrors(issuesOf(error));
      toast.error(error);
    } finally {
      setBusy(false);
    }
  };

  const errorFor = (typeId, field) => errors[`alert-mappings.types.${typeId}.fields.${field}`];
  const needle = filter.trim().toLowerCase();
  const rows = mappings.alertTypes.filter(
    (t) => (!needle || `${t.title ?? ''} ${t.id} ${t.category ?? ''}`.toLowerCase().includes(needle)) && (!onlyEnabled || types[t.id]?.enabled) && (!category || t.category === category),
  );
  const categories = [...new Set(mappings.alertTypes.map((t) => t.category).filter(Boolean))].sort();
  const countIn = (c) => mappings.alertTypes.filter((t) => t.category === c).length;
  const applyToShown = ({ enabled, fields }) =>
    setTypes((all) => {
      const next = { ...all };
      for (const t of rows) {
        const setting = all[t.id] ?? { enabled: false, fields: {} };
        next[t.id] = { ...setting, enabled, fields: enabled ? { ...setting.fields, ...fields } : setting.fields };
      }
      return next;
    });
  const statuses = settings.statuses;
  const lifecycle = ticketLifecycle(target);
  const recurrence = rules.recurrence ?? { mode: 'reopen_always' };

  return html`
    <section class="card" aria-labelledby="tickets-feature-title">
      <h2 id="tickets-feature-title" class="visually-hidden">Ticket creation feature</h2>
      <${Switch}
        id="tickets-enabled"
        label="Ticket creation"
        description=${enabledFeature ? 'Alerts of the enabled types raise tickets for mapped customers.' : 'Off: no ticket is created. Configure the alerts below, then turn it on.'}
        checked=${enabledFeature}
        disabled=${switching}
        onChange=${switchFeature}
      />
    </section>
    ${starting && html`<${TicketStartDialog} base=${base} psa=${target.label} companyWord=${target.words.company} onClose=${() => setStarting(false)} onStarted=${started} />`}

    <form onSubmit=${save} novalidate>
      ${headerFields.length > 0 &&
      html`<section class="card ticket-defaults" aria-labelledby="ticket-defaults-title">
        <h2 id="ticket-defaults-title">For every ticket</h2>
        <div class="defaults-grid">
          ${headerFields.map((f) => {
            const { options } = optionsFor(f, mappings.picklists, defaults);
            // A field set once for every ticket is where an alert's missing value is fixed too.
            const err = errors[`alert-mappings.defaults.${f.name}`] ?? Object.entries(errors).find(([path]) => path.startsWith('alert-mappings.types.') && path.endsWith(`.fields.${f.name}`))?.[1];
            return html`<div class="field">
              <label for=${`default-${f.name}`}>${f.label}${f.required && html`<span class="required" aria-hidden="true"> *</span>`}</label>
              <select id=${`default-${f.name}`} value=${defaults[f.name] ?? ''} aria-invalid=${err ? 'true' : undefined} aria-required=${f.required ? 'true' : undefined}
                aria-describedby=${err ? `default-${f.name}-error` : undefined}
                onChange=${(e) => { setDefaults(setField(defaults, mappings.fields, mappings.picklists, {}, f.name, e.currentTarget.value)); }}>
                <option value="">—</option>
                ${options.map((o) => html`<option value=${o.value}>${o.label}</option>`)}
              </select>
              ${err && html`<p class="error-text" id=${`default-${f.name}-error`}>${err}</p>`}
            </div>`;
          })}
        </div>
      </section>`}

      <h2>Alerts</h2>
      <div class="table-toolbar" role="search" aria-label="Filter alerts">
        <input type="search" class="table-search" placeholder="Filter alerts by name" aria-label="Filter alerts by name" value=${filter} onInput=${(e) => setFilter(e.currentTarget.value)} />
        ${categories.length > 0 &&
        html`<select class="table-filter" aria-label="Alert category" value=${category} onChange=${(e) => setCategory(e.currentTarget.value)}>
          <option value="">All categories (${mappings.alertTypes.length})</option>
          ${categories.map((c) => html`<option value=${c}>${c} (${countIn(c)})</option>`)}
        </select>`}
        <label class="inline-check"><input type="checkbox" checked=${onlyEnabled} onChange=${(e) => setOnlyEnabled(e.currentTarget.checked)} /> Enabled only</label>
        ${(filter || onlyEnabled || category) && html`<button type="button" class="link-button" onClick=${() => { setFilter(''); setOnlyEnabled(false); setCategory(''); }}>Clear filters</button>`}
      </div>
      <${AlertBulkEnable} key=${`${category}|${filter}|${onlyEnabled}`} rows=${rows} fields=${rowFields} picklists=${mappings.picklists} defaults=${defaults} optionsFor=${optionsFor} setField=${setField} onApply=${applyToShown} />
      <div class="table-scroll">
        <table class="data-table alert-table" aria-label="Alert mapping">
          <thead>
            <tr>
              <th scope="col" class="select-cell"><span class="visually-hidden">Enabled</span></th>
              <th scope="col">Alert</th>
              ${rowFields.map((f) => html`<th scope="col">${f.label}${f.required ? html`<span class="required" aria-hidden="true"> *</span>` : ''}</th>`)}
            </tr>
          </thead>
          <tbody>
            ${rows.length === 0 && html`<tr><td colspan=${rowFields.length + 2} class="muted">No alert matches the filter.</td></tr>`}
            ${rows.map((t) => {
              const setting = types[t.id] ?? { enabled: false, fields: {} };
              const effective = { ...defaults, ...setting.fields };
              const name = t.title ?? t.id;
              const change = (next) => setTypes((all) => ({ ...all, [t.id]: { ...setting, ...next } }));
              return html`<tr key=${t.id} class=${setting.enabled ? 'selected' : ''}>
                <td class="select-cell"><input type="checkbox" aria-label=${`Create tickets for ${name}`} checked=${setting.enabled} onChange=${(e) => change({ enabled: e.currentTarget.checked })} /></td>
                <td data-label="Alert">
                  <span class="alert-name">${name}</span>
                  <span class="hint">${[t.category, t.severity].filter(Boolean).join(' · ')}${!t.known ? ' · no longer listed by the vendor' : ''}</span>
                </td>
                ${rowFields.map((f) => {
                  const { options, waiting } = optionsFor(f, mappings.picklists, effective);
                  const err = errorFor(t.id, f.name);
                  const inherited = setting.fields[f.name] === undefined && defaults[f.name] !== undefined;
                  return html`<td data-label=${f.label}>
                    <select aria-label=${`${f.label} for ${name}`} value=${setting.fields[f.name] ?? ''} disabled=${!setting.enabled || waiting}
                      aria-invalid=${err ? 'true' : undefined} aria-required=${f.required && setting.enabled ? 'true' : undefined}
                      aria-describedby=${err ? `alert-${t.id}-${f.name}-error` : undefined}
                      onChange=${(e) => change({ fields: setField(setting.fields, mappings.fields, mappings.picklists, defaults, f.name, e.currentTarget.value) })}>
                      <option value="">${waiting ? `Choose ${mappings.fields.find((p) => p.name === f.parent)?.label ?? f.parent} first` : inherited ? 'Default' : '—'}</option>
                      ${options.map((o) => html`<option value=${o.value}>${o.label}</option>`)}
                    </select>
                    ${err && html`<p class="error-text" id=${`alert-${t.id}-${f.name}-error`}>${err}</p>`}
                  </td>`;
                })}
              </tr>`;
            })}
          </tbody>
        </table>
      </div>

      <section class="card ticket-rules" aria-labelledby="ticket-rules-title">
        <h2 id="ticket-rules-title">Ticket lifecycle</h2>
        ${!lifecycle.close && !lifecycle.reopen &&
        html`<p class="hint" role="note">${target.shortLabel} only creates tickets: it cannot close or reopen them. An alert that comes back after its ticket was made raises a new ticket, and nothing is closed when an alert clears.</p>`}
        ${lifecycle.reopen && html`<fieldset class="field">
          <legend>When an alert comes back after its ticket was closed</legend>
          <label class="inline-check"><input type="radio" name="recurrence" checked=${recurrence.mode === 'reopen_always'} onChange=${() => setRules({ ...rules, recurrence: { mode: 'reopen_always' } })} /> Reopen the initial ticket</label>
          <label class="inline-check">
            <input type="radio" name="recurrence" checked=${recurrence.mode === 'reopen_within_days'} onChange=${() => setRules({ ...rules, recurrence: { mode: 'reopen_within_days', days: recurrence.days ?? 7 } })} />
            Create a new ticket if the initial ticket has been closed for
            <input type="number" class="days-input" min="1" max="3650" aria-label="Number of days" value=${recurrence.days ?? 7} disabled=${recurrence.mode !== 'reopen_within_days'}
              aria-invalid=${errors['tickets.recurrence.days'] ? 'true' : undefined} aria-describedby=${errors['tickets.recurrence.days'] ? 'recurrence-days-error' : undefined}
              onInput=${(e) => setRules({ ...rules, recurrence: { mode: 'reopen_within_days', days: Number(e.currentTarget.value) } })} />
            days
          </label>
          <label class="inline-check"><input type="radio" name="recurrence" checked=${recurrence.mode === 'new_always'} onChange=${() => setRules({ ...rules, recurrence: { mode: 'new_always' } })} /> Always create a new ticket</label>
          ${errors['tickets.recurrence.days'] && html`<p class="error-text" id="recurrence-days-error">${errors['tickets.recurrence.days']}</p>`}
        </fieldset>`}
        ${lifecycle.reopen && html`<${StatusSelect} id="reopen-status" label="Status of a reopened ticket" value=${rules.reopenStatus} statuses=${statuses} placeholder="Target default" error=${errors['tickets.reopenStatus']} onChange=${(v) => setRules({ ...rules, reopenStatus: v })} />`}
        ${lifecycle.close && html`<div class="rule-row">
          <label class="inline-check"><input type="checkbox" checked=${rules.autoClose.enabled} onChange=${(e) => setRules({ ...rules, autoClose: { ...rules.autoClose, enabled: e.currentTarget.checked } })} /> Auto-close tickets when their alert is cleared, with status</label>
          <${StatusSelect} id="auto-close-status" label="Auto-close status" hideLabel value=${rules.autoClose.status} statuses=${statuses} placeholder="Choose a status" disabled=${!rules.autoClose.enabled} error=${errors['tickets.autoClose.status']}
            onChange=${(v) => setRules({ ...rules, autoClose: { ...rules.autoClose, status: v } })} />
        </div>`}
        ${lifecycle.close && html`<fieldset class="field">
          <legend>
            <label class="inline-check"><input type="checkbox" checked=${rules.clearAlert.enabled} onChange=${(e) => setRules({ ...rules, clearAlert: { ...rules.clearAlert, enabled: e.currentTarget.checked } })} /> Clear the alert in Acronis when its ticket reaches</label>
          </legend>
          <div class="status-checks">
            ${statuses.map(
              (s) => html`<label class="inline-check"><input type="checkbox" disabled=${!rules.clearAlert.enabled} checked=${rules.clearAlert.statuses.includes(s.value)}
                onChange=${(e) => setRules({ ...rules, clearAlert: { ...rules.clearAlert, statuses: e.currentTarget.checked ? [...rules.clearAlert.statuses, s.value] : rules.clearAlert.statuses.filter((x) => x !== s.value) } })} /> ${s.label}</label>`,
            )}
          </div>
          ${errors['tickets.clearAlert.statuses'] && html`<p class="error-text">${errors['tickets.clearAlert.statuses']}</p>`}
        </fieldset>`}
      </section>

      <div class="sticky-actions">
        <span class="hint" aria-live="polite">${dirtyMapping || dirtyRules ? `${changedCount} alert${changedCount === 1 ? '' : 's'} changed${dirtyRules ? ', lifecycle changed' : ''}` : 'Saved'}</span>
        <button type="button" disabled=${busy || !(dirtyMapping || dirtyRules)} onClick=${() => { setDefaults(mappings.defaults); setTypes(initialTypes); setRules(settings.effective); setErrors({}); }}>Cancel</button>
        <button type="submit" class="primary" disabled=${busy || !(dirtyMapping || dirtyRules)}>${busy ? 'Saving…' : 'Apply'}</button>
      </div>
    </form>
  `;
}

function StatusSelect({ id, label, value, statuses, placeholder, onChange, disabled, error, hideLabel }) {
  return html`<div class=${`field${hideLabel ? ' field-inline' : ''}`}>
    <label for=${`field-${id}`} class=${hideLabel ? 'visually-hidden' : ''}>${label}</label>
    <select id=${`field-${id}`} value=${value ?? ''} disabled=${disabled} aria-invalid=${error ? 'true' : undefined} onChange=${(e) => onChange(e.currentTarget.value || null)}>
      <option value="">${placeholder}</option>
      ${statuses.map((s) => html`<option value=${s.value}>${s.label}</option>`)}
    </select>
    ${error && html`<p class="error-text">${error}</p>`}
  </div>`;
}

function TicketLists({ base, alertTypes }) {
  // Alert types by their name in the vendor's catalog, not their id ("Backup failed", not "BackupFailed").
  const typeName = (id) => alertTypes.find((t) => t.id === id)?.title ?? id;
  const tickets = useResource(() => api.get(`${base}/tickets?limit=500`), [base]);
  const waiting = useResource(
    () => Promise.all(['unmapped', 'failed', 'deferred'].map((reason) => api.get(`${base}/alerts/waiting?reason=${reason}&limit=500`))).then((lists) => lists.flatMap((list) => list.items)),
    [base],
  );
  const columns = [
    { key: 'ticketNumber', label: 'Ticket', render: (t) => html`<span class="mono">${t.ticketNumber ?? t.ticketId}</span>` },
    { key: 'title', label: 'Title', render: (t) => t.title ?? t.alertType },
    { key: 'customer', label: 'Customer', sortValue: (t) => t.customer.companyName ?? '', render: (t) => t.customer.companyName ?? t.customer.companyId },
    { key: 'alertType', label: 'Alert', sortValue: (t) => typeName(t.alertType), render: (t) => typeName(t.alertType) },
    { key: 'state', label: 'State', render: (t) => html`<${StatusBadge} status=${STATE_TONES[t.state]} label=${TICKET_STATES[t.state] ?? t.state} />` },
    { key: 'openedAt', label: 'Opened', render: (t) => html`<${Time} iso=${t.openedAt} />` },
    { key: 'closedAt', label: 'Closed', render: (t) => html`<${Time} iso=${t.closedAt} />` },
  ];
  // Deferred: an alert storm spent the hour's PSA budget on more severe alerts first (docs/performance.md).
  const WAITING_BADGE = { failed: { status: 'failed', label: 'Failing' }, unmapped: { status: 'not_mapped', label: 'Customer not mapped' }, deferred: { status: 'warning', label: 'Waiting for PSA budget' } };
  const waitingColumns = [
    { key: 'alertType', label: 'Alert', sortValue: (w) => w.title ?? typeName(w.alertType), render: (w) => w.title ?? typeName(w.alertType) },
    { key: 'customer', label: 'Customer', sortValue: (w) => w.tenantName ?? '', render: (w) => w.tenantName ?? html`<span class="muted">Unknown customer</span>` },
    { key: 'reason', label: 'Why', render: (w) => html`<${StatusBadge} status=${WAITING_BADGE[w.reason]?.status ?? 'not_mapped'} label=${WAITING_BADGE[w.reason]?.label ?? 'Customer not mapped'} />` },
    { key: 'detail', label: 'Detail', sortable: false, render: (w) => html`${w.detail}${w.lastError && html`<span class="cell-note">${w.lastError}</span>`}` },
    { key: 'firstSeenAt', label: 'First seen', render: (w) => html`<${Time} iso=${w.firstSeenAt} />` },
  ];
  return html`
    <h2>Tickets created from alerts</h2>
    <${DataTable}
      label="Tickets created from alerts"
      columns=${columns}
      rows=${tickets.data?.items}
      rowKey=${(t) => `${t.ticketId}-${t.episode}`}
      loading=${tickets.loading}
      error=${tickets.error}
      onRetry=${tickets.reload}
      search=${{ placeholder: 'Search tickets', text: (t) => `${t.ticketNumber ?? ''} ${t.title ?? ''} ${t.customer.companyName ?? ''} ${t.alertType}` }}
      filters=${[{ key: 'state', label: 'State', options: Object.entries(TICKET_STATES).map(([value, label]) => ({ value, label })), test: (t, v) => t.state === v }]}
      initialSort=${{ key: 'openedAt', dir: 'desc' }}
      empty=${html`<${Empty} title="No ticket yet"><p>Tickets appear here once an enabled alert is raised for a mapped customer.</p><//>`}
    />
    <div class="inline-actions"><button type="button" onClick=${() => { tickets.reload(); waiting.reload(); }}>Refresh</button></div>
    <h2>Alerts waiting</h2>
    <${DataTable}
      label="Alerts waiting"
      columns=${waitingColumns}
      rows=${waiting.data}
      rowKey=${(w) => w.alertId}
      loading=${waiting.loading}
      error=${waiting.error}
      onRetry=${waiting.reload}
      empty=${html`<${Empty} title="No alert is waiting"><p>Alerts of customers that are not mapped yet wait here, and become tickets once their customer is mapped. In an alert storm, the less severe alerts wait here for the next hour's PSA budget.</p><//>`}
    />
  `;
}
