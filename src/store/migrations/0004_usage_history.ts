import type { Kysely } from 'kysely';

/**
 * Contracted and used units per company, offering item and day, for the portal's charts ("per
 * customer, contracted vs used units over time"). Written by the usage loop, one row per
 * (integration, company, item, storage, day): a later pass the same day overwrites the row, so the
 * table grows by at most one row per mapped item a day. `contracted` is null when the item is only
 * sold pay-as-you-go (no prepaid quantity), `used` null when the vendor reported no usage.
 * `infra_id` is '' for items that are not per storage (part of the key, so not null).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('usage_history')
    .addColumn('integration_id', 'text', (c) => c.notNull().references('integrations.id').onDelete('cascade'))
    .addColumn('company_id', 'text', (c) => c.notNull())
    .addColumn('item_key', 'text', (c) => c.notNull())
    .addColumn('infra_id', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('contracted', 'double precision')
    .addColumn('used', 'double precision')
    .addColumn('recorded_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('usage_history_pk', ['integration_id', 'company_id', 'item_key', 'infra_id', 'day'])
    .execute();
  await db.schema.createIndex('usage_history_day_idx').on('usage_history').columns(['integration_id', 'day']).execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('usage_history').execute();
}
