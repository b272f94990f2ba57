import type { Kysely } from 'kysely';
import type { Schema } from '../schema.ts';
import { isoAt, systemClock, type Clock } from '../columns.ts';

export interface CursorRecord {
  integrationId: string;
  loop: string;
  value: string;
  updatedAt: string;
}

/** Raw cursor storage; the monotonic rules live in src/sync/cursors.ts. */
export class CursorsRepository {
  constructor(
    private readonly db: Kysely<Schema>,
    private readonly clock: Clock = systemClock,
  ) {}

  async get(integrationId: string, loop: string): Promise<CursorRecord | undefined> {
    const row = await this.db
      .selectFrom('cursors')
      .selectAll()
      .where('integration_id', '=', integrationId)
      .where('loop', '=', loop)
      .executeTakeFirst();
    return row && { integrationId: row.integration_id, loop: row.loop, value: row.value, updatedAt: row.updated_at };
  }

  async list(integrationId: string): Promise<CursorRecord[]> {
    const rows = await this.db.selectFrom('cursors').selectAll().where('integration_id', '=', integrationId).orderBy('loop').execute();
    return rows.map((row) => ({ integrationId: row.integration_id, loop: row.loop, value: row.value, updatedAt: row.updated_at }));
  }

  /** Writes the value whatever was there. */
  async put(integrationId: string, loop: string, value: string): Promise<void> {
    await this.db
      .insertInto('cursors')
      .values({ integration_id: integrationId, loop, value, updated_at: isoAt(this.clock) })
      .onConflict((oc) =>
        oc.columns(['integration_id', 'loop']).doUpdateSet((eb) => ({ value: eb.ref('excluded.value'), updated_at: eb.ref('excluded.updated_at') })),
      )
      .execute();
  }

  /** Inserts the first value; false when a cursor exists already. */
  async insertIfAbsent(integrationId: string, loop: string, value: string): Promise<boolean> {
    const result = await this.db
      .insertInto('cursors')
      .values({ integration_id: integrationId, loop, value, updated_at: isoAt(this.clock) })
      .onConflict((oc) => oc.columns(['integration_id', 'loop']).doNothing())
      .executeTakeFirst();
    return (result.numInsertedOrUpdatedRows ?? 0n) > 0n;
  }

  /** Replaces `expected` with `next`; false when the stored value is no longer `expected`. */
  async compareAndSet(integrationId: string, loop: string, expected: string, next: string): Promise<boolean> {
    const result = await this.db
      .updateTable('cursors')
      .set({ value: next, updated_at: isoAt(this.clock) })
      .where('integration_id', '=', integrationId)
      .where('loop', '=', loop)
      .where('value', '=', expected)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async delete(integrationId: string, loop: string): Promise<boolean> {
    const result = await this.db.deleteFrom('cursors').where('integration_id', '=', integrationId).where('loop', '=', loop).executeTakeFirst();
    return result.numDeletedRows > 0n;
  }
}
