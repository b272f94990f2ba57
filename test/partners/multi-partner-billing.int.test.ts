// A billing platform reads every partner tenant of its integration (issue 14 rule 7), on both
// databases against the emulators: Gradient gets an account for each customer of the second partner
// and the usage of those customers is counted, read through the second partner's own API client.
// (The product mapping catalog over two partners: test/parity/product-mapping-catalog.int.test.ts.)
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runAccountPush } from '../../src/sync/billing/account-push.ts';
import { runCountPush } from '../../src/sync/billing/count-push.ts';
import { addPartner } from '../../src/sync/integration-partners.ts';
import { testDatabases } from '../support/databases.ts';
import { startGradientHubHarness, type GradientHubHarness } from '../gradient/harness.ts';
import { addSecondPartner } from './second-partner.ts';

describe.each(testDatabases())('a billing platform over two partner tenants on $name', { timeout: 120_000 }, (db) => {
  let h: GradientHubHarness;
  beforeEach(async () => {
    h = await startGradientHubHarness(db);
  });
  afterEach(async () => {
    await h.close();
  });

  it("pushes an account for each customer of the second partner and counts their usage", async () => {
    const second = await addSecondPartner(h.store, h);
    await addPartner(h.store, h.integrationId, second.connection.id);
    const rt = await h.runtime();
    expect(rt.partners.map((p) => p.tenantId)).toEqual([h.acronis.partnerId, second.partnerId]);

    const pushed = await runAccountPush(rt);
    expect(pushed.stats.accountsCreated).toBe(32); // the primary's 30 and the second partner's 2
    const accounts = (await h.control('gradient', 'GET', '/accounts')).items as { id: string; name: string }[];
    const secondAccounts = accounts.filter((a) => second.customers.includes(a.id));
    expect(secondAccounts.map((a) => a.name).sort()).toEqual(['Fjord Shipping', 'Oslo Dental Care']);

    // Workstations mapped in Gradient, and the second partner's accounts mapped to PSA companies: they are counted like the others.
    const services = (await h.control('gradient', 'GET', '/services')).items as { id: string; name: string }[];
    const ws = services.find((s) => s.name === 'Acronis Cyber Protect - Workstations')!;
    await h.control('gradient', 'POST', `/services/${ws.id}/map`, { psaId: '9000' });
    const psaCompanies = (await h.control('gradient', 'GET', '/psa')).companies as { id: string }[];
    for (const [i, a] of secondAccounts.entries()) await h.control('gradient', 'POST', `/accounts/${a.id}/map`, { psaId: psaCompanies[psaCompanies.length - 1 - i]!.id });
    const counted = await runCountPush(await h.runtime());
    expect(Number(counted.stats.counted)).toBeGreaterThan(0);
    const counts = (await h.control('gradient', 'GET', '/counts')).items as { accountName: string; serviceName: string; unitCount: number }[];
    // The counts are the second partner's customers' own usage, read through its API client.
    for (const [i, name] of ['Fjord Shipping', 'Oslo Dental Care'].entries()) {
      let workstations = 0;
      for await (const u of rt.vendor.getUsages([second.customers[i]!])) workstations += u.usages.filter((x) => x.name === 'pw_base_workstations').reduce((n, x) => n + x.value, 0);
      const count = counts.find((c) => c.accountName === name && c.serviceName === ws.name);
      expect(count, name).toBeDefined();
      expect(count!.unitCount, name).toBe(workstations);
    }
    expect(counts.some((c) => secondAccounts.some((a) => a.name === c.accountName) && c.unitCount > 0)).toBe(true);
  });
});
