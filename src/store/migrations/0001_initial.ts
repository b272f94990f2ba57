import { sql, type Kysely } from 'kysely';

/**
 * The first schema, written once for SQLite and PostgreSQL with Kysely's schema builder. Only
 * portable types are used (text, integer), so no dialect branch is needed: see schema.ts for the
 * conventions. `db` is typed loosely on purpose: a migration describes the schema as it was then,
 * not as `Schema` says it is now.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('username', 'text', (c) => c.notNull().unique())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_login_at', 'text')
    .execute();

  await db.schema
    .createTable('sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sessions_user_idx').on('sessions').column('user_id').execute();
  await db.schema.createIndex('sessions_expires_idx').on('sessions').column('expires_at').execute();

  await db.schema
    .createTable('api_tokens')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_used_at', 'text')
    .execute();
  await db.schema.createIndex('api_tokens_user_idx').on('api_tokens').column('user_id').execute();

  await db.schema
    .createTable('connections')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('base_url', 'text', (c) => c.notNull())
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('client_secret_encrypted', 'text', (c) => c.notNull())
    .addColumn('tenant_id', 'text')
    .addColumn('tenant_name', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('last_checked_at', 'text')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('integrations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    // restrict: deleting a connection that integrations still use must be a deliberate two-step act.
    .addColumn('connection_id', 'text', (c) => c.notNull().references('connections.id').onDelete('restrict'))
    .addColumn('target', 'text', (c) => c.notNull())
    .addColumn('credentials_encrypted', 'text', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('features', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('integrations_connection_idx').on('integrations').column('connection_id').execute();

  await db.schema
    .createTable('integration_settings')
    .addColumn('integration_id', 'text', (c) => c.notNull().references('integrations.id').onDelete('cascade'))
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('integration_settings_pk', ['integration_id', 'key'])
    .execute();

  await db.schema
    .createTable('mappings')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('integration_id', 'text', (c) => c.notNull().references('integrations.id').onDelete('cascade'))
    .addColumn('company_id', 'text', (c) => c.notNull())
    .addColumn('company_name', 'text', (c) => c.notNull())
    .addColumn('tenant_id', 'text')
    .addColumn('tenant_name', 'text')
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('error', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('mappings_company_unique', ['integration_id', 'company_id'])
    .execute();
  // The 1:1 rule, held by the database: a tenant belongs to at most one company per integration.
  await db.schema
    .createIndex('mappings_tenant_unique')
    .on('mappings')
    .columns(['integration_id', 'tenant_id'])
    .unique()
    .where('tenant_id', 'is not', null)
    .execute();
  await db.schema.createIndex('mappings_state_idx').on('mappings').columns(['integration_id', 'state']).execute();

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
  // NULLs are distinct in a unique index on both databases, so "no infra" needs its own index.
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

  await db.schema
    .createTable('journal')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('integration_id', 'text', (c) => c.notNull().references('integrations.id').onDelete('cascade'))
    .addColumn('loop', 'text', (c) => c.notNull())
    .addColumn('operation', 'text', (c) => c.notNull())
    .addColumn('idempotency_key', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('external_id', 'text')
    .addColumn('error', 'text')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('lease_owner', 'text')
    .addColumn('lease_expires_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    // The idempotency rule lives here: one entry per operation key, whoever races to insert it.
    .addUniqueConstraint('journal_key_unique', ['integration_id', 'idempotency_key'])
    .execute();
  await db.schema.createIndex('journal_state_idx').on('journal').columns(['state', 'updated_at']).execute();
  await db.schema.createIndex('journal_integration_state_idx').on('journal').columns(['integration_id', 'state']).execute();

  await db.schema
    .createTable('cursors')
    .addColumn('integration_id', 'text', (c) => c.notNull().references('integrations.id').onDelete('cascade'))
    .addColumn('loop', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('cursors_pk', ['integration_id', 'loop'])
    .execute();

  // No foreign keys: the audit trail outlives the users and integrations it mentions.
  await db.schema
    .createTable('audit_log')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('subject_type', 'text')
    .addColumn('subject_id', 'text')
    .addColumn('details', 'text', (c) => c.notNull().defaultTo('{}'))
    .execute();
  await db.schema.createIndex('audit_log_at_idx').on('audit_log').column('at').execute();
  await db.schema.createIndex('audit_log_subject_idx').on('audit_log').columns(['subject_type', 'subject_id', 'at']).execute();

  await db.schema
    .createTable('loop_runs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('integration_id', 'text', (c) => c.notNull().references('integrations.id').onDelete('cascade'))
    .addColumn('loop', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('error', 'text')
    .addColumn('stats', 'text', (c) => c.notNull().defaultTo('{}'))
    .execute();
  await db.schema.createIndex('loop_runs_latest_idx').on('loop_runs').columns(['integration_id', 'loop', 'started_at']).execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'loop_runs',
    'audit_log',
    'cursors',
    'journal',
    'product_mappings',
    'mappings',
    'integration_settings',
    'integrations',
    'connections',
    'api_tokens',
    'sessions',
    'users',
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
