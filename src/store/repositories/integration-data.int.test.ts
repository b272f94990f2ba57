import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestStore, testDatabases } from '../../../test/support/databases.ts';
import type { Store } from '../store.ts';

describe.each(testDatabases())('integration data on $name', (t) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let integrationId: string;
  let now: Date;
  const tick = (ms = 1000) => {
    now = new Date(now.getTime() + ms);
  };
  beforeEach(async () => {
    now = new Date('2025-03-01T10:00:00.000Z');
    ({ store, cleanup } = await openTestStore(t, { clock: () => now }));
    const connection = await store.repos.connections.create({ name: 'c', baseUrl: 'https://x', clientId: 'i', clientSecret: 's' });
    integrationId = (await store.repos.integrations.create({ name: 'at', connectionId: connection.id, target: 'autotask', credentials: {} })).id;
  });
  afterEach(() => cleanup?.());

  it('keeps settings as JSON sections', async () => {
    await store.repos.settings.set(integrationId, 'provisioning', { mode: 'automatic', twoFactor: true });
    await store.repos.settings.setMany(integrationId, { tickets: { reopenWithinDays: 7 }, provisioning: { mode: 'manual' } });
    expect(await store.repos.settings.get(integrationId, 'provisioning')).toEqual({ mode: 'manual' });
    expect(await store.repos.settings.getAll(integrationId)).toEqual({ provisioning: { mode: 'manual' }, tickets: { reopenWithinDays: 7 } });
    expect(await store.repos.settings.get(integrationId, 'missing')).toBeUndefined();
    expect(await store.repos.settings.delete(integrationId, 'tickets')).toBe(true);
  });

  it('holds the 1:1 company–tenant rule in the database', async () => {
    const mappings = store.repos.mappings;
    await mappings.upsertCompanies(integrationId, [
      { companyId: '100', companyName: 'Acme 50%_Corp' },
      { companyId: '200', companyName: 'Globex' },
      { companyId: '300', companyName: 'Initech' },
    ]);
    await mappings.map(integrationId, '100', { tenantId: 'tenant-a', tenantName: 'Acme' });
    await expect(mappings.map(integrationId, '200', { tenantId: 'tenant-a' })).rejects.toMatchObject({
      code: 'mapping_conflict',
      context: expect.objectContaining({ mappedTo: '100' }),
    });
    // A raw write that bypasses the repository is refused too.
    await expect(
      store.db.updateTable('mappings').set({ tenant_id: 'tenant-a' }).where('company_id', '=', '300').execute(),
    ).rejects.toThrow();
    // Many companies may be unmapped at once (NULL tenant).
    expect(await mappings.countByState(integrationId)).toEqual({ not_mapped: 2, ready: 0, mapped: 1, failed: 0 });

    // Re-observing a company refreshes its name and keeps its mapping.
    await mappings.upsertCompanies(integrationId, [{ companyId: '100', companyName: 'Acme 50%_Corp Ltd' }]);
    expect(await mappings.get(integrationId, '100')).toMatchObject({ companyName: 'Acme 50%_Corp Ltd', tenantId: 'tenant-a', state: 'mapped' });
    expect(await mappings.getByTenant(integrationId, 'tenant-a')).toMatchObject({ companyId: '100' });

    expect((await mappings.list(integrationId, { search: 'ACME 50%_' })).map((m) => m.companyId)).toEqual(['100']);
    expect(await mappings.list(integrationId, { search: '50%x' })).toEqual([]);
    expect((await mappings.list(integrationId, { state: 'not_mapped' })).map((m) => m.companyId)).toEqual(['200', '300']);

    await mappings.setState(integrationId, '200', 'failed', 'tenant name taken');
    expect(await mappings.get(integrationId, '200')).toMatchObject({ state: 'failed', error: 'tenant name taken' });

    await mappings.unmap(integrationId, '100');
    expect(await mappings.map(integrationId, '200', { tenantId: 'tenant-a', state: 'ready' })).toMatchObject({ state: 'ready', error: null });
    await expect(mappings.map(integrationId, '999', { tenantId: 'tenant-b' })).rejects.toMatchObject({ code: 'not_found' });
  });

  it('keeps secrets out of the audit log', async () => {
    await store.repos.auditLog.record({
      actor: 'admin',
      action: 'integration.update',
      subjectType: 'integration',
      subjectId: integrationId,
      details: { name: 'at', credentials: { secret: 'x' }, nested: [{ apiKey: 'k', clientSecret: 's', note: 'kept' }], password: 'p' },
    });
    tick();
    await store.repos.auditLog.record({ actor: 'system', action: 'sync.run' });
    const entries = await store.repos.auditLog.list({ subjectType: 'integration', subjectId: integrationId });
    expect(entries).toHaveLength(1);
    expect(entries[0]!.details).toEqual({
      name: 'at',
      credentials: '[redacted]',
      nested: [{ apiKey: '[redacted]', clientSecret: '[redacted]', note: 'kept' }],
      password: '[redacted]',
    });
    expect((await store.repos.auditLog.list()).map((e) => e.actor)).toEqual(['system', 'admin']);
    expect(await store.repos.auditLog.pruneOlderThan('2025-03-01T10:00:00.500Z')).toBe(1);
  });

  it('records loop runs and reports the latest per loop', async () => {
    const runs = store.repos.loopRuns;
    const first = await runs.start(integrationId, 'usage');
    await runs.finish(first.id, { status: 'failed', error: 'boom' });
    tick();
    const second = await runs.start(integrationId, 'usage');
    await runs.finish(second.id, { status: 'succeeded', stats: { applied: 3 } });
    const alerts = await runs.start(integrationId, 'alerts');
    const latest = await runs.latestPerLoop(integrationId);
    expect(latest.map((r) => [r.loop, r.id, r.status])).toEqual([
      ['alerts', alerts.id, 'running'],
      ['usage', second.id, 'succeeded'],
    ]);
    expect(latest[1]!.stats).toEqual({ applied: 3 });
    expect((await runs.list(integrationId, { loop: 'usage' })).map((r) => r.id)).toEqual([second.id, first.id]);
    tick();
    expect(await runs.failAbandoned(now.toISOString())).toBe(1);
    expect(await runs.get(alerts.id)).toMatchObject({ status: 'failed' });
  });
});
