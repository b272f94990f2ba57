import type { Kysely } from 'kysely';

/**
 * What the provisioning and usage loops observed last, so an incremental pass (tenants, offering
 * items and contracts changed since the cursor) can still plan a company whose side did not change:
 * - `vendor_tenants`: customer tenants of the connection (the vendor's record as JSON), their
 *   offering items (JSON, null until listed) and whether the partner may manage them;
 * - `target_contracts`: the target's contracts with their lines (JSON), by company;
 * - `plan_problems`: what the latest plan of a company could not do or refused, for a person to read.
 * Portable types only (text, integer), as 0001.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('vendor_tenants')
    .addColumn('integration_id', 'text', (c) => c.notNull().references('integrations.id').onDelete('cascade'))
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('items', 'text')
    .addColumn('unmanageable', 'text')
    .addColumn('deleted', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('vendor_tenants_pk', ['integration_id', 'tenant_id'])
    .execute();

  await db.schema
    .createTable('target_contracts')
    .addColumn('integration_id', 'text', (c) => c.notNull().references('integrations.id').onDelete('cascade'))
    .addColumn('contract_id', 'text', (c) => c.notNull())
    .addColumn('company_id', 'text', (c) => c.notNull())
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('target_contracts_pk', ['integration_id', 'contract_id'])
    .execute();
  await db.schema.createIndex('target_contracts_company_idx').on('target_contracts').columns(['integration_id', 'company_id']).execute();

  await db.schema
    .createTable('plan_problems')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('integration_id', 'text', (c) => c.notNull().references('integrations.id').onDelete('cascade'))
    .addColumn('loop', 'text', (c) => c.notNull())
    .addColumn('company_id', 'text', (c) => c.notNull())
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('severity', 'text', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('context', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('seen_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('plan_problems_company_idx').on('plan_problems').columns(['integration_id', 'loop', 'company_id']).execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['plan_problems', 'target_contracts', 'vendor_tenants']) await db.schema.dropTable(table).ifExists().execute();
}
