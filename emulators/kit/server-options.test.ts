// The kit's optional behaviour over real HTTP: case-insensitive paths (routes and fault rules), the
// API request hook, the re-seed hook and setting the clock to a date.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulatorServer, type EmulatorServer } from './server.ts';

interface State {
  n: number;
}

let emu: EmulatorServer<State>;
let reseeds = 0;

beforeAll(async () => {
  emu = await startEmulatorServer<State>({
    system: 'toy-ci',
    seed: () => ({ n: 0 }),
    credentials: () => ({}),
    errorBody: (status, message) => ({ status, message }),
    caseInsensitivePaths: true,
    routes: (app, ctx) => {
      app.get('/Api/Items/:Name', async (request) => ({ name: (request.params as { Name: string }).Name, n: ctx.state.n }));
    },
    onApiRequest: async (request, reply, ctx) => {
      ctx.state.n++;
      if (request.headers['x-refuse'] === 'yes') await reply.code(418).send({ refused: true });
    },
    onReseed: () => {
      reseeds++;
    },
  });
});
afterAll(async () => {
  await emu.close();
});

const control = async (method: string, path: string, body?: unknown) => {
  const res = await fetch(`${emu.url}/_emulator${path}`, { method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  return { status: res.status, body: (await res.json()) as any };
};

describe('kit options', () => {
  it('routes in any case, keeping the case of parameters', async () => {
    const res = await fetch(`${emu.url}/api/ITEMS/MixedCase`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ name: 'MixedCase' });
  });

  it('runs the API hook before the route (not for control routes) and lets it answer', async () => {
    await control('POST', '/seed', { dataset: 'demo' });
    expect(((await (await fetch(`${emu.url}/api/items/a`)).json()) as State).n).toBe(1);
    await control('GET', '/state');
    const refused = await fetch(`${emu.url}/api/items/a`, { headers: { 'x-refuse': 'yes' } });
    expect(refused.status).toBe(418);
    expect(((await (await fetch(`${emu.url}/api/items/a`)).json()) as State).n).toBe(3);
  });

  it('matches fault paths in any case and calls onReseed', async () => {
    const before = reseeds;
    await control('POST', '/seed', { dataset: 'empty' });
    expect(reseeds).toBe(before + 1);
    await control('POST', '/faults', { kind: 'status', status: 502, path: '/API/items/*', count: 1 });
    expect((await fetch(`${emu.url}/api/Items/x`)).status).toBe(502);
  });

  it('sets the clock forward to a date, never back', async () => {
    const target = new Date(Date.now() + 3 * 86_400_000).toISOString();
    const r = await control('POST', '/clock', { now: target });
    expect(Date.parse(r.body.now)).toBeGreaterThanOrEqual(Date.parse(target));
    expect((await control('POST', '/clock', { now: '2000-01-01T00:00:00Z' })).status).toBe(400);
    expect((await control('POST', '/clock', { advance_ms: 1000 })).status).toBe(200);
  });
});
