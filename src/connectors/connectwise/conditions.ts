/**
 * A typed builder for ConnectWise `conditions` (reference psa.md §B.2): `path op value` joined with
 * `and`, values as the grammar wants them (strings in double quotes with `"` and `\` escaped,
 * date-times in `[…]` to the second, booleans and numbers bare, `null`). Building the text in one
 * place keeps quoting bugs (a company named `Say "Hi"`) out of the connector.
 */
export type ConditionValue = string | number | boolean | null | Date;

export type Condition = { text: string };

export function literal(value: ConditionValue): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean' || typeof value === 'number') {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new RangeError(`not a finite number: ${value}`);
    return String(value);
  }
  if (value instanceof Date) return `[${cwDateTime(value)}]`;
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** `yyyy-MM-ddTHH:mm:ssZ`, rounded down to the second (the API's precision). */
export function cwDateTime(at: Date | string | number): string {
  const ms = at instanceof Date ? at.getTime() : typeof at === 'number' ? at : Date.parse(at);
  if (Number.isNaN(ms)) throw new RangeError(`not a date: ${String(at)}`);
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const cond = (path: string, op: string, value: string): Condition => ({ text: `${path} ${op} ${value}` });

export const where = {
  eq: (path: string, value: ConditionValue) => cond(path, '=', literal(value)),
  ne: (path: string, value: ConditionValue) => cond(path, '!=', literal(value)),
  gte: (path: string, value: ConditionValue) => cond(path, '>=', literal(value)),
  gt: (path: string, value: ConditionValue) => cond(path, '>', literal(value)),
  lte: (path: string, value: ConditionValue) => cond(path, '<=', literal(value)),
  /** `like` with `%`; the prefix's own `%` and `_` would be wildcards, which references never contain. */
  startsWith: (path: string, prefix: string) => cond(path, 'like', literal(`${prefix}%`)),
  in: (path: string, values: readonly (string | number)[]) => cond(path, 'in', `(${values.map((v) => literal(v)).join(',')})`),
  notIn: (path: string, values: readonly (string | number)[]) => cond(path, 'not in', `(${values.map((v) => literal(v)).join(',')})`),
};

/** `a and b and c`; undefined for none (the parameter is then left out). */
export function and(conditions: readonly (Condition | undefined | false)[]): string | undefined {
  const parts = conditions.filter((c): c is Condition => c !== undefined && c !== false).map((c) => c.text);
  if (parts.length === 0) return undefined;
  return parts.map((p) => (parts.length > 1 && / or /i.test(p) ? `(${p})` : p)).join(' and ');
}

/** Ids in batches small enough for a URL (an `in (…)` of 200 ids is ~1.5 KB). */
export function* inBatches<T>(ids: readonly T[], size = 200): Generator<T[]> {
  for (let i = 0; i < ids.length; i += size) yield ids.slice(i, i + size);
}
