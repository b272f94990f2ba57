import { sql, type Kysely, type Selectable, type SqlBool } from 'kysely';
import type { AuditLogTable, Schema } from '../schema.ts';
import { fromJsonText, isoAt, newId, systemClock, toJsonText, type Clock } from '../columns.ts';

export interface AuditEntry {
  id: string;
  at: string;
  /** A username, `token:<name>`, or `system`. */
  actor: string;
  action: string;
  subjectType: string | null;
  subjectId: string | null;
  details: Record<string, unknown>;
}

export interface NewAuditEntry {
  actor: string;
  action: string;
  subjectType?: string;
  subjectId?: string;
  details?: Record<string, unknown>;
}

/** Keys whose values never reach the audit log, however a caller builds `details`. */
const SECRET_KEY_PATTERN = /secret|password|passwd|token|api[-_]?key|private[-_]?key|credential|authorization|cookie/i;

/** Copies `value` with every secret-looking field replaced by "[redacted]", at any depth. */
export function redactSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactSecrets);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([key, inner]) => [
        key,
        SECRET_KEY_PATTERN.test(key) ? '[redacted]' : redactSecrets(inner),
      ]),
    );
  }
  return value;
}

const toEntry = (row: Selectable<AuditLogTable>): AuditEntry => ({
  id: row.id,
  at: row.at,
  actor: row.actor,
  action: row.action,
  subjectType: row.subject_type,
  subjectId: row.subject_id,
  details: fromJsonText<Record<string, unknown>>(row.details, {}),
});

export class AuditLogRepository {
  constructor(
    private readonly db: Kysely<Schema>,
    private readonly clock: Clock = systemClock,
  ) {}

  async record(entry: NewAuditEntry): Promise<AuditEntry> {
    const row = {
      id: newId(),
      at: isoAt(this.clock),
      actor: entry.actor,
      action: entry.action,
      subject_type: entry.subjectType ?? null,
      subject_id: entry.subjectId ?? null,
      details: toJsonText(redactSecrets(entry.details ?? {})),
    };
    await this.db.insertInto('audit_log').values(row).execute();
    return toEntry(row);
  }

  /**
   * Newest first; `before` (an ISO time) pages backwards. `actionPrefixes` keeps actions starting
   * with one of them, `excludePrefixes` drops those starting with one of these (audit-kind.ts).
   */
  async list(
    filter: {
      subjectType?: string;
      subjectId?: string;
      actor?: string;
      before?: string;
      /** With `before`: entries at exactly `before` with a smaller id come too (a stable cursor for entries of one millisecond). */
      beforeId?: string;
      limit?: number;
      actionPrefixes?: string[];
      excludePrefixes?: string[];
    } = {},
  ): Promise<AuditEntry[]> {
    let query = this.db.selectFrom('audit_log').selectAll();
    const like = (prefix: string) => prefix.replace(/[\\%_]/g, (c) => '\\' + c) + '%';
    if (filter.actionPrefixes !== undefined) {
      const prefixes = filter.actionPrefixes;
      query = query.where((eb) => eb.or(prefixes.map((p) => sql<SqlBool>`${sql.ref('action')} like ${like(p)} escape '\\'`)));
    }
    for (const p of filter.excludePrefixes ?? []) query = query.where(sql<SqlBool>`${sql.ref('action')} not like ${like(p)} escape '\\'`);
    if (filter.subjectType !== undefined) query = query.where('subject_type', '=', filter.subjectType);
    if (filter.subjectId !== undefined) query = query.where('subject_id', '=', filter.subjectId);
    if (filter.actor !== undefined) query = query.where('actor', '=', filter.actor);
    if (filter.before !== undefined) {
      const { before, beforeId } = filter;
      query = query.where((eb) =>
        beforeId === undefined ? eb('at', '<', before) : eb.or([eb('at', '<', before), eb.and([eb('at', '=', before), eb('id', '<', beforeId)])]),
      );
    }
    const rows = await query.orderBy('at', 'desc').orderBy('id', 'desc').limit(filter.limit ?? 100).execute();
    return rows.map(toEntry);
  }

  async pruneOlderThan(isoTime: string): Promise<number> {
    const result = await this.db.deleteFrom('audit_log').where('at', '<', isoTime).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
