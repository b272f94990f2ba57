// "Apply N ready mappings" (and "Confirm suggested matches") says how many and which before it runs:
// every proposed pair (company → tenant), with the pairs the marketplace wizard flags marked and left
// unticked (a company inactive in the PSA, a disabled tenant, a tenant the partner may not change, a
// suggestion whose names are only similar). Nothing runs until confirmed.
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { Dialog } from '../../components/dialog.js';

/** Why a proposed pair deserves a second look; empty when nothing stands out. */
export function pairWarnings(row, companyWord) {
  const warnings = [];
  if (row.companyActive === false) warnings.push(`The ${companyWord} is inactive in the PSA.`);
  if (row.tenantEnabled === false) warnings.push(`Tenant "${row.tenantName}" is disabled.`);
  if (row.tenantManageable === false) warnings.push(row.tenantUnmanageableReason ?? 'The tenant is not manageable by the partner.');
  // Warnings the proposal brings itself (e.g. a suggested match's).
  for (const warning of row.warnings ?? []) if (!warnings.includes(warning)) warnings.push(warning);
  return warnings;
}

/**
 * `title`, `lead`, `actionLabel(n)` and `extraColumn` ({ label, render(row) }) let another list of
 * proposals (the suggested matches) use the same confirmation; the defaults are the ready mappings'.
 */
export function ApplyMappingsDialog({ rows, companyWord, onClose, onApply, title, lead, actionLabel, extraColumn, tableLabel = 'Ready mappings' }) {
  const [chosen, setChosen] = useState(() => new Set(rows.filter((r) => pairWarnings(r, companyWord).length === 0).map((r) => r.companyId)));
  const [busy, setBusy] = useState(false);
  const flagged = rows.filter((r) => pairWarnings(r, companyWord).length > 0).length;
  const toggle = (id) => {
    const next = new Set(chosen);
    next.has(id) ? next.delete(id) : next.add(id);
    setChosen(next);
  };
  const submit = async () => {
    setBusy(true);
    try {
      await onApply(rows.filter((r) => chosen.has(r.companyId)));
    } finally {
      setBusy(false);
    }
  };
  const n = chosen.size;
  return html`<${Dialog}
    open=${true}
    wide
    title=${title ?? `Apply ${rows.length} ready mapping${rows.length === 1 ? '' : 's'}?`}
    onClose=${onClose}
    onSubmit=${submit}
    busy=${busy}
    footer=${html`<span class="spacer"></span><button type="button" onClick=${onClose} disabled=${busy}>Cancel</button>
      <button type="submit" class="primary" disabled=${busy || n === 0}>${busy ? 'Applying…' : actionLabel ? actionLabel(n) : `Apply ${n} mapping${n === 1 ? '' : 's'}`}</button>`}
  >
    <p>${lead ?? ''} Each ${companyWord} below is linked to the customer tenant proposed for it; the next provisioning pass then sets the tenant's services to the ${companyWord}'s contract.</p>
    ${flagged > 0 &&
    html`<div class="alert alert-warning" role="note">${flagged} pair${flagged === 1 ? ' is' : 's are'} flagged and left unticked: tick ${flagged === 1 ? 'it' : 'them'} only if the link is wanted.</div>`}
    <table class="data-table" aria-label=${tableLabel}>
      <thead><tr><th class="select-cell"><span class="visually-hidden">Apply</span></th><th>${companyWord.replace(/^./, (c) => c.toUpperCase())}</th><th>Customer tenant</th>${extraColumn && html`<th>${extraColumn.label}</th>`}<th>Check</th></tr></thead>
      <tbody>
        ${rows.map((r) => {
          const warnings = pairWarnings(r, companyWord);
          return html`<tr class=${chosen.has(r.companyId) ? 'selected' : ''}>
            <td class="select-cell"><input type="checkbox" aria-label=${`Apply ${r.companyName} → ${r.tenantName}`} checked=${chosen.has(r.companyId)} onChange=${() => toggle(r.companyId)} /></td>
            <td data-label=${companyWord}>${r.companyName}</td>
            <td data-label="Customer tenant">${r.tenantName ?? '—'}</td>
            ${extraColumn && html`<td data-label=${extraColumn.label}>${extraColumn.render(r)}</td>`}
            <td data-label="Check">${warnings.length === 0 ? html`<span class="muted">—</span>` : warnings.map((w) => html`<span class="cell-note flag">${w}</span>`)}</td>
          </tr>`;
        })}
      </tbody>
    </table>
  <//>`;
}
