import type Database from 'better-sqlite3';
import type { SqliteDatabase } from 'kysely';

/**
 * The SQLite database as kysely's dialect sees it, with its prepared statements kept for reuse.
 * Kysely's SQLite driver prepares every query afresh (`db.prepare(sql)` per call); a provisioning
 * pass runs the same few dozen statements tens of thousands of times, and preparing them was about
 * a tenth of the hub's CPU in a profile of the first sync (docs/performance.md). SQLite recompiles
 * a kept statement itself when the schema changes (migrations). The cache is bounded, least
 * recently used first out: queries with `in (?, ?, …)` lists of many lengths make many texts.
 */
export function withStatementCache(sqlite: Database.Database, size = 500): SqliteDatabase {
  const kept = new Map<string, Database.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(sql) {
      const found = kept.get(sql);
      // A statement still being iterated (a streamed select) cannot run a second query at once.
      if (found !== undefined && !found.busy) {
        kept.delete(sql);
        kept.set(sql, found);
        return found;
      }
      const statement = sqlite.prepare(sql);
      if (found === undefined) {
        kept.set(sql, statement);
        if (kept.size > size) kept.delete(kept.keys().next().value as string);
      }
      return statement;
    },
  };
}
