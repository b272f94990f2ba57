import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { Clock } from '../../src/store/columns.ts';
import { openStore, type Store } from '../../src/store/store.ts';

/**
 * The databases every integration test runs on. SQLite always; PostgreSQL at TEST_DATABASE_URL
 * (default postgres://postgres@127.0.0.1:5432/test). Each `open()` gives a database nobody else
 * uses (a temp file, or a fresh database `t_<time>_<random>`), so test files can run in parallel.
 *
 * When PostgreSQL cannot be reached, CI=true fails the run (CI must test both); elsewhere the
 * postgres entry is left out with a warning. DB=sqlite or DB=postgres runs on one only.
 *
 * @example
 *   describe.each(testDatabases())('store on $name', (t) => {
 *     let store: Store; let cleanup: () => Promise<void>;
 *     beforeEach(async () => ({ store, cleanup } = await openTestStore(t)));
 *     afterEach(() => cleanup());
 *   });
 */
export interface TestDatabase {
  name: 'sqlite' | 'postgres';
  /** A fresh, empty database: its DATABASE_URL, and how to remove it. */
  open(): Promise<{ url: string; cleanup: () => Promise<void> }>;
}

export const DEFAULT_TEST_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';
const postgresUrl = process.env.TEST_DATABASE_URL || DEFAULT_TEST_DATABASE_URL;

/** A key for tests only; production keys come from loadSecretKey. */
export const TEST_SECRET_KEY = Buffer.alloc(32, 7);

// Probed once per test file, at import, so describe.each can be given a plain list.
const postgresProblem = await probePostgres(postgresUrl);

export function testDatabases(): TestDatabase[] {
  const only = process.env.DB?.trim().toLowerCase();
  const list: TestDatabase[] = [];
  if (!only || only === 'sqlite') list.push(sqlite);
  if (!only || only === 'postgres') {
    if (postgresProblem === undefined) {
      list.push(postgres);
    } else if (process.env.CI === 'true' || only === 'postgres') {
      throw new Error(
        `PostgreSQL at ${redact(postgresUrl)} is unreachable (${postgresProblem}); ${only === 'postgres' ? 'DB=postgres was asked for' : 'CI=true requires both databases'}. Start it or set TEST_DATABASE_URL.`,
      );
    } else {
      warnOnce(`[databases] PostgreSQL at ${redact(postgresUrl)} is unreachable (${postgresProblem}); running on SQLite only.`);
    }
  }
  return list;
}

/** Opens a migrated store on a fresh database of kind `t`; `cleanup` closes it and drops the database. */
/**
 * A fresh database brought to the latest migration, with no store left open: for a job runner's
 * own database (the pg-boss runner needs the schedule table of migration 0018, as every hub has).
 */
export async function openMigratedDatabase(t: TestDatabase): Promise<{ url: string; cleanup: () => Promise<void> }> {
  const opened = await t.open();
  try {
    await (await openStore({ url: opened.url, secretKey: TEST_SECRET_KEY })).close();
  } catch (error) {
    await opened.cleanup().catch(() => {});
    throw error;
  }
  return opened;
}

export async function openTestStore(
  t: TestDatabase,
  options: { clock?: Clock; secretKey?: Buffer } = {},
): Promise<{ store: Store; url: string; cleanup: () => Promise<void> }> {
  const { url, cleanup: drop } = await t.open();
  let store: Store;
  try {
    store = await openStore({
      url,
      secretKey: options.secretKey ?? TEST_SECRET_KEY,
      ...(options.clock ? { clock: options.clock } : {}),
    });
  } catch (error) {
    await drop().catch(() => {});
    throw error;
  }
  return {
    store,
    url,
    cleanup: async () => {
      await store.close();
      await drop();
    },
  };
}

const sqlite: TestDatabase = {
  name: 'sqlite',
  async open() {
    const dir = mkdtempSync(join(tmpdir(), 'psa-bridge-test-'));
    return { url: `sqlite:${join(dir, 'test.db')}`, cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
  },
};

// A database per open(), not a schema: Kysely's migrator introspects every schema of its database,
// and a schema dropped by a parallel test file at that moment fails the introspection. Databases
// are isolated from each other's catalogs. The name carries its creation time, so databases left
// behind by a killed run are dropped by a later one.
const postgres: TestDatabase = {
  name: 'postgres',
  async open() {
    const database = `t_${Math.floor(Date.now() / 1000)}_${randomBytes(6).toString('hex')}`;
    await withClient(postgresUrl, (client) => client.query(`create database "${database}"`));
    const url = new URL(postgresUrl);
    url.pathname = `/${database}`;
    return {
      url: url.toString(),
      cleanup: () =>
        withClient(postgresUrl, (client) => client.query(`drop database if exists "${database}" with (force)`)).then(() => undefined),
    };
  },
};

const STALE_AFTER_SECONDS = 3 * 60 * 60;

async function dropStaleTestDatabases(url: string): Promise<void> {
  await withClient(url, async (client) => {
    const { rows } = await client.query<{ datname: string }>(`select datname from pg_database where datname ~ '^t_[0-9]+_[0-9a-f]+$'`);
    const now = Date.now() / 1000;
    for (const { datname } of rows) {
      const created = Number(datname.split('_')[1]);
      if (now - created > STALE_AFTER_SECONDS) await client.query(`drop database if exists "${datname}" with (force)`).catch(() => {});
    }
  });
}

async function probePostgres(url: string): Promise<string | undefined> {
  if (process.env.DB?.trim().toLowerCase() === 'sqlite') return 'not asked for';
  try {
    await withClient(url, (client) => client.query('select 1'));
    await dropStaleTestDatabases(url).catch(() => {});
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message || error.name : String(error);
  }
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  client.on('error', () => {});
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => {});
  }
}

let warned = false;
function warnOnce(message: string): void {
  if (!warned) console.warn(message);
  warned = true;
}

const redact = (value: string): string => value.replace(/(:\/\/[^:/@]*:)[^@]*@/, '$1***@');
