// The hub's timer prunes journal entries done more than 30 days ago (nothing else did): done entries
// that old go, recent ones and every pending or failed entry stay.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestStore, testDatabases } from '../../test/support/databases.ts';
import type { Store } from '../store/store.ts';
import { createHousekeeping } from './housekeeping.ts';

const DAY = 24 * 60 * 60_000;
const silent = { info: () => {}, warn: () => {} };

describe.each(testDatabases())('housekeeping on $name', (db) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let now = Date.parse('2026-01-01T00:00:00Z');
  beforeEach(async () => {
    now = Date.parse('2026-01-01T00:00:00Z');
    ({ store, cleanup } = await openTestStore(db, { clock: () => new Date(now) }));
  });
  afterEach(() => cleanup());

  it('prunes done journal entries older than 30 days, keeps recent, pending and failed ones', async () => {
    const connection = await store.repos.connections.create({ name: 'c', baseUrl: 'https://x.example', clientId: 'a', clientSecret: 'b' });
    const integrationId = (await store.repos.integrations.create({ name: 'i', connectionId: connection.id, target: 'autotask', credentials: {} })).id;
    const write = async (key: string, end: 'done' | 'failed' | 'pending') => {
      const entry = (await store.repos.journal.insertPending({ integrationId, loop: 'usage', operation: 'set_units', idempotencyKey: key, payload: {} }, 'owner', 0))!;
      if (end === 'done') await store.repos.journal.markDone(entry.id, 'x');
      if (end === 'failed') await store.repos.journal.markFailed(entry.id, 'owner', 'refused');
    };
    await write('old-done', 'done');
    await write('old-failed', 'failed');
    await write('old-pending', 'pending');
    now += 31 * DAY;
    await write('recent-done', 'done');

    await createHousekeeping({ store, log: silent, pruneThrottle: async () => 0, clock: () => new Date(now) }).run();

    const keys = (await store.repos.journal.list({ integrationId, limit: 100 })).map((e) => e.idempotencyKey).sort();
    expect(keys).toEqual(['old-failed', 'old-pending', 'recent-done']);
  });
});

describe.each(testDatabases())('retention of the run history and the audit trail on $name', (db) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let now = 0;
  beforeEach(async () => {
    now = Date.parse('2026-01-01T00:00:00Z');
    ({ store, cleanup } = await openTestStore(db, { clock: () => new Date(now) }));
  });
  afterEach(() => cleanup());

  const integration = async () => {
    const connection = await store.repos.connections.create({ name: 'c', baseUrl: 'https://x.example', clientId: 'a', clientSecret: 'b' });
    return (await store.repos.integrations.create({ name: 'i', connectionId: connection.id, target: 'autotask', credentials: {} })).id;
  };
  const finishedRun = async (integrationId: string, loop: string) => {
    const run = await store.repos.loopRuns.start(integrationId, loop);
    await store.repos.loopRuns.finish(run.id, { status: 'succeeded' });
  };
  const housekeeping = (retention?: { runHistoryDays: number; auditDays: number }) =>
    createHousekeeping({ store, log: silent, pruneThrottle: async () => 0, clock: () => new Date(now), ...(retention ? { retention } : {}) });

  it('prunes finished runs older than 90 days and audit entries older than 400 by default; a run still running stays', async () => {
    const integrationId = await integration();
    await finishedRun(integrationId, 'old');
    await store.repos.loopRuns.start(integrationId, 'old-still-running');
    await store.repos.auditLog.record({ actor: 'admin', action: 'old.audit' });
    now += 91 * DAY;
    await finishedRun(integrationId, 'recent');
    await store.repos.auditLog.record({ actor: 'admin', action: 'recent.audit' });

    await housekeeping().run();
    expect((await store.repos.loopRuns.list(integrationId)).map((r) => r.loop).sort()).toEqual(['old-still-running', 'recent']);
    expect((await store.repos.auditLog.list({})).map((e) => e.action).sort()).toEqual(['old.audit', 'recent.audit']);

    now += 310 * DAY; // 401 days after the first entry, 310 after the second
    await housekeeping().run();
    expect((await store.repos.auditLog.list({})).map((e) => e.action)).toEqual(['recent.audit']);
  });

  it('keeps both forever when their retention is 0, and prunes by the days set otherwise', async () => {
    const integrationId = await integration();
    await finishedRun(integrationId, 'old');
    await store.repos.auditLog.record({ actor: 'admin', action: 'old.audit' });
    now += 1000 * DAY;
    await housekeeping({ runHistoryDays: 0, auditDays: 0 }).run();
    expect((await store.repos.loopRuns.list(integrationId)).map((r) => r.loop)).toEqual(['old']);
    expect((await store.repos.auditLog.list({})).map((e) => e.action)).toEqual(['old.audit']);
    await housekeeping({ runHistoryDays: 2000, auditDays: 999 }).run();
    expect((await store.repos.loopRuns.list(integrationId)).map((r) => r.loop)).toEqual(['old']);
    expect((await store.repos.auditLog.list({})).map((e) => e.action)).toEqual([]);
  });
});
