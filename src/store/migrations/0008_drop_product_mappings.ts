import { sql, type Kysely } from 'kysely';

/**
 * The product mapping lives in the integration's `product-mapping` settings (validated there, read
 * by every loop); the `product_mappings` table of 0001 was never written by the product, and the
 * one reader it had (the alerts loop choosing the contract that bills mapped products) found it
 * empty. Dropped so nothing reads it again. Its rows, had anyone written them by hand, were never
 * used: nothing is lost.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('product_mappings').ifExists().execute();
}

/** The table as 0001 made it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('product_mappings')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('integration_id', 'text', (c) => c.notNull().references('integrations.id').onDelete('cascade'))
    .addColumn('offering_item', 'text', (c) => c.notNull())
    .addColumn('infra_id', 'text')
    .addColumn('target_product_id', 'text', (c) => c.notNull())
    .addColumn('target_product_name', 'text', (c) => c.notNull())
    .addColumn('period_type', 'text', (c) => c.notNull())
    .addColumn('options', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('product_mappings_item_infra_unique')
    .on('product_mappings')
    .columns(['integration_id', 'offering_item', 'infra_id'])
    .unique()
    .where('infra_id', 'is not', null)
    .execute();
  await db.schema
    .createIndex('product_mappings_item_unique')
    .on('product_mappings')
    .columns(['integration_id', 'offering_item'])
    .unique()
    .where(sql.ref('infra_id'), 'is', null)
    .execute();
}
