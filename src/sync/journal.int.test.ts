import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openTestStore, testDatabases } from '../../test/support/databases.ts';
import { JournalRepository } from '../store/repositories/journal.ts';
import type { Store } from '../store/store.ts';
import { Journal, JournalInProgressError, type JournalOp } from './journal.ts';

/** A target that remembers what was written, so lookups can find earlier writes by key. */
function fakeTarget() {
  const written = new Map<string, string>();
  let next = 1;
  return {
    written,
    lookup: vi.fn(async (key: string) => written.get(key) ?? null),
    perform: vi.fn(async (key: string) => {
      const id = `ext-${next++}`;
      written.set(key, id);
      return id;
    }),
  };
}

describe.each(testDatabases())('journal on $name', (t) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let integrationId: string;
  let now: Date;
  const clock = () => now;
  const op = (key: string): JournalOp => ({ integrationId, loop: 'alerts', operation: 'create_ticket', idempotencyKey: key, payload: { alertId: key } });
  const stepsFor = (target: ReturnType<typeof fakeTarget>, key: string) => ({ lookup: () => target.lookup(key), perform: () => target.perform(key) });

  beforeEach(async () => {
    now = new Date('2025-03-01T10:00:00.000Z');
    ({ store, cleanup } = await openTestStore(t, { clock }));
    const connection = await store.repos.connections.create({ name: 'c', baseUrl: 'https://x', clientId: 'i', clientSecret: 's' });
    integrationId = (await store.repos.integrations.create({ name: 'at', connectionId: connection.id, target: 'autotask', credentials: {} })).id;
  });
  afterEach(() => cleanup?.());

  it('performs a new operation once and answers later runs from the journal', async () => {
    const journal = new Journal(store.repos.journal, { clock });
    const target = fakeTarget();
    expect(await journal.run(op('a1'), stepsFor(target, 'a1'))).toMatchObject({ externalId: 'ext-1', via: 'perform', entry: { attempts: 1 } });
    expect(target.lookup).not.toHaveBeenCalled();
    expect(await journal.run(op('a1'), stepsFor(target, 'a1'))).toMatchObject({ externalId: 'ext-1', via: 'journal' });
    expect(target.perform).toHaveBeenCalledTimes(1);
    expect(target.lookup).not.toHaveBeenCalled();
    expect(await store.repos.journal.getByKey(integrationId, 'a1')).toMatchObject({ state: 'done', externalId: 'ext-1', payload: { alertId: 'a1' } });
  });

  it('after a crash between perform and mark-done, looks up instead of writing again', async () => {
    const target = fakeTarget();
    // The process "dies" right after the external write: nothing more reaches the database.
    const dying = new JournalRepository(store.db, clock);
    const crash = new Error('process killed');
    dying.markDone = async () => {
      throw crash;
    };
    dying.markFailed = async () => {
      throw crash;
    };
    await expect(new Journal(dying, { clock, leaseMs: 60_000 }).run(op('a1'), stepsFor(target, 'a1'))).rejects.toBe(crash);
    expect(target.perform).toHaveBeenCalledTimes(1);
    expect(await store.repos.journal.getByKey(integrationId, 'a1')).toMatchObject({ state: 'pending', externalId: null });

    // A restarted process, while the dead one's lease still runs: it does not touch the operation.
    const restarted = new Journal(store.repos.journal, { clock, leaseMs: 60_000 });
    await expect(restarted.run(op('a1'), stepsFor(target, 'a1'))).rejects.toBeInstanceOf(JournalInProgressError);
    await expect(restarted.run(op('a1'), stepsFor(target, 'a1'))).rejects.toMatchObject({ code: 'journal_in_progress' });

    // Once the lease has run out, the pending entry is looked up on the target and found.
    now = new Date(now.getTime() + 61_000);
    expect(await restarted.run(op('a1'), stepsFor(target, 'a1'))).toMatchObject({ externalId: 'ext-1', via: 'lookup', entry: { attempts: 2 } });
    expect(target.lookup).toHaveBeenCalledTimes(1);
    expect(target.perform).toHaveBeenCalledTimes(1);
    expect(await store.repos.journal.getByKey(integrationId, 'a1')).toMatchObject({ state: 'done', externalId: 'ext-1', leaseOwner: null });
  });

  it('when perform succeeded but the step then failed, the retry finds the write', async () => {
    const journal = new Journal(store.repos.journal, { clock });
    const target = fakeTarget();
    const flaky = {
      lookup: () => target.lookup('a1'),
      perform: async () => {
        await target.perform('a1');
        throw new Error('connection reset after the write');
      },
    };
    await expect(journal.run(op('a1'), flaky)).rejects.toThrow('connection reset');
    expect(await store.repos.journal.getByKey(integrationId, 'a1')).toMatchObject({ state: 'failed', error: 'connection reset after the write', attempts: 1 });

    expect(await journal.run(op('a1'), stepsFor(target, 'a1'))).toMatchObject({ externalId: 'ext-1', via: 'lookup' });
    expect(target.perform).toHaveBeenCalledTimes(1);
  });

  it('retries a failed operation whose write never happened, counting attempts', async () => {
    const journal = new Journal(store.repos.journal, { clock });
    const target = fakeTarget();
    await expect(
      journal.run(op('a1'), { lookup: () => target.lookup('a1'), perform: async () => Promise.reject(Object.assign(new Error('rate limited'), { code: 'rate_limited' })) }),
    ).rejects.toThrow();
    expect(await journal.listOpen({ integrationId })).toMatchObject([{ idempotencyKey: 'a1', state: 'failed', error: 'rate_limited: rate limited' }]);
    expect(await journal.counts(integrationId)).toEqual({ pending: 0, done: 0, failed: 1, superseded: 0 });

    expect(await journal.run(op('a1'), stepsFor(target, 'a1'))).toMatchObject({ externalId: 'ext-1', via: 'perform', entry: { attempts: 2 } });
    expect(target.lookup).toHaveBeenCalledTimes(1);
    expect(await journal.listOpen({ integrationId })).toEqual([]);
  });

  it('lets only one of two concurrent workers perform', async () => {
    const target = fakeTarget();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slow = {
      lookup: () => target.lookup('a1'),
      perform: async () => {
        await gate;
        return target.perform('a1');
      },
    };
    const a = new Journal(store.repos.journal, { clock }).run(op('a1'), slow);
    // Give the first worker time to insert its pending entry before the second tries.
    await vi.waitFor(async () => expect(await store.repos.journal.getByKey(integrationId, 'a1')).toBeDefined());
    const b = new Journal(store.repos.journal, { clock }).run(op('a1'), slow);
    await expect(b).rejects.toBeInstanceOf(JournalInProgressError);
    release();
    expect(await a).toMatchObject({ externalId: 'ext-1', via: 'perform' });
    expect(target.perform).toHaveBeenCalledTimes(1);
  });

  it('lets the database decide a race to insert the same key', async () => {
    const target = fakeTarget();
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, () => new Journal(store.repos.journal, { clock }).run(op('race'), stepsFor(target, 'race'))),
    );
    const fulfilled = results.filter((r) => r.status === 'fulfilled');
    expect(fulfilled.length).toBeGreaterThanOrEqual(1);
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(JournalInProgressError);
    expect(target.perform).toHaveBeenCalledTimes(1);
    expect(await store.db.selectFrom('journal').selectAll().execute()).toHaveLength(1);
  });

  it('prunes old done entries only', async () => {
    const journal = new Journal(store.repos.journal, { clock });
    const target = fakeTarget();
    await journal.run(op('old'), stepsFor(target, 'old'));
    await expect(journal.run(op('bad'), { lookup: async () => null, perform: async () => Promise.reject(new Error('no')) })).rejects.toThrow();
    now = new Date(now.getTime() + 31 * 24 * 3600_000);
    await journal.run(op('new'), stepsFor(target, 'new'));
    expect(await journal.prune()).toBe(1);
    expect((await store.db.selectFrom('journal').select('idempotency_key').orderBy('idempotency_key').execute()).map((r) => r.idempotency_key)).toEqual([
      'bad',
      'new',
    ]);
  });
});
