import type { Kysely } from 'kysely';
import type { Schema } from '../schema.ts';

/**
 * Digests of accepted signed callbacks (migration 0009), so a delivery replayed within the window is
 * refused. Typed here, with its only user.
 */

export class CallbackDeliveriesRepository {
  private readonly db: Kysely<Schema>;

  constructor(db: Kysely<Schema>) {
    this.db = db;
  }

  /**
   * Records a delivery; false when the same digest was recorded for the integration within
   * `windowMs` (a replay). Older records are dropped on the way, so the table holds one window.
   */
  async firstSeen(integrationId: string, digest: string, now: Date, windowMs: number): Promise<boolean> {
    const cutoff = new Date(now.getTime() - windowMs).toISOString();
    await this.db.deleteFrom('callback_deliveries').where('received_at', '<', cutoff).execute();
    const inserted = await this.db
      .insertInto('callback_deliveries')
      .values({ integration_id: integrationId, digest, received_at: now.toISOString() })
      .onConflict((oc) => oc.columns(['integration_id', 'digest']).doNothing())
      .executeTakeFirst();
    return Number(inserted.numInsertedOrUpdatedRows ?? 0n) > 0;
  }
}
