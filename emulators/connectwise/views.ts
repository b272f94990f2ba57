// Rows as the API shows them: fields in model order, references as `{id, identifier?, name?,
// _info:{<field>_href}}`, dates as `yyyy-MM-ddTHH:mm:ssZ`, nulls left out [INF: the real API omits
// them], custom fields joined with their definitions, and `_info` last.
import type { FieldDef, ResourceDef, ResourceKey } from './model.ts';
import { resource } from './resources.ts';
import type { CwState, Row } from './state.ts';

export const API_PREFIX = '/v4_6_release/apis/3.0';

export interface ViewCtx {
  state: CwState;
  /** Absolute API base, e.g. http://127.0.0.1:4000/v4_6_release/apis/3.0 */
  base: string;
}

export function formatDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19) + 'Z';
}

export function displayName(def: ResourceDef, row: Row): string | undefined {
  if (def.displayName) return def.displayName(row);
  return typeof row.name === 'string' ? row.name : undefined;
}

/** Path of one row under the API base (parent ids filled in). */
export function rowPath(def: ResourceDef, row: Row): string {
  const path = def.parent ? def.path.replace('{parentId}', String(row[def.parent.field])) : def.path;
  return `${path}/${row.id}`;
}

export function refView(v: ViewCtx, key: ResourceKey, id: number, show: readonly ('identifier' | 'name')[], field: string): Record<string, unknown> {
  const def = resource(key);
  const target = v.state.table(key).rows.get(id);
  const out: Record<string, unknown> = { id };
  if (target) {
    for (const s of show) {
      const value = s === 'name' ? displayName(def, target) : target[s];
      if (value !== undefined && value !== null) out[s] = value;
    }
    out._info = { [`${field}_href`]: `${v.base}/${rowPath(def, target)}` };
  }
  return out;
}

export function customFieldsView(state: CwState, key: ResourceKey, stored: unknown): Record<string, unknown>[] {
  const defs = state.customFields.get(key) ?? [];
  const values = new Map<number, unknown>();
  if (Array.isArray(stored)) for (const e of stored as { id: number; value: unknown }[]) values.set(e.id, e.value);
  return defs.map((d) => {
    const value = values.get(d.id);
    return { id: d.id, caption: d.caption, type: d.type, entryMethod: d.entryMethod, numberOfDecimals: d.numberOfDecimals, ...(value === undefined || value === null ? {} : { value }) };
  });
}

export function fieldValue(field: FieldDef, row: Row, state: CwState): unknown {
  if (field.derive) return field.derive(row, state);
  const v = row[field.name];
  return v === undefined ? field.fallback : v;
}

export function view(def: ResourceDef, row: Row, v: ViewCtx): Record<string, unknown> {
  const out: Record<string, unknown> = { id: row.id };
  for (const f of def.fields) {
    if (f.writeOnly) continue;
    const value = fieldValue(f, row, v.state);
    switch (f.type.kind) {
      case 'customFields':
        out[f.name] = customFieldsView(v.state, def.key, value);
        break;
      case 'ref':
        if (typeof value === 'number') out[f.name] = refView(v, f.type.to, value, f.type.show, f.name);
        break;
      case 'refs':
        if (Array.isArray(value)) {
          const t = f.type;
          out[f.name] = (value as number[]).map((id) => refView(v, t.to, id, t.show, f.name));
        }
        break;
      case 'datetime':
        if (typeof value === 'number') out[f.name] = formatDate(value);
        break;
      default:
        if (value !== null && value !== undefined) out[f.name] = value;
    }
  }
  if (def.parent) {
    const pid = row[def.parent.field] as number;
    if (def.parent.view.kind === 'id') out[def.parent.view.name] = pid;
    else out[def.parent.view.name] = refView(v, def.parent.key, pid, ['name'], def.parent.view.name);
  }
  out._info = {
    lastUpdated: formatDate(row._lastUpdated),
    updatedBy: row._updatedBy,
    dateEntered: formatDate(row._dateEntered),
    enteredBy: row._enteredBy,
    ...(def.hrefs ? def.hrefs(row, v.base) : {}),
  };
  return out;
}

/** `fields=id,name,status/name`: keeps only those paths (case-insensitive) of a view. */
export function project(value: Record<string, unknown>, paths: string[][]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const path of paths) copyPath(value, out, path);
  return out;
}

function copyPath(from: unknown, to: Record<string, unknown>, path: string[]): void {
  if (from === null || typeof from !== 'object' || Array.isArray(from)) return;
  const [head, ...rest] = path;
  if (head === undefined) return;
  const key = Object.keys(from).find((k) => k.toLowerCase() === head.toLowerCase());
  if (key === undefined) return;
  const value = (from as Record<string, unknown>)[key];
  if (rest.length === 0 || value === null || typeof value !== 'object') {
    to[key] = value;
    return;
  }
  if (Array.isArray(value)) {
    const prev = Array.isArray(to[key]) ? (to[key] as Record<string, unknown>[]) : value.map(() => ({}));
    value.forEach((el, i) => copyPath(el, prev[i] as Record<string, unknown>, rest));
    to[key] = prev;
    return;
  }
  const target = (to[key] as Record<string, unknown> | undefined) ?? {};
  copyPath(value, target, rest);
  to[key] = target;
}
