import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestStore, testDatabases, TEST_SECRET_KEY } from '../../test/support/databases.ts';
import { openStore, type Store } from './store.ts';

describe.each(testDatabases())('store on $name', (t) => {
  let store: Store;
  let url: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ store, url, cleanup } = await openTestStore(t));
  });
  afterEach(() => cleanup?.());

  it('reports its dialect and migrates idempotently', async () => {
    expect(store.dialect).toBe(t.name);
    const again = await openStore({ url, secretKey: TEST_SECRET_KEY });
    expect(await again.repos.users.count()).toBe(0);
    await again.close();
  });

  it('stores the connection secret sealed, returns records without it, and decrypts on request', async () => {
    const created = await store.repos.connections.create({
      name: 'eu2',
      baseUrl: 'https://eu2-cloud.acronis.com',
      clientId: 'client-1',
      clientSecret: 'plaintext-client-secret',
    });
    expect(created).not.toHaveProperty('clientSecret');
    expect(JSON.stringify(await store.repos.connections.get(created.id))).not.toContain('plaintext-client-secret');
    expect(JSON.stringify(await store.repos.connections.list())).not.toContain('plaintext-client-secret');

    const raw = await store.db.selectFrom('connections').selectAll().where('id', '=', created.id).executeTakeFirstOrThrow();
    expect(raw.client_secret_encrypted).toMatch(/^v1:/);
    expect(JSON.stringify(raw)).not.toContain('plaintext-client-secret');

    expect(await store.repos.connections.getCredentials(created.id)).toEqual({
      baseUrl: 'https://eu2-cloud.acronis.com',
      clientId: 'client-1',
      clientSecret: 'plaintext-client-secret',
    });

    const updated = await store.repos.connections.update(created.id, { clientSecret: 'rotated-secret' });
    expect(updated.status).toBe('unchecked');
    expect((await store.repos.connections.getCredentials(created.id)).clientSecret).toBe('rotated-secret');

    await store.repos.connections.recordCheck(created.id, { ok: true, tenantId: 'p-1', tenantName: 'Partner' });
    expect(await store.repos.connections.get(created.id)).toMatchObject({ status: 'ok', tenantId: 'p-1', tenantName: 'Partner' });
  });

  it('stores target credentials sealed and refuses a different key or a moved value', async () => {
    const connection = await store.repos.connections.create({ name: 'c', baseUrl: 'https://x', clientId: 'i', clientSecret: 's' });
    const credentials = { username: 'api@example.com', secret: 'autotask-secret', integrationCode: 'TRACKING' };
    const a = await store.repos.integrations.create({ name: 'at', connectionId: connection.id, target: 'autotask', credentials, features: { usage: true } });
    const b = await store.repos.integrations.create({ name: 'at2', connectionId: connection.id, target: 'autotask', credentials: {} });
    expect(a).toMatchObject({ enabled: true, features: { usage: true }, target: 'autotask' });
    expect(JSON.stringify(a)).not.toContain('autotask-secret');

    const raw = await store.db.selectFrom('integrations').select('credentials_encrypted').where('id', '=', a.id).executeTakeFirstOrThrow();
    expect(raw.credentials_encrypted).not.toContain('autotask-secret');
    expect(raw.credentials_encrypted).not.toContain('api@example.com');
    expect(await store.repos.integrations.getCredentials(a.id)).toEqual(credentials);

    // A sealed value copied into another row does not open there.
    await store.db.updateTable('integrations').set({ credentials_encrypted: raw.credentials_encrypted }).where('id', '=', b.id).execute();
    await expect(store.repos.integrations.getCredentials(b.id)).rejects.toMatchObject({ code: 'secret_undecryptable' });

    const wrongKey = await openStore({ url, secretKey: Buffer.alloc(32, 99) });
    try {
      await expect(wrongKey.repos.integrations.getCredentials(a.id)).rejects.toThrow(/secret key differs.*PSA_BRIDGE_SECRET_KEY/);
    } finally {
      await wrongKey.close();
    }
  });

  it('keeps integrations consistent: unique names, known connections, filters, restrict and cascade', async () => {
    const connection = await store.repos.connections.create({ name: 'c', baseUrl: 'https://x', clientId: 'i', clientSecret: 's' });
    await expect(store.repos.connections.create({ name: 'c', baseUrl: 'https://y', clientId: 'j', clientSecret: 't' })).rejects.toMatchObject({
      code: 'conflict',
    });
    await expect(
      store.repos.integrations.create({ name: 'x', connectionId: 'missing', target: 'connectwise', credentials: {} }),
    ).rejects.toMatchObject({ code: 'not_found' });
    const integration = await store.repos.integrations.create({ name: 'cw', connectionId: connection.id, target: 'connectwise', credentials: {} });
    await store.repos.integrations.update(integration.id, { enabled: false, features: { alerts: true } });
    expect(await store.repos.integrations.list({ enabled: false })).toMatchObject([{ name: 'cw', features: { alerts: true } }]);
    expect(await store.repos.integrations.list({ enabled: true })).toEqual([]);

    await expect(store.repos.connections.delete(connection.id)).rejects.toMatchObject({ code: 'conflict' });
    await store.repos.settings.set(integration.id, 'tickets', { board: 'Help' });
    await store.repos.cursors.put(integration.id, 'alerts', '1');
    expect(await store.repos.integrations.delete(integration.id)).toBe(true);
    expect(await store.repos.settings.getAll(integration.id)).toEqual({});
    expect(await store.repos.cursors.list(integration.id)).toEqual([]);
    expect(await store.repos.connections.delete(connection.id)).toBe(true);
  });

  it('stores timestamps as ISO text on both databases', async () => {
    const connection = await store.repos.connections.create({ name: 'c', baseUrl: 'https://x', clientId: 'i', clientSecret: 's' });
    const row = await sql<{ created_at: unknown }>`select created_at from connections where id = ${connection.id}`.execute(store.db);
    expect(row.rows[0]?.created_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  });
});
