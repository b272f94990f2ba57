import type { Kysely } from 'kysely';

/**
 * `api_tokens.role`: what a token may do (`admin` or `read_only`), next to `users.role` (0011). A
 * request acts with the lesser of the two (src/domain/roles.ts). Existing tokens stay admin tokens,
 * as their users stayed admins.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('api_tokens').addColumn('role', 'text', (c) => c.notNull().defaultTo('admin')).execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('api_tokens').dropColumn('role').execute();
}
