import type { Kysely } from 'kysely';
import type { Schema } from '../schema.ts';
import { fromJsonText, isoAt, systemClock, toJsonText, type Clock } from '../columns.ts';

/**
 * Integration settings as key → JSON value, one row per section (`provisioning`, `tickets`,
 * `usage`…). Rows rather than one JSON column so that the portal saving one tab cannot overwrite a
 * concurrent save of another. Values are untyped here: the settings module validates them with zod.
 */
export class SettingsRepository {
  constructor(
    private readonly db: Kysely<Schema>,
    private readonly clock: Clock = systemClock,
  ) {}

  async get(integrationId: string, key: string): Promise<unknown> {
    const row = await this.db
      .selectFrom('integration_settings')
      .select('value')
      .where('integration_id', '=', integrationId)
      .where('key', '=', key)
      .executeTakeFirst();
    return row ? fromJsonText(row.value, undefined) : undefined;
  }

  async getAll(integrationId: string): Promise<Record<string, unknown>> {
    const rows = await this.db
      .selectFrom('integration_settings')
      .select(['key', 'value'])
      .where('integration_id', '=', integrationId)
      .orderBy('key')
      .execute();
    return Object.fromEntries(rows.map((row) => [row.key, fromJsonText(row.value, null)]));
  }

  async set(integrationId: string, key: string, value: unknown): Promise<void> {
    await this.setMany(integrationId, { [key]: value });
  }

  /** Writes several sections at once (all or none). */
  async setMany(integrationId: string, values: Record<string, unknown>): Promise<void> {
    const now = isoAt(this.clock);
    const rows = Object.entries(values).map(([key, value]) => ({ integration_id: integrationId, key, value: toJsonText(value), updated_at: now }));
    if (rows.length === 0) return;
    await this.db
      .insertInto('integration_settings')
      .values(rows)
      .onConflict((oc) =>
        oc.columns(['integration_id', 'key']).doUpdateSet((eb) => ({ value: eb.ref('excluded.value'), updated_at: eb.ref('excluded.updated_at') })),
      )
      .execute();
  }

  async delete(integrationId: string, key: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('integration_settings')
      .where('integration_id', '=', integrationId)
      .where('key', '=', key)
      .executeTakeFirst();
    return result.numDeletedRows > 0n;
  }
}
