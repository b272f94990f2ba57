// The audit trail a person reads (issue 15, Deliver 7): who changed which mapping or setting and
// what each pass wrote, with names instead of ids, filtered by integration, actor and kind, paged.
import { describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/store.ts';
import { testDatabases } from '../support/databases.ts';
import type { CwHub } from '../connectwise/hub.ts';
import type { SyncWorld } from '../support/autotask-sync-world.ts';
import { useAutotaskHub } from './autotask-hub.ts';

interface Entry { id: string; at: string; actor: string; kind: string; action: string; integrationName: string | null; subject: string | null }

describe.each(testDatabases())('audit trail on $name', (db) => {
  let store: Store;
  let hub: CwHub;
  let world: SyncWorld;
  useAutotaskHub(db, (w) => ({ store, hub, world } = w));

  const audit = async (query: string): Promise<{ items: Entry[]; nextBefore: string | null }> => {
    const res = await hub.api('GET', `/api/v1/audit${query}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body;
  };

  it('lists a setting change by its person and what the passes wrote by name; filters and pages', { timeout: 120_000 }, async () => {
    const id = world.integrationId;
    const integrationName = (await store.repos.integrations.get(id))!.name;
    const saved = await hub.api('PATCH', `/api/v1/integrations/${id}/settings/provisioning`, { automaticProvisioning: true });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    expect((await hub.runner.runNow(id, 'directory')).status).toBe('ok');
    expect((await hub.runner.runNow(id, 'provisioning')).status).toBe('ok');
    const written = (await store.repos.journal.countByState(id)).done;
    expect(written).toBeGreaterThan(0);

    const all = await audit('?limit=200');
    const setting = all.items.find((e) => e.action === 'integration.settings.provisioning.update')!;
    expect(setting).toMatchObject({ actor: 'token:tests', kind: 'setting', integrationName, subject: 'provisioning settings' });
    const passes = all.items.filter((e) => e.kind === 'pass');
    expect(passes).toHaveLength(written);
    expect(passes.every((e) => e.actor === 'system' && e.integrationName === integrationName)).toBe(true);
    // Tenants created by the pass are named by the company they are for, not by an id.
    const created = passes.find((e) => e.action === 'provisioning.create_tenant');
    expect(created?.subject).toBeTruthy();
    expect(created!.subject).not.toMatch(/^[0-9a-f-]{36}$/);
    // Newest first.
    expect(all.items.map((e) => e.at)).toEqual([...all.items.map((e) => e.at)].sort().reverse());

    expect((await audit('?kind=setting')).items.map((e) => e.action)).toEqual(['integration.settings.provisioning.update']);
    expect((await audit('?kind=pass&limit=200')).items).toHaveLength(written);
    expect((await audit('?actor=system&limit=200')).items.every((e) => e.actor === 'system')).toBe(true);
    expect((await audit('?actor=token:tests&limit=200')).items.every((e) => e.actor === 'token:tests' && e.kind !== 'pass')).toBe(true);
    expect((await audit('?integrationId=someone-else')).items).toEqual([]);
    expect((await audit(`?integrationId=${id}&kind=integration`)).items.every((e) => e.kind === 'integration')).toBe(true);

    // Entries of one millisecond (a pass writes many) are neither lost nor repeated across pages.
    for (let i = 0; i < 7; i++) await store.repos.auditLog.record({ actor: 'admin', action: 'connection.update', subjectType: 'connection', subjectId: `c${i}`, details: { name: `c${i}` } });
    all.items = (await audit('?limit=200')).items;
    // Pages of 3 walk the whole trail without repeating an entry.
    const seen: string[] = [];
    let before: string | null = null;
    do {
      const page = await audit(`?limit=3${before === null ? '' : `&before=${encodeURIComponent(before)}`}`);
      expect(page.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.items.map((e) => e.id));
      before = page.nextBefore;
    } while (before !== null && seen.length < 500);
    expect(new Set(seen).size).toBe(seen.length);
    expect(all.items.length).toBeLessThan(200);
    expect(seen.length).toBe(all.items.length);

    const bad = await hub.api('GET', '/api/v1/audit?kind=everything');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/querystring\.kind: must be one of mapping, setting/);
  });
});
