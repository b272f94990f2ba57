import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testDatabases } from '../../../test/support/databases.ts';
import { openTestStore } from '../../../test/support/databases.ts';
import type { Store } from '../../store/store.ts';
import { ensureAdminFromEnv } from './ensure-admin.ts';

describe.each(testDatabases())('ensureAdminFromEnv on $name', (db) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ store, cleanup } = await openTestStore(db));
  });
  afterEach(async () => {
    await cleanup();
  });

  const env = { PSA_BRIDGE_ADMIN_USER: 'root', PSA_BRIDGE_ADMIN_PASSWORD: 'long enough password' };

  it('creates the first admin once, and never overwrites an existing user', async () => {
    expect(await ensureAdminFromEnv({ store, env })).toEqual({ created: true, username: 'root' });
    expect(await store.repos.users.verifyPassword('root', 'long enough password')).toMatchObject({ username: 'root' });
    expect(await ensureAdminFromEnv({ store, env: { ...env, PSA_BRIDGE_ADMIN_PASSWORD: 'another password' } })).toEqual({
      created: false,
      reason: 'users_exist',
    });
    expect(await store.repos.users.verifyPassword('root', 'long enough password')).not.toBeNull();
    const audit = await store.repos.auditLog.list();
    expect(audit.map((a) => a.action)).toContain('user.create');
    expect(JSON.stringify(audit)).not.toContain('long enough password');
  });

  it('does nothing without the variables, and refuses half or weak settings', async () => {
    const warnings: string[] = [];
    const log = { info: () => {}, warn: (msg: string) => void warnings.push(msg) };
    expect(await ensureAdminFromEnv({ store, env: {}, log: log as never })).toEqual({ created: false, reason: 'not_configured' });
    expect(warnings[0]).toMatch(/PSA_BRIDGE_ADMIN_USER/);
    await expect(ensureAdminFromEnv({ store, env: { PSA_BRIDGE_ADMIN_USER: 'root' } })).rejects.toThrow(/set together/);
    await expect(
      ensureAdminFromEnv({ store, env: { PSA_BRIDGE_ADMIN_USER: 'root', PSA_BRIDGE_ADMIN_PASSWORD: 'short' } }),
    ).rejects.toThrow(/at least 8 characters/);
    expect(await store.repos.users.count()).toBe(0);
  });
});
