import { describe, expect, it } from 'vitest';
import { gradientToken } from './auth.ts';
import { serviceSubcategories } from './enums.ts';
import { backupService, startHarness } from './test-support.ts';
import { harnessPerFile } from '../kit/harness-per-file.test-support.ts';

const h = harnessPerFile(startHarness, 'demo', { reseedEachTest: true });

describe('GRADIENT-TOKEN', () => {
  it('accepts base64(vendor:partner) in any header case, refuses anything else with a NestJS 401', async () => {
    for (const name of ['GRADIENT-TOKEN', 'Gradient-Token', 'gradient-token']) {
      expect((await h.api('GET', '/organization', undefined, { [name]: h.token })).status).toBe(200);
    }
    const c = h.emu.credentials;
    const wrong: Record<string, string>[] = [
      {},
      { 'GRADIENT-TOKEN': '' },
      { 'GRADIENT-TOKEN': 'not base64!' },
      { 'GRADIENT-TOKEN': gradientToken('wrong', c.partner_key) },
      { 'GRADIENT-TOKEN': gradientToken(c.vendor_key, 'wrong') },
      { 'GRADIENT-TOKEN': Buffer.from(c.vendor_key + c.partner_key).toString('base64') },
      // The two headers no source uses.
      { 'GRADIENT-VENDOR-API-KEY': c.vendor_key, 'GRADIENT-PARTNER-API-KEY': c.partner_key },
    ];
    for (const headers of wrong) {
      const r = await h.api('GET', '/organization', undefined, headers);
      expect(r.status).toBe(401);
      expect(r.body).toEqual({ statusCode: 401, message: 'Unauthorized' });
    }
  });

  it('a regenerated partner key refuses the old one', async () => {
    const old = h.token;
    const r = await h.control('POST', '/organizations/regenerate-key');
    expect((await h.api('GET', '/organization', undefined, { 'GRADIENT-TOKEN': old })).status).toBe(401);
    expect(h.emu.credentials.partner_key).toBe(r.body.partnerKey);
    expect((await h.api('GET', '/organization')).status).toBe(200);
  });
});

describe('envelopes per route', () => {
  it('vendor profile is wrapped {status, message, data} with skus; PATCH needs one field', async () => {
    const r = await h.api('GET', '');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: 200, message: 'Success - Retrieved Vendor', data: { integrationType: 'custom', skus: [], mappingResponsibilities: ['accounts', 'services'], __v: 0 } });
    expect(r.body.data._id).toBe(r.body.data.id);
    const p = await h.api('PATCH', '', { vendorSupportPageUrl: 'https://support.example' });
    expect(p.body).toMatchObject({ status: 200, data: { vendorSupportPageUrl: 'https://support.example' } });
    const none = await h.api('PATCH', '', {});
    expect(none.status).toBe(400);
    expect(none.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
  });

  it('organization is bare; the status route is wrapped and takes the case-sensitive enum', async () => {
    const org = await h.api('GET', '/organization');
    expect(Object.keys(org.body).sort()).toEqual(['integrationId', 'lastSyncedAt', 'name', 'organizationId', 'status', 'vendorId', 'vendorName']);
    expect(org.body).toMatchObject({ name: 'Northwind MSP', status: 'inactive', lastSyncedAt: null });
    const bad = await h.api('PATCH', '/organization/status/Pending');
    expect(bad.status).toBe(400);
    expect(bad.body.message[0]).toMatch(/status must be one of the following values: active, inactive, pending, disabled, error/);
    const ok = await h.api('PATCH', '/organization/status/pending');
    expect(ok.body).toEqual({ data: { ...org.body, status: 'pending' }, status: 200, message: 'Success - Updated Integration Status' });
  });

  it('accounts: bulk array in, the same array out (bare), listed bare, not idempotent, PATCH bare', async () => {
    const batch = [{ id: 't-1', name: 'Coho Winery', description: 'Acronis customer' }, { id: 't-2', name: 'Fourth Coffee' }];
    const created = await h.api('POST', '/organization/accounts', batch);
    expect(created.status).toBe(201);
    expect(created.body).toEqual([batch[0], { ...batch[1], description: '' }]);
    expect((await h.api('GET', '/organization/accounts')).body).toHaveLength(2);
    await h.api('POST', '/organization/accounts', [batch[0]]);
    expect((await h.api('GET', '/organization/accounts')).body.filter((a: { id: string }) => a.id === 't-1')).toHaveLength(2);
    const patched = await h.api('PATCH', '/organization/accounts/t-2', { name: 'Fourth Coffee (deleted in Acronis)' });
    expect(patched.body).toEqual({ id: 't-2', name: 'Fourth Coffee (deleted in Acronis)', description: '' });
    expect((await h.api('PATCH', '/organization/accounts/nope', { name: 'x' })).status).toBe(404);
    const notArray = await h.api('POST', '/organization/accounts', { id: 'x', name: 'y' });
    expect(notArray.status).toBe(400);
    const badItem = await h.api('POST', '/organization/accounts', [{ id: 7, name: '' }]);
    expect(badItem.body.message).toEqual(expect.arrayContaining(['0.id must be a string', '0.name should not be empty']));
  });

  it('service create answers the bare VendorData; reads are wrapped; enums are case-sensitive', async () => {
    const created = await h.api('POST', '/service', backupService('Cyber Protect: workstations'));
    expect(created.status).toBe(201);
    expect(created.body.status).toBeUndefined();
    const sku = created.body.skus[0];
    expect(sku).toMatchObject({ name: 'Cyber Protect: workstations', category: 'backup', subcategory: 'cloud backup' });
    expect(sku._id).toMatch(/^[0-9a-f]{24}$/);
    const read = await h.api('GET', `/service/${sku.id}`);
    expect(read.body).toMatchObject({ status: 200, data: { id: sku.id } });
    const wrongCase = await h.api('POST', '/service', { ...backupService('x'), category: 'Backup', subcategory: 'Cloud Backup' });
    expect(wrongCase.status).toBe(400);
    expect(wrongCase.body.message).toHaveLength(2);
    expect(wrongCase.body.message[1]).toContain(serviceSubcategories.join(', '));
    const noDescription = await h.api('POST', '/service', { name: 'y', category: 'backup', subcategory: 'other' });
    expect(noDescription.body.message).toEqual(['description must be a string']);
    // Not de-duplicated by name.
    await h.api('POST', '/service', backupService('Cyber Protect: workstations'));
    expect((await h.api('GET', '')).body.data.skus).toHaveLength(2);
    const patched = await h.api('PATCH', `/service/${sku.id}`, { description: 'GB, binary (1 GB = 1024³ bytes)' });
    expect(patched.body.data.description).toBe('GB, binary (1 GB = 1024³ bytes)');
    expect((await h.api('GET', '/service/not-an-id')).body).toEqual({ statusCode: 400, message: 'You have provided an invalid Id type', error: 'Bad Request' });
    expect((await h.api('GET', `/service/${'0'.repeat(24)}`)).status).toBe(404);
  });

  it('has no DELETE anywhere and answers unknown routes as NestJS does', async () => {
    for (const path of ['/organization/accounts/t-1', `/service/${'a'.repeat(24)}`, '/organization', '']) {
      const r = await h.api('DELETE', path);
      expect(r.status).toBe(404);
      expect(r.body).toEqual({ statusCode: 404, message: expect.stringMatching(/^Cannot DELETE \/api\/vendor-api/), error: 'Not Found' });
    }
  });

  it('clients are paged by previousId and searchable', async () => {
    const first = await h.api('GET', '/organization/clients');
    expect(first.body.clients).toHaveLength(32);
    expect(first.body.meta.hasMore).toBe(false);
    const found = await h.api('GET', '/organization/clients?search=harbor');
    expect(found.body.clients.map((c: { name: string }) => c.name)).toEqual(['Harbor Dental Clinic', 'Harbor Marina Services']);
    const after = await h.api('GET', `/organization/clients?previousId=${first.body.clients[29].id}`);
    expect(after.body.clients).toHaveLength(2);
  });
});

describe('counts', () => {
  async function setup() {
    await h.api('POST', '/organization/accounts', [{ id: 'a-coho', name: 'Coho Winery' }, { id: 'a-contoso', name: 'Contoso Dental Group' }]);
    const sku = (await h.api('POST', '/service', backupService('Workstations'))).body.skus[0];
    return sku.id as string;
  }

  it('404 "No account map found with id" until both the account and the service are mapped, then 201', async () => {
    const serviceId = await setup();
    const unmapped = await h.api('POST', `/service/${serviceId}/count`, { accountId: 'a-coho', unitCount: 12 });
    expect(unmapped.status).toBe(404);
    expect(unmapped.body).toEqual({ statusCode: 404, message: 'No account map found with id: a-coho' });
    await h.api('PATCH', '/organization/status/pending');
    // Coho Winery matched its PSA company by name; the service is still unmapped.
    expect((await h.api('POST', `/service/${serviceId}/count`, { accountId: 'a-coho', unitCount: 12 })).status).toBe(404);
    await h.control('POST', `/services/${serviceId}/map`, { psaId: '9000' });
    const ok = await h.api('POST', `/service/${serviceId}/count`, { accountId: 'a-coho', unitCount: 12.5 });
    expect(ok.status).toBe(201);
    expect(ok.body).toEqual({ status: 201, message: 'Success - Created Billing' });
    // Contoso is spelled differently in the PSA: not auto-matched.
    expect((await h.api('POST', `/service/${serviceId}/count`, { accountId: 'a-contoso', unitCount: 3 })).status).toBe(404);
    expect((await h.api('POST', `/service/${serviceId}/count`, { accountId: 'nobody', unitCount: 3 })).status).toBe(404);
    expect((await h.api('GET', '/organization')).body.status).toBe('active');
  });

  it('validates the body and the id type; an excluded account or service is not counted', async () => {
    const serviceId = await setup();
    expect((await h.api('POST', '/service/12/count', { accountId: 'a-coho', unitCount: 1 })).body.message).toBe('You have provided an invalid Id type');
    const bad = await h.api('POST', `/service/${serviceId}/count`, { accountId: 5, unitCount: '3' });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toEqual(['accountId must be a string', 'unitCount must be a number conforming to the specified constraints']);
    await h.api('PATCH', '/organization/status/pending');
    await h.control('POST', `/services/${serviceId}/map`, { psaId: '9000' });
    await h.control('POST', '/accounts/a-coho/exclude');
    expect((await h.api('POST', `/service/${serviceId}/count`, { accountId: 'a-coho', unitCount: 1 })).status).toBe(404);
    await h.control('POST', '/accounts/a-coho/map', { psaId: (await h.control('GET', '/psa')).body.companies[0].id });
    await h.control('POST', `/services/${serviceId}/exclude`);
    expect((await h.api('POST', `/service/${serviceId}/count`, { accountId: 'a-coho', unitCount: 1 })).status).toBe(404);
  });
});
