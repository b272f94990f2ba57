import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { collect } from '../kit/paging.ts';
import { API_USER_REQUIRED_MESSAGE } from './client.ts';
import { buildQuery, where } from './query.ts';
import { startAutotaskHarness, type AutotaskHarness } from './test-support.ts';
import * as wire from './wire.ts';
import { connectorFailure as failure } from '../kit/connector-failure.test-support.ts';

let h: AutotaskHarness;

beforeAll(async () => {
  h = await startAutotaskHarness('demo');
});
afterAll(async () => {
  await h.close();
});
afterEach(async () => {
  await h.control('DELETE', '/faults');
  await h.control('PUT', '/limits', { threshold: 10_000, latencyAt50Ms: 500, latencyAt75Ms: 1000, workDelayMs: 0, threadLimit: 3, resetWindow: true });
});

interface Limits {
  currentTimeframeRequestCount: number;
  stats: { refusedThreads: number; refusedThreshold: number; peakThreads: Record<string, number> };
}

describe('zone discovery and auth', () => {
  it('discovers the zone once, without credentials, and calls under its url', async () => {
    const { target, calls } = h.target();
    const check = await target.testConnection();
    expect(check.displayName).toMatch(/Autotask America East \(zone 5\) as psabridge\./);
    await target.client.zone();
    expect(calls.total({ operation: 'discover zone' })).toBe(1);
    expect((await target.client.zone()).url).toBe(h.emu.zoneUrl);
  });

  it('tells an unknown user, a wrong secret and a wrong integration code apart, without retrying', async () => {
    const c = h.emu.credentials;
    const unknown = h.target({ credentials: { username: 'nobody@example.com', secret: c.secret, integrationCode: c.integration_code } });
    const e1 = await failure(unknown.target.testConnection());
    expect(e1.code).toBe('auth_failed');
    expect(e1.message).toMatch(/does not know the user name 'nobody@example.com'/);
    expect(unknown.calls.total()).toBe(1);

    const secret = h.target({ credentials: { username: c.username, secret: 'wrong', integrationCode: c.integration_code } });
    const e2 = await failure(secret.target.testConnection());
    expect(e2).toMatchObject({ code: 'auth_failed', status: 401, vendorCode: 'bad_secret' });
    expect(e2.message).toMatch(/rejected the secret of user/);
    expect(e2.message).not.toContain('wrong');

    const code = h.target({ credentials: { username: c.username, secret: c.secret, integrationCode: 'NOPE' } });
    const e3 = await failure(code.target.testConnection());
    expect(e3).toMatchObject({ code: 'auth_failed', status: 500, vendorCode: 'bad_integration_code' });
    expect(e3.message).toMatch(/does not accept the integration code/);
    expect(code.calls.total({ operation: 'read request threshold' })).toBe(1);
  });

  it("reports a regular (non-API) user with the seed's upgrade text", async () => {
    const user = await h.control<{ userName: string; secret: string }>('POST', '/users', {});
    const { target } = h.target({ credentials: { username: user.userName, secret: user.secret, integrationCode: h.emu.credentials.integration_code } });
    const error = await failure(target.testConnection());
    expect(error.code).toBe('auth_failed');
    expect(error.message).toBe(API_USER_REQUIRED_MESSAGE);
    expect(error.message).toBe(
      'Please create an API user with the integration name "Acronis - Acronis Cyber Cloud" and update current user credentials, according to the Autotask PSA API version 1.6 requirements.',
    );
  });
});

describe('limits', () => {
  it('never sends more than 3 concurrent requests to one endpoint, even from two clients of one integration', async () => {
    await h.control('PUT', '/limits', { workDelayMs: 60, latencyAt50Ms: 0, latencyAt75Ms: 0 });
    const a = h.target();
    const b = h.target();
    const reads = Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? a : b).target.client.get('Companies', 0, wire.company, { operation: 'read company' }));
    const rows = await Promise.all(reads);
    expect(rows.every((r) => r?.id === 0)).toBe(true);
    const limits = await h.control<Limits>('GET', '/limits');
    expect(limits.stats.refusedThreads).toBe(0);
    expect(Math.max(...Object.values(limits.stats.peakThreads))).toBeLessThanOrEqual(3);
  });

  it('honours 429 + Retry-After and retries 5xx', async () => {
    const { target, calls, sleeps } = h.target();
    await target.client.zone();
    await h.control('POST', '/faults', { kind: 'rate_limit', retryAfterSeconds: 7, count: 1, path: '/ATServicesRest/V1.0/Companies' });
    expect((await target.client.get('Companies', 0, wire.company, { operation: 'read company' }))?.id).toBe(0);
    expect(sleeps).toContain(7000);
    await h.control('POST', '/faults', { kind: 'status', status: 503, count: 2, path: '/ATServicesRest/V1.0/Contracts' });
    const before = calls.total({ operation: 'count contracts' });
    expect(await target.client.count('Contracts', buildQuery([where.all()]), { operation: 'count contracts' })).toBeGreaterThan(0);
    expect(calls.total({ operation: 'count contracts' }) - before).toBe(3);
  });

  it('turns a malformed body into bad_payload naming the call', async () => {
    const { target } = h.target();
    await target.client.zone();
    await h.control('POST', '/faults', { kind: 'malformed', count: 1, path: '/ATServicesRest/V1.0/Companies/query' });
    const error = await failure(collect(target.directory.listCompanies()));
    expect(error.code).toBe('bad_payload');
    expect(error.message).toMatch(/Autotask POST \/Companies\/query \(list companies\)/);
  });

  it('slows down and then refuses before the hourly threshold, so the emulator never has to', async () => {
    await h.control('PUT', '/limits', { threshold: 60, latencyAt50Ms: 0, latencyAt75Ms: 0, resetWindow: true });
    const { target, sleeps } = h.target({ budget: { syncEveryRequests: 10, maxPaceMs: 25 } });
    let sent = 0;
    const error = await failure(
      (async () => {
        for (;;) {
          await target.client.get('Companies', 0, wire.company, { operation: 'read company' });
          sent += 1;
        }
      })(),
    );
    expect(error).toMatchObject({ code: 'rate_limited', vendorCode: 'budget_exhausted' });
    expect(error.retryAfterMs).toBeGreaterThan(0);
    expect(error.message).toMatch(/budget returns around/);
    expect(sleeps.filter((ms) => ms === 25).length).toBeGreaterThan(0); // paced from 50 %
    const limits = await h.control<Limits>('GET', '/limits');
    expect(limits.stats.refusedThreshold).toBe(0);
    expect(limits.currentTimeframeRequestCount).toBeLessThanOrEqual(54); // normal work stops at 90 %
    expect(sent).toBeGreaterThan(30);
    const budget = target.budget();
    expect(budget).toMatchObject({ limit: 60, windowMs: 3_600_000 });
    expect(budget.used).toBe(limits.currentTimeframeRequestCount);
    // Interactive work still has room; background work was refused long before.
    expect((await target.client.get('Companies', 0, wire.company, { operation: 'read company', priority: 'interactive' }))?.id).toBe(0);
    expect((await failure(target.client.get('Companies', 0, wire.company, { operation: 'read company', priority: 'background' }))).vendorCode).toBe('budget_exhausted');
  });

  it('counts what other integrations spend (ThresholdInformation) and stops on the threshold 429 until it lifts', async () => {
    await h.control('PUT', '/limits', { threshold: 100, latencyAt50Ms: 0, latencyAt75Ms: 0, resetWindow: true, addRequests: 85 });
    const { target, calls } = h.target();
    const error = await failure(collect(target.directory.listCompanies()));
    expect(error).toMatchObject({ code: 'rate_limited', vendorCode: 'budget_exhausted' });
    expect(calls.total({ operation: 'list companies' })).toBe(0); // background work stops at 75 %

    // Others spend the rest behind our back: the threshold's own 429 suspends us.
    const fresh = h.target();
    await fresh.target.client.threshold();
    await h.control('PUT', '/limits', { addRequests: 20 });
    const refused = await failure(fresh.target.client.get('Companies', 0, wire.company, { operation: 'read company', priority: 'interactive' }));
    expect(refused).toMatchObject({ code: 'rate_limited', vendorCode: 'threshold_exceeded', status: 429 });
    const sent = fresh.calls.total();
    const next = await failure(fresh.target.client.get('Companies', 0, wire.company, { operation: 'read company', priority: 'interactive' }));
    expect(next.vendorCode).toBe('budget_exhausted');
    expect(fresh.calls.total()).toBe(sent);
    expect(fresh.target.budget().suspendedUntil).not.toBeNull();
  });
});
