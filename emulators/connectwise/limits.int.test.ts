import { describe, expect, it } from 'vitest';
import { startHarness } from './test-support.ts';
import { harnessPerFile } from '../kit/harness-per-file.test-support.ts';

const h = harnessPerFile(startHarness, 'empty', { reseedEachTest: true });

describe('request rate limit', () => {
  it('answers 429 with Retry-After past the configured rate, and recovers as the window rolls', async () => {
    expect((await h.control('GET', '/rate-limit')).body).toMatchObject({ limit: null });
    await h.control('PUT', '/rate-limit', { limit: 5, windowSeconds: 60 });
    for (let i = 0; i < 5; i++) expect((await h.api('GET', '/service/priorities')).status).toBe(200);
    const refused = await h.api('GET', '/service/priorities');
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ code: 'TooManyRequests', message: expect.stringMatching(/Retry after \d+ seconds/) });
    const retry = Number(refused.headers.get('retry-after'));
    expect(retry).toBeGreaterThan(0);
    expect(retry).toBeLessThanOrEqual(60);
    // companyinfo and the control API are not API calls.
    expect((await fetch(`${h.emu.url}/login/companyinfo/emulator_msp`)).status).toBe(200);
    expect((await h.control('GET', '/rate-limit')).body).toMatchObject({ limit: 5, used: 5, refused: 1 });
    await h.control('POST', '/clock', { advance_ms: retry * 1000 });
    expect((await h.api('GET', '/service/priorities')).status).toBe(200);
    await h.control('PUT', '/rate-limit', { limit: null });
    for (let i = 0; i < 10; i++) expect((await h.api('GET', '/service/priorities')).status).toBe(200);
  });
});

describe('faults (kit)', () => {
  it('injects 500s, 429s and malformed bodies in the API error shape, matching paths in any case', async () => {
    await h.control('POST', '/faults', [
      { kind: 'status', status: 503, path: '/v4_6_release/apis/3.0/SERVICE/boards', count: 1 },
      { kind: 'rate_limit', retryAfterSeconds: 7, path: '/v4_6_release/apis/3.0/service/priorities', count: 1 },
      { kind: 'malformed', path: '/v4_6_release/apis/3.0/company/**', count: 1 },
    ]);
    const down = await h.api('GET', '/service/boards');
    expect(down.status).toBe(503);
    expect(down.body).toMatchObject({ code: 'ServiceUnavailable', message: 'Injected fault' });
    expect((await h.api('GET', '/service/boards')).status).toBe(200);
    const limited = await h.api('GET', '/service/priorities');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect(typeof (await h.api('GET', '/company/companies/statuses')).body).toBe('string');
    const log = (await h.control('GET', '/requests')).body.items.map((r: any) => [r.status, r.fault ?? '']);
    expect(log).toEqual([[503, 'status'], [200, ''], [429, 'rate_limit'], [200, 'malformed']]);
  });
});

describe('datasets', () => {
  it('empty has the setup only; demo and large add data deterministically', async () => {
    const state = (await h.control('GET', '/state')).body.state;
    expect(state.tables).toMatchObject({ companies: 1, catalog: 0, agreements: 0, tickets: 0, boards: 2, priorities: 5 });
    const credentials = h.emu.credentials;
    const demo = (await h.control('POST', '/seed', { dataset: 'demo' })).body;
    expect(demo.credentials).toEqual(credentials);
    const a = (await h.control('GET', '/state')).body.state.tables;
    await h.control('POST', '/seed', { dataset: 'demo' });
    expect((await h.control('GET', '/state')).body.state.tables).toEqual(a);
    expect(a.companies).toBe(37);
    expect(a.additions).toBeGreaterThan(60);
  });
});
