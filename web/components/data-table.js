// The portal's table: search, filters, sort, multi-select with bulk actions, and its loading,
// error and empty states. Rows are plain objects; columns say how to show and sort them.
// Below 720px rows become cards (each cell labelled), so a phone never scrolls sideways.
import { html } from 'htm/preact';
import { useMemo, useState } from 'preact/hooks';
import { Empty, ErrorState, Loading } from './page-state.js';

/**
 * @typedef {{ key: string, label: string, render?: (row: any) => any, sortValue?: (row: any) => any,
 *   sortable?: boolean, className?: string }} Column
 * @typedef {{ key: string, label: string, options: Array<{ value: string, label: string }>,
 *   test: (row: any, value: string) => boolean }} Filter
 * `source` is a useResource result shown as it is: its data are the rows, its loading, error and
 * reload the table's states (each can still be given on its own).
 * @param {{ source?: { data?: any[], loading: boolean, error?: string, reload: () => void },
 *   label: string, columns: Column[], rows?: any[] | undefined, rowKey: (row: any) => string,
 *   loading?: boolean, error?: string, onRetry?: () => void, search?: { placeholder: string, text: (row: any) => string },
 *   filters?: Filter[], selectable?: boolean, bulkActions?: (selected: any[], clear: () => void) => any,
 *   actions?: (row: any) => any, empty?: any, emptyFiltered?: string, initialSort?: { key: string, dir: 'asc' | 'desc' } }} props
 */
export function DataTable({
  source, label, columns, rows = source?.data, rowKey, loading = source?.loading ?? false, error = source?.error, onRetry = source?.reload, search, filters = [], selectable = false,
  bulkActions, actions, empty, emptyFiltered = 'Nothing matches the search and filters.', initialSort,
}) {
  const [query, setQuery] = useState('');
  const [filterValues, setFilterValues] = useState({});
  const [sort, setSort] = useState(initialSort ?? null);
  const [selectedKeys, setSelectedKeys] = useState(() => new Set());

  const visible = useMemo(() => {
    let list = rows ?? [];
    const needle = query.trim().toLowerCase();
    if (search && needle) list = list.filter((row) => search.text(row).toLowerCase().includes(needle));
    for (const filter of filters) {
      const value = filterValues[filter.key];
      if (value) list = list.filter((row) => filter.test(row, value));
    }
    if (sort) {
      const column = columns.find((c) => c.key === sort.key);
      const valueOf = column?.sortValue ?? ((row) => row[sort.key]);
      const factor = sort.dir === 'asc' ? 1 : -1;
      list = [...list].sort((a, b) => {
        const x = valueOf(a) ?? '';
        const y = valueOf(b) ?? '';
        return (typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y), undefined, { sensitivity: 'base', numeric: true })) * factor;
      });
    }
    return list;
  }, [rows, query, filterValues, sort, columns, filters, search]);

  const selectedRows = (rows ?? []).filter((row) => selectedKeys.has(rowKey(row)));
  const allVisibleSelected = visible.length > 0 && visible.every((row) => selectedKeys.has(rowKey(row)));
  const someVisibleSelected = visible.some((row) => selectedKeys.has(rowKey(row)));
  const clearSelection = () => setSelectedKeys(new Set());

  const toggleAll = () => {
    const next = new Set(selectedKeys);
    for (const row of visible) (allVisibleSelected ? next.delete(rowKey(row)) : next.add(rowKey(row)));
    setSelectedKeys(next);
  };
  const toggle = (key) => {
    const next = new Set(selectedKeys);
    next.has(key) ? next.delete(key) : next.add(key);
    setSelectedKeys(next);
  };
  const sortBy = (key) =>
    setSort((current) => (current?.key === key ? { key, dir: current.dir === 'asc' ? 'desc' : 'asc' } : { key, dir: 'asc' }));
  const filtered = query.trim() !== '' || Object.values(filterValues).some(Boolean);

  // Nothing to search in an empty table: its empty state says what to do instead.
  const toolbar = (rows ?? []).length > 0 && (search || filters.length > 0) && html`
    <div class="table-toolbar" role="search" aria-label=${`Search and filter ${label}`}>
      ${search &&
      html`<input type="search" class="table-search" placeholder=${search.placeholder} aria-label=${search.placeholder} value=${query} onInput=${(e) => setQuery(e.currentTarget.value)} />`}
      ${filters.map(
        (filter) => html`
          <label class="table-filter">
            <span class="visually-hidden">${filter.label}</span>
            <select aria-label=${filter.label} value=${filterValues[filter.key] ?? ''} onChange=${(e) => setFilterValues({ ...filterValues, [filter.key]: e.currentTarget.value })}>
              <option value="">${filter.label}: all</option>
              ${filter.options.map((option) => html`<option value=${option.value}>${option.label}</option>`)}
            </select>
          </label>
        `,
      )}
      ${filtered && html`<button type="button" class="link-button" onClick=${() => { setQuery(''); setFilterValues({}); }}>Clear filters</button>`}
    </div>
  `;

  const bulkBar = selectable && selectedRows.length > 0 && html`
    <div class="bulk-bar" role="region" aria-label="Bulk actions">
      <span>${selectedRows.length === 1 ? '1 item is selected' : `${selectedRows.length} items are selected`}</span>
      ${bulkActions?.(selectedRows, clearSelection)}
      <button type="button" class="link-button" onClick=${clearSelection}>Clear selection</button>
    </div>
  `;

  let body;
  if (loading && !rows) body = html`<${Loading} label=${`Loading ${label.toLowerCase()}…`} />`;
  else if (error) body = html`<${ErrorState} message=${error} onRetry=${onRetry} />`;
  else if ((rows ?? []).length === 0) body = empty ?? html`<${Empty} title=${`No ${label.toLowerCase()} yet`} />`;
  else if (visible.length === 0) body = html`<${Empty} title=${emptyFiltered} />`;
  else {
    body = html`
      <table class="data-table" aria-label=${label} aria-busy=${loading ? 'true' : 'false'}>
        <thead>
          <tr>
            ${selectable &&
            html`<th class="select-cell" scope="col">
              <input type="checkbox" aria-label="Select all shown rows" checked=${allVisibleSelected}
                indeterminate=${someVisibleSelected && !allVisibleSelected} onChange=${toggleAll} />
            </th>`}
            ${columns.map((column) => {
              const sorted = sort?.key === column.key ? sort.dir : null;
              const ariaSort = sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : 'none';
              return html`<th scope="col" class=${column.className} aria-sort=${column.sortable === false ? undefined : ariaSort}>
                ${column.sortable === false
                  ? column.label
                  : html`<button type="button" class="sort-button" onClick=${() => sortBy(column.key)}>
                      ${column.label}<span class="sort-mark" aria-hidden="true">${sorted === 'asc' ? '↑' : sorted === 'desc' ? '↓' : '↕'}</span>
                    </button>`}
              </th>`;
            })}
            ${actions && html`<th scope="col" class="actions-cell"><span class="visually-hidden">Actions</span></th>`}
          </tr>
        </thead>
        <tbody>
          ${visible.map((row) => {
            const key = rowKey(row);
            return html`<tr key=${key} class=${selectedKeys.has(key) ? 'selected' : ''}>
              ${selectable &&
              html`<td class="select-cell"><input type="checkbox" aria-label=${`Select ${key}`} checked=${selectedKeys.has(key)} onChange=${() => toggle(key)} /></td>`}
              ${columns.map((column) => html`<td data-label=${column.label} class=${column.className}>${column.render ? column.render(row) : row[column.key]}</td>`)}
              ${actions && html`<td class="actions-cell">${actions(row)}</td>`}
            </tr>`;
          })}
        </tbody>
      </table>
      <p class="table-count" aria-live="polite">${visible.length === (rows ?? []).length ? `${visible.length} shown` : `${visible.length} of ${(rows ?? []).length} shown`}</p>
    `;
  }

  return html`<div class="table-wrap">${toolbar}${bulkBar}${body}</div>`;
}
