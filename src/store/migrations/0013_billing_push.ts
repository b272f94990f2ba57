import type { Kysely } from 'kysely';

/**
 * What the hub pushed to a billing platform (the hub is the vendor there; the platform never shows
 * it the mappings): the accounts it created per customer tenant, the services it created with the
 * platform's ids, the last count per account and service with whether the platform took it or
 * answered "not mapped" (so a level-triggered pass posts only what changed and retries what waits),
 * and each alert sent as a ticket, with its delivery as the platform reports it. Additive; portable
 * types (text, integer, double precision) as 0004.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('billing_accounts')
    .addColumn('integration_id', 'text', (c) => c.notNull().references('integrations.id').onDelete('cascade'))
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('deleted', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('pushed_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('billing_accounts_pk', ['integration_id', 'account_id'])
    .execute();
  await db.schema
    .createTable('billing_services')
    .addColumn('integration_id', 'text', (c) => c.notNull().references('integrations.id').onDelete('cascade'))
    .addColumn('service_key', 'text', (c) => c.notNull())
    .addColumn('external_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('unit', 'text', (c) => c.notNull())
    .addColumn('storage', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('pushed_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('billing_services_pk', ['integration_id', 'service_key'])
    .execute();
  await db.schema
    .createTable('billing_counts')
    .addColumn('integration_id', 'text', (c) => c.notNull().references('integrations.id').onDelete('cascade'))
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('service_key', 'text', (c) => c.notNull())
    .addColumn('quantity', 'double precision', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('counted_quantity', 'double precision')
    .addColumn('message', 'text')
    .addColumn('posted_at', 'text', (c) => c.notNull())
    .addColumn('counted_at', 'text')
    .addPrimaryKeyConstraint('billing_counts_pk', ['integration_id', 'account_id', 'service_key'])
    .execute();
  await db.schema
    .createTable('billing_alerts')
    .addColumn('integration_id', 'text', (c) => c.notNull().references('integrations.id').onDelete('cascade'))
    .addColumn('alert_id', 'text', (c) => c.notNull())
    .addColumn('key_hash', 'text', (c) => c.notNull())
    .addColumn('episode', 'integer', (c) => c.notNull())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('alert_type', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('priority', 'integer', (c) => c.notNull())
    .addColumn('delivery_id', 'text')
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('ticket_id', 'text')
    .addColumn('errors', 'text')
    .addColumn('checks', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_check_at', 'text')
    .addColumn('cleared_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('billing_alerts_pk', ['integration_id', 'alert_id'])
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['billing_alerts', 'billing_counts', 'billing_services', 'billing_accounts']) await db.schema.dropTable(table).execute();
}
