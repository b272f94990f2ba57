// The Alert Manager's query language (reference §6): `op(value)` filters on nanosecond timestamps,
// ordered severities, `or(a,b)` lists, `asc(f)|desc(f)` ordering and opaque keyset cursors.
import { decodeCursor, encodeCursor } from '../kit/cursor.ts';
import { severityRank } from './catalog.ts';
import { badRequest } from './errors.ts';
import type { AcronisState, AlertRecord } from './state.ts';

type Query = Record<string, string | string[] | undefined>;
type Op = 'eq' | 'ne' | 'lt' | 'gt' | 'le' | 'ge';
const ops: readonly Op[] = ['eq', 'ne', 'lt', 'gt', 'le', 'ge'];

const all = (q: Query, name: string): string[] => {
  const v = q[name];
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
};

/** `or(a,b)` → [a,b]; `a,b` → [a,b]; `a` → [a]. */
function listOf(raw: string): string[] {
  const m = /^or\((.*)\)$/i.exec(raw.trim());
  return (m ? (m[1] as string) : raw).split(',').map((s) => s.trim()).filter((s) => s !== '');
}

function compare(op: Op, a: bigint | number, b: bigint | number): boolean {
  switch (op) {
    case 'eq': return a === b;
    case 'ne': return a !== b;
    case 'lt': return a < b;
    case 'gt': return a > b;
    case 'le': return a <= b;
    case 'ge': return a >= b;
  }
}

interface NsCondition {
  op: Op;
  value: bigint;
}

function parseNs(name: string, raw: string): NsCondition[] {
  // `and(gt(a),lt(b))`, `gt(a)` or a bare value (eq).
  const and = /^and\((.*)\)$/i.exec(raw.trim());
  const parts = and ? (and[1] as string).split(/,(?=\s*[a-z]{2}\()/i) : [raw];
  return parts.map((part) => {
    const m = /^\s*([a-z]{2})\((-?\d+)\)\s*$/i.exec(part);
    const bare = /^\s*(\d+)\s*$/.exec(part);
    if (bare) return { op: 'eq' as const, value: BigInt(bare[1] as string) };
    if (!m || !ops.includes((m[1] as string).toLowerCase() as Op)) {
      throw badRequest(`Filter '${name}' must look like gt(<unix nanoseconds>); operators: ${ops.join(', ')}.`, { [name]: raw });
    }
    return { op: (m[1] as string).toLowerCase() as Op, value: BigInt(m[2] as string) };
  });
}

export const orderFields = ['created_at', 'updated_at', 'deleted_at', 'received_at', 'type', 'severity', 'category', 'planId', 'resourceId', 'id'] as const;
type OrderField = (typeof orderFields)[number];

function sortValue(a: AlertRecord, field: OrderField): bigint | number | string {
  switch (field) {
    case 'created_at': return a.createdNs;
    case 'updated_at': return a.updatedNs;
    case 'deleted_at': return a.deletedNs ?? -1n;
    case 'received_at': return a.receivedNs;
    case 'type': return a.type;
    case 'category': return a.category;
    case 'severity': return severityRank.get(a.severity) ?? 0;
    case 'planId': return String(a.details.planId ?? '');
    case 'resourceId': return String(a.details.resourceId ?? '');
    case 'id': return a.id;
  }
}

const cmpValues = (x: bigint | number | string, y: bigint | number | string) => (x < y ? -1 : x > y ? 1 : 0);

export interface AlertQuery {
  matches(a: AlertRecord): boolean;
  /** Candidate alerts, restricted by tenant when the query names tenants. */
  candidates(state: AcronisState): Iterable<AlertRecord>;
  order: { field: OrderField; dir: 'asc' | 'desc' };
  /** A lower bound on updatedNs, for the binary-search fast path. */
  updatedFrom?: { ns: bigint; inclusive: boolean };
  tenants?: string[];
}

export function parseAlertQuery(q: Query, visible: (tenantId: string) => boolean): AlertQuery {
  const preds: Array<(a: AlertRecord) => boolean> = [(a) => visible(a.tenantId)];

  const ids = all(q, 'id').flatMap(listOf).map((s) => s.toUpperCase());
  if (ids.length) preds.push((a) => ids.includes(a.id.toUpperCase()));
  const skip = all(q, 'skip').flatMap(listOf).map((s) => s.toUpperCase());
  if (skip.length) preds.push((a) => !skip.includes(a.id.toUpperCase()));
  const types = all(q, 'type').flatMap(listOf);
  if (types.length) preds.push((a) => types.includes(a.type));
  const categories = all(q, 'category').flatMap(listOf);
  if (categories.length) preds.push((a) => categories.includes(a.category));
  const tenants = all(q, 'tenant').flatMap(listOf);
  if (tenants.length) preds.push((a) => tenants.includes(a.tenantId));

  for (const raw of all(q, 'severity')) {
    const m = /^\s*([a-z]{2})\((.*)\)\s*$/i.exec(raw);
    const op = m ? (m[1] as string).toLowerCase() : 'eq';
    const values = m ? listOf(m[2] as string) : listOf(raw);
    for (const v of values) if (!severityRank.has(v)) throw badRequest(`Unknown severity '${v}'; use ok, information, warning, error or critical.`);
    if (op === 'or' || (op === 'eq' && values.length > 1)) preds.push((a) => values.includes(a.severity));
    else if (ops.includes(op as Op)) {
      const rank = severityRank.get(values[0] as string) as number;
      preds.push((a) => compare(op as Op, severityRank.get(a.severity) ?? 0, rank));
    } else throw badRequest(`Unsupported severity operator '${op}'.`);
  }

  let updatedFrom: AlertQuery['updatedFrom'];
  const nsField = (name: string, get: (a: AlertRecord) => bigint | null) => {
    for (const raw of all(q, name)) {
      for (const c of parseNs(name, raw)) {
        preds.push((a) => {
          const v = get(a);
          return v !== null && compare(c.op, v, c.value);
        });
        if (name === 'updated_at' && (c.op === 'gt' || c.op === 'ge' || c.op === 'eq')) {
          if (!updatedFrom || c.value > updatedFrom.ns) updatedFrom = { ns: c.value, inclusive: c.op !== 'gt' };
        }
      }
    }
  };
  nsField('updated_at', (a) => a.updatedNs);
  nsField('created_at', (a) => a.createdNs);
  nsField('deleted_at', (a) => a.deletedNs);

  const showDeletedOnly = String(q.show_deleted_only) === 'true';
  const showDeleted = String(q.show_deleted) === 'true';
  if (showDeletedOnly) preds.push((a) => a.deletedNs !== null);
  // A deleted_at filter only makes sense on dismissed alerts, so it implies show_deleted.
  else if (!showDeleted && all(q, 'deleted_at').length === 0) preds.push((a) => a.deletedNs === null);

  let order: AlertQuery['order'] = { field: 'updated_at', dir: 'asc' };
  const rawOrder = all(q, 'order')[0];
  if (rawOrder !== undefined) {
    const m = /^(asc|desc)\(([A-Za-z_]+)\)$/.exec(rawOrder.trim());
    if (!m || !(orderFields as readonly string[]).includes(m[2] as string)) {
      throw badRequest(`order must be asc(<field>) or desc(<field>) with a field among ${orderFields.join(', ')}.`, { order: rawOrder });
    }
    order = { dir: m[1] as 'asc' | 'desc', field: m[2] as OrderField };
  }

  return {
    matches: (a) => preds.every((p) => p(a)),
    candidates: (state) => {
      if (!tenants.length) return state.alerts.values();
      return tenants.flatMap((t) => [...(state.alertsByTenant.get(t) ?? [])]);
    },
    order,
    ...(updatedFrom ? { updatedFrom } : {}),
    ...(tenants.length ? { tenants } : {}),
  };
}

interface AlertCursor {
  f: string;
  d: string;
  v: string;
  t: 'b' | 'n' | 's';
  id: string;
}

const cursorValue = (v: bigint | number | string): Pick<AlertCursor, 'v' | 't'> =>
  typeof v === 'bigint' ? { v: v.toString(), t: 'b' } : typeof v === 'number' ? { v: String(v), t: 'n' } : { v, t: 's' };

/** Runs a query: filter, order, resume after the cursor, cut a page. */
export function runAlertQuery(
  state: AcronisState,
  query: AlertQuery,
  limit: number | undefined,
  after: string | undefined,
): { page: AlertRecord[]; after?: string } {
  const { field, dir } = query.order;
  let resume: { value: bigint | number | string; id: string } | undefined;
  if (after) {
    const c = decodeCursor(after) as AlertCursor | undefined;
    if (!c || c.f !== field || c.d !== dir || typeof c.id !== 'string') throw badRequest("Query parameter 'after' is not a valid cursor for this order.");
    resume = { value: c.t === 'b' ? BigInt(c.v) : c.t === 'n' ? Number(c.v) : c.v, id: c.id };
  }
  const sign = dir === 'asc' ? 1 : -1;
  const cmp = (a: AlertRecord, b: AlertRecord) => sign * (cmpValues(sortValue(a, field), sortValue(b, field)) || cmpValues(a.id, b.id));
  const isAfter = (a: AlertRecord) =>
    !resume || sign * (cmpValues(sortValue(a, field), resume.value) || cmpValues(a.id, resume.id)) > 0;

  let ordered: Iterable<AlertRecord>;
  if (field === 'updated_at' && dir === 'asc' && !query.tenants) {
    // Polling path: the updatedAt index is already in order; start at the lower bound.
    let start = 0;
    if (query.updatedFrom) {
      start = state.indexByUpdated(query.updatedFrom.ns);
      if (!query.updatedFrom.inclusive) while (state.alertsByUpdated[start]?.updatedNs === query.updatedFrom.ns) start++;
    }
    if (resume && typeof resume.value === 'bigint') start = Math.max(start, state.indexByUpdated(resume.value));
    ordered = state.alertsByUpdated.slice(start);
  } else {
    ordered = [...query.candidates(state)].sort(cmp);
  }

  const page: AlertRecord[] = [];
  for (const a of ordered) {
    if (!isAfter(a) || !query.matches(a)) continue;
    if (limit !== undefined && page.length === limit) {
      const last = page[page.length - 1] as AlertRecord;
      return { page, after: encodeCursor({ f: field, d: dir, ...cursorValue(sortValue(last, field)), id: last.id }) };
    }
    page.push(a);
  }
  return { page };
}
