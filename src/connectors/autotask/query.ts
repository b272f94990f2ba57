/**
 * The Autotask query language as a small typed builder (reference psa.md §A.3): conditions
 * `{op, field, value, udf?}`, nested `and`/`or` groups under `items`, top-level items ANDed,
 * `IncludeFields`, `MaxRecords` ≤ 500. Built as data so tests read the exact body that goes out, and
 * the rules the API enforces (no null values, no empty `in`, at most 500 OR conditions, one UDF
 * condition per query) fail here, in our words, before a request is spent on them.
 */
export type ComparisonOp = 'eq' | 'noteq' | 'gt' | 'gte' | 'lt' | 'lte' | 'beginsWith' | 'endsWith' | 'contains';
export type Scalar = string | number | boolean;

export type Condition =
  | { op: ComparisonOp; field: string; value: Scalar; udf?: true }
  | { op: 'exist' | 'notExist'; field: string; udf?: true }
  | { op: 'in' | 'notIn'; field: string; value: Scalar[]; udf?: true }
  | { op: 'and' | 'or'; items: Condition[] };

export interface QueryBody {
  filter: Condition[];
  IncludeFields?: string[];
  MaxRecords: number;
}

export const MAX_RECORDS = 500;
export const MAX_OR_CONDITIONS = 500;
/** Largest `in` list we send in one query; longer id lists are split into several queries. */
export const MAX_IN_VALUES = 500;

function comparison(op: ComparisonOp) {
  return (field: string, value: Scalar | Date): Condition => ({ op, field, value: value instanceof Date ? value.toISOString() : value });
}

export const where = {
  eq: comparison('eq'),
  noteq: comparison('noteq'),
  gt: comparison('gt'),
  gte: comparison('gte'),
  lt: comparison('lt'),
  lte: comparison('lte'),
  beginsWith: comparison('beginsWith'),
  endsWith: comparison('endsWith'),
  contains: comparison('contains'),
  exist: (field: string): Condition => ({ op: 'exist', field }),
  notExist: (field: string): Condition => ({ op: 'notExist', field }),
  in: (field: string, values: readonly Scalar[]): Condition => ({ op: 'in', field, value: [...values] }),
  notIn: (field: string, values: readonly Scalar[]): Condition => ({ op: 'notIn', field, value: [...values] }),
  and: (...items: Condition[]): Condition => ({ op: 'and', items }),
  or: (...items: Condition[]): Condition => ({ op: 'or', items }),
  /** The same condition on a user-defined field (by its name). */
  udf: (condition: Condition): Condition => {
    if (condition.op === 'and' || condition.op === 'or') throw new QueryError('a UDF condition cannot be a group');
    return { ...condition, udf: true } as Condition;
  },
  /** The "everything" idiom: `id gte 0`. */
  all: (): Condition => ({ op: 'gte', field: 'id', value: 0 }),
};

export class QueryError extends Error {
  override readonly name = 'QueryError';
}

interface Tally {
  or: number;
  udf: number;
}

function check(condition: Condition, tally: Tally, inOr: boolean): void {
  if (condition.op === 'and' || condition.op === 'or') {
    if (condition.items.length === 0) throw new QueryError(`an '${condition.op}' group needs at least one condition`);
    for (const item of condition.items) check(item, tally, inOr || condition.op === 'or');
    return;
  }
  const leaf = condition as Exclude<Condition, { op: 'and' | 'or' }>;
  if (inOr) tally.or += 1;
  if (leaf.udf === true) tally.udf += 1;
  if (leaf.field.trim() === '') throw new QueryError(`the '${condition.op}' condition has no field`);
  if (condition.op === 'in' || condition.op === 'notIn') {
    if (condition.value.length === 0) throw new QueryError(`'${condition.op}' on ${condition.field} needs at least one value`);
    if (condition.value.length > MAX_IN_VALUES) throw new QueryError(`'${condition.op}' on ${condition.field} has ${condition.value.length} values; split it (at most ${MAX_IN_VALUES})`);
  }
  if ('value' in condition && typeof condition.value === 'number' && !Number.isFinite(condition.value)) {
    throw new QueryError(`'${condition.op}' on ${condition.field} has a non-finite number`);
  }
}

/** A query body the API accepts, or a QueryError saying which rule it breaks. */
export function buildQuery(filter: readonly Condition[], options: { includeFields?: readonly string[]; maxRecords?: number } = {}): QueryBody {
  if (filter.length === 0) throw new QueryError('a query needs at least one condition (use where.all())');
  const tally: Tally = { or: 0, udf: 0 };
  for (const condition of filter) check(condition, tally, false);
  if (tally.or > MAX_OR_CONDITIONS) throw new QueryError(`the query has ${tally.or} OR conditions; Autotask allows ${MAX_OR_CONDITIONS}`);
  if (tally.udf > 1) throw new QueryError('Autotask allows one user-defined-field condition per query');
  const maxRecords = options.maxRecords ?? MAX_RECORDS;
  if (!Number.isInteger(maxRecords) || maxRecords < 1 || maxRecords > MAX_RECORDS) throw new QueryError(`MaxRecords must be 1..${MAX_RECORDS}, not ${maxRecords}`);
  const body: QueryBody = { filter: [...filter], MaxRecords: maxRecords };
  if (options.includeFields !== undefined && options.includeFields.length > 0) {
    // Autotask asks for the id whenever IncludeFields spans more than one page.
    body.IncludeFields = options.includeFields.some((f) => f.toLowerCase() === 'id') ? [...options.includeFields] : ['id', ...options.includeFields];
  }
  return body;
}

/** Splits a long id list into `in` lists the API accepts. */
export function* inBatches<T extends Scalar>(values: readonly T[], size = MAX_IN_VALUES): Generator<T[], void, undefined> {
  const unique = [...new Set(values)];
  for (let i = 0; i < unique.length; i += size) yield unique.slice(i, i + size);
}
