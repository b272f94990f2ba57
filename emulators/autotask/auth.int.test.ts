import { describe, expect, it } from 'vitest';
import { startHarness } from './test-support.ts';
import { harnessPerFile } from '../kit/harness-per-file.test-support.ts';

const h = harnessPerFile(startHarness, 'demo');

describe('zone discovery', () => {
  it('answers without auth, in any path case, with a url that is the API base', async () => {
    const user = encodeURIComponent(h.emu.credentials.username);
    for (const path of ['/atservicesrest/v1.0/zoneInformation', '/ATServicesRest/V1.0/ZoneInformation']) {
      const res = await fetch(`${h.emu.url}${path}?user=${user}`);
      expect(res.status).toBe(200);
      const zone = (await res.json()) as { url: string };
      expect(zone).toEqual({ zoneName: expect.any(String), url: `${h.emu.url}/ATServicesRest/`, webUrl: expect.any(String), ci: expect.any(Number) });
      const r = await h.raw('GET', `${zone.url}V1.0/Companies/0`);
      expect(r.status).toBe(200);
      expect(r.body.item.id).toBe(0);
    }
  });

  it('answers an unknown or blank user with 500 "Zone information could not be determined"', async () => {
    for (const q of ['?user=nobody%40example.com', '?user=', '']) {
      const res = await fetch(`${h.emu.url}/ATServicesRest/V1.0/zoneInformation${q}`);
      expect(res.status).toBe(500);
      expect(await res.json()).toEqual({ errors: ['Zone information could not be determined'] });
    }
  });

  it('serves VersionInformation', async () => {
    const res = await fetch(`${h.emu.url}/ATServicesRest/versioninformation`);
    expect(await res.json()).toEqual({ apiVersions: ['1.0'] });
  });
});

describe('API user headers', () => {
  it('accepts the header names in any case', async () => {
    const c = h.emu.credentials;
    const r = await h.api('GET', '/Companies/0', undefined, { APIIntegrationcode: c.integration_code, username: c.username, SECRET: c.secret });
    expect(r.status).toBe(200);
  });

  it('answers an unknown user with 500, a wrong secret with 401, a bad integration code with 500', async () => {
    const c = h.emu.credentials;
    const unknown = await h.api('GET', '/Companies/0', undefined, { ApiIntegrationCode: c.integration_code, UserName: 'ghost@example.com', Secret: c.secret });
    expect(unknown.status).toBe(500);
    expect(unknown.body).toEqual({ errors: [expect.any(String)] });
    const wrong = await h.api('GET', '/Companies/0', undefined, { ApiIntegrationCode: c.integration_code, UserName: c.username, Secret: 'nope' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.errors).toHaveLength(1);
    const code = await h.api('GET', '/Companies/0', undefined, { ApiIntegrationCode: 'WRONG', UserName: c.username, Secret: c.secret });
    expect(code.status).toBe(500);
    expect(code.body).toEqual({ errors: ['IntegrationCode is invalid.'] });
    const none = await h.api('GET', '/Companies/0', undefined, {});
    expect(none.status).toBe(500);
  });

  it('refuses a regular (non-API) resource with a message saying an API-only user is needed', async () => {
    const created = await h.control('POST', '/users', { userName: 'tech@msp.example', secret: 'pw', apiUser: false });
    expect(created.status).toBe(201);
    const zone = await fetch(`${h.emu.url}/ATServicesRest/V1.0/zoneInformation?user=tech%40msp.example`);
    expect(zone.status).toBe(200);
    const r = await h.api('GET', '/Companies/0', undefined, { ApiIntegrationCode: h.emu.credentials.integration_code, UserName: 'tech@msp.example', Secret: 'pw' });
    expect(r.status).toBe(401);
    expect(r.body.errors[0]).toMatch(/only accessible to API Only users/);
    // The seeded regular resource is refused the same way.
    const seeded = (await h.control('GET', '/users')).body.items.find((u: { isApiUser: boolean }) => !u.isApiUser);
    const r2 = await h.api('GET', '/Companies/0', undefined, { ApiIntegrationCode: h.emu.credentials.integration_code, UserName: seeded.userName, Secret: seeded.secret });
    expect(r2.status).toBe(401);
  });

  it('lets a second API user created by the control API in', async () => {
    const created = await h.control('POST', '/users', { apiUser: true });
    const r = await h.api('GET', '/Companies/0', undefined, { ApiIntegrationCode: created.body.integrationCode, UserName: created.body.userName, Secret: created.body.secret });
    expect(r.status).toBe(200);
  });

  it('answers unknown entities with 404 and unsupported methods with 405, both {errors:[…]}', async () => {
    const unknown = await h.api('GET', '/Widgets/1');
    expect(unknown.status).toBe(404);
    expect(unknown.body.errors).toHaveLength(1);
    const contacts = await h.api('POST', '/Contacts', { firstName: 'x' });
    expect(contacts.status).toBe(405);
    expect(contacts.body.errors[0]).toMatch(/Companies\/\{id\}\/Contacts/);
  });
});
