import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import type { Schema } from './schema.ts';
import { StoreError } from './errors.ts';
import { withStatementCache } from './sqlite-statement-cache.ts';

export type Dialect = 'sqlite' | 'postgres';

export interface OpenedDatabase {
  db: Kysely<Schema>;
  dialect: Dialect;
  /** Where the data lives, with any password removed; safe to log. */
  location: string;
  close(): Promise<void>;
}

export const DEFAULT_SQLITE_PATH = './data/psa-bridge.db';

export type DatabaseTarget =
  | { dialect: 'sqlite'; path: string }
  | { dialect: 'postgres'; connectionString: string; schema?: string };

/**
 * Reads DATABASE_URL. Accepted forms:
 * - empty → SQLite at ./data/psa-bridge.db
 * - `sqlite:./data/x.db`, `sqlite:///abs/x.db`, `sqlite::memory:`, or a plain file path → SQLite
 * - `postgres://user:pass@host:5432/db[?schema=name]` (or `postgresql://`) → PostgreSQL; `schema`
 *   sets the search_path, so tests and tenants of one server can keep to a schema of their own.
 *   libpq's `options=-c search_path=…` works too.
 */
export function parseDatabaseUrl(url: string | undefined): DatabaseTarget {
  const value = url?.trim() ?? '';
  if (value === '') return { dialect: 'sqlite', path: DEFAULT_SQLITE_PATH };

  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(value)?.[1]?.toLowerCase();
  if (scheme === 'postgres' || scheme === 'postgresql') return parsePostgresUrl(value);
  if (scheme === 'sqlite') {
    let path = value.slice('sqlite:'.length);
    if (path.startsWith('//')) path = path.slice(2); // sqlite:///abs/path → /abs/path
    if (path === '') throw invalidUrl(value, 'the SQLite URL names no file');
    return { dialect: 'sqlite', path };
  }
  // A one-letter "scheme" is a Windows drive (C:\data\x.db), not a URL.
  if (scheme !== undefined && scheme.length > 1 && /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(value)) {
    throw invalidUrl(value, `the scheme "${scheme}:" is not supported`);
  }
  return { dialect: 'sqlite', path: value };
}

function parsePostgresUrl(value: string): DatabaseTarget {
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw invalidUrl(value, 'it is not a valid URL (characters such as @ : / in the password must be percent-encoded)');
  }
  if (parsed.hostname === '' && !parsed.searchParams.has('host')) {
    throw invalidUrl(value, 'it names no host');
  }
  const schema = parsed.searchParams.get('schema') ?? undefined;
  if (schema !== undefined) {
    if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(schema)) {
      throw invalidUrl(value, `the schema "${schema}" is not a plain identifier (letters, digits, _; up to 63)`);
    }
    parsed.searchParams.delete('schema');
  }
  return schema === undefined
    ? { dialect: 'postgres', connectionString: parsed.toString() }
    : { dialect: 'postgres', connectionString: parsed.toString(), schema };
}

function invalidUrl(value: string, why: string): StoreError {
  return new StoreError(
    'database_url_invalid',
    `DATABASE_URL ${JSON.stringify(redactUrl(value))} cannot be used: ${why}. ` +
      'Use postgres://user:password@host:5432/database for PostgreSQL, or sqlite:./data/psa-bridge.db ' +
      '(or a plain file path, or leave it unset) for SQLite.',
    { url: redactUrl(value) },
  );
}

/** The URL with its password replaced, for messages and logs. */
export function redactUrl(value: string): string {
  return value.replace(/^([a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^:/@]*:)[^@]*@/, '$1***@');
}

export async function openDatabase(options: { url?: string } = {}): Promise<OpenedDatabase> {
  const target = parseDatabaseUrl(options.url);
  return target.dialect === 'postgres' ? openPostgres(target) : openSqlite(target.path);
}

function openSqlite(path: string): OpenedDatabase {
  const memory = path === ':memory:';
  const file = memory ? path : resolve(path);
  if (!memory) mkdirSync(dirname(file), { recursive: true });
  const sqlite = new Database(file);
  // WAL lets the portal read while a loop writes; busy_timeout makes a second process wait for the
  // write lock instead of failing at once; SQLite leaves foreign keys off unless asked.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('synchronous = NORMAL');
  const db = new Kysely<Schema>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  return { db, dialect: 'sqlite', location: file, close: () => db.destroy() };
}

async function openPostgres(target: { connectionString: string; schema?: string }): Promise<OpenedDatabase> {
  const pool = new pg.Pool({
    connectionString: target.connectionString,
    max: 10,
    ...(target.schema ? { options: `-c search_path=${target.schema}` } : {}),
  });
  // An idle client that loses its server emits 'error' on the pool; unhandled, that kills the process.
  pool.on('error', () => {});
  const location = redactUrl(target.connectionString) + (target.schema ? ` (schema ${target.schema})` : '');
  try {
    const client = await pool.connect();
    try {
      // The schema is a plain identifier (checked in parseDatabaseUrl), so quoting it is enough.
      if (target.schema) await client.query(`create schema if not exists "${target.schema}"`);
    } finally {
      client.release();
    }
  } catch (cause) {
    await pool.end().catch(() => {});
    throw new StoreError(
      'database_unreachable',
      `cannot connect to PostgreSQL at ${location}: ${(cause as Error).message}. Check DATABASE_URL (host, port, user, password, database) and that the server accepts connections.`,
      { location },
      { cause },
    );
  }
  const db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
  return { db, dialect: 'postgres', location, close: () => db.destroy() };
}
