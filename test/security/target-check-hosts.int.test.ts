// "Test credentials" of a not-yet-saved integration (POST /integrations/test) calls the endpoint that
// was typed in (Autotask's discovery URL, the ConnectWise site, the CloudBlue site URL, Gradient's
// base URL). Like the connection test, it must not be a port scanner of the hub's network: a host
// inside it (loopback, private, link-local) is refused before any call, unless
// PSA_BRIDGE_VENDOR_HOSTS lists it (the demo and the tests list 127.0.0.1 for their emulators).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { parseVendorHosts } from '../../src/config/vendor-hosts.ts';
import { testDatabases } from '../support/databases.ts';
import { startHub, type TestHub } from '../support/hub.ts';

async function startListener(): Promise<{ url: string; port: number; requests: string[]; close(): Promise<void> }> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    res.writeHead(404, { 'content-type': 'application/json' }).end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, port, requests, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

const probes = (url: string, port: number) => [
  { target: 'autotask', credentials: { username: 'u', secret: 's', integrationCode: 'c', discoveryUrl: `${url}/ATServicesRest/` } },
  { target: 'connectwise', credentials: { site: `127.0.0.1:${port}`, companyId: 'acme', publicKey: 'p', privateKey: 'k', clientId: 'c' } },
  { target: 'cloudblue', credentials: { siteUrl: url, apiKey: 'k' } },
  { target: 'gradient', credentials: { vendorKey: 'v', partnerKey: 'p', baseUrl: url } },
  { target: 'autotask', credentials: { username: 'u', secret: 's', integrationCode: 'c', discoveryUrl: 'http://169.254.169.254/latest/' } },
  { target: 'cloudblue', credentials: { siteUrl: 'http://10.0.0.5:22', apiKey: 'k' } },
  { target: 'gradient', credentials: { vendorKey: 'v', partnerKey: 'p', baseUrl: 'http://localhost:5432' } },
];

describe.each(testDatabases())('target credential check hosts on $name', (db) => {
  let hub: TestHub | undefined;
  afterEach(async () => {
    await hub?.close();
    hub = undefined;
  });

  it('refuses hosts inside the network by default, before any call', async () => {
    hub = await startHub(db, { vendorHosts: parseVendorHosts(undefined) });
    const auth = await hub.tokenHeaders();
    const listener = await startListener();
    try {
      for (const probe of probes(listener.url, listener.port)) {
        // Each field must be one the target declares: an unknown field would be refused for another reason.
        const res = await hub.app.inject({ method: 'POST', url: '/api/v1/integrations/test', headers: auth, payload: probe });
        expect(res.statusCode, JSON.stringify(probe)).toBe(400);
        expect(res.json().error.code, JSON.stringify(res.json())).toBe('target_host_not_allowed');
        expect(res.json().error.message).toMatch(/^body\.credentials\.\w+: the host .* is inside the network and not listed; .*PSA_BRIDGE_VENDOR_HOSTS/);
      }
      expect(listener.requests).toEqual([]);
    } finally {
      await listener.close();
    }
  });

  it('calls a listed loopback host (as the demo and the tests list their emulators)', async () => {
    hub = await startHub(db, { vendorHosts: parseVendorHosts('*.acronis.com,127.0.0.1') });
    const auth = await hub.tokenHeaders();
    const listener = await startListener();
    try {
      const [autotask] = probes(listener.url, listener.port);
      const res = await hub.app.inject({ method: 'POST', url: '/api/v1/integrations/test', headers: auth, payload: autotask });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ ok: false });
      expect(listener.requests.length).toBeGreaterThan(0);
    } finally {
      await listener.close();
    }
  });
});
