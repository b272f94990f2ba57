import { Migrator, PostgresAdapter, sql, type Kysely, type MigrationResult } from 'kysely';
import { StoreError } from './errors.ts';
import { migrations } from './migrations/index.ts';

/**
 * Brings the schema to the latest version. Safe to call from several processes at once: Kysely
 * takes a lock (an advisory lock on PostgreSQL, the single writer on SQLite) and skips what is done.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function migrateToLatest(db: Kysely<any>): Promise<MigrationResult[]> {
  // Kysely looks for its bookkeeping tables in every schema unless told which one: with several
  // schemas on one server (tests, or tenants), it would find another schema's tables and skip
  // creating its own. Pin it to the schema of this connection's search_path.
  let migrationTableSchema: string | undefined;
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db);
    migrationTableSchema = rows[0]?.schema ?? undefined;
  }
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    // Migration numbers are handed out ahead of time, so a database may have run a later one (0009)
    // before an earlier one (0008) exists: run the missing one rather than refuse to start.
    allowUnorderedMigrations: true,
    ...(migrationTableSchema ? { migrationTableSchema } : {}),
  });
  const { error, results = [] } = await migrator.migrateToLatest();
  if (error) {
    const failed = results.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new StoreError(
      'migration_failed',
      `database migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`,
      { migration: failed, applied: results.filter((r) => r.status === 'Success').map((r) => r.migrationName) },
      { cause: error },
    );
  }
  return results;
}
