import type { Kysely } from 'kysely';
import { isoAt, systemClock, type Clock } from '../columns.ts';
import type { Schema } from '../schema.ts';

/**
 * When each company's timed-deprovisioning countdown started (migration 0010). The provisioning loop
 * writes it (start, keep, clear) from the planner's countdown; the mapping list reads it to show the
 * days left. Typed here, as the snapshot tables are, so it stays with its users.
 */


export interface StoredCountdown {
  companyId: string;
  tenantId: string;
  lapsedAt: string;
}

export class DeprovisioningCountdownsRepository {
  private readonly db: Kysely<Schema>;

  constructor(
    db: Kysely<Schema>,
    private readonly clock: Clock = systemClock,
  ) {
    this.db = db;
  }

  async list(integrationId: string): Promise<StoredCountdown[]> {
    const rows = await this.db.selectFrom('deprovisioning_countdowns').selectAll().where('integration_id', '=', integrationId).orderBy('company_id').execute();
    return rows.map((r) => ({ companyId: r.company_id, tenantId: r.tenant_id, lapsedAt: r.lapsed_at }));
  }

  /** Starts or keeps a countdown; the start only moves when the tenant changed. */
  async save(integrationId: string, countdown: StoredCountdown): Promise<void> {
    const now = isoAt(this.clock);
    await this.db
      .insertInto('deprovisioning_countdowns')
      .values({ integration_id: integrationId, company_id: countdown.companyId, tenant_id: countdown.tenantId, lapsed_at: countdown.lapsedAt, updated_at: now })
      .onConflict((oc) =>
        oc.columns(['integration_id', 'company_id']).doUpdateSet({ tenant_id: countdown.tenantId, lapsed_at: countdown.lapsedAt, updated_at: now }),
      )
      .execute();
  }

  /** Cancels a countdown (a contract returned, the tenant is gone or unmapped). */
  async clear(integrationId: string, companyId: string): Promise<boolean> {
    const result = await this.db.deleteFrom('deprovisioning_countdowns').where('integration_id', '=', integrationId).where('company_id', '=', companyId).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}
