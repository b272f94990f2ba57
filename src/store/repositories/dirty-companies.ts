import { sql, type Kysely } from 'kysely';
import { isoAt, systemClock, type Clock } from '../columns.ts';
import type { Schema } from '../schema.ts';

/**
 * Which companies a loop's next incremental pass must plan (migration 0006), and the query that
 * scopes that pass: what a pushed change marked dirty plus what the snapshots, mappings and settings
 * say changed since the loop's last plan. The table is typed here, as the snapshot tables are, so it
 * stays with its only user.
 */


const BATCH = 100;

export class DirtyCompaniesRepository {
  private readonly db: Kysely<Schema>;

  constructor(
    db: Kysely<Schema>,
    private readonly clock: Clock = systemClock,
  ) {
    this.db = db;
  }

  /** Marks companies for the loop's next pass (marking again moves the mark to now). */
  async mark(integrationId: string, loop: string, companyIds: readonly string[]): Promise<void> {
    const now = isoAt(this.clock);
    for (let i = 0; i < companyIds.length; i += BATCH) {
      await this.db
        .insertInto('dirty_companies')
        .values(companyIds.slice(i, i + BATCH).map((companyId) => ({ integration_id: integrationId, loop, company_id: companyId, marked_at: now })))
        .onConflict((oc) => oc.columns(['integration_id', 'loop', 'company_id']).doUpdateSet((eb) => ({ marked_at: eb.ref('excluded.marked_at') })))
        .execute();
    }
  }

  async list(integrationId: string, loop: string): Promise<string[]> {
    const rows = await this.db.selectFrom('dirty_companies').select('company_id').where('integration_id', '=', integrationId).where('loop', '=', loop).orderBy('company_id').execute();
    return rows.map((r) => r.company_id);
  }

  /** Clears the marks a pass that started planning at `plannedFrom` covered; later marks stay. */
  async clear(integrationId: string, loop: string, plannedFrom: string): Promise<number> {
    const result = await this.db.deleteFrom('dirty_companies').where('integration_id', '=', integrationId).where('loop', '=', loop).where('marked_at', '<=', plannedFrom).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /**
   * The companies an incremental pass plans: marked dirty; whose contracts or mapped tenant were
   * observed changed since `since` (snapshot `updated_at`, the hub's clock); whose mapping changed
   * since; and every failed one (retried each pass until it succeeds).
   */
  async changedSince(integrationId: string, loop: string, since: string): Promise<Set<string>> {
    const rows = await this.db
      .selectFrom('mappings')
      .select('company_id')
      .where('integration_id', '=', integrationId)
      .where((eb) =>
        eb.or([
          eb('updated_at', '>=', since),
          eb('state', '=', 'failed'),
          eb(
            'tenant_id',
            'in',
            eb.selectFrom('vendor_tenants').select('tenant_id').where('integration_id', '=', integrationId).where('updated_at', '>=', since),
          ),
          eb(
            'company_id',
            'in',
            eb.selectFrom('target_contracts').select('company_id').where('integration_id', '=', integrationId).where('updated_at', '>=', since),
          ),
          eb(
            'company_id',
            'in',
            eb.selectFrom('dirty_companies').select('company_id').where('integration_id', '=', integrationId).where('loop', '=', loop),
          ),
        ]),
      )
      .execute();
    return new Set(rows.map((r) => r.company_id));
  }

  /** Whether any of the settings sections changed since `since` (then every company is planned again). */
  async settingsChangedSince(integrationId: string, keys: readonly string[], since: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('integration_settings')
      .select(sql<number>`1`.as('one'))
      .where('integration_id', '=', integrationId)
      .where('key', 'in', [...keys])
      .where('updated_at', '>=', since)
      .executeTakeFirst();
    return row !== undefined;
  }
}
