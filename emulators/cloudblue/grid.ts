// The grid-report filter (reference/psa.md §C.1): the `filter` query parameter of every
// `get{x}report` route is JSON with `pageno`, `pagesize`, `filters`, `filterop`, `sortcolumn`,
// `sortorder`, `resulttype`, `includeccysymbols` and `gridcolumns`; the answer is a bare JSON array of
// rows keyed by the grid column names, with `TotalRows` in every row when it is asked for.
//
// Documented: that shape, `cn`, and `pagesize` 1000 being accepted. Inferred [INF]: the rest of the
// jqGrid operator set, nested jqGrid groups (`{groupOp, rules, groups}`, either as `filters` itself or
// as an element of the `filters` array), case-insensitive names and string comparisons (SQL Server's
// default collation), SQL null semantics, the 1000 page-size ceiling and the 400 answers.
import { z } from 'zod';
import { badRequest } from './errors.ts';

export type ColumnType = 'number' | 'string' | 'date' | 'boolean';
export type Cell = string | number | boolean | null;

export interface Column<R> {
  name: string;
  type: ColumnType;
  get(row: R): Cell;
}

export interface GridDefinition<R> {
  /** For messages, e.g. "tickets". */
  name: string;
  columns: Column<R>[];
  /** Returned when `gridcolumns` is absent. */
  defaultColumns: string[];
  /** Ties in the sort are broken by this column, ascending, so pages never overlap. */
  key: string;
}

export const MAX_PAGE_SIZE = 1000;
export const DEFAULT_PAGE_SIZE = 100;
export const TOTAL_ROWS = 'TotalRows';

export const operators = ['eq', 'ne', 'lt', 'le', 'gt', 'ge', 'bw', 'bn', 'ew', 'en', 'cn', 'nc', 'in', 'ni', 'nu', 'nn'] as const;
type Op = (typeof operators)[number];

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const ruleSchema = z.object({
  field: z.string().min(1),
  op: z.string().min(1),
  data: z.union([scalar, z.array(z.union([z.string(), z.number()]))]).optional(),
});
type RuleInput = z.infer<typeof ruleSchema>;
interface GroupInput {
  groupOp?: string | undefined;
  rules?: RuleInput[] | undefined;
  groups?: GroupInput[] | undefined;
}
const groupSchema: z.ZodType<GroupInput> = z.lazy(() =>
  z.object({
    groupOp: z.string().optional(),
    rules: z.array(ruleSchema).optional(),
    groups: z.array(groupSchema).optional(),
  }),
);
const intLike = z.union([z.number(), z.string().regex(/^\s*-?\d+\s*$/).transform((s) => Number(s))]).pipe(z.number().int());
const boolLike = z.union([z.boolean(), z.enum(['true', 'false', 'True', 'False']).transform((s) => s.toLowerCase() === 'true')]);

const filterSchema = z.object({
  pageno: intLike.pipe(z.number().min(1, 'pageno must be 1 or more')).optional(),
  pagesize: intLike.pipe(z.number().min(1, 'pagesize must be between 1 and 1000').max(MAX_PAGE_SIZE, 'pagesize must be between 1 and 1000')).optional(),
  filters: z.union([z.array(z.union([ruleSchema, groupSchema])), groupSchema]).optional(),
  filterop: z.string().optional(),
  sortcolumn: z.string().optional(),
  sortorder: z.string().optional(),
  resulttype: z.string().optional(),
  includeccysymbols: boolLike.optional(),
  gridcolumns: z.string().optional(),
});

export interface GridQuery<R> {
  page: number;
  pageSize: number;
  predicate: (row: R) => boolean;
  sortColumn: Column<R>;
  descending: boolean;
  keyColumn: Column<R>;
  columns: string[];
}

export interface GridPage {
  rows: Record<string, Cell>[];
  total: number;
}

function fail(message: string): never {
  throw badRequest(`Invalid filter: ${message}`);
}

function groupOpOf(raw: string | undefined, where: string): 'AND' | 'OR' {
  if (raw === undefined || raw === '') return 'AND';
  const op = raw.toUpperCase();
  if (op !== 'AND' && op !== 'OR') fail(`${where} must be AND or OR, not '${raw}'`);
  return op;
}

function columnOf<R>(grid: GridDefinition<R>, name: string, where: string): Column<R> {
  const lower = name.toLowerCase();
  const column = grid.columns.find((c) => c.name.toLowerCase() === lower);
  if (!column) fail(`${where}: unknown column '${name}' in the ${grid.name} report (columns: ${grid.columns.map((c) => c.name).join(', ')})`);
  return column;
}

const DAY_MS = 86_400_000;

/** A date given as a day covers the whole (UTC) day; a date-time covers its millisecond. */
function dateRange(text: string, where: string): [number, number] {
  const day = /^\d{4}-\d{2}-\d{2}$/.test(text.trim());
  const ms = Date.parse(day ? `${text.trim()}T00:00:00Z` : text);
  if (Number.isNaN(ms)) fail(`${where}: '${text}' is not a date`);
  return [ms, ms + (day ? DAY_MS : 1)];
}

function listOf(data: RuleInput['data']): string[] {
  if (Array.isArray(data)) return data.map((d) => String(d).trim());
  if (data === undefined || data === null) return [];
  return String(data).split(',').map((s) => s.trim()).filter((s) => s !== '');
}

function compileRule<R>(grid: GridDefinition<R>, rule: RuleInput, where: string): (row: R) => boolean {
  const column = columnOf(grid, rule.field, where);
  const op = rule.op.toLowerCase() as Op;
  if (!(operators as readonly string[]).includes(op)) fail(`${where}: unknown op '${rule.op}' (one of ${operators.join(' ')})`);
  const get = column.get;
  if (op === 'nu') return (row) => isNull(get(row));
  if (op === 'nn') return (row) => !isNull(get(row));
  if (rule.data === undefined || rule.data === null) fail(`${where}: op '${op}' on '${column.name}' needs data`);
  if (Array.isArray(rule.data) && op !== 'in' && op !== 'ni') fail(`${where}: only in and ni take a list`);
  const negate = op === 'ne' || op === 'bn' || op === 'en' || op === 'nc' || op === 'ni';
  const test = compileTest(column, op, rule.data, where);
  // SQL semantics: a null cell matches no comparison (only nu/nn look at nulls).
  return negate
    ? (row) => {
        const v = get(row);
        return !isNull(v) && !test(v as string | number | boolean);
      }
    : (row) => {
        const v = get(row);
        return !isNull(v) && test(v as string | number | boolean);
      };
}

const isNull = (v: Cell) => v === null || v === '';

/** The positive test of an operator (ne → eq, nc → cn, …); compileRule negates. */
function compileTest<R>(column: Column<R>, op: Op, data: NonNullable<RuleInput['data']>, where: string): (v: string | number | boolean) => boolean {
  const text = (v: string | number | boolean) => String(v).toLowerCase();
  const needle = Array.isArray(data) ? '' : String(data).toLowerCase();
  switch (op) {
    case 'bw':
    case 'bn':
      return (v) => text(v).startsWith(needle);
    case 'ew':
    case 'en':
      return (v) => text(v).endsWith(needle);
    case 'cn':
    case 'nc':
      return (v) => text(v).includes(needle);
    default:
      break;
  }
  const list = op === 'in' || op === 'ni';
  const values = list ? listOf(data) : [String(data)];
  if (list && values.length === 0) fail(`${where}: ${op} needs at least one value (comma-separated)`);
  switch (column.type) {
    case 'number': {
      const nums = values.map((s) => {
        const n = Number(s);
        if (s.trim() === '' || !Number.isFinite(n)) fail(`${where}: '${s}' is not a number (column '${column.name}')`);
        return n;
      });
      const n = nums[0] as number;
      if (list) {
        const set = new Set(nums);
        return (v) => set.has(Number(v));
      }
      return rangeTest(op, (v) => Number(v), n, n, true);
    }
    case 'date': {
      const ranges = values.map((s) => dateRange(s, where));
      if (list) return (v) => ranges.some(([a, b]) => inRange(Date.parse(String(v)), a, b));
      const [a, b] = ranges[0] as [number, number];
      return rangeTest(op, (v) => Date.parse(String(v)), a, b);
    }
    case 'boolean': {
      const bools = values.map((s) => {
        const t = s.trim().toLowerCase();
        if (t === 'true' || t === '1') return true;
        if (t === 'false' || t === '0') return false;
        return fail(`${where}: '${s}' is not true or false (column '${column.name}')`);
      });
      if (list) return (v) => bools.includes(v === true);
      if (op !== 'eq' && op !== 'ne') fail(`${where}: op '${op}' does not apply to the true/false column '${column.name}'`);
      return (v) => v === bools[0];
    }
    case 'string': {
      const lowered = values.map((s) => s.toLowerCase());
      if (list) {
        const set = new Set(lowered);
        return (v) => set.has(text(v));
      }
      const s = lowered[0] as string;
      switch (op) {
        case 'eq':
        case 'ne':
          return (v) => text(v) === s;
        case 'lt':
          return (v) => text(v) < s;
        case 'le':
          return (v) => text(v) <= s;
        case 'gt':
          return (v) => text(v) > s;
        case 'ge':
          return (v) => text(v) >= s;
        default:
          return fail(`${where}: unsupported op '${op}'`);
      }
    }
  }
}

const inRange = (v: number, a: number, b: number) => v >= a && v < b;

/** [a, b) is the value's range: a day for a date, one millisecond for a date-time; a == b for numbers. */
function rangeTest(op: Op, num: (v: string | number | boolean) => number, a: number, b: number, exact = false): (v: string | number | boolean) => boolean {
  const eq = exact ? (v: number) => v === a : (v: number) => inRange(v, a, b);
  switch (op) {
    case 'eq':
    case 'ne':
      return (v) => eq(num(v));
    case 'lt':
      return (v) => num(v) < a;
    case 'le':
      return (v) => (exact ? num(v) <= a : num(v) < b);
    case 'gt':
      return (v) => (exact ? num(v) > a : num(v) >= b);
    case 'ge':
      return (v) => num(v) >= a;
    default:
      return fail(`unsupported op '${op}'`);
  }
}

function compileGroup<R>(grid: GridDefinition<R>, group: GroupInput, where: string): (row: R) => boolean {
  const op = groupOpOf(group.groupOp, `${where}.groupOp`);
  const parts = [
    ...(group.rules ?? []).map((r, i) => compileRule(grid, r, `${where}.rules[${i}]`)),
    ...(group.groups ?? []).map((g, i) => compileGroup(grid, g, `${where}.groups[${i}]`)),
  ];
  return combine(op, parts);
}

function combine<R>(op: 'AND' | 'OR', parts: ((row: R) => boolean)[]): (row: R) => boolean {
  if (parts.length === 0) return () => true;
  if (parts.length === 1) return parts[0] as (row: R) => boolean;
  return op === 'AND' ? (row) => parts.every((p) => p(row)) : (row) => parts.some((p) => p(row));
}

const isRule = (x: RuleInput | GroupInput): x is RuleInput => 'field' in x;

/** Parses the `filter` query parameter (absent = every row, first page of 100). Throws a 400 CbError. */
export function parseGridQuery<R>(grid: GridDefinition<R>, raw: string | undefined): GridQuery<R> {
  let json: unknown = {};
  if (raw !== undefined && raw.trim() !== '') {
    try {
      json = JSON.parse(raw);
    } catch {
      fail('the filter parameter is not valid JSON');
    }
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) fail('the filter parameter must be a JSON object');
  // Names are matched without regard to case, as the ASP.NET model binder does.
  const lowered = Object.fromEntries(Object.entries(json as Record<string, unknown>).map(([k, v]) => [k.toLowerCase(), v]));
  const parsed = filterSchema.safeParse(lowered);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    fail(`${issue?.path.join('.') || 'filter'}: ${issue?.message ?? 'invalid'}`);
  }
  const f = parsed.data;
  if (f.resulttype !== undefined && f.resulttype.toLowerCase() !== 'json') fail(`resulttype '${f.resulttype}' is not supported (Json)`);

  let predicate: (row: R) => boolean = () => true;
  if (Array.isArray(f.filters)) {
    const op = groupOpOf(f.filterop, 'filterop');
    predicate = combine(op, f.filters.map((x, i) => (isRule(x) ? compileRule(grid, x, `filters[${i}]`) : compileGroup(grid, x, `filters[${i}]`))));
  } else if (f.filters !== undefined) {
    if (f.filterop !== undefined) groupOpOf(f.filterop, 'filterop');
    predicate = compileGroup(grid, f.filters, 'filters');
  } else if (f.filterop !== undefined) groupOpOf(f.filterop, 'filterop');

  const key = columnOf(grid, grid.key, 'key');
  const sortColumn = f.sortcolumn === undefined || f.sortcolumn === '' ? key : columnOf(grid, f.sortcolumn, 'sortcolumn');
  const order = (f.sortorder ?? 'asc').toLowerCase();
  if (order !== 'asc' && order !== 'desc') fail(`sortorder must be Asc or Desc, not '${f.sortorder}'`);

  let columns = grid.defaultColumns;
  if (f.gridcolumns !== undefined && f.gridcolumns.trim() !== '') {
    columns = [];
    for (const name of f.gridcolumns.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
      const canonical = name.toLowerCase() === TOTAL_ROWS.toLowerCase() ? TOTAL_ROWS : columnOf(grid, name, 'gridcolumns').name;
      if (!columns.includes(canonical)) columns.push(canonical);
    }
  }
  return { page: f.pageno ?? 1, pageSize: f.pagesize ?? DEFAULT_PAGE_SIZE, predicate, sortColumn, descending: order === 'desc', keyColumn: key, columns };
}

/** A cell as a sort key: numbers for numbers, dates and booleans, lower-cased text; null stays null. */
function sortKey(type: ColumnType, v: Cell): number | string | null {
  if (isNull(v)) return null;
  if (type === 'number') return Number(v);
  if (type === 'date') return Date.parse(String(v));
  if (type === 'boolean') return v === true ? 1 : 0;
  return String(v).toLowerCase();
}

/** Nulls sort first (SQL Server). */
function compareKeys(a: number | string | null, b: number | string | null): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Filters, sorts and pages `rows`, projecting each row of the page onto the asked columns. */
export function runGrid<R>(grid: GridDefinition<R>, query: GridQuery<R>, rows: Iterable<R>): GridPage {
  // Keys are computed once per row, not once per comparison: a 10,000-row sort stays cheap.
  const { sortColumn, keyColumn } = query;
  const dir = query.descending ? -1 : 1;
  const matched: { row: R; s: number | string | null; k: number | string | null }[] = [];
  for (const row of rows) {
    if (query.predicate(row)) matched.push({ row, s: sortKey(sortColumn.type, sortColumn.get(row)), k: sortKey(keyColumn.type, keyColumn.get(row)) });
  }
  matched.sort((a, b) => dir * compareKeys(a.s, b.s) || compareKeys(a.k, b.k));
  const start = (query.page - 1) * query.pageSize;
  const slice = matched.slice(start, start + query.pageSize).map((m) => m.row);
  const byName = new Map(grid.columns.map((c) => [c.name, c]));
  const out = slice.map((row) => {
    const o: Record<string, Cell> = {};
    for (const name of query.columns) o[name] = name === TOTAL_ROWS ? matched.length : (byName.get(name) as Column<R>).get(row);
    return o;
  });
  return { rows: out, total: matched.length };
}
