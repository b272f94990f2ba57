// While the database is unreachable (a restart, a failover, a closed pool) the API answers 503
// "try again shortly", not 500 internal_error: a client retries a 503, and a 500 says "our bug".
import { randomBytes } from 'node:crypto';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import Database from 'better-sqlite3';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { Schema } from '../store/schema.ts';
import { createRepositories, type Store } from '../store/store.ts';
import { isDatabaseUnreachable } from '../store/errors.ts';
import { buildApp } from './app.ts';
import { createRuntimeProvider } from '../sync/integration-runtime.ts';

type App = Awaited<ReturnType<typeof buildApp>>;

async function appOn(db: Kysely<Schema>, dialect: Store['dialect']): Promise<App> {
  const store: Store = { db, dialect, location: 'broken', repos: createRepositories(db, randomBytes(32)), reposAt: (clock) => createRepositories(db, randomBytes(32), clock), close: () => db.destroy() };
  return buildApp({ store, runtimes: createRuntimeProvider(store), version: 'x', logger: pino({ level: 'silent' }) });
}

const asked = [
  { method: 'GET' as const, url: '/api/v1/connections', headers: { authorization: 'Bearer pbt_not-a-real-token-0000000000' } },
  { method: 'POST' as const, url: '/api/v1/auth/login', payload: { username: 'admin', password: 'whatever-password' } },
];

describe('the API while the database is unreachable', () => {
  let app: App | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  const expectUnavailable = async (a: App) => {
    for (const request of asked) {
      const res = await a.inject(request);
      expect(res.statusCode, `${request.method} ${request.url}: ${res.body}`).toBe(503);
      expect(res.json().error.code).toBe('database_unreachable');
      expect(res.headers['retry-after']).toBe('5');
    }
  };

  it('PostgreSQL refusing connections: 503', async () => {
    const pool = new pg.Pool({ host: '127.0.0.1', port: 1, user: 'x', database: 'x', connectionTimeoutMillis: 2_000 });
    app = await appOn(new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) }), 'postgres');
    await expectUnavailable(app);
  });

  it('a closed PostgreSQL pool: 503', async () => {
    const pool = new pg.Pool({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' });
    await pool.end();
    app = await appOn(new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) }), 'postgres');
    await expectUnavailable(app);
  });

  it('a closed SQLite database: 503', async () => {
    const database = new Database(':memory:');
    database.close();
    app = await appOn(new Kysely<Schema>({ dialect: new SqliteDialect({ database }) }), 'sqlite');
    await expectUnavailable(app);
  });

  it('tells outages from bugs', () => {
    expect(isDatabaseUnreachable(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }))).toBe(true);
    expect(isDatabaseUnreachable(new AggregateError([Object.assign(new Error('connect ECONNREFUSED ::1:5432'), { code: 'ECONNREFUSED' })]))).toBe(true);
    expect(isDatabaseUnreachable(Object.assign(new Error('duplicate key'), { code: '23505' }))).toBe(false);
    expect(isDatabaseUnreachable(new TypeError('undefined is not a function'))).toBe(false);
  });
});
