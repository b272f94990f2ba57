// Helpers every route file uses: query access, zod bodies, tenant visibility, keyset paging.
import type { FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { decodeCursor, encodeCursor } from '../../kit/cursor.ts';
import { ApiError, badRequest, Code, tenantNotFound } from '../errors.ts';
import type { AcronisState, TenantRecord } from '../state.ts';
import { callerOf } from './auth.ts';

export type Query = Record<string, string | string[] | undefined>;

/** The last value of a query parameter. */
export function qs(request: FastifyRequest, name: string): string | undefined {
  const v = (request.query as Query)[name];
  return Array.isArray(v) ? v[v.length - 1] : v;
}

/** Every value of a query parameter (repeated keys). */
export function qsAll(request: FastifyRequest, name: string): string[] {
  const v = (request.query as Query)[name];
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

export function qsBool(request: FastifyRequest, name: string): boolean {
  const v = qs(request, name);
  return v === 'true' || v === '1' || v === 'yes';
}

/** Comma-separated list, empty entries dropped. */
export function qsList(request: FastifyRequest, name: string): string[] | undefined {
  const all = qsAll(request, name);
  if (all.length === 0) return undefined;
  return all.flatMap((v) => v.split(',')).map((s) => s.trim()).filter((s) => s !== '');
}

export function qsInt(request: FastifyRequest, name: string, min: number, max: number): number | undefined {
  const v = qs(request, name);
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw badRequest(`Query parameter '${name}' must be an integer between ${min} and ${max}.`);
  return n;
}

export function qsDate(request: FastifyRequest, name: string): number | undefined {
  const v = qs(request, name);
  if (v === undefined || v === '') return undefined;
  const ms = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(v) ? v : `${v}Z`);
  if (Number.isNaN(ms)) throw badRequest(`Query parameter '${name}' must be an RFC 3339 timestamp.`);
  return ms;
}

export function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body ?? {});
  if (!result.success) {
    const fields = result.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message }));
    throw badRequest('The request body is invalid.', { fields });
  }
  return result.data;
}

/** A live tenant the caller may see (its own tenant or below). */
export function visibleTenant(state: AcronisState, request: FastifyRequest, id: string): TenantRecord {
  const t = state.liveTenant(id);
  if (!t) throw tenantNotFound(id);
  if (!state.isWithin(t.id, callerOf(request).tenant_id)) throw new ApiError(403, Code.accessDenied, 'Access denied.', undefined, { id });
  return t;
}

/** Integer `version` from the query string (DELETE ?version=N). */
export function requiredVersion(request: FastifyRequest): number {
  const v = qs(request, 'version');
  const n = Number(v);
  if (v === undefined || v === '' || !Number.isInteger(n)) throw badRequest("Query parameter 'version' is required and must be an integer.");
  return n;
}

/** Keyset cursor on a monotonic sequence number. */
export function seqCursor(request: FastifyRequest): number {
  const after = qs(request, 'after');
  if (after === undefined || after === '') return 0;
  const decoded = decodeCursor(after) as { s?: unknown } | undefined;
  if (!decoded || typeof decoded.s !== 'number') throw badRequest("Query parameter 'after' is not a valid cursor.");
  return decoded.s;
}

export const encodeSeq = (seq: number) => encodeCursor({ s: seq });

/** First index in a seq-ordered list whose seq is greater than `seq`. */
export function indexAfterSeq(list: readonly { seq: number }[], seq: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((list[mid] as { seq: number }).seq <= seq) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Walks a seq-ordered list from the cursor, keeps up to `limit` matches and says whether another
 * match follows (the last page has no `after`).
 */
export function pageBySeq<T extends { seq: number }>(
  list: readonly T[],
  afterSeq: number,
  limit: number | undefined,
  keep: (item: T) => boolean,
): { page: T[]; after?: string } {
  const page: T[] = [];
  for (let i = indexAfterSeq(list, afterSeq); i < list.length; i++) {
    const item = list[i] as T;
    if (!keep(item)) continue;
    if (limit !== undefined && page.length === limit) return { page, after: encodeSeq((page[page.length - 1] as T).seq) };
    page.push(item);
  }
  return { page };
}

export function firstOfMonth(ms: number): string {
  const d = new Date(ms);
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1)).toISOString().slice(0, 19) + 'Z';
}
