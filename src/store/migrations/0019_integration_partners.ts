import type { Kysely } from 'kysely';

/**
 * `integration_connections`: the further partner tenants of an integration (the vendor's
 * "multi-mapping": one PSA serving an MSP with several partner accounts, each with credentials of
 * its own, possibly in different data centers). Each row names a connection (data center + API
 * client = one partner tenant) besides the integration's own `connection_id`, which stays the
 * primary partner. `new_tenants` marks the partner new customer tenants are created under (at most
 * one row; none = the primary).
 * Additive: an integration without rows behaves as before.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('integration_connections')
    .addColumn('integration_id', 'text', (c) => c.notNull().references('integrations.id').onDelete('cascade'))
    .addColumn('connection_id', 'text', (c) => c.notNull().references('connections.id'))
    .addColumn('new_tenants', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('integration_connections_pk', ['integration_id', 'connection_id'])
    .execute();
  await db.schema.createIndex('integration_connections_connection').on('integration_connections').column('connection_id').execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('integration_connections').execute();
}
