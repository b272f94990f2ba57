import type { Kysely } from 'kysely';

/**
 * What keeps the hub safe across restarts and processes:
 * - `users.disabled_at`: a disabled user cannot log in and their sessions and tokens stop working;
 *   the row stays, so the audit trail keeps naming them.
 * - `login_throttle`: failed-login counts per (username, client address), kept in the database so a
 *   restart does not reset them and every process of a scaled-out hub sees the same count. An attempt
 *   is reserved here (counted) before the password is checked, so concurrent guesses cannot all pass.
 * - `callback_deliveries`: a digest of each accepted signed callback, so a replayed delivery is
 *   refused within the window the rows are kept.
 * Additive: existing users read as enabled, empty tables change nothing.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('users').addColumn('disabled_at', 'text').execute();
  await db.schema
    .createTable('login_throttle')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('failures', 'integer', (c) => c.notNull())
    .addColumn('locked_until', 'text', (c) => c.notNull())
    .addColumn('last_attempt_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('login_throttle_last_attempt').on('login_throttle').column('last_attempt_at').execute();
  await db.schema
    .createTable('callback_deliveries')
    .addColumn('integration_id', 'text', (c) => c.notNull().references('integrations.id').onDelete('cascade'))
    .addColumn('digest', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('callback_deliveries_pk', ['integration_id', 'digest'])
    .execute();
  await db.schema.createIndex('callback_deliveries_received').on('callback_deliveries').column('received_at').execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('callback_deliveries').execute();
  await db.schema.dropTable('login_throttle').execute();
  await db.schema.alterTable('users').dropColumn('disabled_at').execute();
}
