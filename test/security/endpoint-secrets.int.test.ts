// A stored secret goes only to the host it was entered for. Whoever holds an API token could change an
// integration's site, site URL or zone discovery URL (every credential field a manifest flags as an
// endpoint, and Autotask's zoneUrl connector setting) to a listener of their own and then make the hub
// call it (mappings?reload, catalog, the credential test). The change must bring the secrets again.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startAcronisEmulator } from '../../emulators/acronis/server.ts';
import { testDatabases } from '../support/databases.ts';
import { startHub, type TestHub } from '../support/hub.ts';

interface Listener {
  url: string;
  requests: string[];
  close(): Promise<void>;
}

/** Someone else's host: records every request (line, headers, body) as text, answers 404. */
async function startListener(): Promise<Listener> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      requests.push(`${req.method} ${req.url} ${JSON.stringify(req.headers)} ${body}`);
      res.writeHead(404, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, requests, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

const STORED: Record<string, { credentials: Record<string, string>; endpoint: string; secrets: string[]; endpointValue: (url: string) => string }> = {
  autotask: {
    credentials: { username: 'api@msp.example', secret: 'stored-autotask-secret', integrationCode: 'STOREDINTEGRATIONCODE', discoveryUrl: 'http://127.0.0.1:1/ATServicesRest/' },
    endpoint: 'discoveryUrl',
    secrets: ['secret', 'integrationCode'],
    endpointValue: (url) => `${url}/ATServicesRest/`,
  },
  connectwise: {
    credentials: { site: 'http://127.0.0.1:1', companyId: 'msp', publicKey: 'pub', privateKey: 'stored-connectwise-private-key', clientId: 'client' },
    endpoint: 'site',
    secrets: ['privateKey'],
    endpointValue: (url) => url,
  },
  cloudblue: {
    credentials: { siteUrl: 'http://127.0.0.1:1', apiKey: 'stored-cloudblue-api-key' },
    endpoint: 'siteUrl',
    secrets: ['apiKey'],
    endpointValue: (url) => url,
  },
};

describe.each(testDatabases())('secrets bound to their endpoint on $name', (db) => {
  let hub: TestHub;
  let listener: Listener;
  let acronis: Awaited<ReturnType<typeof startAcronisEmulator>>;
  beforeAll(async () => {
    acronis = await startAcronisEmulator({ port: 0, seed: 'demo' });
  });
  afterAll(async () => {
    await acronis.close();
  });
  beforeEach(async () => {
    hub = await startHub(db);
    listener = await startListener();
  });
  afterEach(async () => {
    await listener.close();
    await hub.close();
  });

  const call = async (method: 'GET' | 'POST' | 'PATCH' | 'PUT', url: string, payload?: object) =>
    hub.app.inject({ method, url: `/api/v1${url}`, headers: await hub.tokenHeaders(), ...(payload ? { payload } : {}) });

  async function integrationOf(target: string): Promise<string> {
    // A working vendor side, so the routes below get as far as calling the target.
    const connection = await hub.store.repos.connections.create({
      name: `dc-${target}`,
      baseUrl: acronis.url,
      clientId: acronis.credentials.client_id,
      clientSecret: acronis.credentials.client_secret,
      tenantId: acronis.partnerId,
    });
    const created = await call('POST', '/integrations', { name: `psa-${target}`, target, connectionId: connection.id, credentials: STORED[target]!.credentials });
    expect(created.statusCode, created.body).toBe(201);
    return created.json().id as string;
  }

  /** Everything that makes the hub call the target with its stored credentials. */
  async function provoke(id: string, target: string): Promise<void> {
    await call('GET', `/integrations/${id}/mappings?reload=true`);
    await call('GET', `/integrations/${id}/catalog`);
    await call('GET', `/integrations/${id}/callbacks`);
  }

  it.each(Object.keys(STORED))('%s: a changed endpoint without the secrets is refused naming each, and the stored ones never reach the new host', async (target) => {
    const spec = STORED[target]!;
    const id = await integrationOf(target);
    const moved = await call('PATCH', `/integrations/${id}`, { credentials: { [spec.endpoint]: spec.endpointValue(listener.url) } });
    expect(moved.statusCode).toBe(400);
    expect(moved.json().error).toMatchObject({ code: 'secrets_required' });
    expect(moved.json().error.details.map((d: { field: string }) => d.field)).toEqual(spec.secrets.map((s) => `body.credentials.${s}`));
    expect(moved.json().error.message).toContain(`is required when ${spec.endpoint} changes`);
    // Half the secrets is not enough either.
    if (spec.secrets.length > 1) {
      const half = await call('PATCH', `/integrations/${id}`, { credentials: { [spec.endpoint]: spec.endpointValue(listener.url), [spec.secrets[0]!]: 'x-new' } });
      expect(half.json().error.details.map((d: { field: string }) => d.field)).toEqual([`body.credentials.${spec.secrets[1]}`]);
    }
    expect((await hub.store.repos.integrations.getCredentials(id))[spec.endpoint]).toBe(spec.credentials[spec.endpoint]);

    await provoke(id, target);
    expect(listener.requests).toEqual([]);

    // With the secrets meant for the new host: accepted; the listener then sees those, never the stored ones.
    const fresh = Object.fromEntries(spec.secrets.map((s) => [s, `fresh-${s}-for-listener`]));
    const accepted = await call('PATCH', `/integrations/${id}`, { credentials: { [spec.endpoint]: spec.endpointValue(listener.url), ...fresh } });
    expect(accepted.statusCode, accepted.body).toBe(200);
    await provoke(id, target);
    expect(listener.requests.length).toBeGreaterThan(0);
    const seen = listener.requests.join('\n');
    for (const secret of spec.secrets) {
      expect(seen).not.toContain(spec.credentials[secret]);
      expect(seen).not.toContain(Buffer.from(spec.credentials[secret]!).toString('base64'));
    }
    // Other fields change freely.
    const renamed = await call('PATCH', `/integrations/${id}`, { name: `renamed-${target}` });
    expect(renamed.statusCode).toBe(200);
  });

  it("autotask: the zoneUrl connector setting (where calls go after discovery) needs the secrets too, and takes them alongside", async () => {
    const id = await integrationOf('autotask');
    const moved = await call('PATCH', `/integrations/${id}/settings/connector`, { zoneUrl: `${listener.url}/ATServicesRest/` });
    expect(moved.statusCode).toBe(400);
    expect(moved.json().error).toMatchObject({ code: 'secrets_required', message: expect.stringContaining('is required when zoneUrl changes') });
    expect(await hub.store.repos.settings.get(id, 'connector')).toBeUndefined();
    await provoke(id, 'autotask');
    expect(listener.requests).toEqual([]);

    const accepted = await call('PATCH', `/integrations/${id}/settings/connector`, {
      zoneUrl: `${listener.url}/ATServicesRest/`,
      credentials: { secret: 'fresh-secret', integrationCode: 'FRESHCODE' },
    });
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect(accepted.body).not.toContain('fresh-secret');
    expect(await hub.store.repos.integrations.getCredentials(id)).toMatchObject({ secret: 'fresh-secret', integrationCode: 'FRESHCODE' });
    // Other connector settings change without secrets.
    expect((await call('PATCH', `/integrations/${id}/settings/connector`, { paygUdfName: 'PAYG' })).statusCode).toBe(200);
    await provoke(id, 'autotask');
    const seen = listener.requests.join('\n');
    expect(seen).not.toContain('stored-autotask-secret');
    expect(seen).not.toContain('STOREDINTEGRATIONCODE');
  });
});
