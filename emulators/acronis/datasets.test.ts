import { describe, expect, it } from 'vitest';
import { buildDataset, LARGE_CUSTOMERS } from './datasets.ts';
import { startHarness } from './test-support.ts';

const summary = (dataset: 'empty' | 'demo' | 'large') => {
  const s = buildDataset(dataset);
  return {
    info: s.info,
    tenants: s.tenantsBySeq.map((t) => [t.id, t.name, t.kind, t.customer_id, t.items.size, t.usages.size]),
    alerts: s.alertsByUpdated.map((a) => [a.id, a.type, a.updatedNs.toString()]),
    users: [...s.users.values()].map((u) => [u.id, u.login]),
  };
};

describe('datasets', () => {
  it('are deterministic and share credentials', () => {
    const a = summary('demo');
    expect(summary('demo')).toEqual(a);
    expect(summary('empty').info).toEqual(a.info);
  });

  it('empty holds the root, the partner and its API client only', () => {
    const s = buildDataset('empty');
    expect(s.tenantsBySeq.map((t) => t.kind)).toEqual(['root', 'partner']);
    expect([...s.clients.keys()]).toEqual([s.info.clientId]);
    expect(s.users.size).toBe(0);
    expect(s.alerts.size).toBe(0);
  });

  it('demo has about thirty customers, a folder, users, usage and alerts', () => {
    const s = buildDataset('demo');
    const kinds = s.tenantsBySeq.map((t) => t.kind);
    expect(kinds.filter((k) => k === 'customer').length).toBe(30);
    expect(kinds.filter((k) => k === 'folder').length).toBe(1);
    expect(s.users.size).toBeGreaterThan(10);
    expect(s.alerts.size).toBe(24);
    expect(s.tenantsBySeq.filter((t) => t.kind === 'customer').every((t) => t.usages.size > 0 && t.contact !== null)).toBe(true);
  });

  it(`large has ${LARGE_CUSTOMERS} customers under the partner`, () => {
    const s = buildDataset('large');
    expect(s.children.get(s.info.partnerId)?.length).toBe(LARGE_CUSTOMERS);
  });

  it('large pages through all customers over HTTP', async () => {
    const h = await startHarness('large');
    try {
      let count = 0;
      let after: string | undefined;
      do {
        const r = await h.api('GET', `/tenants?parent_id=${h.emu.partnerId}&limit=1000&lod=basic${after ? `&after=${encodeURIComponent(after)}` : ''}`);
        count += r.body.items.length;
        after = r.body.paging.cursors.after;
      } while (after);
      expect(count).toBe(LARGE_CUSTOMERS);
      const ids = (await h.api('GET', `/tenants?parent_id=${h.emu.partnerId}&limit=100`)).body.items.map((t: { id: string }) => t.id);
      const usages = await h.api('GET', `/tenants/usages?tenants=${ids.join(',')}`);
      expect(usages.body.items).toHaveLength(100);
    } finally {
      await h.close();
    }
  });
});
