import { describe, expect, it } from 'vitest';
import { all, startHarness } from './test-support.ts';
import { harnessPerFile } from '../kit/harness-per-file.test-support.ts';

const h = harnessPerFile(startHarness, 'demo', { reseedEachTest: true });

describe('request threshold', () => {
  it('counts requests in ThresholdInformation, refuses past the threshold, and recovers as the hour rolls', async () => {
    await h.control('PUT', '/limits', { threshold: 50, latencyAt50Ms: 0, latencyAt75Ms: 0 });
    const first = await h.api('GET', '/ThresholdInformation');
    expect(first.body).toEqual({ externalRequestThreshold: 50, requestThresholdTimeframe: 60, currentTimeframeRequestCount: 1 });
    for (let i = 0; i < 10; i++) await h.api('GET', '/Companies/0');
    expect((await h.api('GET', '/thresholdinformation')).body.currentTimeframeRequestCount).toBe(12);
    // Zone lookups and failed logins are not counted.
    await fetch(`${h.emu.url}/ATServicesRest/V1.0/zoneInformation?user=${encodeURIComponent(h.emu.credentials.username)}`);
    await h.api('GET', '/Companies/0', undefined, { ...h.headers, Secret: 'wrong' });
    expect((await h.api('GET', '/ThresholdInformation')).body.currentTimeframeRequestCount).toBe(13);
    for (let i = 13; i < 50; i++) expect((await h.api('POST', '/Companies/query', { filter: [all], MaxRecords: 1 })).status).toBe(200);
    const refused = await h.api('GET', '/Companies/0');
    expect(refused.status).toBe(429);
    expect(refused.body.errors[0]).toMatch(/threshold/);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    const limits = (await h.control('GET', '/limits')).body;
    expect(limits).toMatchObject({ threshold: 50, currentTimeframeRequestCount: 50 });
    expect(limits.stats.refusedThreshold).toBe(1);
    expect(limits.stats.delayed).toBe(26);
    await h.control('POST', '/clock', { advance_ms: 60 * 60 * 1000 + 1 });
    expect((await h.api('GET', '/Companies/0')).status).toBe(200);
    expect((await h.api('GET', '/ThresholdInformation')).body.currentTimeframeRequestCount).toBe(2);
  });

  it('shares the budget with other integrations on the database (control: addRequests)', async () => {
    await h.control('PUT', '/limits', { addRequests: 10_000 });
    expect((await h.api('GET', '/ThresholdInformation')).status).toBe(429);
  });

  it('adds latency from 50 % of the threshold', async () => {
    await h.control('PUT', '/limits', { threshold: 10, latencyAt50Ms: 5, latencyAt75Ms: 10, addRequests: 4 });
    await h.api('GET', '/Companies/0');
    expect((await h.control('GET', '/limits')).body.stats.delayed).toBe(1);
  });
});

describe('thread limit', () => {
  it('refuses the 4th concurrent request to one endpoint with 429, but not other endpoints', async () => {
    await h.control('PUT', '/limits', { workDelayMs: 400 });
    const companies = Array.from({ length: 4 }, () => h.api('POST', '/Companies/query', { filter: [all], MaxRecords: 1 }));
    const other = h.api('GET', '/Contracts/query?search=' + encodeURIComponent(JSON.stringify({ filter: [all], MaxRecords: 1 })));
    const results = await Promise.all(companies);
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 200, 200, 429]);
    const refused = results.find((r) => r.status === 429)!;
    expect(refused.body.errors[0]).toMatch(/Thread limit/);
    expect((await other).status).toBe(200);
    const limits = (await h.control('GET', '/limits')).body;
    expect(limits.stats.refusedThreads).toBe(1);
    expect(Object.values(limits.stats.peakThreads)).toContain(3);
    expect(limits.inFlight).toEqual({});
    await h.control('PUT', '/limits', { workDelayMs: 0 });
    expect((await h.api('POST', '/Companies/query', { filter: [all], MaxRecords: 1 })).status).toBe(200);
  });

  it('counts child routes against the child entity', async () => {
    await h.control('PUT', '/limits', { workDelayMs: 300, threadLimit: 1 });
    const contract = h.emu.state.table('Contracts').rows.values().next().value!.id;
    const [a, b] = await Promise.all([h.api('GET', `/Contracts/${contract}/Services`), h.api('POST', '/ContractServices/query', { filter: [all] })]);
    expect([a.status, b.status].sort()).toEqual([200, 429]);
  });
});

describe('faults (kit)', () => {
  it('answers injected 5xx and 429 with the Autotask error body', async () => {
    await h.control('POST', '/faults', { kind: 'status', status: 503, path: '/ATServicesRest/V1.0/Companies', count: 1 });
    const r = await h.api('GET', '/Companies/0');
    expect(r.status).toBe(503);
    expect(r.body).toEqual({ errors: ['Injected fault'] });
    expect((await h.api('GET', '/Companies/0')).status).toBe(200);
    await h.control('POST', '/faults', { kind: 'rate_limit', retryAfterSeconds: 7, count: 1 });
    const limited = await h.api('GET', '/Companies/0');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect(limited.body).toEqual({ errors: ['Too many requests'] });
    const log = (await h.control('GET', '/requests')).body.items;
    expect(log.some((e: { fault?: string }) => e.fault === 'status')).toBe(true);
  });
});

describe('control API', () => {
  it('inspects entities, seeds datasets and sets the clock', async () => {
    const companies = await h.control('GET', '/entities/companies?limit=2');
    expect(companies.body).toMatchObject({ entity: 'Companies', total: 37, items: [expect.objectContaining({ id: 0 }), expect.any(Object)] });
    const state = await h.control('GET', '/state');
    expect(state.body.state.tables.Contracts).toBeGreaterThan(20);
    const future = new Date(Date.now() + 3 * 86_400_000).toISOString();
    expect((await h.control('POST', '/clock/set', { now: future })).status).toBe(200);
    const seeded = await h.control('POST', '/seed', { dataset: 'empty' });
    expect(seeded.body.credentials).toEqual({ username: expect.any(String), secret: expect.any(String), integration_code: expect.any(String) });
    expect((await h.control('GET', '/entities/Companies')).body.total).toBe(1);
  });
});
