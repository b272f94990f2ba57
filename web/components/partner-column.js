// The Partner column of a table of tenants, for an integration that serves several partner tenants
// (the vendor's multi-mapping). The API puts `partner` on a row only then, so a single-partner
// table stays as it was: no rows with the field, no column.
import { html } from 'htm/preact';

/** `partnerOf(row)`: the row's `{ connectionName, tenantName, dataCenter }`, null for a row without tenant, undefined when the API sent none. */
export function partnerColumns(rows, partnerOf = (r) => r.partner) {
  if (!(rows ?? []).some((r) => partnerOf(r) !== undefined)) return [];
  return [
    {
      key: 'partner',
      label: 'Partner',
      sortValue: (r) => partnerOf(r)?.connectionName ?? '',
      render: (r) => {
        const p = partnerOf(r);
        if (!p) return html`<span class="muted">—</span>`;
        return html`${p.connectionName}<span class="cell-note info">${[p.tenantName, p.dataCenter].filter(Boolean).join(' · ')}</span>`;
      },
    },
  ];
}

/** The partner in words, for a line of text (the customer page). */
export const partnerText = (p) => (p ? `${p.connectionName}${p.tenantName ? ` (${p.tenantName})` : ''}` : '');
