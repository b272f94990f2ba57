import { describe, expect, it } from 'vitest';
import { basic, startHarness } from './test-support.ts';
import { harnessPerFile } from '../kit/harness-per-file.test-support.ts';

const h = harnessPerFile(startHarness, 'demo', { reseedEachTest: true });

describe('company info', () => {
  it('answers the codebase without auth, and null for an unknown company', async () => {
    const res = await fetch(`${h.emu.url}/login/companyinfo/${h.emu.credentials.company_id.toUpperCase()}`);
    expect(res.status).toBe(200);
    const info = (await res.json()) as Record<string, unknown>;
    expect(info).toMatchObject({ CompanyName: 'Emulator MSP', Codebase: 'v4_6_release/', CompanyID: 'emulator_msp', IsCloud: false });
    expect(Object.keys(info).sort()).toEqual(['Codebase', 'CompanyID', 'CompanyName', 'IsCloud', 'SiteUrl', 'VersionCode', 'VersionNumber']);
    const unknown = await fetch(`${h.emu.url}/login/companyinfo/nobody`);
    expect(unknown.status).toBe(200);
    expect(await unknown.text()).toBe('null');
  });
});

describe('Basic auth and clientId', () => {
  it('accepts companyId+publicKey:privateKey with the clientId, in any path case', async () => {
    expect(Object.keys(h.emu.credentials).sort()).toEqual(['client_id', 'company_id', 'private_key', 'public_key']);
    expect((await h.api('GET', '/company/companies/2')).body).toMatchObject({ id: 2, identifier: 'EmulatorMSP' });
    const lower = await h.raw('GET', `${h.emu.url}/V4_6_RELEASE/APIS/3.0/Company/Companies/2`);
    expect(lower.status).toBe(200);
  });

  it('refuses a missing or malformed Authorization header with 401', async () => {
    const none = await h.api('GET', '/company/companies', undefined, { clientId: h.emu.credentials.client_id });
    expect(none.status).toBe(401);
    expect(none.body).toMatchObject({ code: 'Unauthorized', message: expect.stringContaining('companyId+publicKey:privateKey') });
    const bearer = await h.api('GET', '/company/companies', undefined, { authorization: 'Bearer x', clientId: h.emu.credentials.client_id });
    expect(bearer.status).toBe(401);
  });

  it('refuses wrong keys or company (401, or 404 when set to answer as cloud sites do)', async () => {
    const c = h.emu.credentials;
    for (const auth of [basic(c.company_id, c.public_key, 'wrong'), basic('other', c.public_key, c.private_key), basic(c.company_id, 'nope', c.private_key)]) {
      const r = await h.api('GET', '/company/companies', undefined, { authorization: auth, clientId: c.client_id });
      expect(r.status).toBe(401);
      expect(r.body.code).toBe('Unauthorized');
    }
    await h.control('PUT', '/settings', { wrongAuthStatus: 404 });
    const cloud = await h.api('GET', '/company/companies', undefined, { authorization: basic(c.company_id, c.public_key, 'wrong'), clientId: c.client_id });
    expect(cloud.status).toBe(404);
  });

  it('refuses a missing or unregistered clientId', async () => {
    const missing = await h.api('GET', '/company/companies', undefined, { authorization: h.headers.authorization as string });
    expect(missing.status).toBe(401);
    expect(missing.body.message).toMatch(/clientId/);
    const unknown = await h.api('GET', '/company/companies', undefined, { authorization: h.headers.authorization as string, clientId: '00000000-0000-4000-8000-000000000000' });
    expect(unknown.status).toBe(401);
  });

  it('answers unknown resources and ids with 404 and the error body', async () => {
    const r = await h.api('GET', '/company/widgets');
    expect(r.status).toBe(404);
    expect(r.body).toMatchObject({ code: 'NotFound' });
    expect((await h.api('GET', '/company/companies/999999')).status).toBe(404);
    expect((await h.api('GET', '/finance/agreements/999999/additions')).status).toBe(404);
  });
});
