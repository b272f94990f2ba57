import type { Kysely } from 'kysely';
import type { Schema } from '../schema.ts';
import { isoAt, systemClock, toCount, type Clock } from '../columns.ts';

// Tables of migration 0011 and the ones read here, typed locally (like the snapshot tables).

export interface ProblemTallyRow {
  loop: string;
  severity: 'error' | 'warning' | 'info';
  count: number;
  first: { companyId: string; companyName: string | null; message: string };
}

export interface StoredSignal {
  source: string;
  level: 'failed' | 'degraded';
  message: string;
  seenAt: string;
}

const SEVERITIES = new Set(['error', 'warning', 'info']);

/** What the health of an integration is computed from, besides its loop runs (src/domain/integration-health.ts). */
export class HealthFactsRepository {
  private readonly db: Kysely<Schema>;

  constructor(
    db: Kysely<Schema>,
    private readonly clock: Clock = systemClock,
  ) {
    this.db = db;
  }

  /** Open problems per loop and severity, with the first one (by company name) of each. */
  async problemTallies(integrationId: string): Promise<ProblemTallyRow[]> {
    const counts = await this.db
      .selectFrom('plan_problems')
      .select((eb) => ['loop', 'severity', eb.fn.countAll<string | number>().as('n')])
      .where('integration_id', '=', integrationId)
      .groupBy(['loop', 'severity'])
      .execute();
    const tallies: ProblemTallyRow[] = [];
    for (const row of counts) {
      if (!SEVERITIES.has(row.severity)) continue;
      const first = await this.db
        .selectFrom('plan_problems as p')
        .leftJoin('mappings as m', (join) => join.onRef('m.integration_id', '=', 'p.integration_id').onRef('m.company_id', '=', 'p.company_id'))
        .select(['p.company_id', 'p.message', 'm.company_name'])
        .where('p.integration_id', '=', integrationId)
        .where('p.loop', '=', row.loop)
        .where('p.severity', '=', row.severity)
        .orderBy('m.company_name')
        .orderBy('p.company_id')
        .orderBy('p.code')
        .limit(1)
        .executeTakeFirst();
      if (first === undefined) continue;
      tallies.push({
        loop: row.loop,
        severity: row.severity as ProblemTallyRow['severity'],
        count: toCount(row.n),
        first: { companyId: first.company_id, companyName: first.company_name ?? null, message: first.message },
      });
    }
    return tallies.sort((a, b) => a.loop.localeCompare(b.loop) || a.severity.localeCompare(b.severity));
  }

  /** Companies whose mapping is failed, and the first of them by name. */
  async failedMappings(integrationId: string): Promise<{ count: number; first: { companyName: string; error: string | null } | null }> {
    const row = await this.db
      .selectFrom('mappings')
      .select((eb) => eb.fn.countAll<string | number>().as('n'))
      .where('integration_id', '=', integrationId)
      .where('state', '=', 'failed')
      .executeTakeFirst();
    const count = toCount(row?.n);
    if (count === 0) return { count, first: null };
    const first = await this.db
      .selectFrom('mappings')
      .select(['company_name', 'error'])
      .where('integration_id', '=', integrationId)
      .where('state', '=', 'failed')
      .orderBy('company_name')
      .orderBy('company_id')
      .limit(1)
      .executeTakeFirst();
    return { count, first: first === undefined ? null : { companyName: first.company_name, error: first.error } };
  }

  async signals(integrationId: string): Promise<StoredSignal[]> {
    const rows = await this.db.selectFrom('health_signals').selectAll().where('integration_id', '=', integrationId).orderBy('source').execute();
    return rows.map((r) => ({ source: r.source, level: r.level === 'failed' ? 'failed' : 'degraded', message: r.message, seenAt: r.seen_at }));
  }

  /** Records a signal (replacing the source's previous one), or clears it with `null`. */
  async setSignal(integrationId: string, source: string, signal: { level: 'failed' | 'degraded'; message: string } | null): Promise<void> {
    if (signal === null) {
      await this.db.deleteFrom('health_signals').where('integration_id', '=', integrationId).where('source', '=', source).execute();
      return;
    }
    const row = { integration_id: integrationId, source, level: signal.level, message: signal.message, seen_at: isoAt(this.clock) };
    await this.db
      .insertInto('health_signals')
      .values(row)
      .onConflict((oc) => oc.columns(['integration_id', 'source']).doUpdateSet({ level: row.level, message: row.message, seen_at: row.seen_at }))
      .execute();
  }

  /** The health last announced for the integration (undefined before the first). */
  async lastNotice(integrationId: string): Promise<{ status: string; reason: string | null; noticedAt: string } | undefined> {
    const row = await this.db.selectFrom('health_notices').selectAll().where('integration_id', '=', integrationId).executeTakeFirst();
    return row && { status: row.status, reason: row.reason, noticedAt: row.noticed_at };
  }

  /**
   * Records the health now announced, only if the last one is still `expected` (compare and set):
   * two processes seeing the same change send one notification.
   */
  async swapNotice(integrationId: string, expected: string | null, next: { status: string; reason: string | null }): Promise<boolean> {
    const now = isoAt(this.clock);
    if (expected === null) {
      const result = await this.db
        .insertInto('health_notices')
        .values({ integration_id: integrationId, status: next.status, reason: next.reason, noticed_at: now })
        .onConflict((oc) => oc.column('integration_id').doNothing())
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
    }
    const result = await this.db
      .updateTable('health_notices')
      .set({ status: next.status, reason: next.reason, noticed_at: now })
      .where('integration_id', '=', integrationId)
      .where('status', '=', expected)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }
}
