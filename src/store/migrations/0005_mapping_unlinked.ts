import type { Kysely } from 'kysely';

/**
 * A person's explicit unlink is a decision the automatic rules must respect: `mappings.unlinked_at`
 * (ISO text, null otherwise) is set when a person unlinks a company and cleared when a mapping is
 * made again. The directory loop's matching (the hub's own tag, Custom ID, name) and the marketplace
 * wizard's automatic run skip companies that carry it. Additive: existing rows read as never unlinked.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('mappings').addColumn('unlinked_at', 'text').execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('mappings').dropColumn('unlinked_at').execute();
}
