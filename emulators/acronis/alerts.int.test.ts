import { beforeAll, describe, expect, it } from 'vitest';
import { startHarness } from './test-support.ts';
import { harnessPerFile } from '../kit/harness-per-file.test-support.ts';

const h = harnessPerFile(startHarness, 'demo', { reseedEachTest: true });
let partner: string;
beforeAll(() => {
  partner = h.emu.partnerId;
});

interface Alert {
  id: string;
  type: string;
  category: string;
  severity: string;
  createdAt: string;
  updatedAt: string;
  receivedAt: string;
  deletedAt?: string;
  tenant: { id: string; uuid: string; locator: string };
  details: Record<string, unknown>;
}

/** RFC 3339 with nanoseconds → bigint Unix nanoseconds. */
function nanos(ts: string): bigint {
  const m = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d+))?Z$/.exec(ts);
  if (!m) throw new Error(`not RFC 3339 UTC: ${ts}`);
  const sec = BigInt(Date.parse(`${m[1]}Z`) / 1000);
  return sec * 1_000_000_000n + BigInt((m[2] ?? '').padEnd(9, '0'));
}

const list = async (query = '') => (await h.alerts('GET', `/alerts${query}`)).body as { items: Alert[]; paging: { cursors: { after?: string } } };

describe('alert objects', () => {
  it('have the reference shape', async () => {
    const { items } = await list();
    expect(items.length).toBeGreaterThan(10);
    const a = items[0] as Alert;
    expect(a).toMatchObject({
      id: expect.stringMatching(/^[0-9A-F-]{36}$/),
      type: expect.any(String),
      category: expect.any(String),
      severity: expect.stringMatching(/^(ok|information|warning|error|critical)$/),
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      updatedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/),
      tenant: { id: expect.stringMatching(/^\d+$/), uuid: expect.any(String), locator: expect.stringMatching(/^\/1\/1000\/(\d+\/)+$/) },
      details: expect.any(Object),
    });
    expect(items.some((x) => x.type === 'BackupFailed' && typeof x.details.planName === 'string')).toBe(true);
    // Dismissed ones are hidden by default.
    expect(items.every((x) => x.deletedAt === undefined)).toBe(true);
    expect((await h.alerts('GET', `/alerts/${a.id.toLowerCase()}`)).body).toEqual(a);
  });

  it('lists types', async () => {
    const types = (await h.alerts('GET', '/types')).body.items.map((t: { id: string }) => t.id);
    expect(types).toEqual(expect.arrayContaining(['BackupFailed', 'NoBackupForXDays', 'BackupCanceled', 'MalwareDetected', 'EDRIncidentDetected']));
    expect((await h.alerts('GET', '/types/EDRIncidentDetected')).body.category).toBe('EDR');
    expect((await h.alerts('GET', '/types/Nope')).status).toBe(404);
  });
});

describe('filters', () => {
  it('filters updated_at in Unix nanoseconds with gt/ge/lt/eq', async () => {
    const { items } = await list('?order=asc(updated_at)');
    const pivot = items[5] as Alert;
    const ns = nanos(pivot.updatedAt);
    const gt = (await list(`?updated_at=gt(${ns})`)).items;
    expect(gt.map((a) => a.id)).toEqual(items.slice(6).map((a) => a.id));
    expect((await list(`?updated_at=ge(${ns})`)).items[0]?.id).toBe(pivot.id);
    expect((await list(`?updated_at=eq(${ns})`)).items.map((a) => a.id)).toEqual([pivot.id]);
    expect((await list(`?updated_at=lt(${ns})`)).items).toHaveLength(5);
    // Microseconds (a known client bug) find nothing newer than 1970.
    expect((await list(`?updated_at=gt(${ns / 1000n})`)).items).toHaveLength(items.length);
    expect((await h.alerts('GET', '/alerts?updated_at=after(5)')).status).toBe(400);
  });

  it('filters severity by eq, or and gt (ordered ok<information<warning<error<critical)', async () => {
    const all = (await list()).items;
    const eq = (await list('?severity=eq(warning)')).items;
    expect(eq.length).toBe(all.filter((a) => a.severity === 'warning').length);
    const or = (await list('?severity=or(error,critical)')).items;
    expect(or.length).toBe(all.filter((a) => ['error', 'critical'].includes(a.severity)).length);
    const gt = (await list('?severity=gt(warning)')).items;
    expect(gt.map((a) => a.id).sort()).toEqual(or.map((a) => a.id).sort());
  });

  it('filters by tenant, or(tenants), type and category', async () => {
    const all = (await list()).items;
    const [t1, t2] = [...new Set(all.map((a) => a.tenant.uuid))];
    expect((await list(`?tenant=${t1}`)).items.every((a) => a.tenant.uuid === t1)).toBe(true);
    const both = (await list(`?tenant=or(${t1},${t2})`)).items;
    expect(both.length).toBe(all.filter((a) => a.tenant.uuid === t1 || a.tenant.uuid === t2).length);
    expect((await list('?type=BackupFailed')).items.every((a) => a.type === 'BackupFailed')).toBe(true);
    expect((await list('?category=Backup')).items.every((a) => a.category === 'Backup')).toBe(true);
  });

  it('orders and pages with opaque cursors', async () => {
    const all = (await list('?order=desc(created_at)')).items;
    const created = all.map((a) => Date.parse(a.createdAt));
    expect([...created].sort((a, b) => b - a)).toEqual(created);
    const seen: string[] = [];
    let after: string | undefined;
    do {
      const page = await list(`?order=desc(created_at)&limit=5${after ? `&after=${encodeURIComponent(after)}` : ''}`);
      seen.push(...page.items.map((a) => a.id));
      after = page.paging.cursors.after;
    } while (after);
    expect(seen).toEqual(all.map((a) => a.id));
    expect((await h.alerts('GET', '/alerts?order=sideways(x)')).status).toBe(400);
  });
});

describe('inject and dismiss', () => {
  it('POST /alerts injects (200 {id}); the new alert is newer than everything', async () => {
    const { items } = await list('?show_deleted=true');
    const newest = items.map((a) => nanos(a.updatedAt)).reduce((m, v) => (v > m ? v : m), 0n);
    const customer = items[0]?.tenant.uuid as string;
    const r = await h.alerts('POST', '/alerts', {
      type: 'NoBackupForXDays',
      tenantID: customer,
      details: { resourceId: 'r1', planId: 'p1', planName: 'Daily', resourceName: 'PC-1', daysPassed: 3 },
    });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ id: expect.any(String) });
    const polled = (await list(`?updated_at=gt(${newest})`)).items;
    expect(polled.map((a) => a.id)).toEqual([r.body.id]);
    expect(polled[0]).toMatchObject({ severity: 'warning', category: 'Backup', tenant: { uuid: customer } });
  });

  it('DELETE dismisses: deletedAt set, updatedAt moves forward strictly, shown with show_deleted', async () => {
    const target = (await list()).items[0] as Alert;
    // The cursor a poller holds covers dismissed alerts too.
    const cursor = (await list('?show_deleted=true')).items.map((a) => nanos(a.updatedAt)).reduce((m, v) => (v > m ? v : m), 0n);
    expect((await h.alerts('DELETE', `/alerts/${target.id}`)).status).toBe(204);
    expect((await list()).items.map((a) => a.id)).not.toContain(target.id);
    const changed = (await list(`?updated_at=gt(${cursor})&show_deleted=true`)).items;
    expect(changed.map((a) => a.id)).toEqual([target.id]);
    expect(changed[0]?.deletedAt).toBeDefined();
    expect(nanos(changed[0]?.updatedAt as string)).toBeGreaterThan(cursor);
    const onlyDeleted = (await list('?show_deleted_only=true')).items;
    expect(onlyDeleted.map((a) => a.id)).toContain(target.id);
    expect(onlyDeleted.every((a) => a.deletedAt !== undefined)).toBe(true);
  });

  it('DELETE /alerts?id= dismisses by filter', async () => {
    const [a, b] = (await list()).items as Alert[];
    expect((await h.alerts('DELETE', `/alerts?id=${a?.id}`)).status).toBe(204);
    const remaining = (await list()).items.map((x) => x.id);
    expect(remaining).not.toContain(a?.id);
    expect(remaining).toContain(b?.id);
  });

  it('the control API raises and clears alerts', async () => {
    const customer = (await h.api('GET', `/tenants?parent_id=${partner}&limit=1`)).body.items[0].id;
    const raised = await h.control('POST', '/alerts', { tenant_id: customer, type: 'MalwareDetected', details: { resourceName: 'PC-9' } });
    expect(raised.status).toBe(201);
    expect(raised.body).toMatchObject({ type: 'MalwareDetected', severity: 'critical', tenant: { uuid: customer } });
    const cleared = await h.control('POST', `/alerts/${raised.body.id}/clear`);
    expect(cleared.body.deletedAt).toBeDefined();
    expect((await h.alerts('GET', `/alerts/${raised.body.id}`)).body.deletedAt).toBeDefined();
  });
});
