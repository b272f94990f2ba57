// Customer mapping actions and the marketplace wizard, end to end: the hub's store (both databases)
// with the Acronis and CloudBlue emulators over real HTTP.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { IntegrationRuntime } from '../../src/sync/integration-runtime.ts';
import { applyMapping, bulk, mapToExisting, mapToNew, unlink } from '../../src/sync/mapping-actions.ts';
import { MappingActionError } from '../../src/sync/mapping-error.ts';
import { runMappingJobs } from '../../src/sync/mapping-job.ts';
import { listMappings } from '../../src/sync/mapping-list.ts';
import { confirmMarketplaceMatches, FIRST_RUN_CURSOR, proposeMarketplaceMatches, runMarketplaceWizardOnce } from '../../src/sync/marketplace-wizard.ts';
import { testDatabases } from '../support/databases.ts';
import { startCloudBlueHubHarness, type CloudBlueHubHarness } from './harness.ts';

const USER = 'anna';

describe.each(testDatabases())('customer mapping on $name', (database) => {
  let h: CloudBlueHubHarness;
  let rt: IntegrationRuntime;
  let byName: (name: string) => Promise<string>;
  let tenantByName: (name: string) => Promise<string>;
  beforeEach(async () => {
    h = await startCloudBlueHubHarness(database);
    rt = await h.runtime();
    byName = async (name) => {
      const list = await listMappings(rt, { search: name, limit: 1000 });
      const row = list.items.find((r) => r.companyName === name);
      if (row === undefined) throw new Error(`no company ${name}`);
      return row.companyId;
    };
    tenantByName = async (name) => {
      const t = (await h.tenants()).find((x) => x.name === name);
      if (t === undefined) throw new Error(`no tenant ${name}`);
      return t.id;
    };
  });
  afterEach(async () => h?.close());

  it('lists every customer with its PSA status and mapping state; search, filters and paging', async () => {
    const all = await listMappings(rt, { limit: 1000 });
    expect(all.total).toBe(34);
    expect(all.items.every((r) => r.state === 'not_mapped' && r.stateLabel === 'Not mapped')).toBe(true);
    expect(all.types).toEqual(['Active', 'Inactive', 'No Relationship', 'Prospect']);
    expect(all.items.find((r) => r.companyName === 'DE Telecom Gmbh')).toMatchObject({ companyStatus: 'No Relationship', companyActive: false, tenantId: null });
    expect((await listMappings(rt, { types: ['Prospect'], limit: 1000 })).total).toBe(3);
    expect((await listMappings(rt, { status: 'inactive', limit: 1000 })).items.every((r) => r.companyActive === false)).toBe(true);
    expect((await listMappings(rt, { search: 'travel', limit: 1000 })).items.map((r) => r.companyName).sort()).toEqual(['Margie Travel', 'Tailspin Travel', 'Tailspin Travel (old account)']);
    const page = await listMappings(rt, { limit: 10, offset: 30 });
    expect(page.items).toHaveLength(4);
    expect(page.total).toBe(34);
  });

  it('maps to an existing tenant; a tenant maps to one company only (409 naming the holder); apply and unlink', async () => {
    const fabrikam = await byName('Fabrikam Logistics');
    const contoso = await byName('Contoso Dental Group');
    const tenant = await tenantByName('Fabrikam Logistics');
    const mapped = await mapToExisting(rt, USER, fabrikam, tenant);
    expect(mapped).toMatchObject({ state: 'mapped', tenantName: 'Fabrikam Logistics' });
    const error = await mapToExisting(rt, USER, contoso, tenant).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MappingActionError);
    expect(error).toMatchObject({ code: 'tenant_already_mapped', status: 409 });
    expect((error as Error).message).toBe('Tenant "Fabrikam Logistics" is already mapped to "Fabrikam Logistics"; a tenant maps to one company only: unlink it from "Fabrikam Logistics" first.');
    // A proposed pair is ready until applied.
    const other = await tenantByName('Contoso Dental Group');
    await mapToExisting(rt, USER, contoso, other, { state: 'ready' });
    expect((await listMappings(rt, { states: ['ready'] })).items.map((r) => [r.companyName, r.stateLabel])).toEqual([['Contoso Dental Group', 'Ready for mapping']]);
    expect((await applyMapping(rt, USER, contoso)).state).toBe('mapped');
    await expect(applyMapping(rt, USER, contoso)).rejects.toMatchObject({ code: 'not_ready' });
    // Unlink leaves the tickets of the company alone.
    const ticket = await rt.target.tickets!.createTicket({ companyId: fabrikam, title: 'Backup failed', description: 'd', externalRef: 'pb:test:1', fields: { type: '12', category: '103', team: '21' } });
    const before = await h.control('cloudblue', 'GET', `/tickets/${ticket.ticket.id}`);
    expect((await unlink(rt, USER, fabrikam)).state).toBe('not_mapped');
    expect(await h.control('cloudblue', 'GET', `/tickets/${ticket.ticket.id}`)).toEqual(before);
    // Now the tenant is free for another company.
    expect((await mapToExisting(rt, USER, await byName('Litware Legal LLP'), tenant)).state).toBe('mapped');
    const actions = (await h.store.repos.auditLog.list({ subjectId: h.integrationId })).map((e) => e.action);
    expect(actions.filter((a) => a === 'mapping.map')).toHaveLength(3);
    expect(actions).toContain('mapping.unlink');
    expect(actions).toContain('mapping.propose');
  });

  it('refuses tenants the partner may not manage (self-service, a recorded refusal) and never changes them', async () => {
    const trey = await tenantByName('Trey Research');
    const company = await byName('Trey Research');
    // The plain connector reads ancestral_access (false for Trey Research in the demo dataset); no refusal is recorded.
    expect((await rt.vendor.getTenant(trey)).ancestralAccess).toBe(false);
    expect((await rt.snapshots.getTenants(h.integrationId, [trey])).get(trey)?.unmanageable ?? null).toBeNull();
    const error = await mapToExisting(rt, USER, company, trey).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'tenant_unmanageable', status: 409 });
    expect((error as Error).message).toMatch(/Trey Research.*self-service mode.*not changed/);
    // A refusal the provisioning loop recorded counts the same way, through the plain connector.
    const fourth = await tenantByName('Fourth Coffee');
    await rt.snapshots.upsertTenants(h.integrationId, [{ tenantId: fourth, name: 'Fourth Coffee', data: await rt.vendor.getTenant(fourth), deleted: false }]);
    await rt.snapshots.setUnmanageable(h.integrationId, fourth, 'support access is disabled for this customer');
    await expect(mapToExisting(rt, USER, await byName('Fourth Coffee'), fourth)).rejects.toMatchObject({ code: 'tenant_unmanageable' });
    expect((await listMappings(rt, { search: 'Fourth Coffee' })).items[0]?.state).toBe('not_mapped');
  });

  const combos = [
    { basedOn: 'primary_contact', password: 'activation_email', mfa: false },
    { basedOn: 'primary_contact', password: 'manual', mfa: true },
    { basedOn: 'company_name', password: 'activation_email', mfa: true },
    { basedOn: 'company_name', password: 'manual', mfa: false },
  ] as const;
  for (const combo of combos) {
    it(`map to new: one tenant and one admin (${combo.basedOn}, ${combo.password}, 2FA ${combo.mfa ? 'on' : 'off'})`, async () => {
      await h.store.repos.settings.set(h.integrationId, 'provisioning', {
        mfaForNewCustomers: combo.mfa,
        adminAccount: { basedOn: combo.basedOn, activationEmail: combo.basedOn === 'company_name' ? 'provisioning@msp.example' : null, password: combo.password },
      });
      if (combo.password === 'manual') await h.store.repos.integrations.update(h.integrationId, { credentials: { siteUrl: h.cloudblue.url, apiKey: h.cloudblue.credentials.api_key, adminPassword: 'Sup3r-Secret-Pass!' } });
      const companyId = await byName('Bobs Fine Shoes');
      const saved = await mapToNew(rt, USER, companyId);
      expect(saved).toMatchObject({ message: 'The mapping has been saved', state: 'not_mapped', pending: true });
      expect((await listMappings(rt, { search: 'Bobs Fine Shoes' })).items[0]).toMatchObject({ pending: true });
      await mapToNew(rt, USER, companyId); // asked twice: one intent
      const stats = await runMappingJobs(rt);
      expect(stats).toMatchObject({ tenantsMapped: 1, failed: 0 });
      expect(await runMappingJobs(rt)).toMatchObject({ intents: 0 });
      const row = (await listMappings(rt, { search: 'Bobs Fine Shoes' })).items[0];
      expect(row).toMatchObject({ state: 'mapped', tenantName: 'Bobs Fine Shoes', pending: false });
      const tenants = (await h.tenants()).filter((t) => t.name === 'Bobs Fine Shoes');
      expect(tenants).toHaveLength(1);
      expect(tenants[0]?.mfa_status).toBe(combo.mfa ? 'enabled' : 'disabled');
      const users = await h.users(tenants[0]!.id);
      expect(users).toHaveLength(1);
      if (combo.basedOn === 'company_name') expect(users[0]).toMatchObject({ login: 'bobs.fine.shoes', email: 'provisioning@msp.example' });
      else expect(users[0]?.email).toMatch(/@bobs-fine-shoes\.example$/);
      const created = (await h.store.repos.auditLog.list({ subjectId: h.integrationId })).find((e) => e.action === 'mapping.tenant_created');
      expect(created?.details).toMatchObject({ activation: combo.password === 'manual' ? 'defined manually' : 'activation email', mfa: combo.mfa });
      expect(JSON.stringify(await h.store.repos.auditLog.list({ subjectId: h.integrationId }))).not.toContain('Sup3r-Secret-Pass!');
    });
  }

  it('map to new: a taken login gets the next suffix, and it is reported', async () => {
    await h.store.repos.settings.set(h.integrationId, 'provisioning', { adminAccount: { basedOn: 'company_name', activationEmail: 'ops@msp.example', password: 'activation_email' } });
    const a = await byName('Wilbur');
    await mapToNew(rt, USER, a);
    await runMappingJobs(rt);
    // A second company whose name gives the same login.
    const made = await h.control('cloudblue', 'POST', '/customers', { name: 'Wilbur!', primaryContact: { firstName: 'W', lastName: 'B', email: 'w@b.example' } });
    await mapToNew(rt, USER, String(made.Id));
    await runMappingJobs(rt);
    const logins = [];
    for (const t of (await h.tenants()).filter((x) => x.name.startsWith('Wilbur'))) logins.push(...(await h.users(t.id)).map((u) => u.login));
    expect(logins.sort()).toEqual(['wilbur', 'wilbur-2']);
    const entries = (await h.store.repos.auditLog.list({ subjectId: h.integrationId })).filter((e) => e.action === 'mapping.tenant_created');
    expect(entries.map((e) => [e.details.adminLogin, e.details.loginSuffixed]).sort()).toEqual([['wilbur', false], ['wilbur-2', true]]);
  });

  it('map to new: a missing contact or email fails the mapping with the reason; a reload clears it', async () => {
    const de = await byName('DE Telecom Gmbh');
    const kono = await byName('Konopelski');
    await bulk(rt, USER, [{ action: 'map_new', companyId: de }, { action: 'map_new', companyId: kono }]);
    const stats = await runMappingJobs(rt);
    expect(stats.failed).toBe(2);
    const failed = (await listMappings(rt, { states: ['failed'] })).items;
    expect(failed.map((r) => [r.companyName, r.stateLabel])).toEqual([['DE Telecom Gmbh', 'Mapping failed'], ['Konopelski', 'Mapping failed']]);
    expect(failed[0]?.error).toMatch(/has no primary contact/);
    expect(failed[1]?.error).toMatch(/has no valid email address/);
    expect(await runMappingJobs(rt)).toMatchObject({ intents: 0 }); // waits for a person, not retried in a loop
    expect((await listMappings(rt, { reload: true, states: ['failed'] })).total).toBe(0);
    expect((await h.tenants()).filter((t) => t.name === 'DE Telecom Gmbh')).toHaveLength(0);
  });

  it('refuses map-to-new for a mapped company; unlink during a pending creation cancels it', async () => {
    const contoso = await byName('Contoso Dental Group');
    await mapToExisting(rt, USER, contoso, await tenantByName('Contoso Dental Group'));
    await expect(mapToNew(rt, USER, contoso)).rejects.toMatchObject({ code: 'company_already_mapped' });
    const smart = await byName('Smart Fabrics');
    await mapToNew(rt, USER, smart);
    await unlink(rt, USER, smart);
    expect(await runMappingJobs(rt)).toMatchObject({ intents: 0, tenantsMapped: 0 });
    expect((await h.tenants()).filter((t) => t.name === 'Smart Fabrics')).toHaveLength(0);
  });

  describe('Ingram Cloud Marketplace wizard', () => {
    it('proposes the demo pairs by osa_account_id, flags duplicates and one-sided ids, and maps what is confirmed', async () => {
      const result = await proposeMarketplaceMatches(rt);
      const pairs = result.proposals.map((p) => [p.companyName, p.tenantName, p.preselected]);
      expect(pairs).toEqual([
        ['Coho Winery Ltd.', 'Coho Winery', true],
        ['Fourth Coffee', 'Fourth Coffee', true],
        ['Margie Travel', 'Margie Travel', false],
        ['Quayside Bakery', 'Quayside Bakery', true],
        ['Southridge Video', 'Southridge Video', false],
        ['Tailspin Travel', 'Tailspin Travel', true],
        ['Wingtip Toys', 'Wingtip Toys', true],
        ['Woodgrove Bank Branch 12', 'Woodgrove Bank Branch 12', true],
      ]);
      const codes = result.issues.map((i) => i.code);
      expect(result.issues.find((i) => i.code === 'duplicate_company_id')?.message).toMatch(/Tailspin Travel \(old account\)/);
      expect(result.issues.find((i) => i.code === 'unmatched_tenant')?.message).toMatch(/Nod Publishers.*1100244899/);
      expect(codes.filter((c) => c === 'unmatched_company')).toHaveLength(5);
      const coho = result.proposals[0]!;
      const outcome = await confirmMarketplaceMatches(rt, USER, [{ companyId: coho.companyId, tenantId: coho.tenantId }, { companyId: coho.companyId, tenantId: 'not-proposed' }]);
      expect(outcome.map((o) => o.ok)).toEqual([true, false]);
      expect(outcome[1]?.error?.code).toBe('not_proposed');
      const after = await proposeMarketplaceMatches(rt);
      expect(after.alreadyMapped).toBe(1);
      expect(after.proposals.map((p) => p.companyName)).not.toContain('Coho Winery Ltd.');
    });

    it('runs once by itself after setup: preselected pairs become ready, and the run is recorded', async () => {
      const first = await runMarketplaceWizardOnce(rt);
      expect(first).toMatchObject({ ran: true, proposed: 6 });
      expect(await h.store.repos.cursors.get(h.integrationId, FIRST_RUN_CURSOR)).toBeDefined();
      const ready = (await listMappings(rt, { states: ['ready'], limit: 100 })).items.map((r) => r.companyName);
      expect(ready).toEqual(['Coho Winery Ltd.', 'Fourth Coffee', 'Quayside Bakery', 'Tailspin Travel', 'Wingtip Toys', 'Woodgrove Bank Branch 12']);
      expect((await runMarketplaceWizardOnce(rt)).ran).toBe(false);
      expect((await h.store.repos.auditLog.list({ subjectId: h.integrationId })).filter((e) => e.action === 'marketplace.first_run')).toHaveLength(1);
    });

    it("automatic run vs a person: a mapping made between the run's check and its write is kept; a person's unlink is respected", async () => {
      const proposals = (await proposeMarketplaceMatches(rt)).proposals.filter((p) => p.preselected);
      const [coho, fourth] = proposals;
      expect([coho?.companyName, fourth?.companyName]).toEqual(['Coho Winery Ltd.', 'Fourth Coffee']);
      // Fourth Coffee was mapped and then unlinked by a person before the run.
      await mapToExisting(rt, USER, fourth!.companyId, fourth!.tenantId);
      await unlink(rt, USER, fourth!.companyId);
      // Interleaving: the run's first proposal (Coho) has passed its "still unmapped?" check and looks
      // for open creations (the last read before its write); right then a person maps Coho.
      const journal = rt.store.repos.journal;
      const list = journal.list.bind(journal);
      let interleaved = false;
      vi.spyOn(journal, 'list').mockImplementation(async (...args) => {
        if (!interleaved) {
          interleaved = true;
          await mapToExisting(rt, USER, coho!.companyId, coho!.tenantId);
        }
        return list(...args);
      });
      try {
        const run = await runMarketplaceWizardOnce(rt);
        expect(interleaved).toBe(true);
        expect(run).toMatchObject({ ran: true, proposed: 4 });
      } finally {
        vi.restoreAllMocks();
      }
      expect(await h.store.repos.mappings.get(h.integrationId, coho!.companyId)).toMatchObject({ tenantId: coho!.tenantId, state: 'mapped' });
      expect(await h.store.repos.mappings.get(h.integrationId, fourth!.companyId)).toMatchObject({ tenantId: null, state: 'not_mapped' });
      const ready = (await listMappings(rt, { states: ['ready'], limit: 100 })).items.map((r) => r.companyName);
      expect(ready).toEqual(['Quayside Bakery', 'Tailspin Travel', 'Wingtip Toys', 'Woodgrove Bank Branch 12']);
    });
  });
});
