// The BSS repeats calls. With 20 % faults on the vendor side and the hub killed mid-call (at random
// vendor calls, before or after a write), the BSS's re-sent calls (same ids) converge to the final
// state of an undisturbed run: the same service providers, quotas, admins, subscription states and
// billed usage, with no duplicate tenant, user or quota write.
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { startAcronisEmulator, type AcronisEmulator } from '../../emulators/acronis/server.ts';
import { startInterworksEmulator } from '../../emulators/interworks/server.ts';
import { createAcronisVendor } from '../../src/connectors/acronis/vendor.ts';
import type { VendorCloud } from '../../src/connectors/ports.ts';
import { buildApp } from '../../src/http/app.ts';
import type { Store } from '../../src/store/store.ts';
import { createRuntimeProvider } from '../../src/sync/integration-runtime.ts';
import { createServiceManagerHub } from '../../src/sync/service-manager/hub.ts';
import { registerApplication } from '../../src/sync/service-manager/overview.ts';
import { openTestStore, testDatabases, type TestDatabase } from '../support/databases.ts';
import { mulberry32 } from '../support/loop-chaos.ts';

const WRITES = new Set(['createCustomerTenant', 'updateTenant', 'disableTenant', 'enableTenant', 'setOfferingItems', 'createUser', 'setAccessPolicies', 'sendActivationEmail']);

/** Anything of the store's, dying with the "process": a dead process writes nothing more. */
function mortal<T extends object>(target: T, life: { dead: boolean }): T {
  return new Proxy(target, {
    get(t, name, receiver) {
      const value = Reflect.get(t, name, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => (life.dead ? Promise.reject(new Error('the process is dead')) : (value as (...a: unknown[]) => unknown).apply(t, args));
    },
  });
}

interface Chaos {
  random: () => number;
  killShare: number;
  kills: number;
}

/** The hub as a series of processes on one port: a kill ends the process in the middle of a call; the next one starts on the same port. */
async function hubProcesses(store: Store, acronisUrl: string, chaos: Chaos | null) {
  let port = 0;
  let current: { app: FastifyInstance; life: { dead: boolean } } | null = null;
  let restarting: Promise<void> = Promise.resolve();
  const start = async () => {
    const life = { dead: false };
    const mortalStore = { ...store, repos: { ...store.repos, journal: mortal(store.repos.journal, life), serviceManager: mortal(store.repos.serviceManager, life), auditLog: mortal(store.repos.auditLog, life) } } as Store;
    let appRef: FastifyInstance | null = null;
    const kill = () => {
      life.dead = true;
      (chaos as Chaos).kills += 1;
      // The process is gone: its connections drop (the BSS sees no answer) and another starts.
      appRef?.server.closeAllConnections();
      restarting = restarting.then(async () => {
        await appRef?.close().catch(() => {});
        await start();
      });
      throw new Error('killed');
    };
    const wrap = (vendor: VendorCloud): VendorCloud =>
      new Proxy(vendor, {
        get(t, name, receiver) {
          const value = Reflect.get(t, name, receiver) as unknown;
          if (typeof value !== 'function' || chaos === null) return value;
          return async (...args: unknown[]) => {
            if (life.dead) throw new Error('the process is dead');
            if (chaos.random() < chaos.killShare) kill();
            const result = await (value as (...a: unknown[]) => Promise<unknown>).apply(t, args);
            if (WRITES.has(String(name)) && chaos.random() < chaos.killShare) kill();
            return result;
          };
        },
      });
    const hub = createServiceManagerHub({
      store: mortalStore,
      log: pino({ level: 'silent' }),
      leaseMs: 50,
      vendorFactory: (c) => wrap(createAcronisVendor({ ...c, retry: { maxAttempts: 5, baseDelayMs: 5, maxDelayMs: 40 }, reportPollMs: 1 })),
    });
    const app = await buildApp({ store: mortalStore, runtimes: createRuntimeProvider(store), version: 'test', logger: pino({ level: 'silent' }), serviceManagerHub: hub });
    appRef = app;
    await app.listen({ host: '127.0.0.1', port });
    const address = app.server.address();
    if (typeof address === 'object' && address !== null) port = address.port;
    current = { app, life };
  };
  await start();
  return {
    url: () => `http://127.0.0.1:${port}`,
    close: async () => {
      await restarting;
      await current?.app.close();
    },
  };
}

async function control<T = any>(base: string, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${base}/_emulator${path}`, { method, ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }) });
  const text = await res.text();
  if (res.status >= 400) throw new Error(`control ${method} ${path}: ${res.status} ${text}`);
  return (text === '' ? undefined : JSON.parse(text)) as T;
}

/** Repeats a BSS action until it succeeds, as an operator (or the BSS's own queue) would. */
async function until<T extends { ok: boolean }>(what: string, action: () => Promise<T>, tries = 25): Promise<T> {
  let last: T | undefined;
  for (let i = 0; i < tries; i++) {
    last = await action();
    if (last.ok) return last;
  }
  throw new Error(`${what} never succeeded: ${JSON.stringify(last)}`);
}

async function scenario(db: TestDatabase, chaos: Chaos | null) {
  const acronis: AcronisEmulator = await startAcronisEmulator({ port: 0, seed: 'distributor' });
  const bss = await startInterworksEmulator({ port: 0, seed: 'demo' });
  const { store, cleanup } = await openTestStore(db);
  const hub = await hubProcesses(store, acronis.url, chaos);
  try {
    const reg = await registerApplication(store, { name: 'BSS', hubUrl: hub.url(), applicationId: bss.credentials.application_id, applicationKey: bss.credentials.application_key });
    await control(bss.url, 'POST', '/hub', { base_url: reg.baseUrl });
    if (chaos !== null) {
      await control(acronis.url, 'POST', '/faults', {
        seed: 7,
        rules: [
          { kind: 'status', status: 503, path: '/api/2/**', share: 0.1 },
          { kind: 'rate_limit', retryAfterSeconds: 0, path: '/api/2/**', share: 0.05 },
          { kind: 'drop', path: '/api/2/**', share: 0.05 },
        ],
      });
    }
    const call = { attempts: 30, backoff_ms: 20, timeout_ms: 20_000 };
    const settings = {
      SystemName: 'Acronis EU', Gateway: acronis.url, ClientId: acronis.credentials.client_id, ClientSecret: acronis.credentials.client_secret,
      DistributorDiscount: '18', PrimaryCurrency: 'USD', UpdateProductNames: 'continuous',
    };
    const instance = await control(bss.url, 'POST', '/instances', { name: 'Acronis EU', settings, call });
    await until('saving the instance', async () => {
      const saved = await control(bss.url, 'PUT', `/instances/${instance.id}/settings`, { settings: {}, call });
      return { ok: saved.saved === true, errors: saved.errors };
    });
    await until('Get Services Definition', () => control(bss.url, 'POST', `/instances/${instance.id}/service-definition`, { call }));
    for (let i = 1; i <= 5; i++) {
      await until(`order ${i}`, () =>
        control(bss.url, 'POST', '/orders', { instance_id: instance.id, account: { id: `700${i}`, name: `Reseller ${i}`, email: `admin${i}@reseller${i}.example` }, subscription_id: `900${i}`, tier: '250', quotas: { pw_base_workstations: String(10 * i), pw_base_storage: '' }, call }),
      );
    }
    await until('quotas of 9001', () => control(bss.url, 'POST', '/subscriptions/9001/quotas', { quotas: { pw_base_workstations: '15', pw_base_servers: '3' }, call }));
    await until('quotas of 9002', () => control(bss.url, 'POST', '/subscriptions/9002/quotas', { quotas: { pw_base_storage: '' }, call }));
    await until('suspend 9003', () => control(bss.url, 'POST', '/subscriptions/9003/suspend', { call }));
    await until('cancel 9004', () => control(bss.url, 'POST', '/subscriptions/9004/cancel', { call }));
    const bssState = await control(bss.url, 'GET', '/bss');
    for (const account of bssState.accounts as Array<{ id: string; name: string; externalIds: Record<string, string> }>) {
      await control(acronis.url, 'POST', `/partners/${account.externalIds[instance.id]}/customers`, { count: 4, seed: account.name });
    }
    const today = new Date().toISOString().slice(0, 10);
    const start = `${today.slice(0, 8)}01`;
    const billed: Record<string, { cost: number; sell: number; usages: number }> = {};
    await until('billing run', async () => {
      const run = await control(bss.url, 'POST', '/billing-runs', { instance_id: instance.id, start, end: today, currency: 'USD', call });
      for (const s of run.subscriptions as Array<{ subscription_id: string; ok: boolean; cost: number; sell: number; usages: number }>) if (s.ok) billed[s.subscription_id] = { cost: s.cost, sell: s.sell, usages: s.usages };
      return { ok: Object.keys(billed).length === (run.subscriptions as unknown[]).length };
    });
    const fired = ((await control(acronis.url, 'GET', '/faults')).items as Array<{ fired: number }>).reduce((n, r) => n + r.fired, 0);
    await control(acronis.url, 'DELETE', '/faults');

    // The final state, by names (tenant ids differ from run to run).
    const sps = (acronis.state.children.get(acronis.partnerId) ?? []).filter((t) => t.deleted_at === null && t.customer_id?.startsWith('700'));
    const final = {
      serviceProviders: sps
        .map((t) => ({
          name: t.name,
          account: t.customer_id,
          enabled: t.enabled,
          items: [...t.items.entries()].filter(([, s]) => s.status === 1).map(([key, s]) => `${key.split('|')[0]}=${s.quotaValue ?? '∞'}`).sort(),
          admins: (acronis.state.usersByTenant.get(t.id) ?? []).map((u) => u.login).sort(),
        }))
        .sort((a, b) => (a.name < b.name ? -1 : 1)),
      subscriptions: (bssState.subscriptions as Array<{ id: string; state: string }>).map((s) => `${s.id}:${s.state}`).sort(),
      billed,
    };
    return { final, faultsFired: fired, kills: chaos?.kills ?? 0 };
  } finally {
    await hub.close();
    await bss.close();
    await acronis.close();
    await cleanup();
  }
}

describe.each(testDatabases())('interworks reliability on $name', (db) => {
  it('converges to the undisturbed final state with 20 % vendor faults and the hub killed mid-call', async () => {
    const calm = await scenario(db, null);
    const chaos: Chaos = { random: mulberry32(12), killShare: 0.04, kills: 0 };
    const stormy = await scenario(db, chaos);
    expect(calm.final.serviceProviders).toHaveLength(5);
    expect(calm.final.serviceProviders.every((sp) => sp.admins.length === 1)).toBe(true);
    expect(Object.keys(calm.final.billed)).toHaveLength(4);
    expect(stormy.kills).toBeGreaterThan(3);
    expect(stormy.faultsFired).toBeGreaterThan(20);
    expect(stormy.final).toEqual(calm.final);
  }, 300_000);
});
