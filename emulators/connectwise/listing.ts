// List parameters (reference §B.2): conditions, childConditions, customFieldConditions, orderBy,
// fields, page/pageSize (default 25, at most 1000; larger sizes are clamped [INF]) with a Link header
// (first/prev/next/last), and forward-only paging (`pagination-type: forward-only` header, or a
// `pageId`): rows with id > pageId in id order, and a `rel="next"` link carrying the last id.
// Query parameter names match case-insensitively [INF: .NET model binding].
import { compile, parseConditions } from './conditions.ts';
import { CwError } from './errors.ts';
import type { ResourceDef } from './model.ts';
import { compilePath, type Getter } from './paths.ts';
import type { CwState, Row } from './state.ts';
import { customFieldsView } from './views.ts';

export const MAX_PAGE_SIZE = 1000;
export const DEFAULT_PAGE_SIZE = 25;

export interface ListQuery {
  filter: (row: Row) => boolean;
  order?: (a: Row, b: Row) => number;
  fields?: string[][];
  page: number;
  pageSize: number;
  forwardOnly: boolean;
  pageId: number;
}

/** Query parameters by lower-case name (first value wins). */
export function lowerParams(params: URLSearchParams): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of params) if (!out.has(k.toLowerCase())) out.set(k.toLowerCase(), v);
  return out;
}

const CUSTOM_FIELD_PATHS: Record<string, Getter['type']> = { id: 'number', caption: 'string', type: 'string', entrymethod: 'string', numberofdecimals: 'number', value: 'any' };

function intParam(p: Map<string, string>, name: string, fallback: number, min: number): number {
  const raw = p.get(name.toLowerCase());
  if (raw === undefined || raw === '') return fallback;
  if (!/^-?\d+$/.test(raw.trim())) throw new CwError(400, `The ${name} parameter must be a whole number, not "${raw}".`);
  const n = Number(raw);
  if (n < min) throw new CwError(400, `The ${name} parameter must be at least ${min}.`);
  return n;
}

export function parseListQuery(def: ResourceDef, state: CwState, params: URLSearchParams, forwardOnlyHeader: boolean): ListQuery {
  const p = lowerParams(params);
  const filters: ((row: Row) => boolean)[] = [];
  const resolve = (path: string) => compilePath(def, state, path);
  const conditions = p.get('conditions');
  if (conditions !== undefined && conditions.trim() !== '') filters.push(compile<Row>(parseConditions(conditions, 'conditions'), { param: 'conditions', resolve, allowMulti: false }));
  const child = p.get('childconditions');
  if (child !== undefined && child.trim() !== '') filters.push(compile<Row>(parseConditions(child, 'childConditions'), { param: 'childConditions', resolve, allowMulti: true }));
  const custom = p.get('customfieldconditions');
  if (custom !== undefined && custom.trim() !== '') {
    const cfField = def.fields.find((f) => f.type.kind === 'customFields');
    if (!cfField) throw new CwError(400, `Invalid customFieldConditions: ${def.label} has no custom fields.`);
    const pred = compile<Record<string, unknown>>(parseConditions(custom, 'customFieldConditions'), {
      param: 'customFieldConditions',
      allowMulti: false,
      resolve: (path) => {
        const key = path.toLowerCase();
        const type = CUSTOM_FIELD_PATHS[key];
        if (type === undefined) throw new CwError(400, `Invalid customFieldConditions: "${path}" is not a custom field property (id, caption, type, entryMethod, numberOfDecimals, value).`);
        const prop = Object.keys(CUSTOM_FIELD_PATHS).indexOf(key);
        const name = ['id', 'caption', 'type', 'entryMethod', 'numberOfDecimals', 'value'][prop] as string;
        return { path, type, multi: false, get: (cf: Row) => (cf as unknown as Record<string, unknown>)[name] };
      },
    });
    filters.push((row) => customFieldsView(state, def.key, row.customFields).some(pred));
  }
  const filter = filters.length === 0 ? () => true : (row: Row) => filters.every((f) => f(row));

  const pageSize = Math.min(intParam(p, 'pageSize', DEFAULT_PAGE_SIZE, 1), MAX_PAGE_SIZE);
  const page = intParam(p, 'page', 1, 1);
  const pageIdRaw = p.get('pageid');
  const forwardOnly = forwardOnlyHeader || (pageIdRaw !== undefined && pageIdRaw !== '');
  const pageId = intParam(p, 'pageId', 0, 0);

  let order: ListQuery['order'];
  const orderBy = p.get('orderby');
  if (orderBy !== undefined && orderBy.trim() !== '') {
    const keys = orderBy.split(',').map((part) => {
      const m = /^\s*(\S+)(?:\s+(asc|desc))?\s*$/i.exec(part);
      if (!m) throw new CwError(400, `Invalid orderBy "${part.trim()}": use "field [asc|desc]", separated by commas.`);
      const getter = compilePath(def, state, m[1] as string);
      if (getter.multi) throw new CwError(400, `Invalid orderBy: "${m[1]}" is a list.`);
      return { getter, dir: (m[2] ?? 'asc').toLowerCase() === 'desc' ? -1 : 1 };
    });
    if (forwardOnly && !(keys.length === 1 && keys[0]?.getter.path.toLowerCase() === 'id' && keys[0].dir === 1)) {
      throw new CwError(400, 'Forward-only paging returns rows in id order; orderBy cannot be used with it.');
    }
    order = (a, b) => {
      for (const { getter, dir } of keys) {
        const c = compareValues(getter.get(a), getter.get(b));
        if (c !== 0) return c * dir;
      }
      return a.id - b.id;
    };
  }

  const fieldsRaw = p.get('fields');
  const fields = fieldsRaw !== undefined && fieldsRaw.trim() !== '' ? fieldsRaw.split(',').map((f) => f.trim().split('/')).filter((f) => f[0] !== '') : undefined;

  return { filter, ...(order ? { order } : {}), ...(fields ? { fields } : {}), page, pageSize, forwardOnly, pageId };
}

/** SQL Server order: nulls first, strings without regard to case. */
function compareValues(a: unknown, b: unknown): number {
  const an = a === null || a === undefined;
  const bn = b === null || b === undefined;
  if (an || bn) return an && bn ? 0 : an ? -1 : 1;
  if (typeof a === 'string' && typeof b === 'string') {
    const x = a.toLowerCase();
    const y = b.toLowerCase();
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
}

export interface Page {
  rows: Row[];
  /** Navigable: total pages (for rel="last"); forward-only: whether more rows follow. */
  lastPage: number;
  more: boolean;
}

export function runList(source: Iterable<Row>, q: ListQuery): Page {
  if (q.forwardOnly) {
    const rows: Row[] = [];
    let more = false;
    // Tables iterate in id order, so this stops after one page.
    for (const r of source) {
      if (r.id <= q.pageId || !q.filter(r)) continue;
      if (rows.length === q.pageSize) {
        more = true;
        break;
      }
      rows.push(r);
    }
    return { rows, lastPage: 0, more };
  }
  const start = (q.page - 1) * q.pageSize;
  if (!q.order) {
    const rows: Row[] = [];
    let total = 0;
    for (const r of source) {
      if (!q.filter(r)) continue;
      if (total >= start && rows.length < q.pageSize) rows.push(r);
      total++;
    }
    const lastPage = Math.max(1, Math.ceil(total / q.pageSize));
    return { rows, lastPage, more: q.page < lastPage };
  }
  const all: Row[] = [];
  for (const r of source) if (q.filter(r)) all.push(r);
  all.sort(q.order);
  const lastPage = Math.max(1, Math.ceil(all.length / q.pageSize));
  return { rows: all.slice(start, start + q.pageSize), lastPage, more: q.page < lastPage };
}

export function countRows(source: Iterable<Row>, q: ListQuery): number {
  let n = 0;
  for (const r of source) if (q.filter(r)) n++;
  return n;
}

/** The Link header: `<url>; rel="first", <url>; rel="prev", <url>; rel="next", <url>; rel="last"`. */
export function linkHeader(url: URL, q: ListQuery, page: Page): string | undefined {
  const at = (set: Record<string, string>) => {
    const u = new URL(url);
    for (const k of [...u.searchParams.keys()]) if (Object.keys(set).some((s) => s.toLowerCase() === k.toLowerCase())) u.searchParams.delete(k);
    for (const [k, v] of Object.entries(set)) u.searchParams.set(k, v);
    return u.toString();
  };
  const links: string[] = [];
  if (q.forwardOnly) {
    const last = page.rows[page.rows.length - 1];
    if (page.more && last) links.push(`<${at({ pageId: String(last.id), pageSize: String(q.pageSize) })}>; rel="next"`);
  } else {
    const size = String(q.pageSize);
    if (q.page > 1) {
      links.push(`<${at({ page: '1', pageSize: size })}>; rel="first"`);
      links.push(`<${at({ page: String(Math.min(q.page - 1, page.lastPage)), pageSize: size })}>; rel="prev"`);
    }
    if (q.page < page.lastPage) {
      links.push(`<${at({ page: String(q.page + 1), pageSize: size })}>; rel="next"`);
      links.push(`<${at({ page: String(page.lastPage), pageSize: size })}>; rel="last"`);
    }
  }
  return links.length > 0 ? links.join(', ') : undefined;
}
