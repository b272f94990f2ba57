// Customer / company mapping (seed 000 §5.4, seed 001 "Customer Mapping", seed 002 §6): the target's
// companies with their type, PSA status, mapping state (errors readable in place) and tenant; search,
// filters and multi-select; map to a new tenant, map to an existing one (partner → customer picker),
// remove with confirmation, apply proposed pairs ("Ready for mapping"), suggested matches by name with
// a confidence (Autotask, ConnectWise), and for CloudBlue the Ingram Cloud Marketplace matching wizard.
import { partnerColumns } from '../../components/partner-column.js';
import { html } from 'htm/preact';
import { useMemo, useState } from 'preact/hooks';
import { api, messageOf } from '../../api.js';
import { DataTable } from '../../components/data-table.js';
import { CsvDownload } from '../../components/csv-download.js';
import { confirm, Dialog } from '../../components/dialog.js';
import { Empty, ErrorState, Loading } from '../../components/page-state.js';
import { StatusBadge } from '../../components/status-badge.js';
import { toast } from '../../components/toasts.js';
import { useResource } from '../../use-resource.js';
import { ApplyMappingsDialog } from './apply-mappings-dialog.js';
import { MappingPreview } from './mapping-preview.js';

const STATE_LABELS = { not_mapped: 'Not mapped', ready: 'Ready for mapping', mapped: 'Mapped', failed: 'Mapping failed' };
const PAGE = 1000;

async function loadAll(base, reload) {
  let offset = 0;
  let first;
  const items = [];
  do {
    const page = await api.get(`${base}/mappings?limit=${PAGE}&offset=${offset}${reload && offset === 0 ? '&reload=true' : ''}`);
    first ??= page;
    items.push(...page.items);
    offset += PAGE;
    if (page.items.length < PAGE) break;
  } while (offset < first.total);
  return { ...first, items };
}

const MODE_LABELS = { trial: 'Trial', production: 'Production' };

export default function MappingTab({ integration, target }) {
  const base = `/integrations/${integration.id}`;
  const [reloading, setReloading] = useState(false);
  const list = useResource(() => loadAll(base, false), [integration.id]);
  const [picker, setPicker] = useState(null);
  const [wizard, setWizard] = useState(false);
  const [suggesting, setSuggesting] = useState(false);
  // Bulk apply says how many and which before it runs: the rows to confirm, and the clear callback.
  const [applying, setApplying] = useState(null);
  const companyWord = target.words.company;
  const psa = target.label;

  const refresh = async (recheck = false) => {
    if (!recheck) return list.reload();
    setReloading(true);
    try {
      list.setData(await loadAll(base, true));
      toast.info('Companies read again; errors whose cause is gone were cleared.');
    } catch (error) {
      toast.error(error);
    } finally {
      setReloading(false);
    }
  };

  const runBulk = async (items, done, clear) => {
    try {
      const result = await api.post(`${base}/mappings/bulk`, { items });
      const failed = result.items.filter((i) => !i.ok);
      const ok = result.items.length - failed.length;
      if (ok > 0) toast.success(`${done(ok)}${result.items.some((i) => i.result?.pending) ? ' New tenants are being created.' : ''}`);
      if (failed.length > 0) toast.error(`${failed.length} not done: ${failed.slice(0, 3).map((f) => f.error?.message).join('; ')}`);
      clear?.();
      await list.reload();
      // Tenants for "map to new" are created by a background job: look again shortly.
      if (result.items.some((i) => i.result?.pending)) setTimeout(() => list.reload(), 2500);
    } catch (error) {
      toast.error(error);
    }
  };

  const mapNew = (rows, clear) => runBulk(rows.map((r) => ({ action: 'map_new', companyId: r.companyId })), (n) => `The mapping has been saved for ${n} ${n === 1 ? companyWord : `${companyWord}s`}.`, clear);
  const apply = (rows, clear) => runBulk(rows.map((r) => ({ action: 'apply', companyId: r.companyId })), (n) => `${n} mapping${n === 1 ? '' : 's'} applied.`, clear);
  const remove = async (rows, clear) => {
    const names = rows.map((r) => r.companyName);
    const yes = await confirm({
      title: 'Remove mapping',
      message: `Unlink ${names.length === 1 ? `"${names[0]}"` : `${names.length} ${companyWord}s`} from ${names.length === 1 ? 'its customer tenant' : 'their customer tenants'}? Nothing is deleted; tickets already created stay as they are.`,
      confirmLabel: 'Remove',
      danger: true,
    });
    if (yes) await runBulk(rows.map((r) => ({ action: 'unlink', companyId: r.companyId })), (n) => `${n} mapping${n === 1 ? '' : 's'} removed.`, clear);
  };

  const data = list.data;
  const rows = data?.items;
  const types = data?.types ?? [];
  const filters = useMemo(
    () => [
      { key: 'state', label: 'Mapping', options: Object.entries(STATE_LABELS).map(([value, label]) => ({ value, label })), test: (r, v) => r.state === v },
      { key: 'status', label: 'Status', options: [{ value: 'active', label: 'Active' }, { value: 'inactive', label: 'Inactive' }], test: (r, v) => (v === 'active' ? r.companyActive !== false : r.companyActive === false) },
      ...(types.length > 0 ? [{ key: 'type', label: 'Type', options: types.map((t) => ({ value: t, label: t })), test: (r, v) => r.companyStatus === v }] : []),
    ],
    [types.join('|')],
  );

  const columns = [
    { key: 'companyName', label: `${psa} ${companyWord}`, render: (r) => html`<a class="strong-link" href=${`${base}/customers/${encodeURIComponent(r.companyId)}`}><strong>${r.companyName}</strong></a>` },
    ...(types.length > 0 ? [{ key: 'companyStatus', label: 'Type', render: (r) => r.companyStatus ?? html`<span class="muted">—</span>` }] : []),
    { key: 'companyActive', label: 'Status', sortValue: (r) => (r.companyActive === false ? 1 : 0), render: (r) => (r.companyActive === false ? 'Inactive' : r.companyActive === null ? html`<span class="muted">—</span>` : 'Active') },
    { key: 'state', label: 'Mapping', sortValue: (r) => STATE_LABELS[r.state], render: (r) => html`<${MappingState} row=${r} />` },
    {
      key: 'tenantName',
      label: 'Customer tenant',
      render: (r) =>
        r.tenantName
          ? html`${r.tenantName}${r.tenantManageable === false && html`<span class="cell-note">${r.tenantUnmanageableReason ?? 'Not manageable by the partner'}</span>`}`
          : r.pending
            ? html`<span class="muted">Being created…</span>`
            : html`<span class="muted">—</span>`,
    },
    ...partnerColumns(rows),
    // The vendor's tenant mode, as read back (a new tenant is made in the provisioning settings' mode).
    { key: 'tenantPricingMode', label: 'Mode', render: (r) => (r.tenantPricingMode ? MODE_LABELS[r.tenantPricingMode] ?? r.tenantPricingMode : html`<span class="muted">—</span>`) },
    // Timed deprovisioning: the next step and the days left, per company (cancelled when a contract returns).
    {
      key: 'deprovisioning',
      label: 'Deprovisioning',
      sortValue: (r) => (r.deprovisioning ? r.deprovisioning.dueAt : '9999'),
      render: (r) =>
        r.deprovisioning
          ? html`<span class="countdown" title=${`Contract lapsed ${r.deprovisioning.lapsedAt.slice(0, 10)}; due ${r.deprovisioning.dueAt.slice(0, 10)}`}>${r.deprovisioning.action === 'delete' ? 'Deleted' : 'Disabled'} in ${r.deprovisioning.daysLeft} day${r.deprovisioning.daysLeft === 1 ? '' : 's'}</span>`
          : html`<span class="muted">—</span>`,
    },
  ];

  const bulkActions = (selected, clear) => {
    const mappable = selected.filter((r) => r.state === 'not_mapped' || r.state === 'failed');
    const unlinkable = selected.filter((r) => r.state !== 'not_mapped');
    const ready = selected.filter((r) => r.state === 'ready');
    return html`
      <button type="button" class="primary" disabled=${mappable.length === 0} onClick=${() => mapNew(mappable, clear)}>Map to new customer tenant</button>
      <button type="button" disabled=${selected.length !== 1} title=${selected.length !== 1 ? 'Select one company' : undefined} onClick=${() => setPicker(selected[0])}>Map to existing customer tenant</button>
      ${ready.length > 0 && html`<button type="button" class="primary" onClick=${() => setApplying({ rows: ready, clear })}>Apply mapping</button>`}
      <button type="button" class="danger" disabled=${unlinkable.length === 0} onClick=${() => remove(unlinkable, clear)}>Remove mapping</button>
    `;
  };

  const counts = data?.counts ?? {};
  const readyRows = (rows ?? []).filter((r) => r.state === 'ready');

  return html`
    <div class="tab-toolbar">
      <div class="count-chips" aria-label="Mapping states">
        ${Object.entries(STATE_LABELS).map(([state, label]) => html`<span class="chip"><${StatusBadge} status=${state} label=${label} /> ${counts[state] ?? 0}</span>`)}
      </div>
      <div class="inline-actions">
        ${readyRows.length > 0 && html`<button type="button" class="primary" onClick=${() => setApplying({ rows: readyRows })}>Apply ${readyRows.length} ready mapping${readyRows.length === 1 ? '' : 's'}</button>`}
        ${target.capabilities.nameSuggestions === true && html`<button type="button" onClick=${() => setSuggesting(true)}>Suggested matches</button>`}
        ${target.capabilities.marketplace === true && html`<button type="button" onClick=${() => setWizard(true)}>Map through Ingram Marketplace</button>`}
        <button type="button" onClick=${() => refresh(true)} disabled=${reloading}>${reloading ? 'Reloading…' : 'Reload list'}</button>
        <${CsvDownload} path=${`${base}/mappings.csv`} label="Download mapping CSV" />
      </div>
    </div>
    <${DataTable}
      label=${target.words.companyMapping}
      columns=${columns}
      rows=${rows}
      rowKey=${(r) => r.companyId}
      loading=${list.loading}
      error=${list.error}
      onRetry=${list.reload}
      search=${{ placeholder: `Search ${companyWord}s or tenants`, text: (r) => `${r.companyName} ${r.tenantName ?? ''}` }}
      filters=${filters}
      selectable
      bulkActions=${bulkActions}
      initialSort=${{ key: 'companyName', dir: 'asc' }}
      empty=${html`<${Empty} title=${`No ${companyWord}s yet`}><p>Companies appear once the customer mapping loop has read ${psa}.</p><//>`}
    />
    ${picker && html`<${TenantPicker} base=${base} row=${picker} onClose=${() => setPicker(null)} onMapped=${() => { setPicker(null); list.reload(); }} />`}
    ${applying &&
    html`<${ApplyMappingsDialog}
      rows=${applying.rows}
      companyWord=${companyWord}
      onClose=${() => setApplying(null)}
      onApply=${async (chosen) => {
        await apply(chosen, applying.clear);
        setApplying(null);
      }}
    />`}
    ${suggesting && html`<${SuggestedMatches} base=${base} companyWord=${companyWord} onClose=${() => setSuggesting(false)} onDone=${() => { setSuggesting(false); list.reload(); }} />`}
    ${wizard && html`<${MarketplaceWizard} base=${base} onClose=${() => setWizard(false)} onDone=${() => { setWizard(false); list.reload(); }} />`}
  `;
}

function MappingState({ row }) {
  const badge = html`<${StatusBadge} status=${row.state} label=${row.pending ? `${STATE_LABELS[row.state]} · pending` : STATE_LABELS[row.state] ?? row.stateLabel} />`;
  if (!row.error) return badge;
  return html`<details class="error-details">
    <summary>${badge}<span class="visually-hidden"> — show the error</span><span aria-hidden="true" class="info-mark">ⓘ</span></summary>
    <p>${row.error}</p>
  </details>`;
}

/** Map to existing: choose the partner (or folder), then the customer tenant, with search. */
function TenantPicker({ base, row, onClose, onMapped }) {
  const tenants = useResource(() => api.get(`${base}/tenants`), [base]);
  const [partner, setPartner] = useState('');
  const [query, setQuery] = useState('');
  const [chosen, setChosen] = useState(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  // What the mapping would do, read before saving; a mapping that takes service asks to confirm.
  const [preview, setPreview] = useState(null);
  const [accepted, setAccepted] = useState(false);
  const choose = (tenantId) => {
    setChosen(tenantId);
    setPreview(null);
    setAccepted(false);
  };
  const reduces = (preview?.reductions ?? 0) > 0;
  const blocked = !chosen || preview === null || (reduces && !accepted);
  const partners = tenants.data?.partners ?? [];
  const partnerId = partner || partners[0]?.id || '';
  const needle = query.trim().toLowerCase();
  const list = (tenants.data?.tenants ?? []).filter((t) => t.parentId === partnerId && (!needle || t.name.toLowerCase().includes(needle)));

  const submit = async () => {
    if (!chosen) return setError('Choose a customer tenant.');
    if (preview === null) return setError('Wait until what this mapping would do has been read.');
    if (reduces && !accepted) return setError('This mapping takes service from the customer: confirm it first.');
    setBusy(true);
    setError(null);
    try {
      const result = await api.post(`${base}/mappings/${encodeURIComponent(row.companyId)}/map`, { tenantId: chosen });
      toast.success(result.message);
      onMapped();
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  };

  return html`
    <${Dialog}
      open=${true}
      wide
      title=${`Map "${row.companyName}" to an existing customer tenant`}
      onClose=${onClose}
      onSubmit=${submit}
      busy=${busy}
      footer=${html`<span class="spacer"></span><button type="button" onClick=${onClose} disabled=${busy}>Cancel</button><button type="submit" class="primary" disabled=${busy || blocked}>${busy ? 'Mapping…' : reduces ? 'Map and hold the reductions' : 'Map'}</button>`}
    >
      ${tenants.error && html`<${ErrorState} message=${tenants.error} onRetry=${tenants.reload} />`}
      ${!tenants.data && !tenants.error && html`<${Loading} label="Loading customer tenants…" />`}
      ${tenants.data &&
      html`
        <div class="picker-controls">
          <div class="field">
            <label for="field-picker-partner">Partner</label>
            <select id="field-picker-partner" value=${partnerId} onChange=${(e) => { setPartner(e.currentTarget.value); choose(null); }}>
              ${partners.map((p) => html`<option value=${p.id}>${p.name}</option>`)}
            </select>
          </div>
          <div class="field">
            <label for="field-picker-search">Customer</label>
            <input id="field-picker-search" type="search" placeholder="Search customers" value=${query} onInput=${(e) => setQuery(e.currentTarget.value)} />
          </div>
        </div>
        <fieldset class="picker-list" aria-label="Customer tenants">
          ${list.length === 0 && html`<p class="muted">No customer tenant matches.</p>`}
          ${list.map((t) => {
            const taken = t.mappedTo && t.mappedTo.companyId !== row.companyId;
            const disabled = taken || !t.manageable;
            return html`<label class=${`picker-item${chosen === t.id ? ' chosen' : ''}${disabled ? ' disabled' : ''}`}>
              <input type="radio" name="tenant" value=${t.id} checked=${chosen === t.id} disabled=${disabled} onChange=${() => choose(t.id)} />
              <span class="picker-name">${t.name}${!t.enabled && html` <span class="badge badge-neutral">disabled</span>`}</span>
              <span class="hint">${taken ? `Mapped to ${t.mappedTo.companyName}` : !t.manageable ? t.unmanageableReason ?? 'Not manageable' : t.customerId ? `Custom ID ${t.customerId}` : ''}</span>
            </label>`;
          })}
        </fieldset>
      `}
      ${chosen && html`<${MappingPreview} key=${chosen} base=${base} companyId=${row.companyId} tenantId=${chosen} onPreview=${setPreview} />`}
      ${reduces &&
      html`<label class="confirm-check">
        <input type="checkbox" checked=${accepted} onChange=${(e) => setAccepted(e.currentTarget.checked)} />
        I understand: this mapping takes service from the customer (the reductions wait for approval unless the provisioning settings allow them)
      </label>`}
      ${error && html`<div class="alert alert-error" role="alert">${error}</div>`}
    <//>
  `;
}

const BASIS_LABELS = { exact: 'same name', normalised: 'same name but for case, punctuation or legal suffix', similar: 'similar words' };

/**
 * Suggested matches by name: the hub compares the unmapped companies with the free customer tenants
 * and gives each pair a confidence; the confirmation lists how many and which (the one used for ready
 * mappings), with the unsure ones (only similar names, an inactive company, a disabled tenant) unticked.
 */
function SuggestedMatches({ base, companyWord, onClose, onDone }) {
  const suggested = useResource(() => api.get(`${base}/suggested-matches`), [base]);
  const data = suggested.data;
  if (!data) {
    return html`<${Dialog} open=${true} title="Suggested matches" onClose=${onClose} footer=${html`<button type="button" onClick=${onClose}>Close</button>`}>
      ${suggested.error ? html`<${ErrorState} message=${suggested.error} onRetry=${suggested.reload} />` : html`<${Loading} label="Comparing names…" />`}
    <//>`;
  }
  if (data.suggestions.length === 0) {
    return html`<${Dialog} open=${true} title="Suggested matches" onClose=${onClose} footer=${html`<button type="button" class="primary" onClick=${onClose}>Close</button>`}>
      <${Empty} title="Nothing to suggest"><p>No unmapped ${companyWord} (of ${data.compared.companies}) has a name close enough to a free customer tenant (of ${data.compared.tenants}).</p><//>
      ${data.ambiguous.length > 0 && html`<ul>${data.ambiguous.map((a) => html`<li>${a.message}</li>`)}</ul>`}
    <//>`;
  }
  const rows = data.suggestions.map((s) => ({
    ...s,
    warnings: [...s.warnings, ...(s.confidence < 0.9 ? [`The names are only similar (${Math.round(s.confidence * 100)} %): check it is the same customer.`] : [])],
  }));
  const confirmPairs = async (chosen) => {
    try {
      const result = await api.post(`${base}/suggested-matches`, { pairs: chosen.map((r) => ({ companyId: r.companyId, tenantId: r.tenantId })) });
      const failed = result.items.filter((i) => !i.ok);
      const ok = result.items.length - failed.length;
      if (ok > 0) toast.success(`${ok} suggested match${ok === 1 ? '' : 'es'} confirmed.`);
      if (failed.length > 0) toast.error(`${failed.length} not done: ${failed.slice(0, 3).map((f) => f.error?.message).join('; ')}`);
      onDone();
    } catch (error) {
      toast.error(error);
    }
  };
  return html`<${ApplyMappingsDialog}
    rows=${rows}
    companyWord=${companyWord}
    title=${`Confirm ${rows.length} suggested match${rows.length === 1 ? '' : 'es'}?`}
    tableLabel="Suggested matches"
    lead=${`Suggested by name, most confident first.${data.ambiguous.length > 0 ? ` ${data.ambiguous.length} ${companyWord}${data.ambiguous.length === 1 ? '' : 's'} matching several names equally ${data.ambiguous.length === 1 ? 'is' : 'are'} left to map by hand.` : ''}`}
    actionLabel=${(n) => `Confirm ${n} suggested match${n === 1 ? '' : 'es'}`}
    extraColumn=${{ label: 'Confidence', render: (r) => html`<strong>${Math.round(r.confidence * 100)} %</strong><span class="hint">${BASIS_LABELS[r.basis]}</span>` }}
    onClose=${onClose}
    onApply=${confirmPairs}
  />`;
}

/** CloudBlue: Ingram Cloud Marketplace matching — review the proposed pairs and confirm them. */
function MarketplaceWizard({ base, onClose, onDone }) {
  const proposals = useResource(() => api.get(`${base}/marketplace-matches`), [base]);
  const [picked, setPicked] = useState(null);
  const [query, setQuery] = useState('');
  const [busy, setBusy] = useState(false);
  const data = proposals.data;
  const selected = picked ?? new Set((data?.proposals ?? []).filter((p) => p.preselected).map((p) => p.companyId));
  const needle = query.trim().toLowerCase();
  const shown = (data?.proposals ?? []).filter((p) => !needle || `${p.companyName} ${p.tenantName}`.toLowerCase().includes(needle));
  const toggle = (id) => {
    const next = new Set(selected);
    next.has(id) ? next.delete(id) : next.add(id);
    setPicked(next);
  };
  const submit = async () => {
    const pairs = (data?.proposals ?? []).filter((p) => selected.has(p.companyId)).map((p) => ({ companyId: p.companyId, tenantId: p.tenantId }));
    if (pairs.length === 0) return onClose();
    setBusy(true);
    try {
      const result = await api.post(`${base}/marketplace-matches`, { pairs });
      const failed = result.items.filter((i) => !i.ok);
      toast.success(`${result.items.length - failed.length} customer${result.items.length - failed.length === 1 ? '' : 's'} mapped through Ingram Cloud Marketplace.`);
      if (failed.length) toast.error(failed.map((f) => f.error?.message).join('; '));
      onDone();
    } catch (error) {
      toast.error(error);
    } finally {
      setBusy(false);
    }
  };
  return html`
    <${Dialog}
      open=${true}
      wide
      title="Ingram Cloud Marketplace customer mapping"
      onClose=${onClose}
      onSubmit=${submit}
      busy=${busy}
      footer=${html`<span class="spacer"></span><button type="button" onClick=${onClose} disabled=${busy}>Cancel</button><button type="submit" class="primary" disabled=${busy || !data || selected.size === 0}>${busy ? 'Mapping…' : `Confirm ${selected.size} pair${selected.size === 1 ? '' : 's'}`}</button>`}
    >
      <p class="hint">Customers provisioned through Ingram Cloud Marketplace are matched by their marketplace account id (the tenant's Custom ID <code>osa_account_id=…</code>). Review the proposals and confirm.</p>
      ${proposals.error && html`<${ErrorState} message=${proposals.error} onRetry=${proposals.reload} />`}
      ${!data && !proposals.error && html`<${Loading} label="Matching customers…" />`}
      ${data &&
      html`
        <input type="search" class="table-search" aria-label="Search for customer" placeholder="Search for customer" value=${query} onInput=${(e) => setQuery(e.currentTarget.value)} />
        ${data.proposals.length === 0
          ? html`<${Empty} title="Nothing to propose"><p>${data.alreadyMapped} customer(s) are mapped already; no other pair shares a marketplace id.</p><//>`
          : html`<table class="data-table" aria-label="Proposed pairs">
              <thead><tr><th class="select-cell"><span class="visually-hidden">Confirm</span></th><th>CloudBlue PSA customer</th><th>Acronis customer</th><th>Marketplace id</th></tr></thead>
              <tbody>
                ${shown.map(
                  (p) => html`<tr class=${selected.has(p.companyId) ? 'selected' : ''}>
                    <td class="select-cell"><input type="checkbox" aria-label=${`Confirm ${p.companyName} ↔ ${p.tenantName}`} checked=${selected.has(p.companyId)} onChange=${() => toggle(p.companyId)} /></td>
                    <td data-label="CloudBlue PSA customer">${p.companyName}${p.warnings.map((w) => html`<span class="cell-note">${w}</span>`)}</td>
                    <td data-label="Acronis customer">${p.tenantName}</td>
                    <td data-label="Marketplace id" class="mono">${p.accountId}</td>
                  </tr>`,
                )}
              </tbody>
            </table>`}
        ${data.issues.length > 0 &&
        html`<details class="issues"><summary>${data.issues.length} issue${data.issues.length === 1 ? '' : 's'} found (not proposed)</summary>
          <ul>${data.issues.map((i) => html`<li>${i.message}</li>`)}</ul>
        </details>`}
      `}
    <//>
  `;
}
