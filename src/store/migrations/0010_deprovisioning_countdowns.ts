import type { Kysely } from 'kysely';

/**
 * Timed deprovisioning (disable after N days, delete after M days once a company has no contract in
 * effect): when the countdown of each company started, so it survives restarts and is shown per
 * company. A row exists while a company's contract has lapsed; it is removed when a contract returns
 * (the countdown is cancelled) or the tenant is gone. Additive: an empty table changes nothing.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('deprovisioning_countdowns')
    .addColumn('integration_id', 'text', (c) => c.notNull().references('integrations.id').onDelete('cascade'))
    .addColumn('company_id', 'text', (c) => c.notNull())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('lapsed_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('deprovisioning_countdowns_pk', ['integration_id', 'company_id'])
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('deprovisioning_countdowns').execute();
}
