import { describe, expect, it } from 'vitest';
import { startHarness, tokenFor } from './test-support.ts';
import { harnessPerFile } from '../kit/harness-per-file.test-support.ts';

const h = harnessPerFile(startHarness, 'demo');

const form = (headers: Record<string, string>, body: string) =>
  fetch(`${h.emu.url}/api/2/idp/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body });
const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

describe('POST /api/2/idp/token', () => {
  it('issues a 2-hour bearer token for client credentials in a Basic header', async () => {
    const before = Math.floor(Date.now() / 1000);
    const r = await tokenFor(h.emu.url, h.emu.credentials.client_id, h.emu.credentials.client_secret);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ access_token: expect.any(String), token_type: 'bearer', expires_on: expect.any(Number), id_token: expect.any(String) });
    expect(r.body.expires_on - before).toBeGreaterThanOrEqual(7200 - 1);
    expect(r.body.expires_on - before).toBeLessThanOrEqual(7200 + 5);
    // JWT-shaped: three base64url parts, the payload naming the client.
    const [, payload] = (r.body.access_token as string).split('.');
    expect(JSON.parse(Buffer.from(payload as string, 'base64url').toString())).toMatchObject({ sub: h.emu.credentials.client_id, exp: r.body.expires_on });
  });

  it('answers a wrong secret with the OAuth invalid_client body', async () => {
    const r = await tokenFor(h.emu.url, h.emu.credentials.client_id, 'nope');
    expect(r.status).toBe(401);
    expect(r.body).toEqual({ domain: 'Access', reason: 'InvalidClient', error: 'invalid_client', error_description: expect.any(String) });
  });

  it('needs the Basic header', async () => {
    const res = await form({}, `grant_type=client_credentials&client_id=${h.emu.credentials.client_id}`);
    expect(res.status).toBe(401);
    expect(((await res.json()) as any).error).toBe('invalid_client');
  });

  it('refuses unsupported grants and missing grant_type with 400', async () => {
    const auth = { authorization: basic(h.emu.credentials.client_id, h.emu.credentials.client_secret) };
    const unsupported = await form(auth, 'grant_type=magic');
    expect(unsupported.status).toBe(400);
    expect(((await unsupported.json()) as any).error).toBe('unsupported_grant_type');
    const missing = await form(auth, 'scope=x');
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as any).error).toBe('invalid_request');
  });

  it('issues a customer-scoped token that only sees that customer', async () => {
    const token = await h.token();
    const customers = await h.api('GET', `/tenants?parent_id=${h.emu.partnerId}&limit=2`);
    const [a, b] = customers.body.items as { id: string }[];
    const res = await form(
      { authorization: `Bearer ${token}` },
      `grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer&assertion=${token}&scope=urn:acronis.com:tenant-id:${a?.id}`,
    );
    expect(res.status).toBe(200);
    const scoped = ((await res.json()) as any).access_token as string;
    expect((await h.api('GET', `/tenants/${a?.id}`, undefined, scoped)).status).toBe(200);
    const other = await h.api('GET', `/tenants/${b?.id}`, undefined, scoped);
    expect(other.status).toBe(403);
    expect(other.body.error.code).toBe(1002);
  });
});

describe('Bearer authentication', () => {
  it('401s without a token, with a bad token, and with the error{} body', async () => {
    const none = await fetch(`${h.emu.url}/api/2/tenants/${h.emu.partnerId}`);
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({ error: { code: 401, message: expect.any(String), domain: 'PlatformAccountServer' } });
    const bad = await h.api('GET', `/tenants/${h.emu.partnerId}`, undefined, 'not-a-token');
    expect(bad.status).toBe(401);
    const alerts = await h.alerts('GET', '/alerts', undefined, 'not-a-token');
    expect(alerts.status).toBe(401);
  });

  it('stops accepting a token the control API expired, and a new one works', async () => {
    const token = await h.token();
    expect((await h.api('GET', `/tenants/${h.emu.partnerId}`, undefined, token)).status).toBe(200);
    const expired = await h.control('POST', '/tokens/expire', { token });
    expect(expired.body).toEqual({ expired: 1 });
    const after = await h.api('GET', `/tenants/${h.emu.partnerId}`, undefined, token);
    expect(after.status).toBe(401);
    expect(after.body.error.message).toMatch(/expired/);
    expect((await h.api('GET', `/tenants/${h.emu.partnerId}`, undefined, await h.token())).status).toBe(200);
  });

  it('expires tokens when the emulator clock passes two hours', async () => {
    const token = await h.token();
    await h.control('POST', '/clock', { advance_ms: 2 * 3600 * 1000 + 1000 });
    expect((await h.api('GET', `/tenants/${h.emu.partnerId}`, undefined, token)).status).toBe(401);
    await h.control('POST', '/seed', { dataset: 'demo' });
  });

  it('revokes tokens by client', async () => {
    const token = await h.token();
    expect((await h.control('POST', '/tokens/revoke', { client_id: h.emu.credentials.client_id })).body.revoked).toBeGreaterThanOrEqual(1);
    expect((await h.api('GET', `/tenants/${h.emu.partnerId}`, undefined, token)).status).toBe(401);
  });
});

describe('API clients', () => {
  it('tells a client its own tenant', async () => {
    const r = await h.api('GET', `/clients/${h.emu.credentials.client_id}`, undefined, await h.token());
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      client_id: h.emu.credentials.client_id,
      tenant_id: h.emu.partnerId,
      type: 'api_client',
      data: { client_name: expect.any(String) },
      created_by: expect.any(String),
      status: 'enabled',
    });
    expect(r.body.last_access_at).not.toBeNull();
  });

  it('creates extra clients through the control API that can log in', async () => {
    const created = await h.control('POST', '/clients', { client_name: 'second' });
    expect(created.status).toBe(201);
    const r = await tokenFor(h.emu.url, created.body.client_id, created.body.client_secret);
    expect(r.status).toBe(200);
  });

  it('creates a client with POST /clients (201, secret shown once)', async () => {
    const token = await h.token();
    const r = await h.api('POST', '/clients', { type: 'api_client', tenant_id: h.emu.partnerId, data: { client_name: 'MyApp' } }, token);
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ client_id: expect.any(String), client_secret: expect.any(String), tenant_id: h.emu.partnerId, client_secret_expires_at: 0 });
    expect((await h.api('GET', `/clients/${r.body.client_id}`, undefined, token)).body.client_secret).toBeUndefined();
  });

  it('answers unknown routes with 404 {error:{code:404,message:"Not found"}}', async () => {
    const r = await h.api('GET', '/nothing/here');
    expect(r.status).toBe(404);
    expect(r.body).toEqual({ error: { code: 404, message: 'Not found' } });
  });
});
