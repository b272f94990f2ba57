// Product mapping (seed 000 §5.1, seed 002 §5): for every offering item — Standard workloads, cloud
// storage once per storage, Advanced packs — the target service/product it is sold as: the
// auto-generated name, a new name (created in the target by the catalog loop) or an existing
// service; its period type, service code and bundles where the target has them. Below, what happens
// to unmapped items (Free provisioning: 0 or unlimited) and the default storage. One Save for all.
import { html } from 'htm/preact';
import { useMemo, useState } from 'preact/hooks';
import { api, issuesOf } from '../../api.js';
import { ErrorState, Loading } from '../../components/page-state.js';
import { Switch } from '../../components/switch.js';
import { toast } from '../../components/toasts.js';
import { useResource } from '../../use-resource.js';
import { useUnsavedChanges } from '../../components/unsaved-changes.js';

export const PERIOD_LABELS = { monthly: 'Monthly', quarterly: 'Quarterly', semi_annual: 'Semi-Annual', yearly: 'Yearly' };

const rowKey = (itemKey, infraId) => `${itemKey}|${infraId ?? ''}`;

/**
 * The rows of the screen: one per item, one per (storage item, storage) — the vendor's rule: each
 * storage under a location is mapped separately, with its class 1 and class 2 items (and the
 * geo-redundant copies where the partner has geo-redundancy). `available`: the partner may give it
 * to customers; the screen hides the rest unless asked (or mapped already, so nothing is lost unseen).
 * With several partner tenants the catalog is their union and each row says which partners offer it.
 */
function rowsOf(catalog) {
  const rows = [];
  for (const item of catalog.items) {
    if (item.perStorage) {
      for (const storage of catalog.storages) {
        rows.push({
          key: rowKey(item.key, storage.id),
          item,
          infraId: storage.id,
          storage,
          label: `${item.displayName} — ${storage.name}`,
          autoName: `${item.autoName} (${storage.name})`,
          available: (item.availableStorages ?? []).includes(storage.id),
        });
      }
    } else rows.push({ key: rowKey(item.key, null), item, infraId: null, storage: null, label: item.displayName, autoName: item.autoName, available: item.available !== false });
  }
  return rows;
}

/** Storage rows by location (a data center may hold several storages), in the catalog's order. */
function byLocation(rows) {
  const groups = new Map();
  for (const row of rows) {
    const id = row.storage.locationId ?? '';
    if (!groups.has(id)) groups.set(id, { id, name: row.storage.locationName ?? 'Location unknown', rows: [] });
    groups.get(id).rows.push(row);
  }
  return [...groups.values()];
}

/** Client-side checks the hub also makes, shown before saving: Advanced packs need a Standard item. */
export function localProblems(rows, draft, catalog) {
  const problems = {};
  const mappedKeys = new Set(rows.filter((r) => draft[r.key]).map((r) => r.item.key));
  for (const row of rows) {
    const entry = draft[row.key];
    if (!entry) continue;
    if (entry.service.kind === 'new' && !entry.service.name.trim()) problems[row.key] = 'The new service needs a name.';
    else if (entry.service.kind === 'existing' && !entry.service.productId) problems[row.key] = 'Choose the existing service.';
    if (row.item.pack === 'advanced' && !row.item.requiresAnyOf.some((k) => mappedKeys.has(k))) {
      const names = row.item.requiresAnyOf.map((k) => catalog.items.find((i) => i.key === k)?.displayName ?? k);
      problems[row.key] = `${row.item.displayName} is an Advanced pack: map ${names.join(' or ')} first.`;
    }
  }
  const byProduct = new Map();
  for (const row of rows) {
    const entry = draft[row.key];
    if (entry?.service.kind === 'existing' && entry.service.productId) byProduct.set(entry.service.productId, [...(byProduct.get(entry.service.productId) ?? []), row]);
  }
  for (const [, shared] of byProduct) if (shared.length > 1) for (const row of shared) problems[row.key] ??= `One service stands for one offering item: ${shared.map((r) => r.label).join(' and ')} share it.`;
  return problems;
}

export default function ProductMappingTab({ integration, target }) {
  const base = `/integrations/${integration.id}`;
  const resource = useResource(
    () => Promise.all([api.get(`${base}/catalog`), api.get(`${base}/settings/product-mapping`), api.get(`${base}/settings/provisioning`)]).then(([catalog, mapping, provisioning]) => ({ catalog, mapping: mapping.value, provisioning: provisioning.value })),
    [integration.id],
  );
  if (resource.error && !resource.data) return html`<${ErrorState} message=${resource.error} onRetry=${resource.reload} />`;
  if (!resource.data) return html`<${Loading} label="Loading the offering items and the target catalog…" />`;
  return html`<${Editor} key=${JSON.stringify([resource.data.mapping, resource.data.provisioning])} data=${resource.data} base=${base} integration=${integration} words=${target.words} onSaved=${resource.reload} />`;
}

function Editor({ data, base, integration, words, onSaved }) {
  const { catalog } = data;
  // What an offering item is sold as, in the target's word (Autotask service, ConnectWise product).
  const productLabel = words.product.charAt(0).toUpperCase() + words.product.slice(1);
  const rows = useMemo(() => rowsOf(catalog), [catalog]);
  const initial = useMemo(() => {
    const out = {};
    for (const entry of data.mapping.entries) out[rowKey(entry.itemKey, entry.infraId)] = { ...entry, bundleIds: entry.bundleIds ?? [] };
    return out;
  }, [data.mapping]);
  const [draft, setDraft] = useState(initial);
  const [free, setFree] = useState(data.provisioning.freeProvisioning);
  const [storage, setStorage] = useState(data.provisioning.defaultStorageInfraId ?? '');
  const [serverErrors, setServerErrors] = useState({});
  const [filter, setFilter] = useState('all');
  const [showUnavailable, setShowUnavailable] = useState(false);
  const [busy, setBusy] = useState(false);
  const dirty = JSON.stringify(draft) !== JSON.stringify(initial) || free !== data.provisioning.freeProvisioning || storage !== (data.provisioning.defaultStorageInfraId ?? '');
  useUnsavedChanges(dirty, 'the product mapping');
  const problems = localProblems(rows, draft, catalog);
  const hasBundles = catalog.capabilities !== false && catalog.capabilities.bundles && catalog.bundles.length > 0;
  const canCreate = catalog.capabilities === false || catalog.capabilities.createServices;
  const periodTypes = catalog.periodTypes;

  const update = (row, change) => {
    setDraft((d) => ({ ...d, [row.key]: { ...d[row.key], ...change } }));
    setServerErrors((e) => ({ ...e, [row.key]: undefined }));
  };
  const toggle = (row, on) => {
    setDraft((d) => {
      const next = { ...d };
      if (on) next[row.key] = initial[row.key] ?? { itemKey: row.item.key, infraId: row.infraId, service: { kind: 'auto' }, periodType: periodTypes[0] ?? 'monthly', serviceCode: null, bundleIds: [] };
      else delete next[row.key];
      return next;
    });
  };

  const save = async (event) => {
    event.preventDefault();
    if (Object.keys(problems).length > 0) {
      toast.error('Fix the rows marked in red first.');
      document.querySelector('.pm-row-invalid select, .pm-row-invalid input')?.focus();
      return;
    }
    const entries = rows.filter((r) => draft[r.key]).map((r) => {
      const e = draft[r.key];
      const out = { itemKey: r.item.key, infraId: r.infraId, service: e.service, periodType: e.periodType, serviceCode: e.serviceCode || null };
      // The id the catalog loop got for an auto/new service stays as long as the choice stays.
      const before = initial[r.key];
      if (before?.createdProductId && JSON.stringify(before.service) === JSON.stringify(e.service)) out.createdProductId = before.createdProductId;
      if (hasBundles && e.bundleIds?.length) out.bundleIds = e.bundleIds;
      return out;
    });
    const used = new Set(entries.flatMap((e) => e.bundleIds ?? []));
    const bundles = catalog.bundles.filter((b) => used.has(b.id)).map((b) => ({ bundleId: b.id, name: b.name }));
    setBusy(true);
    try {
      await api.put(`${base}/settings/product-mapping`, { entries, ...(bundles.length ? { bundles } : {}) });
      await api.patch(`${base}/settings/provisioning`, { freeProvisioning: free, defaultStorageInfraId: storage || null });
      toast.success('Product mapping saved.');
      setServerErrors({});
      onSaved();
    } catch (error) {
      const issues = issuesOf(error);
      const byRow = {};
      for (const [field, message] of Object.entries(issues)) {
        const found = /^product-mapping\.entries\.(\d+)/.exec(field);
        const entry = found ? entries[Number(found[1])] : undefined;
        if (entry) byRow[rowKey(entry.itemKey, entry.infraId)] = message;
      }
      setServerErrors(byRow);
      toast.error(error);
    } finally {
      setBusy(false);
    }
  };

  const matches = (r) => filter === 'all' || (filter === 'mapped' ? draft[r.key] : filter === 'unmapped' ? !draft[r.key] : r.item.pack === filter);
  const unavailable = rows.filter((r) => !r.available && !draft[r.key]);
  const visible = rows.filter((r) => matches(r) && (r.available || draft[r.key] || showUnavailable));
  const groups = [
    ['standard', 'Standard protection', (r) => r.item.pack === 'standard' && r.storage === null],
    ['storage', 'Storage by location', (r) => r.storage !== null],
    ['advanced', 'Advanced packs', (r) => r.item.pack === 'advanced'],
  ];
  const rowProps = (row) => ({
    row,
    entry: draft[row.key],
    error: problems[row.key] ?? serverErrors[row.key],
    catalog,
    productLabel,
    canCreate,
    hasBundles,
    onToggle: (on) => toggle(row, on),
    onChange: (change) => update(row, change),
  });
  const table = (title, list) => html`
    <table class="data-table pm-table" aria-label=${title}>
      <thead>
        <tr>
          <th scope="col" class="select-cell"><span class="visually-hidden">Mapped</span></th>
          <th scope="col">Offering item</th>
          <th scope="col">${productLabel}</th>
          <th scope="col">Period type</th>
          ${catalog.serviceCodes.length > 0 && html`<th scope="col">Service code</th>`}
          ${hasBundles && html`<th scope="col">Bundles</th>`}
        </tr>
      </thead>
      <tbody>
        ${list.map((row) => html`<${Row} key=${row.key} ...${rowProps(row)} />`)}
      </tbody>
    </table>
  `;

  return html`
    <form onSubmit=${save} novalidate class="product-mapping">
      ${!integration.features.provisioning &&
      html`<div class="alert alert-info" role="note">Product mapping and provisioning is off for this integration: the mapping is kept, and used once the feature is turned on (Integration settings).</div>`}
      <div class="tab-toolbar">
        <p class="hint">Each offering item is sold as one ${words.product}. An item not mapped, or not in a customer's contract, gets the quota the Free provisioning option says.</p>
        <label class="table-filter">
          <span class="visually-hidden">Show</span>
          <select value=${filter} onChange=${(e) => setFilter(e.currentTarget.value)}>
            <option value="all">Show: all items</option>
            <option value="mapped">Mapped</option>
            <option value="unmapped">Not mapped</option>
            <option value="standard">Standard protection</option>
            <option value="advanced">Advanced packs</option>
          </select>
        </label>
      </div>
      ${unavailable.length > 0 &&
      html`<label class="pm-show-unavailable">
        <input type="checkbox" checked=${showUnavailable} onChange=${(e) => setShowUnavailable(e.currentTarget.checked)} />
        Show the ${unavailable.length} item${unavailable.length === 1 ? '' : 's'} the partner does not offer to customers
      </label>`}
      ${groups.map(([id, title, inGroup]) => {
        const list = visible.filter(inGroup);
        if (list.length === 0) return null;
        if (id !== 'storage') return html`<h2>${title}</h2>${table(title, list)}`;
        return html`
          <h2>${title}</h2>
          <p class="hint">Each storage is mapped on its own, with its class 1 (free) and class 2 (billable) usage; geo-redundant copies where the partner has geo-redundancy.</p>
          ${byLocation(list).map((location) => html`<h3>${location.name}</h3>${table(`Storage at ${location.name}`, location.rows)}`)}
        `;
      })}

      <section class="card pm-options" aria-labelledby="pm-options-title">
        <h2 id="pm-options-title">Unmapped items and storage</h2>
        <${Switch}
          id="free-provisioning"
          label="Free provisioning"
          description=${free ? 'On: items without a service (or not in the contract) get an unlimited quota.' : 'Off: items without a service (or not in the contract) get a quota of 0.'}
          checked=${free}
          onChange=${setFree}
        />
        <div class="field">
          <label for="field-default-storage">Default storage</label>
          <select id="field-default-storage" value=${storage} onChange=${(e) => setStorage(e.currentTarget.value)} aria-describedby="default-storage-hint">
            <option value="">No default storage</option>
            ${catalog.storages.map((s) => html`<option value=${s.id}>${s.name}${s.platformOwned ? ' (hosted by Acronis)' : ''}</option>`)}
          </select>
          <p class="hint" id="default-storage-hint">Given to a customer whose contract includes no storage service.</p>
        </div>
      </section>

      <div class="sticky-actions">
        <span class="hint" aria-live="polite">${Object.keys(problems).length > 0 ? `${Object.keys(problems).length} row(s) to fix` : dirty ? 'Unsaved changes' : 'Saved'}</span>
        <button type="button" disabled=${!dirty || busy} onClick=${() => { setDraft(initial); setFree(data.provisioning.freeProvisioning); setStorage(data.provisioning.defaultStorageInfraId ?? ''); setServerErrors({}); }}>Cancel</button>
        <button type="submit" class="primary" disabled=${!dirty || busy}>${busy ? 'Saving…' : 'Save product mapping'}</button>
      </div>
    </form>
  `;
}

function Row({ row, entry, error, catalog, productLabel, canCreate, hasBundles, onToggle, onChange }) {
  const id = row.key.replace(/[^\w-]/g, '_');
  const errorId = error ? `pm-${id}-error` : undefined;
  const choice = entry ? (entry.service.kind === 'existing' ? `existing:${entry.service.productId}` : entry.service.kind) : '';
  const setChoice = (value) => {
    if (value === 'auto') onChange({ service: { kind: 'auto' } });
    else if (value === 'new') onChange({ service: { kind: 'new', name: entry.service.kind === 'new' ? entry.service.name : '' } });
    else {
      const productId = value.slice('existing:'.length);
      const product = catalog.products.find((p) => p.id === productId);
      onChange({ service: { kind: 'existing', productId }, ...(product?.periodType ? { periodType: product.periodType } : {}), ...(product?.serviceCode ? { serviceCode: product.serviceCode } : {}) });
    }
  };
  return html`
    <tr class=${`${entry ? 'selected' : ''}${error ? ' pm-row-invalid' : ''}`}>
      <td class="select-cell">
        <input type="checkbox" id=${`pm-${id}-on`} aria-label=${`Map ${row.label}`} checked=${!!entry} onChange=${(e) => onToggle(e.currentTarget.checked)} />
      </td>
      <td data-label="Offering item">
        <label for=${`pm-${id}-on`} class="pm-item">${row.label}</label>
        ${!row.available && html`<span class="badge badge-bad">Not offered to the partner</span>`}
        ${row.available && row.item.offeredBy && html`<span class="hint pm-offered-by">Offered by ${(row.storage?.partners ? row.item.offeredBy.filter((p) => row.storage.partners.includes(p)) : row.item.offeredBy).join(', ')}</span>`}
        ${row.item.pack === 'advanced' && html`<span class="hint">Needs ${row.item.requiresAnyOf.map((k) => catalog.items.find((i) => i.key === k)?.displayName ?? k).join(' or ')}</span>`}
        ${error && html`<p class="error-text" id=${errorId} role="alert">${error}</p>`}
      </td>
      <td data-label=${productLabel}>
        ${entry
          ? html`
              <select aria-label=${`Service for ${row.label}`} value=${choice} onChange=${(e) => setChoice(e.currentTarget.value)} aria-invalid=${error ? 'true' : undefined} aria-describedby=${errorId}>
                ${canCreate && html`<option value="auto">Auto-generated: ${row.autoName}</option>`}
                ${canCreate && html`<option value="new">New name…</option>`}
                ${!canCreate && entry.service.kind !== 'existing' && html`<option value=${choice}>Choose a product…</option>`}
                <optgroup label="Existing">
                  ${catalog.products.map((p) => html`<option value=${`existing:${p.id}`}>${p.name}</option>`)}
                </optgroup>
              </select>
              ${entry.service.kind === 'new' &&
              html`<input type="text" class="pm-new-name" aria-label=${`New service name for ${row.label}`} placeholder="Name of the new service" value=${entry.service.name}
                onInput=${(e) => onChange({ service: { kind: 'new', name: e.currentTarget.value } })} aria-invalid=${error ? 'true' : undefined} aria-describedby=${errorId} />`}
            `
          : html`<span class="muted">Not mapped</span>`}
      </td>
      <td data-label="Period type">
        ${entry
          ? html`<select aria-label=${`Period type for ${row.label}`} value=${entry.periodType} onChange=${(e) => onChange({ periodType: e.currentTarget.value })}>
              ${catalog.periodTypes.map((p) => html`<option value=${p}>${PERIOD_LABELS[p] ?? p}</option>`)}
            </select>`
          : html`<span class="muted">—</span>`}
      </td>
      ${catalog.serviceCodes.length > 0 &&
      html`<td data-label="Service code">
        ${entry
          ? html`<select aria-label=${`Service code for ${row.label}`} value=${entry.serviceCode ?? ''} onChange=${(e) => onChange({ serviceCode: e.currentTarget.value || null })}>
              <option value="">Target default</option>
              ${catalog.serviceCodes.map((c) => html`<option value=${c.value}>${c.label}</option>`)}
            </select>`
          : html`<span class="muted">—</span>`}
      </td>`}
      ${hasBundles &&
      html`<td data-label="Bundles">
        ${entry
          ? html`<fieldset class="pm-bundles"><legend class="visually-hidden">Bundles of ${row.label}</legend>
              ${catalog.bundles.map(
                (b) => html`<label class="pm-bundle"><input type="checkbox" checked=${(entry.bundleIds ?? []).includes(b.id)}
                  onChange=${(e) => onChange({ bundleIds: e.currentTarget.checked ? [...(entry.bundleIds ?? []), b.id] : (entry.bundleIds ?? []).filter((x) => x !== b.id) })} /> ${b.name}</label>`,
              )}
            </fieldset>`
          : html`<span class="muted">—</span>`}
      </td>`}
    </tr>
  `;
}
