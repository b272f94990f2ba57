import type { Kysely } from 'kysely';
import type { Schema } from '../schema.ts';
import { isoAt, systemClock, type Clock } from '../columns.ts';

/**
 * Contracted vs used units per company, offering item and day (migration 0004), for the portal's
 * charts: the usage loop writes it, the charts route reads it, nothing else does.
 */

export interface UsagePoint {
  companyId: string;
  tenantId: string;
  itemKey: string;
  /** The storage of a per-storage item; null for every other item. */
  infraId: string | null;
  /** Contract units in force (prepaid); null when the item is sold pay-as-you-go only. */
  contracted: number | null;
  /** Usage in billing units; null when the vendor reported none. */
  used: number | null;
}

export interface UsageHistoryRow extends UsagePoint {
  /** UTC day, `YYYY-MM-DD`. */
  day: string;
}

/** `YYYY-MM-DD` of the UTC day holding `at`. */
export const utcDayOf = (at: Date): string => at.toISOString().slice(0, 10);

export class UsageHistoryRepository {
  private readonly db: Kysely<Schema>;

  constructor(
    db: Kysely<Schema>,
    private readonly clock: Clock = systemClock,
  ) {
    this.db = db;
  }

  /** Records the points of one day; a point recorded again the same day replaces the earlier one. */
  async record(integrationId: string, day: string, points: readonly UsagePoint[]): Promise<number> {
    if (points.length === 0) return 0;
    const recordedAt = isoAt(this.clock);
    const rows = points.map((p) => ({
      integration_id: integrationId,
      company_id: p.companyId,
      item_key: p.itemKey,
      infra_id: p.infraId ?? '',
      day,
      tenant_id: p.tenantId,
      contracted: p.contracted,
      used: p.used,
      recorded_at: recordedAt,
    }));
    // SQLite caps bound parameters per statement: write in slices.
    for (let i = 0; i < rows.length; i += 200) {
      await this.db
        .insertInto('usage_history')
        .values(rows.slice(i, i + 200))
        .onConflict((oc) =>
          oc.columns(['integration_id', 'company_id', 'item_key', 'infra_id', 'day']).doUpdateSet((eb) => ({
            tenant_id: eb.ref('excluded.tenant_id'),
            contracted: eb.ref('excluded.contracted'),
            used: eb.ref('excluded.used'),
            recorded_at: eb.ref('excluded.recorded_at'),
          })),
        )
        .execute();
    }
    return rows.length;
  }

  /** One company's rows from `fromDay` on (inclusive), oldest first. */
  async series(integrationId: string, companyId: string, options: { fromDay?: string } = {}): Promise<UsageHistoryRow[]> {
    let query = this.db.selectFrom('usage_history').selectAll().where('integration_id', '=', integrationId).where('company_id', '=', companyId);
    if (options.fromDay !== undefined) query = query.where('day', '>=', options.fromDay);
    const rows = await query.orderBy('day').orderBy('item_key').orderBy('infra_id').execute();
    return rows.map((r) => ({
      companyId: r.company_id,
      tenantId: r.tenant_id,
      itemKey: r.item_key,
      infraId: r.infra_id === '' ? null : r.infra_id,
      day: r.day,
      contracted: r.contracted === null ? null : Number(r.contracted),
      used: r.used === null ? null : Number(r.used),
    }));
  }

  /** The companies that have history, with their latest day. */
  async companies(integrationId: string): Promise<{ companyId: string; lastDay: string }[]> {
    const rows = await this.db
      .selectFrom('usage_history')
      .select(['company_id', (eb) => eb.fn.max('day').as('last_day')])
      .where('integration_id', '=', integrationId)
      .groupBy('company_id')
      .execute();
    return rows.map((r) => ({ companyId: r.company_id, lastDay: String(r.last_day) }));
  }
}
