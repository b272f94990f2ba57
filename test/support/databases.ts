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
 * uses (a temp file, or a fresh schema `t_<random>`), so test files can run in parallel.
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

const postgres: TestDatabase = {
  name: 'postgres',
  async open() {
    const schema = `t_${randomBytes(8).toString('hex')}`;
    await withClient(postgresUrl, (client) => client.query(`create schema "${schema}"`));
    const url = new URL(postgresUrl);
    url.searchParams.set('schema', schema);
    return {
      url: url.toString(),
      cleanup: () => withClient(postgresUrl, (client) => client.query(`drop schema if exists "${schema}" cascade`)).then(() => undefined),
    };
  },
};

async function probePostgres(url: string): Promise<string | undefined> {
  if (process.env.DB?.trim().toLowerCase() === 'sqlite') return 'not asked for';
  try {
    await withClient(url, (client) => client.query('select 1'));
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
