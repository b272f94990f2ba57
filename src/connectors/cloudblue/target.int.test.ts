// The CloudBlue connector against its emulator over real HTTP: versions, key placement, directory
// with CMP ids, tickets (New on creation, lookup before create, faults), and configuration.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { collect } from '../kit/paging.ts';
import { ConnectorError } from '../kit/errors.ts';
import { createTarget } from '../registry.ts';
import { marketplaceIdsOf, versionAtLeast } from './target.ts';
import { startCloudBlueHarness, type CloudBlueHarness } from './test-support.ts';

let h: CloudBlueHarness;
beforeAll(async () => {
  h = await startCloudBlueHarness('demo');
});
afterAll(async () => h?.close());
beforeEach(async () => {
  await h.control('POST', '/seed', { dataset: 'demo' });
});

describe('versions', () => {
  it('compares versions part by part', () => {
    expect(versionAtLeast('4.28.2.1043', '4.25')).toBe(true);
    expect(versionAtLeast('4.25', '4.25')).toBe(true);
    expect(versionAtLeast('4.24.3', '4.25')).toBe(false);
    expect(versionAtLeast('5.0', '4.25')).toBe(true);
    expect(versionAtLeast('4.3', '4.25')).toBe(false);
  });

  it('reports both requirements: CloudBlue checked, the vendor side not checkable', async () => {
    const { target } = h.target();
    const [psa, vendor] = await target.requirements();
    expect(psa).toMatchObject({ product: 'CloudBlue PSA', found: '4.28.2.1043', ok: true });
    expect(vendor).toMatchObject({ product: 'Acronis Cyber Protect Cloud', required: '21.06 or later', found: null, ok: null });
    const check = await target.testConnection();
    expect(check.displayName).toMatch(/^CloudBlue PSA 4\.28\.2\.1043 at 127\.0\.0\.1:\d+$/);
    expect(check.warnings).toEqual([]);
  });

  it('refuses CloudBlue PSA older than 4.25 in testConnection and prepare', async () => {
    await h.control('PUT', '/version', { version: '4.24.3' });
    const { target } = h.target();
    const error = await target.testConnection().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectorError);
    expect((error as ConnectorError).message).toMatch(/4\.24\.3 is older than 4\.25.*upgrade CloudBlue PSA/);
    await expect(target.prepare()).rejects.toThrow(/older than 4\.25/);
    expect((await target.requirements())[0]).toMatchObject({ found: '4.24.3', ok: false });
  });

  it('warns, without failing, when the instance has no version endpoint at the configured path', async () => {
    const { target } = h.target({ api: { paths: { version: '/system/nothing-here' } } });
    const check = await target.testConnection();
    expect(check.warnings.join(' ')).toMatch(/version cannot be read.*404/);
  });
});

describe('API key', () => {
  it('sends the key as the documented api_key query parameter by default, and never puts it in error contexts', async () => {
    const { target, urls } = h.target();
    await target.testConnection();
    expect(urls.every((u) => new URL(u).searchParams.get('api_key') === h.emu.credentials.api_key)).toBe(true);
    const { target: bad } = h.target({ apiKey: 'not-the-key' });
    const error = (await bad.testConnection().catch((e: unknown) => e)) as ConnectorError;
    expect(error.code).toBe('auth_failed');
    expect(error.message).toMatch(/rejected the API key.*My Profile > API Keys/);
    expect(JSON.stringify(error.toJSON())).not.toContain('not-the-key');
  });

  it('sends the key in a header when configured so (keyPlacement: header), with no key in the URL', async () => {
    const { target, urls } = h.target({ api: { keyPlacement: 'header' } });
    await target.testConnection();
    expect(urls.length).toBeGreaterThan(0);
    expect(urls.some((u) => u.includes('api_key'))).toBe(false);
  });

  it('takes the layout from connector settings through the registry', async () => {
    const target = createTarget('cloudblue', {
      credentials: { siteUrl: h.emu.url, apiKey: h.emu.credentials.api_key },
      settings: { cloudblueKeyPlacement: 'header', cloudbluePaths: JSON.stringify({ version: '/system/getversion' }) },
    });
    expect((await target.testConnection()).displayName).toMatch(/CloudBlue PSA 4\.28/);
    expect(() => createTarget('cloudblue', { credentials: { siteUrl: h.emu.url, apiKey: 'k' }, settings: { cloudblueKeyPlacement: 'cookie' } })).toThrow(/query.*header/);
    expect(() => createTarget('cloudblue', { credentials: { siteUrl: h.emu.url, apiKey: '' } })).toThrow(/lacks apiKey/);
  });

  it('a wrong API base answers not_found naming the call', async () => {
    const { target } = h.target({ api: { apiBase: '/webapi/v9' } });
    await expect(collect(target.directory.listCompanies())).rejects.toMatchObject({ code: 'not_found' });
  });
});

describe('directory', () => {
  it('lists customers with status, primary contact and CMP ids, inactive ones on request', async () => {
    const { target } = h.target();
    const active = await collect(target.directory.listCompanies());
    const all = await collect(target.directory.listCompanies({ includeInactive: true }));
    expect(all).toHaveLength(34);
    expect(active.every((c) => c.active)).toBe(true);
    // Active and Prospect count as active (the status lookup's IsActive); Inactive and No Relationship do not.
    expect(active.length).toBe(28);
    expect(active.some((c) => c.type === 'Inactive')).toBe(false);
    const coho = all.find((c) => c.name === 'Coho Winery Ltd.');
    expect(coho).toMatchObject({ type: 'Active', active: true, externalRefs: { CMP: '1100244803' } });
    expect(coho?.primaryContact?.email).toMatch(/@coho-winery-ltd\.example$/);
    const old = all.find((c) => c.name === 'Tailspin Travel (old account)');
    expect(old).toMatchObject({ type: 'Inactive', active: false });
    expect(marketplaceIdsOf(old!)).toEqual(['1100244801']);
    expect(all.find((c) => c.name === 'DE Telecom Gmbh')).toMatchObject({ type: 'No Relationship', primaryContact: null });
    expect(all.find((c) => c.name === 'Konopelski')?.primaryContact?.email).toBeNull();
    expect(all.find((c) => c.name === 'Contoso Dental Group')?.externalRefs.Xero).toBe('XC-4F1A-0001');
    const prospects = await collect(target.directory.listCompanies({ includeInactive: true, types: ['Prospect'] }));
    expect(prospects.map((c) => c.type)).toEqual(['Prospect', 'Prospect', 'Prospect']);
    expect((await target.directory.listCompanyTypes()).map((t) => t.label)).toEqual(['Active', 'Inactive', 'Prospect', 'No Relationship']);
    const one = await target.directory.getCompany(coho!.id);
    expect(one).toEqual(coho);
  });

  it('lists only customers changed since a time, with their links', async () => {
    const { target } = h.target();
    const since = new Date(Date.now() - 1000).toISOString();
    const made = await h.control<{ Id: number }>('POST', '/customers', { name: 'Newco', primaryContact: { firstName: 'Nina', lastName: 'New', email: 'nina@newco.example' }, external: [{ system: 'CMP', externalId: '1100244999' }] });
    const changed = await collect(target.directory.listCompanies({ updatedSince: since }));
    expect(changed.map((c) => c.name)).toEqual(['Newco']);
    expect(changed[0]).toMatchObject({ id: String(made.Id), externalRefs: { CMP: '1100244999' } });
  });

  it('pages the grid report at the configured page size', async () => {
    const { target, calls } = h.target({ api: { pageSize: 10 } });
    const all = await collect(target.directory.listCompanies({ includeInactive: true }));
    expect(new Set(all.map((c) => c.id)).size).toBe(34);
    expect(calls.total({ operation: 'list customers' })).toBe(4);
  });
});

describe('tickets', () => {
  const fields = { type: '12', category: '103', team: '21' };

  it('creates with status New and the mapped type, category and team', async () => {
    const { target } = h.target();
    const { ticket, created } = await target.tickets!.createTicket({ companyId: '1001', title: 'Backup failed', description: 'd', externalRef: 'pb:1:a', fields });
    expect(created).toBe(true);
    const wireTicket = await h.control<{ Status: string; Type: string; Category: string; Team: string; ExternalReference: string }>('GET', `/tickets/${ticket.id}`);
    expect(wireTicket).toMatchObject({ Status: 'New', Type: 'Incident A', Category: 'TCB', Team: 'Support', ExternalReference: 'pb:1:a' });
  });

  it('finds an existing ticket by exact external reference (not unique, case-insensitive on the wire) instead of creating', async () => {
    const { target } = h.target();
    const first = await target.tickets!.createTicket({ companyId: '1001', title: 'T', description: 'd', externalRef: 'pb:1:X', fields });
    const other = await target.tickets!.createTicket({ companyId: '1001', title: 'T', description: 'd', externalRef: 'pb:1:x', fields });
    expect(other.created).toBe(true);
    expect(other.ticket.id).not.toBe(first.ticket.id);
    const again = await target.tickets!.createTicket({ companyId: '1001', title: 'T', description: 'd', externalRef: 'pb:1:X', fields });
    expect(again).toMatchObject({ created: false, ticket: { id: first.ticket.id } });
  });

  it('creates exactly one ticket under 5xx faults and timeouts on the create', async () => {
    await h.control('POST', '/faults', { rules: [{ kind: 'status', status: 503, path: '/webapi/v1.3/tickets', method: 'POST', share: 0.5 }], seed: 7 });
    const { target } = h.target();
    for (let i = 0; i < 5; i += 1) {
      await target.tickets!.createTicket({ companyId: '1002', title: `F${i}`, description: 'd', externalRef: `pb:f:${i}`, fields }).catch(() => undefined);
      await target.tickets!.createTicket({ companyId: '1002', title: `F${i}`, description: 'd', externalRef: `pb:f:${i}`, fields }).catch(() => undefined);
    }
    await h.control('DELETE', '/faults');
    for (let i = 0; i < 5; i += 1) {
      const list = await h.control<{ total: number }>('GET', `/tickets?externalReference=${encodeURIComponent(`pb:f:${i}`)}`);
      expect(list.total).toBeLessThanOrEqual(1);
    }
  });

  it('refuses a ticket without type or team, naming the field', async () => {
    const { target } = h.target();
    await expect(target.tickets!.createTicket({ companyId: '1001', title: 'T', description: 'd', externalRef: 'pb:nt', fields: { team: '21' } })).rejects.toThrow(/needs a Type/);
  });

  it('sees a technician resolving a ticket as a change with a closed status', async () => {
    const { target } = h.target();
    const { ticket } = await target.tickets!.createTicket({ companyId: '1001', title: 'T', description: 'd', externalRef: 'pb:tech', fields });
    const since = new Date(Date.now() - 60_000).toISOString();
    await h.control('POST', `/tickets/${ticket.id}/status`, { status: 'Fixed' });
    const changed = await collect(target.tickets!.listTicketsChanged({ since, externalRefPrefix: 'pb:' }));
    expect(changed.find((t) => t.id === ticket.id)).toMatchObject({ status: '36', closed: true });
  });
});
