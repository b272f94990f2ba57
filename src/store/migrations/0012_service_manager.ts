import type { Kysely } from 'kysely';

/**
 * The hub as a service manager that a billing platform calls (inbound): the application
 * registrations the platform authorizes with (key sealed), the instances (one per distributor
 * agreement: its own integration row, so the journal and audit trail serve it as any other), the
 * service-provider accounts and subscriptions it provisioned, the usage pulls it answered (a closed
 * window's answer is kept and served again, so the same window answers the same), and the calls it
 * refused, by the platform's track id. Additive.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('service_manager_registrations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('application_id', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('connector', 'text', (c) => c.notNull())
    .addColumn('key_sealed', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_used_at', 'text')
    .execute();

  await db.schema
    .createTable('service_manager_instances')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('registration_id', 'text', (c) => c.notNull().references('service_manager_registrations.id').onDelete('cascade'))
    .addColumn('instance_key', 'text', (c) => c.notNull())
    .addColumn('integration_id', 'text', (c) => c.notNull().references('integrations.id').onDelete('cascade'))
    .addColumn('product_type_id', 'text', (c) => c.notNull().unique())
    .addColumn('system_name', 'text', (c) => c.notNull())
    .addColumn('gateway', 'text', (c) => c.notNull())
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('discount', 'text', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('update_names', 'text', (c) => c.notNull())
    .addColumn('distributor_tenant_id', 'text', (c) => c.notNull())
    .addColumn('distributor_name', 'text', (c) => c.notNull())
    .addColumn('first_names', 'text', (c) => c.notNull())
    .addColumn('last_definition', 'text')
    .addColumn('last_definition_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('service_manager_instances_key_unique', ['registration_id', 'instance_key'])
    .execute();

  await db.schema
    .createTable('service_manager_accounts')
    .addColumn('instance_id', 'text', (c) => c.notNull().references('service_manager_instances.id').onDelete('cascade'))
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('admin_login', 'text')
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('service_manager_accounts_pk', ['instance_id', 'account_id'])
    .execute();

  await db.schema
    .createTable('service_manager_subscriptions')
    .addColumn('instance_id', 'text', (c) => c.notNull().references('service_manager_instances.id').onDelete('cascade'))
    .addColumn('subscription_id', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('product_id', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('services', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('service_manager_subscriptions_pk', ['instance_id', 'subscription_id'])
    .execute();

  await db.schema
    .createTable('service_manager_usage_pulls')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('instance_id', 'text', (c) => c.notNull().references('service_manager_instances.id').onDelete('cascade'))
    .addColumn('subscription_id', 'text', (c) => c.notNull())
    .addColumn('window_start', 'text', (c) => c.notNull())
    .addColumn('window_end', 'text', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('closed', 'integer', (c) => c.notNull())
    .addColumn('answer', 'text', (c) => c.notNull())
    .addColumn('items', 'integer', (c) => c.notNull())
    .addColumn('cost_total', 'text', (c) => c.notNull())
    .addColumn('sell_total', 'text', (c) => c.notNull())
    .addColumn('pulls', 'integer', (c) => c.notNull())
    .addColumn('pulled_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('service_manager_usage_pulls_window_unique', ['instance_id', 'subscription_id', 'window_start', 'window_end', 'currency'])
    .execute();
  await db.schema.createIndex('service_manager_usage_pulls_at_idx').on('service_manager_usage_pulls').columns(['instance_id', 'pulled_at']).execute();

  await db.schema
    .createTable('service_manager_failed_calls')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('registration_id', 'text')
    .addColumn('instance_id', 'text')
    .addColumn('track_id', 'text')
    .addColumn('route', 'text', (c) => c.notNull())
    .addColumn('code', 'integer', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('service_manager_failed_calls_at_idx').on('service_manager_failed_calls').columns(['instance_id', 'at']).execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'service_manager_failed_calls',
    'service_manager_usage_pulls',
    'service_manager_subscriptions',
    'service_manager_accounts',
    'service_manager_instances',
    'service_manager_registrations',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
