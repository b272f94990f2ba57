import { beforeEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './test-support.ts';
import { harnessPerFile } from '../kit/harness-per-file.test-support.ts';

const h = harnessPerFile(startHarness, 'empty', { reseedEachTest: true });
beforeEach(async () => {
  await h.control('PUT', '/limits', { resetWindow: true, requestsPerSecond: 100, anomaly: false });
});

describe('limits', () => {
  it('answers 429 with Retry-After above 100 requests in any second, and never lets 101 through', async () => {
    // A burst of 300 normally lands within one second; on a loaded machine it may not, so burst again
    // (the clock moved past the window) until one did.
    let replies: Awaited<ReturnType<Harness['api']>>[] = [];
    let refused: typeof replies = [];
    for (let burst = 0; burst < 5 && refused.length === 0; burst++) {
      await h.control('POST', '/clock', { advance_ms: 1500 });
      await h.control('PUT', '/limits', { resetWindow: true });
      replies = await Promise.all(Array.from({ length: 300 }, () => h.api('GET', '/organization')));
      refused = replies.filter((r) => r.status === 429);
    }
    expect(refused.length).toBeGreaterThan(0);
    expect(refused[0]?.body).toEqual({ statusCode: 429, message: 'ThrottlerException: Too Many Requests' });
    expect(Number(refused[0]?.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // The limiter's own view: the most requests it accepted in any one-second window.
    const limits = (await h.control('GET', '/limits')).body;
    expect(limits.peakPerSecond).toBe(100);
    expect(limits.refused).toBe(refused.length);
    expect(replies.filter((r) => r.status === 200).length).toBeGreaterThanOrEqual(100);
    await h.control('POST', '/clock', { advance_ms: 1500 });
    expect((await h.api('GET', '/organization')).status).toBe(200);
  });

  it('the anomaly switch answers 403 to everything', async () => {
    await h.control('PUT', '/limits', { anomaly: true });
    const r = await h.api('GET', '/organization');
    expect(r.status).toBe(403);
    expect(r.body).toMatchObject({ statusCode: 403, error: 'Forbidden', message: expect.stringMatching(/anomaly/) });
  });

  it('injected faults use the NestJS body', async () => {
    await h.control('POST', '/faults', { kind: 'status', status: 503, path: '/api/vendor-api/organization', count: 1 });
    const r = await h.api('GET', '/organization');
    expect(r.status).toBe(503);
    expect(r.body).toEqual({ statusCode: 503, message: 'Injected fault', error: 'Service Unavailable' });
  });
});
