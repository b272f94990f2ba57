import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestStore, testDatabases } from '../../../test/support/databases.ts';
import type { Store } from '../store.ts';

describe.each(testDatabases())('users, sessions and API tokens on $name', (t) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let now: Date;
  beforeEach(async () => {
    now = new Date('2025-03-01T10:00:00.000Z');
    ({ store, cleanup } = await openTestStore(t, { clock: () => now }));
  });
  afterEach(() => cleanup?.());

  it('hashes passwords with scrypt and verifies them', async () => {
    const user = await store.repos.users.create({ username: 'admin', password: 'correct horse' });
    const raw = await store.db.selectFrom('users').select('password_hash').where('id', '=', user.id).executeTakeFirstOrThrow();
    expect(raw.password_hash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(raw.password_hash).not.toContain('correct horse');

    expect(await store.repos.users.verifyPassword('admin', 'correct horse')).toMatchObject({ id: user.id, username: 'admin' });
    expect(await store.repos.users.verifyPassword('admin', 'wrong')).toBeNull();
    expect(await store.repos.users.verifyPassword('nobody', 'correct horse')).toBeNull();
    await expect(store.repos.users.create({ username: 'admin', password: 'x' })).rejects.toMatchObject({ code: 'conflict' });

    await store.repos.users.setPassword(user.id, 'new one');
    expect(await store.repos.users.verifyPassword('admin', 'new one')).not.toBeNull();
    await store.repos.users.recordLogin(user.id);
    expect((await store.repos.users.list())[0]?.lastLoginAt).toBe('2025-03-01T10:00:00.000Z');
  });

  it('stores only session token hashes and expires sessions', async () => {
    const user = await store.repos.users.create({ username: 'a', password: 'p' });
    const { token, session } = await store.repos.sessions.create(user.id, 60_000);
    const raw = await store.db.selectFrom('sessions').selectAll().execute();
    expect(JSON.stringify(raw)).not.toContain(token);
    expect(await store.repos.sessions.findByToken(token)).toEqual(session);
    expect(await store.repos.sessions.findByToken('forged')).toBeUndefined();

    now = new Date(now.getTime() + 61_000);
    expect(await store.repos.sessions.findByToken(token)).toBeUndefined();
    expect(await store.repos.sessions.deleteExpired()).toBe(1);
  });

  it('issues API tokens shown once, verifies and revokes them', async () => {
    const user = await store.repos.users.create({ username: 'a', password: 'p' });
    const { token, apiToken } = await store.repos.apiTokens.create(user.id, 'ci');
    expect(token).toMatch(/^psab_/);
    const raw = await store.db.selectFrom('api_tokens').selectAll().execute();
    expect(JSON.stringify(raw)).not.toContain(token);
    expect(await store.repos.apiTokens.verify(token)).toMatchObject({ id: apiToken.id, lastUsedAt: now.toISOString() });
    expect(await store.repos.apiTokens.verify(token + 'x')).toBeUndefined();
    expect(await store.repos.apiTokens.list(user.id)).toHaveLength(1);
    expect(await store.repos.apiTokens.revoke(apiToken.id)).toBe(true);
    expect(await store.repos.apiTokens.verify(token)).toBeUndefined();

    // Deleting the user removes its sessions and tokens.
    await store.repos.apiTokens.create(user.id, 'other');
    await store.repos.sessions.create(user.id, 1000);
    await store.repos.users.delete(user.id);
    expect(await store.repos.apiTokens.list()).toEqual([]);
    expect(await store.db.selectFrom('sessions').selectAll().execute()).toEqual([]);
  });
});
