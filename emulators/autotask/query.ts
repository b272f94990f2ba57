// The REST query language (reference §A.3): conditions {op, field, value, udf} and nested and/or
// groups under `items`, top-level items ANDed; IncludeFields; MaxRecords 1..500. Keys, field names
// and operators are case-insensitive; string comparisons are too, as on the SQL Server behind the API.
import { badRequest } from './errors.ts';
import type { EntityDef, FieldDef } from './entities.ts';
import type { AutotaskState, Row } from './state.ts';
import { catalogField, lineTable, unitRows, type LineKind } from './units.ts';
import { parseDate, udfByName } from './values.ts';

export const MAX_RECORDS = 500;
const MAX_OR_CONDITIONS = 500;
const MAX_UDF_CONDITIONS = 1;

const leafOps = ['eq', 'noteq', 'gt', 'gte', 'lt', 'lte', 'beginswith', 'endswith', 'contains', 'exist', 'notexist', 'in', 'notin'] as const;
type LeafOp = (typeof leafOps)[number];

type Predicate = (row: Row, udfs: Map<string, string | null> | undefined) => boolean;

export interface ParsedQuery {
  predicate: Predicate;
  includeFields: FieldDef[] | null;
  maxRecords: number;
  /** The query as sent, echoed in nextPageUrl's `search`. */
  search: unknown;
  /** Top-level `eq`/`in` constraints on integer fields, used to narrow derived rows. */
  pins: Map<string, Set<number>>;
}

/** Lower-cases an object's keys (the API reads `Filter`, `filter` and `FILTER` alike). */
function lowerKeys(value: unknown): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return {};
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k.toLowerCase(), v]));
}

interface Counters {
  or: number;
  udf: number;
}

export function parseQuery(state: AutotaskState, entity: EntityDef, body: unknown, opts: { requireFilter?: boolean } = {}): ParsedQuery {
  if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw badRequest('The query is missing or is not a JSON object.');
  }
  const q = lowerKeys(body);
  const filter = q.filter;
  if (filter !== undefined && !Array.isArray(filter)) throw badRequest('filter must be an array of conditions.');
  const items = (filter ?? []) as unknown[];
  if (items.length === 0 && opts.requireFilter !== false) {
    throw badRequest('A query requires at least one filter condition (e.g. {"op":"gte","field":"id","value":0}).');
  }
  const counters: Counters = { or: 0, udf: 0 };
  const preds = items.map((c) => compile(state, entity, c, counters, false));
  if (counters.or > MAX_OR_CONDITIONS) throw badRequest(`A query may contain at most ${MAX_OR_CONDITIONS} OR conditions.`);
  if (counters.udf > MAX_UDF_CONDITIONS) throw badRequest('A query may contain only one user-defined field condition.');

  let maxRecords = MAX_RECORDS;
  if (q.maxrecords !== undefined && q.maxrecords !== null) {
    const n = Number(q.maxrecords);
    if (!Number.isInteger(n) || n < 1 || n > MAX_RECORDS) throw badRequest(`MaxRecords must be an integer between 1 and ${MAX_RECORDS}.`);
    maxRecords = n;
  }

  let includeFields: FieldDef[] | null = null;
  if (q.includefields !== undefined && q.includefields !== null) {
    if (!Array.isArray(q.includefields)) throw badRequest('IncludeFields must be an array of field names.');
    includeFields = [];
    for (const name of q.includefields) {
      const f = typeof name === 'string' ? entity.byLower.get(name.toLowerCase()) : undefined;
      if (!f) throw badRequest(`IncludeFields: unable to find field '${String(name)}' in the ${entity.name} entity.`);
      includeFields.push(f);
    }
    if (includeFields.length === 0) includeFields = null;
  }

  const pins = new Map<string, Set<number>>();
  for (const raw of items) {
    const c = lowerKeys(raw);
    if (c.udf === true || typeof c.field !== 'string') continue;
    const op = String(c.op).toLowerCase();
    const f = entity.byLower.get(c.field.toLowerCase());
    if (!f || (f.type !== 'integer' && f.type !== 'long')) continue;
    const values = op === 'eq' ? [c.value] : op === 'in' && Array.isArray(c.value) ? c.value : null;
    if (!values) continue;
    const set = new Set(values.map(Number).filter(Number.isInteger));
    const prev = pins.get(f.name);
    pins.set(f.name, prev ? new Set([...prev].filter((x) => set.has(x))) : set);
  }

  return { predicate: (row, udfs) => preds.every((p) => p(row, udfs)), includeFields, maxRecords, search: body, pins };
}

function compile(state: AutotaskState, entity: EntityDef, raw: unknown, counters: Counters, inOr: boolean): Predicate {
  const c = lowerKeys(raw);
  const op = typeof c.op === 'string' ? c.op.toLowerCase() : '';
  if (op === 'and' || op === 'or') {
    if (!Array.isArray(c.items) || c.items.length === 0) throw badRequest(`A '${op}' group needs a non-empty items array.`);
    const preds = c.items.map((i) => compile(state, entity, i, counters, op === 'or' || inOr));
    return op === 'and' ? (r, u) => preds.every((p) => p(r, u)) : (r, u) => preds.some((p) => p(r, u));
  }
  if (!(leafOps as readonly string[]).includes(op)) {
    throw badRequest(`'${String(c.op)}' is not a valid operator. Valid operators: eq, noteq, gt, gte, lt, lte, beginsWith, endsWith, contains, exist, notExist, in, notIn, and, or.`);
  }
  if (inOr) counters.or++;
  if (typeof c.field !== 'string' || c.field === '') throw badRequest(`The '${op}' condition has no field.`);
  const leaf = op as LeafOp;
  const valueless = leaf === 'exist' || leaf === 'notexist';
  if (!valueless && (c.value === undefined || c.value === null)) {
    throw badRequest(`The '${op}' condition on ${c.field} has no value; null is not a valid value (use exist / notExist).`);
  }
  if ((leaf === 'in' || leaf === 'notin') && !Array.isArray(c.value)) throw badRequest(`The '${op}' condition on ${c.field} needs an array value.`);

  if (c.udf === true) {
    counters.udf++;
    const def = udfByName(state, entity, c.field);
    if (!def) throw badRequest(`Unable to find user-defined field '${c.field}' on the ${entity.name} entity.`);
    const key = String(def.name).toLowerCase();
    const numeric = def.dataType === 2;
    return leafPredicate(leaf, c.value, numeric ? 'double' : 'string', (_row, udfs) => udfs?.get(key) ?? null, c.field);
  }

  const field = entity.byLower.get(c.field.toLowerCase());
  if (!field) throw badRequest(`Unable to find field '${c.field}' in the ${entity.name} entity.`);
  if (!field.queryable) throw badRequest(`The field ${field.name} of the ${entity.name} entity cannot be queried.`);
  const name = field.name;
  return leafPredicate(leaf, c.value, field.type, (row) => row[name], field.name);
}

type Kind = FieldDef['type'];

function normalize(type: Kind, v: unknown, fieldName: string): number | string | boolean {
  switch (type) {
    case 'integer':
    case 'long':
    case 'double': {
      const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
      if (Number.isNaN(n)) throw badRequest(`'${String(v)}' is not a valid number for ${fieldName}.`);
      return n;
    }
    case 'boolean':
      if (typeof v !== 'boolean') throw badRequest(`${fieldName} is a boolean: use the literal true or false, not '${String(v)}'.`);
      return v;
    case 'datetime': {
      const ms = parseDate(v);
      if (ms === undefined) throw badRequest(`'${String(v)}' is not a valid date for ${fieldName}.`);
      return ms;
    }
    default:
      if (typeof v === 'object') throw badRequest(`'${JSON.stringify(v)}' is not a valid value for ${fieldName}.`);
      return String(v).toLowerCase();
  }
}

function rowValue(type: Kind, v: unknown): number | string | boolean | null {
  if (v === null || v === undefined || v === '') return v === '' && type === 'string' ? '' : null;
  switch (type) {
    case 'integer':
    case 'long':
    case 'double': {
      const n = Number(v);
      return Number.isNaN(n) ? null : n;
    }
    case 'boolean':
      return typeof v === 'boolean' ? v : null;
    case 'datetime':
      return parseDate(v) ?? null;
    default:
      return String(v).toLowerCase();
  }
}

function leafPredicate(op: LeafOp, value: unknown, type: Kind, get: (row: Row, udfs: Map<string, string | null> | undefined) => unknown, fieldName: string): Predicate {
  if (op === 'exist') return (r, u) => rowValue(type, get(r, u)) !== null;
  if (op === 'notexist') return (r, u) => rowValue(type, get(r, u)) === null;
  if (op === 'in' || op === 'notin') {
    const set = new Set((value as unknown[]).map((v) => normalize(type, v, fieldName)));
    return op === 'in'
      ? (r, u) => {
          const x = rowValue(type, get(r, u));
          return x !== null && set.has(x);
        }
      : (r, u) => {
          const x = rowValue(type, get(r, u));
          return x !== null && !set.has(x);
        };
  }
  if ((op === 'beginswith' || op === 'endswith' || op === 'contains') && typeof value === 'object') {
    throw badRequest(`'${op}' on ${fieldName} needs a text value.`);
  }
  const textOp = op === 'beginswith' || op === 'endswith' || op === 'contains';
  const want = textOp ? String(value).toLowerCase() : normalize(type, value, fieldName);
  return (r, u) => {
    const raw = get(r, u);
    // SQL semantics: a null field matches no comparison (use exist / notExist for that).
    if (textOp) {
      if (raw === null || raw === undefined) return false;
      const s = String(raw).toLowerCase();
      const w = want as string;
      return op === 'beginswith' ? s.startsWith(w) : op === 'endswith' ? s.endsWith(w) : s.includes(w);
    }
    const x = rowValue(type, raw);
    if (x === null) return false;
    switch (op) {
      case 'eq':
        return x === want;
      case 'noteq':
        return x !== want;
      case 'gt':
        return x > want;
      case 'gte':
        return x >= want;
      case 'lt':
        return x < want;
      case 'lte':
        return x <= want;
      default:
        return false;
    }
  };
}

/** Every row of an entity in id order, derived ones included, narrowed by top-level pins when it helps. */
export function* source(state: AutotaskState, entity: EntityDef, pins: Map<string, Set<number>>): Generator<Row> {
  if (entity.kind === 'units') {
    const kind: LineKind = entity.name === 'ContractServiceUnits' ? 'service' : 'bundle';
    const lines = state.table(lineTable(kind));
    const lineKey = kind === 'service' ? 'contractServiceID' : 'contractServiceBundleID';
    let candidates: Row[];
    const byLine = pins.get(lineKey);
    const byContract = pins.get('contractID');
    const byCatalog = pins.get(catalogField(kind));
    if (byLine) candidates = [...byLine].map((id) => lines.rows.get(id)).filter((r): r is Row => r !== undefined);
    else if (byContract) candidates = [...byContract].flatMap((cid) => lines.children('contractID', cid));
    else candidates = [...lines.rows.values()];
    if (byCatalog) candidates = candidates.filter((l) => byCatalog.has(Number(l[catalogField(kind)])));
    candidates.sort((a, b) => a.id - b.id);
    for (const line of candidates) yield* unitRows(state, kind, line);
    return;
  }
  const table = state.table(entity.name);
  const idPin = pins.get('id');
  if (idPin) {
    for (const id of [...idPin].sort((a, b) => a - b)) {
      const r = table.rows.get(id);
      if (r) yield r;
    }
    return;
  }
  for (const [field, ids] of pins) {
    if (!table.byParent.has(field)) continue;
    const rows = [...ids].flatMap((pid) => table.children(field, pid)).sort((a, b) => a.id - b.id);
    yield* rows;
    return;
  }
  yield* table.rows.values();
}

export interface PageResult {
  rows: Row[];
  hasNext: boolean;
  hasPrev: boolean;
}

/** A keyset page: rows after `afterId` (next) or the last page before `beforeId` (prev). */
export function runQuery(state: AutotaskState, entity: EntityDef, q: ParsedQuery, cursor: { afterId?: number; beforeId?: number }): PageResult {
  const udfs = state.table(entity.name).udfs;
  const match = (r: Row) => q.predicate(r, udfs.get(r.id));
  if (cursor.beforeId !== undefined) {
    const before: Row[] = [];
    for (const r of source(state, entity, q.pins)) {
      if (r.id >= cursor.beforeId) break;
      if (match(r)) before.push(r);
    }
    const rows = before.slice(-q.maxRecords);
    return { rows, hasNext: true, hasPrev: before.length > rows.length };
  }
  const rows: Row[] = [];
  let hasNext = false;
  let hasPrev = false;
  for (const r of source(state, entity, q.pins)) {
    if (cursor.afterId !== undefined && r.id <= cursor.afterId) {
      if (!hasPrev && match(r)) hasPrev = true;
      continue;
    }
    if (!match(r)) continue;
    if (rows.length === q.maxRecords) {
      hasNext = true;
      break;
    }
    rows.push(r);
  }
  return { rows, hasNext, hasPrev };
}

export function countQuery(state: AutotaskState, entity: EntityDef, q: ParsedQuery): number {
  const udfs = state.table(entity.name).udfs;
  let n = 0;
  for (const r of source(state, entity, q.pins)) if (q.predicate(r, udfs.get(r.id))) n++;
  return n;
}
