// The wire client against the Gradient emulator over real HTTP: every route's envelope, counts'
// 404 as "not mapped", alerts, the request window, and each bad input with what to fix.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startGradientEmulator, type GradientEmulator } from '../../../emulators/gradient/server.ts';
import { emulatorControl } from '../../../emulators/kit/raw-client.test-support.ts';
import { createCallCounter } from '../kit/call-metrics.ts';
import { startScriptedServer } from '../kit/scripted-server.test-support.ts';
import { createGradientClient, gradientApiUrl, type GradientClientOptions } from './client.ts';
import { connectorFailure as failure } from '../kit/connector-failure.test-support.ts';

let emu: GradientEmulator;
/** The emulator's control API; `emu` is started before any test runs. */
const control = (method: string, path: string, body?: unknown): Promise<any> => emulatorControl(emu.url)(method, path, body);
const noSleep = async () => {};
const client = (extra: Partial<GradientClientOptions> = {}) =>
  createGradientClient({ baseUrl: emu.url, vendorKey: emu.credentials.vendor_key, partnerKey: emu.credentials.partner_key, sleep: noSleep, ...extra });
beforeAll(async () => {
  emu = await startGradientEmulator({ port: 0, seed: 'demo' });
});
afterAll(async () => {
  await emu.close();
});
beforeEach(async () => {
  await control('POST', '/seed', { dataset: 'demo' });
});

describe('base URL', () => {
  it('adds /api/vendor-api to a host, keeps a full API URL, refuses what is not a URL', () => {
    expect(gradientApiUrl()).toBe('https://app.usegradient.com/api/vendor-api');
    expect(gradientApiUrl('https://app.usegradient.com/')).toBe('https://app.usegradient.com/api/vendor-api');
    expect(gradientApiUrl('https://gw.example/api/vendor-api/')).toBe('https://gw.example/api/vendor-api');
    expect(gradientApiUrl('https://gw.example/api')).toBe('https://gw.example/api/vendor-api');
    expect(() => gradientApiUrl('app.usegradient.com')).toThrow(/is not a URL: leave it empty for production/);
    expect(() => gradientApiUrl('ftp://x.example')).toThrow(/must start with https/);
  });
});

describe('the vendor API', () => {
  it('reads the integration (bare), the vendor (wrapped) and sets the status (wrapped)', async () => {
    const c = client();
    expect(await c.getIntegration()).toMatchObject({ name: 'Northwind MSP', status: 'inactive' });
    expect((await c.getVendor()).skus).toEqual([]);
    expect((await c.setStatus('pending')).status).toBe('pending');
  });

  it('creates accounts in one array, lists and renames them; creates, reads and updates services', async () => {
    const c = client();
    const created = await c.createAccounts([{ id: 't1', name: 'Coho Winery' }, { id: 't2', name: 'Fourth Coffee', description: 'Acronis customer tenant' }]);
    expect(created.map((a) => a.id)).toEqual(['t1', 't2']);
    expect(await c.createAccounts([])).toEqual([]);
    expect((await c.updateAccount('t2', { name: 'Fourth Coffee (deleted)' })).name).toBe('Fourth Coffee (deleted)');
    expect((await c.listAccounts()).map((a) => a.name)).toEqual(['Coho Winery', 'Fourth Coffee (deleted)']);
    const vendor = await c.createService({ name: 'Cloud storage', description: 'GB (binary)', category: 'backup', subcategory: 'cloud storage' });
    const sku = vendor.skus.find((s) => s.name === 'Cloud storage');
    expect(sku).toBeDefined();
    await c.updateService(sku!.id, { description: 'GB (1 GB = 1024³ bytes)' });
    expect((await c.getService(sku!.id))?.description).toBe('GB (1 GB = 1024³ bytes)');
    expect(await c.getService('0'.repeat(24))).toBeNull();
  });

  it('a count 404 is "not mapped" with Gradient\'s message; mapped pairs count; no_build goes in the query', async () => {
    const c = client();
    await c.createAccounts([{ id: 't1', name: 'Coho Winery' }]);
    const sku = (await c.createService({ name: 'Workstations', description: 'per workstation', category: 'backup', subcategory: 'cloud backup' })).skus[0]!;
    expect(await c.postCount(sku.id, { accountId: 't1', unitCount: 4 }, { noBuild: true })).toEqual({ outcome: 'not_mapped', message: 'No account map found with id: t1' });
    await c.setStatus('pending');
    await control('POST', `/services/${sku.id}/map`, { psaId: '9000' });
    expect(await c.postCount(sku.id, { accountId: 't1', unitCount: 4.25 }, { noBuild: true })).toEqual({ outcome: 'counted' });
    const counts = await control('GET', '/counts');
    expect(counts.items).toEqual([expect.objectContaining({ accountId: 't1', unitCount: 4.25, noBuild: true })]);
    expect(counts.builds).toBe(0);
    await c.postCount(sku.id, { accountId: 't1', unitCount: 5 }, { noBuild: false });
    expect((await control('GET', '/counts')).builds).toBe(1);
    expect((await c.getIntegration()).status).toBe('active');
    await expect(c.postCount(sku.id, { accountId: 't1', unitCount: -1 }, { noBuild: false })).rejects.toThrow(/Refusing to send set unit count to Gradient: unitCount/);
  });

  it('queues an alert and follows its delivery to a ticket', async () => {
    const c = client();
    await c.createAccounts([{ id: 't1', name: 'Coho Winery' }]);
    await c.setStatus('pending');
    const created = await c.createAlert('t1', { title: 'Backup failed', description: 'x', alertId: 'pb:1', priority: 3, status: 1 });
    expect((await c.getAlertDelivery(created.messageId)).status).toBe('pending');
    const done = await c.getAlertDelivery(created.messageId);
    expect(done).toMatchObject({ status: 'success', ticketId: expect.any(String), errors: [] });
  });
});

describe('bad input says what to fix', () => {
  it('a wrong vendor or partner key: auth_failed naming both keys and regeneration, the token nowhere', async () => {
    for (const keys of [{ vendorKey: 'wrong' }, { partnerKey: 'wrong' }]) {
      const error = await failure(client(keys).getIntegration());
      expect(error.code).toBe('auth_failed');
      expect(error.message).toMatch(/rejected the vendor key or the partner key .*check both keys.*regenerated/);
      expect(JSON.stringify(error.toJSON())).not.toContain(emu.credentials.partner_key);
      expect(JSON.stringify(error.toJSON())).not.toContain(Buffer.from(`${emu.credentials.vendor_key}:wrong`).toString('base64'));
    }
    expect(() => client({ partnerKey: ' ' })).toThrow(/lacks the partner key/);
  });

  it('a 403 anomaly is reported once, not retried', async () => {
    await control('PUT', '/limits', { anomaly: true });
    const calls = createCallCounter();
    const error = await failure(client({ onCall: calls.observe }).getIntegration());
    expect(error.code).toBe('forbidden');
    expect(error.message).toMatch(/anomaly .*Contact Gradient support/);
    expect(calls.total()).toBe(1);
  });

  it('a 429 storm is retried with backoff, then reported as rate limiting', async () => {
    await control('POST', '/faults', { kind: 'rate_limit', path: '/api/vendor-api/organization', retryAfterSeconds: 0 });
    const calls = createCallCounter();
    const error = await failure(client({ onCall: calls.observe }).getIntegration());
    expect(error.code).toBe('rate_limited');
    expect(error.message).toMatch(/more than 100 requests per second .*gave up after 4 attempts/);
    expect(calls.total()).toBe(4);
    await control('DELETE', '/faults');
    await control('POST', '/faults', { kind: 'status', status: 503, path: '/api/vendor-api/organization', count: 2 });
    expect((await client().getIntegration()).name).toBe('Northwind MSP');
  });

  it('a malformed or truncated answer is bad_payload naming the call', async () => {
    await control('POST', '/faults', { kind: 'malformed', path: '/api/vendor-api/organization/accounts', count: 1 });
    const error = await failure(client().listAccounts());
    expect(error.code).toBe('bad_payload');
    expect(error.message).toMatch(/Unexpected answer from Gradient GET \/organization\/accounts \(list accounts\): the body is not valid JSON/);
  });

  it('a base URL that is not Gradient: an HTML page or another API says so', async () => {
    const other = await startScriptedServer();
    try {
      other.script((_req, res) => {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<!doctype html><html><body>Welcome</body></html>');
      });
      const html = await failure(createGradientClient({ baseUrl: other.url, vendorKey: 'v', partnerKey: 'p', sleep: noSleep }).getIntegration());
      expect(html.code).toBe('unexpected_response');
      expect(html.message).toMatch(/HTML page, not the Gradient API/);
      other.script((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ items: [] }));
      });
      const json = await failure(createGradientClient({ baseUrl: other.url, vendorKey: 'v', partnerKey: 'p', sleep: noSleep }).getIntegration());
      expect(json.code).toBe('bad_payload');
      expect(json.message).toMatch(/organizationId/);
      // The token went to the URL it was entered for, in the one header.
      expect(other.requests[0]?.headers['gradient-token']).toBe(Buffer.from('v:p').toString('base64'));
    } finally {
      await other.close();
    }
  });
});

describe('request window', () => {
  it('300 calls at once reach Gradient at most 98 in any second (90 starts + 8 in flight) and meet no 429', async () => {
    await control('PUT', '/limits', { resetWindow: true });
    const c = client({ vendorKey: emu.credentials.vendor_key });
    const calls = createCallCounter();
    const counted = client({ onCall: calls.observe });
    const results = await Promise.all(Array.from({ length: 300 }, (_, i) => (i % 2 === 0 ? c : counted).getIntegration()));
    expect(results).toHaveLength(300);
    const limits = await control('GET', '/limits');
    expect(limits.refused).toBe(0);
    expect(limits.peakPerSecond).toBeLessThanOrEqual(98);
    expect(calls.records().every((r) => r.status === 200)).toBe(true);
  });
});
