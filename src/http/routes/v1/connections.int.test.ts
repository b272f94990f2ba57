import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseVendorHosts } from '../../../config/vendor-hosts.ts';
import { startAcronisEmulator } from '../../../../emulators/acronis/server.ts';
import { testDatabases } from '../../../../test/support/databases.ts';
import { startHub, type TestHub } from '../../../../test/support/hub.ts';

const SECRET = 'the-client-secret-0123456789';

describe.each(testDatabases())('connections API on $name', (db) => {
  let hub: TestHub;
  let emulator: Awaited<ReturnType<typeof startAcronisEmulator>>;
  let auth: Record<string, string>;

  beforeAll(async () => {
    emulator = await startAcronisEmulator({ port: 0, seed: 'demo' });
  });
  afterAll(async () => {
    await emulator.close();
  });
  beforeEach(async () => {
    hub = await startHub(db);
    auth = await hub.tokenHeaders();
  });
  afterEach(async () => {
    await hub.close();
  });

  const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
    hub.app.inject({ method, url: `/api/v1${url}`, headers: auth, ...(payload ? { payload } : {}) });

  const create = (overrides: Record<string, unknown> = {}) =>
    call('POST', '/connections', {
      name: 'eu2',
      baseUrl: emulator.url,
      clientId: emulator.credentials.client_id,
      clientSecret: emulator.credentials.client_secret,
      ...overrides,
    });

  it('creates, reads, lists, updates and deletes a connection without ever returning its secret', async () => {
    const created = await create({ clientSecret: SECRET });
    expect(created.statusCode).toBe(201);
    const connection = created.json();
    expect(connection).toMatchObject({
      name: 'eu2',
      baseUrl: emulator.url,
      clientId: emulator.credentials.client_id,
      hasSecret: true,
      status: 'unchecked',
      tenant: null,
    });
    expect(Object.keys(connection)).not.toContain('clientSecret');

    const responses = [
      created,
      await call('GET', '/connections'),
      await call('GET', `/connections/${connection.id}`),
      await call('PATCH', `/connections/${connection.id}`, { name: 'eu2-main', clientSecret: 'a-new-secret-987654' }),
    ];
    for (const res of responses) {
      expect(res.statusCode).toBeLessThan(300);
      expect(res.body).not.toContain(SECRET);
      expect(res.body).not.toContain('a-new-secret-987654');
      expect(res.body).not.toMatch(/secret"\s*:\s*"/i);
    }
    expect(responses[1]!.json().items).toHaveLength(1);
    expect(responses[3]!.json()).toMatchObject({ name: 'eu2-main' });
    expect((await hub.store.repos.connections.getCredentials(connection.id)).clientSecret).toBe('a-new-secret-987654');

    const deleted = await call('DELETE', `/connections/${connection.id}`);
    expect(deleted.statusCode).toBe(204);
    expect((await call('GET', `/connections/${connection.id}`)).statusCode).toBe(404);

    const audit = await hub.store.repos.auditLog.list({ subjectType: 'connection' });
    expect(audit.map((a) => a.action).sort()).toEqual(['connection.create', 'connection.delete', 'connection.update']);
    expect(audit.every((a) => a.actor === 'token:tests')).toBe(true);
    expect(JSON.stringify(audit)).not.toContain(SECRET);
    expect(JSON.stringify(audit)).not.toContain('a-new-secret-987654');
    expect(hub.logs.join('\n')).not.toContain(SECRET);
  });

  it('refuses a duplicate name with 409 and a clear message', async () => {
    expect((await create()).statusCode).toBe(201);
    const res = await create();
    expect(res.statusCode).toBe(409);
    expect(res.json()).toEqual({ error: { code: 'name_taken', message: 'A connection named "eu2" already exists; choose another name' } });
    const other = await create({ name: 'other' });
    const rename = await call('PATCH', `/connections/${other.json().id}`, { name: 'eu2' });
    expect(rename.statusCode).toBe(409);
  });

  it('names the field and what to fix when the input is invalid', async () => {
    const withPath = await create({ baseUrl: 'https://eu2-cloud.acronis.com/api/2' });
    expect(withPath.statusCode).toBe(400);
    expect(withPath.json().error.code).toBe('invalid_request');
    expect(withPath.json().error.message).toBe(
      'body.baseUrl: must be the data-center root without a path, such as https://eu2-cloud.acronis.com; remove "/api/2"',
    );
    expect(withPath.json().error.details).toEqual([expect.objectContaining({ field: 'body.baseUrl' })]);

    const missing = await call('POST', '/connections', { name: 'x', baseUrl: 'ftp://host' });
    expect(missing.statusCode).toBe(400);
    const message: string = missing.json().error.message;
    expect(message).toContain('body.baseUrl: must start with https://');
    expect(message).toContain('body.clientId: is required');
    expect(message).toContain('body.clientSecret: is required');

    const emptyPatch = await call('PATCH', '/connections/some-id', {});
    expect(emptyPatch.statusCode).toBe(400);
    expect(emptyPatch.json().error.message).toMatch(/at least one of name, baseUrl, clientId, clientSecret/);
  });

  it('refuses to delete a connection that integrations use (409 naming them)', async () => {
    const connection = (await create()).json();
    await hub.store.repos.integrations.create({ name: 'Autotask prod', connectionId: connection.id, target: 'autotask', credentials: {} });
    const res = await call('DELETE', `/connections/${connection.id}`);
    expect(res.statusCode).toBe(409);
    expect(res.json().error).toMatchObject({
      code: 'connection_in_use',
      message: 'Connection "eu2" is used by integration "Autotask prod"; delete it first',
    });
  });

  it('tests a saved connection against the vendor and records the outcome', async () => {
    const connection = (await create()).json();
    const res = await call('POST', `/connections/${connection.id}/test`);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    const partner = emulator.state.tenants.get(emulator.partnerId)!;
    expect(body).toEqual({ ok: true, tenant: { id: emulator.partnerId, name: partner.name, kind: 'partner' } });
    const after = (await call('GET', `/connections/${connection.id}`)).json();
    expect(after).toMatchObject({ status: 'ok', tenant: { id: body.tenant.id, name: body.tenant.name }, lastError: null });
    expect(after.lastCheckedAt).toEqual(expect.any(String));
  });

  it('reports a wrong secret as auth_failed with a helpful message, and stores it on the connection', async () => {
    const connection = (await create({ clientSecret: 'wrong-secret' })).json();
    const res = await call('POST', `/connections/${connection.id}/test`);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ ok: false, error: { code: 'auth_failed' } });
    expect(body.error.message).toMatch(/check the client id and secret/);
    expect(body.error.message).not.toContain('wrong-secret');
    const after = (await call('GET', `/connections/${connection.id}`)).json();
    expect(after.status).toBe('error');
    expect(after.lastError).toContain('auth_failed');
  });

  it('tests credentials before saving: success, and an unreachable URL', async () => {
    const ok = await call('POST', '/connections/test', {
      baseUrl: emulator.url,
      clientId: emulator.credentials.client_id,
      clientSecret: emulator.credentials.client_secret,
    });
    expect(ok.json()).toMatchObject({ ok: true, tenant: { kind: 'partner' } });

    const unreachable = await call('POST', '/connections/test', { baseUrl: 'http://127.0.0.1:1', clientId: 'x', clientSecret: 'y' });
    expect(unreachable.statusCode).toBe(200);
    expect(unreachable.json()).toMatchObject({ ok: false, error: { code: 'unreachable' } });
    expect(unreachable.json().error.message).toMatch(/127\.0\.0\.1:1/);
    expect(await hub.store.repos.connections.list()).toHaveLength(0);
  });

  it('answers 404 for unknown connection ids', async () => {
    for (const [method, url] of [
      ['GET', '/connections/nope'],
      ['PATCH', '/connections/nope'],
      ['DELETE', '/connections/nope'],
      ['POST', '/connections/nope/test'],
    ] as const) {
      const res = await call(method, url, method === 'PATCH' ? { name: 'x' } : undefined);
      expect(res.statusCode, `${method} ${url}`).toBe(404);
      expect(res.json()).toEqual({ error: { code: 'not_found', message: 'No connection with id "nope"' } });
    }
  });

  it('sends the stored secret to no other host: a changed baseUrl needs the secret again, naming the field', async () => {
    const listener = await startListener();
    try {
      const connection = (await create({ clientSecret: SECRET })).json();
      const moved = await call('PATCH', `/connections/${connection.id}`, { baseUrl: listener.url });
      expect(moved.statusCode).toBe(400);
      expect(moved.json().error).toMatchObject({
        code: 'secret_required',
        message: expect.stringMatching(/^body\.clientSecret: is required when baseUrl changes/),
        details: [{ field: 'body.clientSecret', message: expect.any(String) }],
      });
      expect((await hub.store.repos.connections.getCredentials(connection.id)).baseUrl).toBe(emulator.url);
      await call('POST', `/connections/${connection.id}/test`);
      expect(listener.requests).toEqual([]);

      // Same URL (as stored, or as typed with a slash): no secret needed.
      expect((await call('PATCH', `/connections/${connection.id}`, { baseUrl: `${emulator.url}/`, name: 'eu2-renamed' })).statusCode).toBe(200);
      // A new URL with the secret meant for it: accepted, and the test goes there with that secret only.
      expect((await call('PATCH', `/connections/${connection.id}`, { baseUrl: listener.url, clientSecret: 'secret-for-the-listener' })).statusCode).toBe(200);
      await call('POST', `/connections/${connection.id}/test`);
      expect(listener.requests.length).toBeGreaterThan(0);
      expect(JSON.stringify(listener.requests)).not.toContain(Buffer.from(`${emulator.credentials.client_id}:${SECRET}`).toString('base64'));
      expect(JSON.stringify(listener.requests)).not.toContain(SECRET);
    } finally {
      await listener.close();
    }
  });

  it("sends credentials only to the vendor's hosts by default: no test of loopback or private addresses", async () => {
    await hub.close();
    hub = await startHub(db, { vendorHosts: parseVendorHosts(undefined) });
    auth = await hub.tokenHeaders();
    const listener = await startListener();
    try {
      for (const baseUrl of [listener.url, 'http://10.0.0.5:22', 'http://169.254.169.254', 'http://localhost:5432', 'https://collector.example.net']) {
        const probe = await call('POST', '/connections/test', { baseUrl, clientId: 'x', clientSecret: 'y' });
        expect(probe.statusCode, baseUrl).toBe(400);
        expect(probe.json().error.code).toBe('vendor_host_not_allowed');
        expect(probe.json().error.message).toMatch(/^body\.baseUrl: the host .* PSA_BRIDGE_VENDOR_HOSTS \(now: \*\.acronis\.com, \*\.acronis\.cloud\)/);
        expect((await create({ baseUrl, name: `n${Math.random()}` })).statusCode, baseUrl).toBe(400);
      }
      expect(listener.requests).toEqual([]);
      expect(await hub.store.repos.connections.list()).toHaveLength(0);

      // Stored before the list was narrowed: the saved test says why it does not go out.
      const saved = await hub.store.repos.connections.create({ name: 'old', baseUrl: listener.url, clientId: 'c', clientSecret: SECRET });
      const test = await call('POST', `/connections/${saved.id}/test`);
      expect(test.json()).toMatchObject({ ok: false, error: { code: 'vendor_host_not_allowed' } });
      expect(listener.requests).toEqual([]);
    } finally {
      await listener.close();
    }
  });
});

/** A host of someone else's: records what reaches it (headers and body), answers 404. */
async function startListener(): Promise<{ url: string; requests: { url: string; headers: Record<string, unknown>; body: string }[]; close(): Promise<void> }> {
  const requests: { url: string; headers: Record<string, unknown>; body: string }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      requests.push({ url: req.url ?? '', headers: req.headers, body });
      res.writeHead(404, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, requests, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
