import type { Kysely } from 'kysely';

/**
 * What lets a person trust the hub's screens and clicks:
 * - `health_signals`: facts about an integration that no loop run records, such as an API budget
 *   that answered with an error; one row per (integration, source), cleared when it reads again.
 * - `health_notices`: the health last announced per integration, so a notification goes out when it
 *   turns failed or degraded (once), and again when it recovers.
 * - `notification_channels`: where those notifications go (SMTP email, chat incoming webhook); the
 *   configuration is sealed like every other secret (an SMTP password, a webhook URL with its key).
 * - `change_approvals`: a person's approval of a change that reduces a customer's service (a quota
 *   below usage, a tenant disabled or deleted, an item in use turned off). The plan keeps such a
 *   change waiting until its key is approved here.
 * - `ticket_starts`: from when alerts are raised as tickets, set when a person switches ticket
 *   creation on; alerts raised before it wait unless the person chose to raise them.
 * - `users.role`: `admin` (everything) or `read_only` (reads only); existing users stay admins.
 * Additive: empty tables change nothing.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('health_signals')
    .addColumn('integration_id', 'text', (c) => c.notNull().references('integrations.id').onDelete('cascade'))
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('level', 'text', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('seen_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('health_signals_pk', ['integration_id', 'source'])
    .execute();
  await db.schema
    .createTable('health_notices')
    .addColumn('integration_id', 'text', (c) => c.primaryKey().references('integrations.id').onDelete('cascade'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('noticed_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('notification_channels')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('config', 'text', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('last_sent_at', 'text')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('change_approvals')
    .addColumn('integration_id', 'text', (c) => c.notNull().references('integrations.id').onDelete('cascade'))
    .addColumn('change_key', 'text', (c) => c.notNull())
    .addColumn('company_id', 'text', (c) => c.notNull())
    .addColumn('approved_by', 'text', (c) => c.notNull())
    .addColumn('approved_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('change_approvals_pk', ['integration_id', 'change_key'])
    .execute();
  await db.schema
    .createTable('ticket_starts')
    .addColumn('integration_id', 'text', (c) => c.primaryKey().references('integrations.id').onDelete('cascade'))
    .addColumn('raise_from', 'text')
    .addColumn('decided_by', 'text', (c) => c.notNull())
    .addColumn('decided_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.alterTable('users').addColumn('role', 'text', (c) => c.notNull().defaultTo('admin')).execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('users').dropColumn('role').execute();
  for (const table of ['ticket_starts', 'change_approvals', 'notification_channels', 'health_notices', 'health_signals']) await db.schema.dropTable(table).execute();
}
