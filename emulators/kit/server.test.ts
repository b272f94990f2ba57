// The kit over real HTTP, with a toy emulator: control API, request log and every fault kind.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseControl, startEmulatorServer, type EmulatorServer } from './server.ts';
import type { DatasetName } from './types.ts';

interface ToyState {
  dataset: DatasetName;
  items: string[];
}

let emu: EmulatorServer<ToyState>;

async function control(method: string, path: string, body?: unknown) {
  const res = await fetch(`${emu.url}/_emulator${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
}

beforeAll(async () => {
  emu = await startEmulatorServer<ToyState>(
    {
      system: 'toy',
      seed: (dataset) => ({ dataset, items: dataset === 'empty' ? [] : ['a', 'b'] }),
      credentials: (s) => ({ key: `key-${s.dataset}` }),
      errorBody: (status, message) => ({ fault: { status, message } }),
      inspect: (s) => ({ items: s.items.length }),
      routes: (app, ctx) => {
        app.get('/items', async () => ({ items: ctx.state.items }));
        app.post('/items', async (request) => {
          const { name } = z.object({ name: z.string() }).parse(request.body);
          ctx.state.items.push(name);
          return { ok: true };
        });
      },
      controlRoutes: (app, ctx) => {
        app.post('/items', async (request) => {
          const { name } = parseControl(z.object({ name: z.string() }), request.body);
          ctx.state.items.push(name);
          return { items: ctx.state.items };
        });
      },
    },
    { port: 0, seed: 'demo' },
  );
});
afterAll(async () => {
  await emu?.close();
});
beforeEach(async () => {
  await control('POST', '/seed', { dataset: 'demo' });
});

describe('control API', () => {
  it('reports health and the seeded credentials', async () => {
    expect((await control('GET', '/health')).body).toMatchObject({ status: 'ok', system: 'toy', dataset: 'demo' });
    expect(emu.credentials).toEqual({ key: 'key-demo' });
    const seeded = await control('POST', '/seed', { dataset: 'empty' });
    expect(seeded.body).toEqual({ system: 'toy', dataset: 'empty', credentials: { key: 'key-empty' } });
    expect(emu.credentials).toEqual({ key: 'key-empty' });
    expect((await control('GET', '/state')).body).toEqual({ system: 'toy', dataset: 'empty', state: { items: 0 } });
  });

  it('rejects an unknown dataset with the issues', async () => {
    const r = await control('POST', '/seed', { dataset: 'huge' });
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ error: { code: 400, issues: [{ path: 'dataset' }] } });
  });

  it('mounts emulator-specific control routes', async () => {
    const r = await control('POST', '/items', { name: 'c' });
    expect(r.body).toEqual({ items: ['a', 'b', 'c'] });
  });

  it('logs API calls (not control calls) and clears on request', async () => {
    await fetch(`${emu.url}/items`);
    await fetch(`${emu.url}/nope?x=1`);
    const log = await control('GET', '/requests?clear=true');
    expect(log.body).toMatchObject({
      total: 2,
      items: [
        { seq: 1, method: 'GET', path: '/items', query: '', status: 200 },
        { seq: 2, method: 'GET', path: '/nope', query: 'x=1', status: 404 },
      ],
    });
    expect((await control('GET', '/requests')).body).toMatchObject({ total: 0, items: [] });
  });

  it('answers unknown routes with the emulator error body', async () => {
    const res = await fetch(`${emu.url}/nope`);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ fault: { status: 404, message: 'Not found' } });
  });

  it('moves the clock forward', async () => {
    const before = (await control('GET', '/clock')).body as { now: string };
    const after = (await control('POST', '/clock', { advance_ms: 3_600_000 })).body as { now: string; offset_ms: number };
    expect(after.offset_ms).toBe(3_600_000);
    expect(Date.parse(after.now) - Date.parse(before.now)).toBeGreaterThanOrEqual(3_600_000);
  });
});

describe('fault injection over HTTP', () => {
  it('lists, removes and clears rules; re-seeding clears them too', async () => {
    const added = await control('POST', '/faults', [{ kind: 'status', status: 502 }, { kind: 'drop', path: '/other' }]);
    expect(added.status).toBe(201);
    const ids = (added.body as { items: { id: string }[] }).items.map((r) => r.id);
    expect((await control('DELETE', `/faults/${ids[0]}`)).status).toBe(204);
    expect(((await control('GET', '/faults')).body as { items: unknown[] }).items).toHaveLength(1);
    expect((await control('DELETE', '/faults')).status).toBe(204);
    expect((await control('GET', '/faults')).body).toEqual({ items: [] });
    await control('POST', '/faults', { kind: 'drop' });
    await control('POST', '/seed', { dataset: 'demo' });
    expect((await control('GET', '/faults')).body).toEqual({ items: [] });
  });

  it('rejects malformed rules', async () => {
    expect((await control('POST', '/faults', { kind: 'explode' })).status).toBe(400);
    expect((await control('POST', '/faults', { kind: 'status', share: 2 })).status).toBe(400);
  });

  it('status: answers with the status and the emulator error body, then stops after count', async () => {
    await control('POST', '/faults', { kind: 'status', status: 503, count: 1 });
    const first = await fetch(`${emu.url}/items`);
    expect(first.status).toBe(503);
    expect(await first.json()).toEqual({ fault: { status: 503, message: 'Injected fault' } });
    expect((await fetch(`${emu.url}/items`)).status).toBe(200);
    const log = (await control('GET', '/requests')).body as { items: { status: number; fault?: string }[] };
    expect(log.items.map((e) => [e.status, e.fault])).toEqual([
      [503, 'status'],
      [200, undefined],
    ]);
  });

  it('rate_limit: 429 with Retry-After', async () => {
    await control('POST', '/faults', { kind: 'rate_limit', retryAfterSeconds: 7 });
    const res = await fetch(`${emu.url}/items`);
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('7');
  });

  it('never faults control routes', async () => {
    await control('POST', '/faults', { kind: 'status', status: 500 });
    expect((await control('GET', '/health')).status).toBe(200);
  });

  it('matches by path and method', async () => {
    await control('POST', '/faults', { kind: 'status', status: 500, method: 'POST', path: '/items' });
    expect((await fetch(`${emu.url}/items`)).status).toBe(200);
    const post = await fetch(`${emu.url}/items`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"x"}' });
    expect(post.status).toBe(500);
    // The faulted write never reached the handler.
    expect(await (await fetch(`${emu.url}/items`)).json()).toEqual({ items: ['a', 'b'] });
  });

  it('share: the same requests fail for the same seed', async () => {
    const run = async () => {
      await control('DELETE', '/faults');
      await control('POST', '/faults', { rules: [{ kind: 'status', status: 500, share: 0.5 }], seed: 42 });
      const out: number[] = [];
      for (let i = 0; i < 20; i++) out.push((await fetch(`${emu.url}/items`)).status);
      return out;
    };
    const a = await run();
    expect(await run()).toEqual(a);
    expect(a).toContain(500);
    expect(a).toContain(200);
  });

  it('malformed: 200 with a body that is not JSON', async () => {
    await control('POST', '/faults', { kind: 'malformed' });
    const res = await fetch(`${emu.url}/items`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    await expect(res.json()).rejects.toThrow();
  });

  it('drop: the connection is destroyed without an answer', async () => {
    await control('POST', '/faults', { kind: 'drop', count: 1 });
    await expect(fetch(`${emu.url}/items`)).rejects.toThrow();
    expect((await fetch(`${emu.url}/items`)).status).toBe(200);
    const log = (await control('GET', '/requests')).body as { items: { status: number; fault?: string }[] };
    expect(log.items[0]).toMatchObject({ status: 0, fault: 'drop' });
  });

  it('latency: delays the answer', async () => {
    await control('POST', '/faults', { kind: 'latency', latencyMs: 150 });
    const t0 = performance.now();
    const res = await fetch(`${emu.url}/items`);
    expect(res.status).toBe(200);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(140);
    const log = (await control('GET', '/requests')).body as { items: { fault?: string }[] };
    expect(log.items[0]?.fault).toBe('latency');
  });

  it('timeout: holds the request until the client gives up', async () => {
    await control('POST', '/faults', { kind: 'timeout', count: 1 });
    await expect(fetch(`${emu.url}/items`, { signal: AbortSignal.timeout(200) })).rejects.toThrow(/abort|timeout/i);
    expect((await fetch(`${emu.url}/items`)).status).toBe(200);
  });
});

describe('close()', () => {
  it('terminates even with a request held by a timeout fault', async () => {
    const other = await startEmulatorServer<ToyState>(
      {
        system: 'toy2',
        seed: (dataset) => ({ dataset, items: [] }),
        credentials: () => ({}),
        errorBody: () => ({}),
        routes: (app) => {
          app.get('/x', async () => ({}));
        },
      },
      { port: 0 },
    );
    await fetch(`${other.url}/_emulator/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"kind":"timeout"}' });
    const pending = fetch(`${other.url}/x`).then(
      () => 'answered',
      () => 'failed',
    );
    await new Promise((r) => setTimeout(r, 50));
    await other.close();
    expect(await pending).toBe('failed');
  });
});
