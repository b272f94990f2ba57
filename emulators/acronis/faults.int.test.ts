// Fault injection against the Acronis API: what a resilient client must survive.
import { beforeEach, describe, expect, it } from 'vitest';
import { startHarness } from './test-support.ts';
import { harnessPerFile } from '../kit/harness-per-file.test-support.ts';

const h = harnessPerFile(startHarness, 'demo', { reseedEachTest: true });
let token: string;
beforeEach(async () => {
  token = await h.token();
});

const get = (path: string, init: RequestInit = {}) =>
  fetch(`${h.emu.url}/api/2${path}`, { ...init, headers: { authorization: `Bearer ${token}` } });

describe('faults on the Acronis API', () => {
  it('429 with Retry-After and the error{} body, then normal service', async () => {
    await h.control('POST', '/faults', { kind: 'rate_limit', path: '/api/2/tenants', retryAfterSeconds: 2, count: 1 });
    const res = await get(`/tenants/${h.emu.partnerId}`);
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('2');
    expect(await res.json()).toMatchObject({ error: { code: 429 } });
    expect((await get(`/tenants/${h.emu.partnerId}`)).status).toBe(200);
  });

  it('500 answers without touching state', async () => {
    await h.control('POST', '/faults', { kind: 'status', status: 500, method: 'POST', path: '/api/2/tenants', count: 1 });
    const r = await h.api('POST', '/tenants', { name: 'Faulted', kind: 'customer', parent_id: h.emu.partnerId }, token);
    expect(r.status).toBe(500);
    expect(r.body.error.code).toBe(500);
    const retry = await h.api('POST', '/tenants', { name: 'Faulted', kind: 'customer', parent_id: h.emu.partnerId }, token);
    expect(retry.status).toBe(201);
  });

  it('malformed: 200 with a truncated JSON body', async () => {
    await h.control('POST', '/faults', { kind: 'malformed', path: '/api/2/tenants/*/usages' });
    const res = await get(`/tenants/${h.emu.partnerId}/usages`);
    expect(res.status).toBe(200);
    await expect(res.json()).rejects.toThrow(SyntaxError);
    expect((await get(`/tenants/${h.emu.partnerId}`)).status).toBe(200);
  });

  it('drop: the connection closes without a response', async () => {
    await h.control('POST', '/faults', { kind: 'drop', path: '/api/alert_manager', count: 1 });
    await expect(fetch(`${h.emu.url}/api/alert_manager/v1/alerts`, { headers: { authorization: `Bearer ${token}` } })).rejects.toThrow();
    const log = await h.control('GET', '/requests');
    expect(log.body.items.at(-1)).toMatchObject({ path: '/api/alert_manager/v1/alerts', status: 0, fault: 'drop' });
  });

  it('timeout: the request hangs until the client gives up', async () => {
    await h.control('POST', '/faults', { kind: 'timeout', path: '/api/2/idp/token', count: 1 });
    const hung = fetch(`${h.emu.url}/api/2/idp/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
      signal: AbortSignal.timeout(300),
    });
    await expect(hung).rejects.toThrow();
    expect((await h.token()).length).toBeGreaterThan(10);
  });

  it('share with a seed gives the same failures each time', async () => {
    const run = async () => {
      await h.control('DELETE', '/faults');
      await h.control('POST', '/faults', { rules: [{ kind: 'status', status: 503, share: 0.4 }], seed: 99 });
      const statuses: number[] = [];
      for (let i = 0; i < 15; i++) statuses.push((await get(`/tenants/${h.emu.partnerId}`)).status);
      return statuses;
    };
    const first = await run();
    expect(await run()).toEqual(first);
    expect(new Set(first)).toEqual(new Set([200, 503]));
  });

  it('never faults the control API', async () => {
    await h.control('POST', '/faults', { kind: 'drop' });
    expect((await h.control('GET', '/health')).status).toBe(200);
    expect((await h.control('GET', '/state')).body.state.partner_id).toBe(h.emu.partnerId);
  });
});
