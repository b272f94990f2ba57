import { getEventListeners } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createCallCounter } from './call-metrics.ts';
import { createHttpClient, type HttpClientOptions } from './http-client.ts';
import { drop, hang, reply, replyText, startScriptedServer, type ScriptedServer } from './scripted-server.test-support.ts';
import { connectorFailure as failure } from './connector-failure.test-support.ts';

let server: ScriptedServer;
beforeAll(async () => {
  server = await startScriptedServer();
});
afterAll(async () => {
  await server.close();
});

function client(extra: Partial<HttpClientOptions> = {}) {
  const sleeps: number[] = [];
  const counter = createCallCounter();
  const http = createHttpClient({
    system: 'demo',
    systemLabel: 'Demo',
    connectionLabel: "'test'",
    baseUrl: server.url,
    retry: { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 1000 },
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    onCall: counter.observe,
    ...extra,
  });
  return { http, sleeps, counter };
}

describe('http client retries', () => {
  it('retries a GET on 503 and returns the later success', async () => {
    server.script(reply(503, { error: 'busy' }), reply(502), reply(200, { ok: true }));
    const { http, counter, sleeps } = client();
    const res = await http.request({ method: 'GET', path: '/x', operation: 'read x' });
    expect(res.body).toEqual({ ok: true });
    expect(server.requests).toHaveLength(3);
    expect(counter.total()).toBe(3);
    expect(counter.byKey()).toEqual({ 'demo GET 503': 1, 'demo GET 502': 1, 'demo GET 200': 1 });
    expect(sleeps).toHaveLength(2);
  });

  it('gives up after maxAttempts with an unavailable error that says so', async () => {
    server.script(reply(503));
    const { http } = client();
    const error = await failure(http.request({ method: 'GET', path: '/x', operation: 'read x' }));
    expect(error.code).toBe('unavailable');
    expect(error.status).toBe(503);
    expect(error.message).toContain('gave up after 3 attempts');
    expect(error.context).toMatchObject({ method: 'GET', path: '/x', operation: 'read x', attempts: 3 });
  });

  it('honours Retry-After in seconds', async () => {
    server.script(reply(429, undefined, { 'retry-after': '2' }), reply(200, { ok: 1 }));
    const { http, sleeps } = client();
    await http.request({ method: 'GET', path: '/x', operation: 'read x' });
    expect(sleeps).toEqual([2000]);
  });

  it('honours Retry-After as an HTTP date', async () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    server.script(reply(429, undefined, { 'retry-after': 'Wed, 01 Jan 2025 00:00:05 GMT' }), reply(200, {}));
    const { http, sleeps } = client({ now: () => now });
    await http.request({ method: 'GET', path: '/x', operation: 'read x' });
    expect(sleeps).toEqual([5000]);
  });

  it('fails at once when Retry-After exceeds the cap, reporting the wait', async () => {
    server.script(reply(429, undefined, { 'retry-after': '3600' }), reply(200, {}));
    const { http, sleeps } = client({ retry: { maxAttempts: 3, maxRetryAfterMs: 60_000 } });
    const error = await failure(http.request({ method: 'GET', path: '/x', operation: 'read x' }));
    expect(error.code).toBe('rate_limited');
    expect(error.retryAfterMs).toBe(3_600_000);
    expect(error.message).toContain('3600 s');
    expect(sleeps).toEqual([]);
    expect(server.requests).toHaveLength(1);
  });

  it('keeps full-jitter backoff within [0, min(max, base·2^(n-1))]', async () => {
    server.script(reply(500), reply(500), reply(500), reply(500), reply(200, {}));
    const { http, sleeps } = client({ retry: { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 300 }, random: () => 0.999 });
    await http.request({ method: 'GET', path: '/x', operation: 'read x' });
    expect(sleeps).toEqual([99, 199, 299, 299]);
    server.script(reply(500), reply(200, {}));
    const low = client({ random: () => 0 });
    await low.http.request({ method: 'GET', path: '/x', operation: 'read x' });
    expect(low.sleeps).toEqual([0]);
  });

  it('times out a hanging request, retries it, then reports a timeout', async () => {
    server.script(hang);
    const { http } = client({ timeoutMs: 150, retry: { maxAttempts: 2 } });
    const error = await failure(http.request({ method: 'GET', path: '/slow', operation: 'read slowly' }));
    expect(error.code).toBe('timeout');
    expect(error.message).toContain('did not answer Demo GET /slow (read slowly) within 0.15 s');
    expect(server.requests).toHaveLength(2);
  });

  it('retries a GET whose connection was dropped', async () => {
    server.script(drop, reply(200, { ok: true }));
    const { http } = client();
    const res = await http.request({ method: 'GET', path: '/x', operation: 'read x' });
    expect(res.body).toEqual({ ok: true });
    expect(server.requests).toHaveLength(2);
  });
});

describe('non-repeatable requests', () => {
  it('does not retry a POST on 503', async () => {
    server.script(reply(503), reply(201, { id: 1 }));
    const { http } = client();
    const error = await failure(http.request({ method: 'POST', path: '/things', json: { a: 1 }, operation: 'create thing' }));
    expect(error.code).toBe('unavailable');
    expect(server.requests).toHaveLength(1);
  });

  it('does not retry a POST whose connection dropped (it may have been processed)', async () => {
    server.script(drop, reply(201, { id: 1 }));
    const { http } = client();
    const error = await failure(http.request({ method: 'POST', path: '/things', json: {}, operation: 'create thing' }));
    expect(error.code).toBe('unreachable');
    expect(server.requests).toHaveLength(1);
  });

  it('retries a POST on 429, which the server did not process', async () => {
    server.script(reply(429, undefined, { 'retry-after': '1' }), reply(201, { id: 1 }));
    const { http } = client();
    const res = await http.request({ method: 'POST', path: '/things', json: {}, operation: 'create thing' });
    expect(res.status).toBe(201);
    expect(server.requests).toHaveLength(2);
  });

  it('retries a POST the caller marked repeatable', async () => {
    server.script(reply(503), reply(201, { id: 1 }));
    const { http } = client();
    const res = await http.request({ method: 'POST', path: '/things', json: {}, operation: 'create thing', repeatable: true });
    expect(res.status).toBe(201);
    expect(server.requests).toHaveLength(2);
    expect(server.requests[1]?.body).toBe('{}');
  });
});

describe('payloads', () => {
  const schema = z.object({ items: z.array(z.object({ quota: z.object({ version: z.number() }) })) });

  it('names the field path and the call when a payload does not match', async () => {
    const items = [0, 1, 2, 3].map((i) => ({ quota: { version: i === 3 ? 'x' : i } }));
    server.script(reply(200, { items }));
    const { http } = client();
    const error = await failure(http.requestJson({ method: 'GET', path: '/items?a=1', operation: 'list items' }, schema));
    expect(error.code).toBe('bad_payload');
    expect(error.message).toBe('Unexpected answer from Demo GET /items (list items): items[3].quota.version: expected number, received string');
  });

  it('turns truncated JSON into bad_payload naming the call, without retrying', async () => {
    server.script(replyText(200, '{"items":[{"quota":', 'application/json'));
    const { http } = client();
    const error = await failure(http.requestJson({ method: 'GET', path: '/items', operation: 'list items' }, schema));
    expect(error.code).toBe('bad_payload');
    expect(error.message).toMatch(/^Unexpected answer from Demo GET \/items \(list items\): the body is not valid JSON/);
    expect(server.requests).toHaveLength(1);
  });

  it('says to check the URL when an HTML page answers', async () => {
    server.script(replyText(200, '<!DOCTYPE html><html><body>Welcome</body></html>', 'text/html'));
    const { http } = client();
    const error = await failure(http.request({ method: 'GET', path: '/api/2/clients/x', operation: 'read client' }));
    expect(error.code).toBe('unexpected_response');
    expect(error.message).toContain('with an HTML page, not the Demo API: check the data-center URL');
  });

  it('says to check the URL for an HTML 404 as well', async () => {
    server.script(replyText(404, '<html><body>Not Found</body></html>', 'text/html'));
    const { http } = client();
    const error = await failure(http.request({ method: 'GET', path: '/api/2/clients/x', operation: 'read client' }));
    expect(error.code).toBe('unexpected_response');
  });

  it('sends form bodies and query arrays', async () => {
    server.script(reply(200, {}));
    const { http } = client();
    await http.request({ method: 'POST', path: '/token', form: { grant_type: 'client_credentials' }, query: { uuids: ['a', 'b'], skip: undefined }, operation: 'token' });
    expect(server.requests[0]?.url).toBe('/token?uuids=a%2Cb');
    expect(server.requests[0]?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(server.requests[0]?.body).toBe('grant_type=client_credentials');
  });
});

describe('network failures', () => {
  it('says to check the URL when nothing listens', async () => {
    const closed = await startScriptedServer();
    await closed.close();
    const http = createHttpClient({ system: 'demo', systemLabel: 'Demo', connectionLabel: "'eu2'", baseUrl: closed.url, sleep: async () => {} });
    const error = await failure(http.request({ method: 'GET', path: '/x', operation: 'read x' }));
    expect(error.code).toBe('unreachable');
    expect(error.message).toContain(`Cannot reach Demo at ${closed.url}: the connection was refused (ECONNREFUSED)`);
    expect(error.message).toContain("check the data-center URL of connection 'eu2'");
  });

  it('says to check the URL for a port fetch refuses (http://127.0.0.1:1), without retrying', async () => {
    const counter = createCallCounter();
    const http = createHttpClient({ system: 'demo', systemLabel: 'Demo', baseUrl: 'http://127.0.0.1:1', onCall: counter.observe, sleep: async () => {} });
    const error = await failure(http.request({ method: 'GET', path: '/x', operation: 'read x' }));
    expect(error.code).toBe('unreachable');
    expect(error.message).toContain('fetch refuses to connect to port 1');
    expect(error.message).toContain('check the data-center URL');
    expect(counter.total()).toBe(1);
  });

  it('says to check the URL when the host does not resolve', async () => {
    const http = createHttpClient({ system: 'demo', systemLabel: 'Demo', baseUrl: 'http://no-such-host.invalid', retry: { maxAttempts: 1 } });
    const error = await failure(http.request({ method: 'GET', path: '/x', operation: 'read x' }));
    expect(error.code).toBe('unreachable');
    expect(error.message).toContain('the host name does not resolve');
    expect(error.message).toContain('check the data-center URL');
  });
});

describe('authentication', () => {
  it('renews credentials once on a 401 and never leaks them in errors', async () => {
    let n = 0;
    const rejected: string[] = [];
    const auth = {
      headers: async () => ({ Authorization: `Bearer t${++n}` }),
      rejected: (h: Record<string, string>) => {
        rejected.push(h.Authorization ?? '');
      },
    };
    server.script(reply(401, { error: 'expired' }), reply(200, { ok: 1 }));
    const { http } = client({ auth });
    await http.request({ method: 'GET', path: '/x', operation: 'read x' });
    expect(rejected).toEqual(['Bearer t1']);
    expect(server.requests[1]?.headers.authorization).toBe('Bearer t2');

    server.script(reply(401, { error: 'nope' }));
    const error = await failure(client({ auth }).http.request({ method: 'GET', path: '/x', operation: 'read x' }));
    expect(error.code).toBe('auth_failed');
    expect(server.requests).toHaveLength(2);
    expect(JSON.stringify(error.toJSON())).not.toContain('Bearer');
  });
});

describe('cancellation', () => {
  it('stops when the caller aborts', async () => {
    server.script(hang);
    const { http } = client({ timeoutMs: 5000 });
    const controller = new AbortController();
    const pending = http.request({ method: 'GET', path: '/x', operation: 'read x', signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    const error = await failure(pending);
    expect(error.code).toBe('cancelled');
  });
});

// A run's signal lives for the whole pass (thousands of requests): a listener left on it per request
// piles up (MaxListenersExceededWarning) and keeps every request's objects alive until the run ends.
describe('http client and the run signal', () => {
  it("leaves no abort listener on the caller's signal once its requests end, answered or failed", async () => {
    const run = new AbortController();
    const { http } = client();
    server.script(reply(200, { ok: true }));
    for (let i = 0; i < 40; i++) await http.request({ method: 'GET', path: '/x', operation: 'read x', signal: run.signal });
    server.script(reply(400, { error: 'no' }));
    for (let i = 0; i < 5; i++) await failure(http.request({ method: 'GET', path: '/x', operation: 'read x', signal: run.signal }));
    server.script(reply(503), reply(503), reply(200, { ok: true }));
    await http.request({ method: 'GET', path: '/x', operation: 'read x', signal: run.signal });
    expect(getEventListeners(run.signal, 'abort')).toHaveLength(0);
  });

  it('still cancels a request in flight when the caller aborts, and then holds no listener', async () => {
    const run = new AbortController();
    server.script(hang);
    const { http } = client();
    const pending = failure(http.request({ method: 'GET', path: '/x', operation: 'read x', signal: run.signal, timeoutMs: 5000 }));
    await new Promise((resolve) => setTimeout(resolve, 50));
    run.abort(new Error('stop'));
    expect((await pending).code).toBe('cancelled');
    expect(getEventListeners(run.signal, 'abort')).toHaveLength(0);
  });
});

// Each request's timeout must end with the request: a timer left armed for the whole timeout after
// the answer is read piles up over a pass (thousands at once at 10,000 companies).
describe('http client timeouts', () => {
  const pendingTimers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

  it('leaves no timer armed once its requests end, answered or failed', async () => {
    const { http } = client();
    const before = pendingTimers();
    server.script(reply(200, { ok: true }));
    for (let i = 0; i < 30; i++) await http.request({ method: 'GET', path: '/x', operation: 'read x', timeoutMs: 60_000 });
    server.script(reply(400, { error: 'no' }));
    for (let i = 0; i < 5; i++) await failure(http.request({ method: 'GET', path: '/x', operation: 'read x', timeoutMs: 60_000 }));
    expect(pendingTimers() - before).toBeLessThan(5);
  });

  it('still answers timeout for a request that outlives it', async () => {
    server.script(hang);
    const { http } = client({ retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 } });
    const error = await failure(http.request({ method: 'GET', path: '/x', operation: 'read x', timeoutMs: 100 }));
    expect(error.code).toBe('timeout');
  });
});
