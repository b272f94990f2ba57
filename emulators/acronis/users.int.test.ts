import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startHarness } from './test-support.ts';
import { harnessPerFile } from '../kit/harness-per-file.test-support.ts';

const h = harnessPerFile(startHarness, 'demo', { reseedEachTest: true });
let partner: string;
let customer: string;
beforeAll(() => {
  partner = h.emu.partnerId;
});
beforeEach(async () => {
  customer = (await h.api('POST', '/tenants', { name: 'Users Co', kind: 'customer', parent_id: partner })).body.id;
});

const newUser = (login: string, extra: Record<string, unknown> = {}) =>
  h.api('POST', '/users', { tenant_id: customer, login, contact: { email: `${login}@x.example`, firstname: 'John', lastname: 'Doe' }, ...extra });

describe('logins', () => {
  it('204 when free, 409 when taken, 400/1033 when too short', async () => {
    expect((await h.api('GET', '/users/check_login?username=jdoe')).status).toBe(204);
    await newUser('jdoe');
    expect((await h.api('GET', '/users/check_login?username=jdoe')).status).toBe(409);
    const short = await h.api('GET', '/users/check_login?username=ab');
    expect(short.status).toBe(400);
    expect(short.body.error.code).toBe(1033);
    expect((await h.api('GET', '/users/check_login?username=j%C3%B6rg')).body.error.code).toBe(1033);
  });
});

describe('users', () => {
  it('creates (200) an inactive user with a personal tenant id, and reads it back', async () => {
    const r = await newUser('jdoe');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ id: expect.any(String), version: 1, tenant_id: customer, login: 'jdoe', activated: false, enabled: true, contact: { email: 'jdoe@x.example' }, personal_tenant_id: expect.any(String) });
    expect((await h.api('GET', `/users/${r.body.id}`)).body).toEqual(r.body);
    expect((await h.api('GET', `/tenants/${customer}/users`)).body.items).toEqual([r.body.id]);
    const listed = await h.api('GET', `/users?tenant_id=${customer}`);
    expect(listed.body.items.map((u: { id: string }) => u.id)).toEqual([r.body.id]);
  });

  it('requires tenant_id, login and contact.email', async () => {
    expect((await h.api('POST', '/users', { tenant_id: customer, login: 'nomail', contact: {} })).status).toBe(400);
    expect((await h.api('POST', '/users', { login: 'x1234', contact: { email: 'a@b.example' } })).status).toBe(400);
    expect((await newUser('ab')).body.error.code).toBe(1033);
    await newUser('dupe');
    expect((await newUser('dupe')).status).toBe(409);
  });

  it('updates with version and deletes with ?version', async () => {
    const u = (await newUser('upd')).body;
    const r = await h.api('PUT', `/users/${u.id}`, { version: 1, enabled: false, contact: { firstname: 'Jane' } });
    expect(r.body).toMatchObject({ version: 2, enabled: false, contact: { firstname: 'Jane', email: 'upd@x.example' } });
    expect((await h.api('PUT', `/users/${u.id}`, { version: 1, enabled: true })).body.error.code).toBe(1001);
    expect((await h.api('DELETE', `/users/${u.id}?version=1`)).status).toBe(409);
    expect((await h.api('DELETE', `/users/${u.id}?version=2`)).status).toBe(204);
    expect((await h.api('GET', `/users/${u.id}`)).status).toBe(404);
    expect((await h.api('GET', '/users/check_login?username=upd')).status).toBe(204);
  });

  it('records activation e-mails and activates with a password', async () => {
    const u = (await newUser('act')).body;
    expect((await h.api('POST', `/users/${u.id}/send-activation-email`, {})).status).toBe(204);
    const mails = await h.control('GET', '/activation-emails');
    expect(mails.body.items).toEqual([{ user_id: u.id, login: 'act', email: 'act@x.example', sent_at: expect.any(String) }]);
    expect((await h.api('POST', `/users/${u.id}/password`, { password: 'S3cure!pass' })).status).toBe(204);
    expect((await h.api('GET', `/users/${u.id}`)).body.activated).toBe(true);
  });

  it('lets an activated admin create an API client with Basic login:password', async () => {
    const u = (await newUser('admin1')).body;
    await h.api('POST', `/users/${u.id}/password`, { password: 'pw-123456' });
    const res = await fetch(`${h.emu.url}/api/2/clients`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from('admin1:pw-123456').toString('base64')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'api_client', tenant_id: customer, token_endpoint_auth_method: 'client_secret_basic', data: { client_name: 'MyApp' } }),
    });
    expect(res.status).toBe(201);
    expect(((await res.json()) as any).tenant_id).toBe(customer);
    const wrong = await fetch(`${h.emu.url}/api/2/clients`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from('admin1:nope').toString('base64')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'api_client', tenant_id: customer, data: { client_name: 'x' } }),
    });
    expect(wrong.status).toBe(401);
  });

  it('replaces the whole access-policy set on PUT', async () => {
    const u = (await newUser('roles')).body;
    const zero = '00000000-0000-0000-0000-000000000000';
    const put = await h.api('PUT', `/users/${u.id}/access_policies`, {
      items: [
        { id: zero, issuer_id: zero, role_id: 'company_admin', tenant_id: customer, trustee_id: u.id, trustee_type: 'user', version: 0 },
        { id: zero, issuer_id: zero, role_id: 'backup_user', tenant_id: u.personal_tenant_id, trustee_id: u.id, trustee_type: 'user', version: 0 },
      ],
    });
    expect(put.status).toBe(200);
    expect(put.body.items.map((p: { role_id: string }) => p.role_id)).toEqual(['company_admin', 'backup_user']);
    expect(put.body.items[0].id).not.toBe(zero);
    expect((await h.api('GET', `/users/${u.id}/access_policies`)).body.items).toHaveLength(2);
    await h.api('PUT', `/users/${u.id}/access_policies`, { items: [{ role_id: 'readonly_admin', tenant_id: customer }] });
    expect((await h.api('GET', `/users/${u.id}/access_policies`)).body.items.map((p: { role_id: string }) => p.role_id)).toEqual(['readonly_admin']);
    await h.api('PUT', `/users/${u.id}/access_policies`, { items: [] });
    expect((await h.api('GET', `/users/${u.id}/access_policies`)).body.items).toEqual([]);
    expect((await h.api('PUT', `/users/${u.id}/access_policies`, { items: [{ role_id: 'wizard', tenant_id: customer }] })).status).toBe(400);
  });

  it('sets user MFA', async () => {
    const u = (await newUser('mfa')).body;
    expect((await h.api('PUT', `/users/${u.id}/mfa/status`, { enabled: true })).status).toBe(204);
    expect((await h.api('GET', `/users/${u.id}`)).body.mfa_status).toBe('setup_required');
  });

  it('pages users with cursors', async () => {
    for (const l of ['pa1', 'pa2', 'pa3']) await newUser(l);
    const p1 = await h.api('GET', `/users?tenant_id=${customer}&limit=2`);
    expect(p1.body.items).toHaveLength(2);
    const p2 = await h.api('GET', `/users?tenant_id=${customer}&limit=2&after=${encodeURIComponent(p1.body.paging.cursors.after)}`);
    expect(p2.body.items.map((u: { login: string }) => u.login)).toEqual(['pa3']);
    expect(p2.body.paging.cursors.after).toBeUndefined();
  });
});
