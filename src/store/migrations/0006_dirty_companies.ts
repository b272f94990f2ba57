import type { Kysely } from 'kysely';

/**
 * Companies a pushed change (a target callback) says must be planned again: the provisioning loop's
 * incremental pass plans them besides what changed since its last plan, and clears them once the
 * pass that planned them is applied (rows marked after that pass started stay for the next one).
 * Additive: an empty table changes nothing.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('dirty_companies')
    .addColumn('integration_id', 'text', (c) => c.notNull().references('integrations.id').onDelete('cascade'))
    .addColumn('loop', 'text', (c) => c.notNull())
    .addColumn('company_id', 'text', (c) => c.notNull())
    .addColumn('marked_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('dirty_companies_pk', ['integration_id', 'loop', 'company_id'])
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('dirty_companies').execute();
}
