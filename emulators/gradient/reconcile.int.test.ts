// Gradient's own side, as the MSP sees it: auto-match on first pending, manual mapping, the billing
// view and no_build, service cards, disconnect.
import { describe, expect, it } from 'vitest';
import { DEMO_RENAMED } from './datasets.ts';
import { backupService, startHarness } from './test-support.ts';
import { harnessPerFile } from '../kit/harness-per-file.test-support.ts';

const h = harnessPerFile(startHarness, 'demo', { reseedEachTest: true });

const names = ['Coho Winery', 'Fourth Coffee', 'Contoso Dental Group', 'Litware Legal LLP', 'Brand New Customer'];
const pushAccounts = () => h.api('POST', '/organization/accounts', names.map((name, i) => ({ id: `t-${i}`, name })));
const mapping = async () => Object.fromEntries((await h.control('GET', '/accounts')).body.items.map((a: { name: string; mapping: string; mappedBy: string | null }) => [a.name, `${a.mapping}${a.mappedBy ? `:${a.mappedBy}` : ''}`]));

describe('account mapping', () => {
  it('auto-matches exact names once, when the integration first goes pending', async () => {
    await pushAccounts();
    expect(Object.values(await mapping()).every((m) => m === 'unmapped')).toBe(true);
    await h.api('PATCH', '/organization/status/pending');
    expect(await mapping()).toEqual({
      'Coho Winery': 'mapped:auto',
      'Fourth Coffee': 'mapped:auto',
      'Contoso Dental Group': 'unmapped',
      'Litware Legal LLP': 'unmapped',
      'Brand New Customer': 'unmapped',
    });
    // An account created later is not auto-matched, even if the PSA has the name: a person maps it.
    await h.control('POST', '/psa/companies', { name: 'Late Arrival' });
    await h.api('POST', '/organization/accounts', [{ id: 't-late', name: 'Late Arrival' }]);
    await h.api('PATCH', '/organization/status/pending');
    expect((await mapping())['Late Arrival']).toBe('unmapped');
  });

  it('a person maps the differently spelled ones, unmaps and excludes', async () => {
    await pushAccounts();
    await h.api('PATCH', '/organization/status/pending');
    const psa = (await h.control('GET', '/psa')).body;
    const contoso = psa.companies.find((c: { name: string }) => c.name === DEMO_RENAMED['Contoso Dental Group']);
    const mapped = await h.control('POST', '/accounts/t-2/map', { psaId: contoso.id });
    expect(mapped.body).toMatchObject({ mapping: 'mapped', mappedBy: 'person', psaCompanyName: 'Contoso Dental Group, Inc.' });
    await h.control('POST', '/accounts/t-4/exclude');
    await h.control('POST', '/accounts/t-0/unmap');
    expect(await mapping()).toMatchObject({ 'Coho Winery': 'unmapped', 'Contoso Dental Group': 'mapped:person', 'Brand New Customer': 'excluded' });
    expect((await h.control('POST', '/accounts/t-2/map', { psaId: 'nope' })).status).toBe(404);
  });
});

describe('billing view and service cards', () => {
  it('no_build posts wait for a rebuild; cards show vendor quantity next to PSA quantity', async () => {
    await pushAccounts();
    await h.api('PATCH', '/organization/status/pending');
    const serviceId = (await h.api('POST', '/service', backupService('Workstations'))).body.skus[0].id;
    await h.control('POST', `/services/${serviceId}/map`, { psaId: '9000' });
    expect((await h.api('POST', `/service/${serviceId}/count?no_build=true`, { accountId: 't-0', unitCount: 7 })).status).toBe(201);
    let cards = (await h.control('GET', '/cards')).body.items;
    expect(cards).toHaveLength(2);
    expect(cards.every((c: { vendorQuantity: number | null }) => c.vendorQuantity === null)).toBe(true);
    expect((await h.control('GET', '/counts')).body).toMatchObject({ builds: 0, items: [{ accountId: 't-0', unitCount: 7, noBuild: true, built: false }] });
    await h.api('POST', `/service/${serviceId}/count`, { accountId: 't-1', unitCount: 0 });
    cards = (await h.control('GET', '/cards')).body.items;
    const coho = cards.find((c: { accountName: string }) => c.accountName === 'Coho Winery');
    expect(coho).toMatchObject({ serviceName: 'Workstations', psaProductName: 'Cyber Protect - Workstation', vendorQuantity: 7 });
    expect(coho.difference).toBe(7 - coho.psaQuantity);
    expect(cards.find((c: { accountName: string }) => c.accountName === 'Fourth Coffee').vendorQuantity).toBe(0);
    expect((await h.control('GET', '/counts')).body.builds).toBe(1);
    await h.control('PUT', '/psa/quantities', { companyId: coho.psaCompanyId, productId: '9000', quantity: 7 });
    expect((await h.control('GET', '/cards')).body.items.find((c: { accountName: string }) => c.accountName === 'Coho Winery').difference).toBe(0);
  });
});

describe('disconnect', () => {
  it('deletes the vendor accounts and their mappings; counts 404 until they are created again', async () => {
    await pushAccounts();
    await h.api('PATCH', '/organization/status/pending');
    const serviceId = (await h.api('POST', '/service', backupService('Workstations'))).body.skus[0].id;
    await h.control('POST', `/services/${serviceId}/map`, { psaId: '9000' });
    expect((await h.api('POST', `/service/${serviceId}/count`, { accountId: 't-0', unitCount: 1 })).status).toBe(201);
    const d = await h.control('POST', '/disconnect');
    expect(d.body).toEqual({ accountsDeleted: 5, status: 'inactive' });
    expect((await h.api('GET', '/organization/accounts')).body).toEqual([]);
    expect((await h.api('GET', '')).body.data.skus).toHaveLength(1);
    expect((await h.api('POST', `/service/${serviceId}/count`, { accountId: 't-0', unitCount: 1 })).status).toBe(404);
    // Reconnecting: the vendor re-creates the accounts, says pending, auto-match runs again.
    await pushAccounts();
    await h.api('PATCH', '/organization/status/pending');
    expect((await mapping())['Coho Winery']).toBe('mapped:auto');
    expect((await h.api('POST', `/service/${serviceId}/count`, { accountId: 't-0', unitCount: 1 })).status).toBe(201);
  });

  it('keeps organizations apart', async () => {
    const other = (await h.control('POST', '/organizations', { name: 'Other MSP' })).body;
    const token = Buffer.from(`${other.credentials.vendor_key}:${other.credentials.partner_key}`).toString('base64');
    await pushAccounts();
    const r = await h.api('GET', '/organization/accounts', undefined, { 'GRADIENT-TOKEN': token });
    expect(r.body).toEqual([]);
    expect((await h.api('GET', '/organization', undefined, { 'GRADIENT-TOKEN': token })).body.name).toBe('Other MSP');
  });
});
