// The process-level proof (issue 13): the real `psa-bridge serve` (on PostgreSQL `serve --no-loops`
// and three `psa-bridge worker`s) against the Acronis and Autotask emulators, each a child process,
// SIGKILLed at random moments (seeded) and started again, over first provisioning, map-to-new,
// usage write-back and an alert storm. The emulators must end as an undisturbed run leaves them:
// no tenant, user, ticket, note or unit written twice, nothing left unprovisioned, and no loop run
// left `running` once the hub converged.
//
// CHAOS_KILLS (default 4) is the number of kills per database; CHAOS_KILLS=100 is the large run.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AcronisEmulator } from '../../emulators/acronis/server.ts';
import { emulatorControl, rawCall } from '../../emulators/kit/raw-client.test-support.ts';
import { SyncSnapshotsRepository } from '../../src/store/repositories/sync-snapshots.ts';
import { openStore, type Store } from '../../src/store/store.ts';
import { integrationSettings } from '../../src/sync/settings/settings.ts';
import { writeTicketSettings } from '../alerts/harness.ts';
import { chaosProcess, startEmulatorProcess, type ChaosProcess } from '../support/chaos-processes.ts';
import { TEST_SECRET_KEY, testDatabases, type TestDatabase } from '../support/databases.ts';
import { mulberry32 } from '../support/loop-chaos.ts';
import { acronisApi } from '../support/world.ts';
import { demoProductMapping } from '../support/autotask-sync-world.ts';

const KILLS = Number(process.env.CHAOS_KILLS ?? 4);
const SEED = Number(process.env.CHAOS_SEED ?? 13);
const ALL_LOOPS = ['directory', 'provisioning', 'usage', 'alerts', 'tickets'];
const MAP_NEW = 3;
const ALERT_TENANTS = 12;
const JOURNAL_LEASE_S = 15;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Control = ReturnType<typeof emulatorControl>;

/** One hub on one database, wired to its own two emulators; its processes can be killed. */
interface ChaosWorld {
  db: TestDatabase;
  url: string;
  integrationId: string;
  acronis: Control;
  autotask: Control;
  serve: ChaosProcess;
  workers: ChaosProcess[];
  hubUrl(): string;
  api<T = any>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  withStore<T>(work: (store: Store) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

async function startWorld(db: TestDatabase): Promise<ChaosWorld> {
  const emulators = [await startEmulatorProcess('acronis'), await startEmulatorProcess('autotask')];
  const [acronisEmu, autotaskEmu] = emulators as [Awaited<ReturnType<typeof startEmulatorProcess>>, Awaited<ReturnType<typeof startEmulatorProcess>>];
  const acronis = emulatorControl(acronisEmu.url);
  const autotask = emulatorControl(autotaskEmu.url);
  const { url, cleanup } = await db.open();
  const dataDir = mkdtempSync(join(tmpdir(), 'psa-bridge-chaos-'));
  const withStore = async <T>(work: (store: Store) => Promise<T>): Promise<T> => {
    const store = await openStore({ url, secretKey: TEST_SECRET_KEY });
    try {
      return await work(store);
    } finally {
      await store.close();
    }
  };

  const partnerId = String(((await acronis('GET', '/state')) as { state: { partner_id: string } }).state.partner_id);
  const acronisCalls = acronisApi({ url: acronisEmu.url, credentials: acronisEmu.credentials } as unknown as AcronisEmulator);
  const infraIds = (await acronisCalls.call<{ infras: string[] }>('GET', `/tenants/${partnerId}/infra`)).infras;
  const infras = (await acronisCalls.call<{ items: Array<{ id: string; platform_owned: boolean }> }>('GET', `/infra?uuids=${infraIds.join(',')}`)).items;
  const services = new Map(
    ((await autotask('GET', '/entities/Services?limit=1000')).items as Array<{ id: number; name: string }>).map((s) => [s.name.replace('Acronis Cyber Protect - ', ''), String(s.id)]),
  );
  const c = autotaskEmu.credentials;
  const { integrationId, token } = await withStore(async (store) => {
    const admin = await store.repos.users.create({ username: 'admin', password: 'correct horse battery staple' });
    const { token } = await store.repos.apiTokens.create(admin.id, 'chaos');
    const connection = await store.repos.connections.create({ name: 'emu-cloud', baseUrl: acronisEmu.url, clientId: acronisEmu.credentials.client_id!, clientSecret: acronisEmu.credentials.client_secret!, tenantId: partnerId, tenantName: 'partner' });
    await store.repos.connections.recordCheck(connection.id, { ok: true, tenantId: partnerId, tenantName: 'partner' });
    const integration = await store.repos.integrations.create({
      name: 'emu-autotask',
      connectionId: connection.id,
      target: 'autotask',
      credentials: { username: c.username!, secret: c.secret!, integrationCode: c.integration_code!, discoveryUrl: `${autotaskEmu.url}/ATServicesRest/` },
      features: { provisioning: true },
    });
    const settings = integrationSettings(store.repos.settings);
    await settings.write(integration.id, 'product-mapping', { entries: demoProductMapping(services, infras.find((i) => i.platform_owned)!.id) });
    await settings.write(integration.id, 'provisioning', { automaticProvisioning: true, mfaForNewCustomers: true, defaultStorageInfraId: infras.find((i) => i.platform_owned)!.id });
    await writeTicketSettings(store, integration.id);
    // The loops run here through run-now. A scheduled alerts run watches the feed until the next one
    // is due (src/sync/alerts/alert-watch.ts), so it would be a live `running` run whenever the state
    // is compared; the check that no run is left running is about runs of killed processes. The
    // tenant events watch (scheduled every 5 minutes, each run long-polling until the next) is off
    // for the same reason.
    await settings.write(integration.id, 'schedule', { alertsWatchSeconds: 0, tenantEvents: false });
    return { integrationId: integration.id, token };
  });

  const env = {
    DATABASE_URL: url,
    PSA_BRIDGE_DATA_DIR: dataDir,
    PSA_BRIDGE_SECRET_KEY: TEST_SECRET_KEY.toString('base64'),
    PSA_BRIDGE_VENDOR_HOSTS: '127.0.0.1',
    // A killed worker's half-done writes are taken over when their journal lease ends: 15 s here
    // rather than 5 minutes, so the run converges inside CI's time.
    PSA_BRIDGE_JOURNAL_LEASE_SECONDS: String(JOURNAL_LEASE_S),
    HOST: '127.0.0.1',
    PORT: '0',
  };
  const postgres = db.name === 'postgres';
  const serve = chaosProcess('serve', postgres ? ['serve', '--no-loops'] : ['serve'], env, /listening on /);
  const workers = postgres ? [1, 2, 3].map((n) => chaosProcess(`worker ${n}`, ['worker', '--concurrency', '2'], env, /^\{"worker":/)) : [];
  await serve.start();
  for (const w of workers) await w.start();
  const hubUrl = (): string => /listening on (\S+)/.exec(serve.firstLine)![1]!;

  return {
    db,
    url,
    integrationId,
    acronis,
    autotask,
    serve,
    workers,
    hubUrl,
    api: async (method, path, body) => {
      const reply = await rawCall(`${hubUrl()}/api/v1${path}`, method, { authorization: `Bearer ${token}` }, body);
      return { status: reply.status, body: reply.body };
    },
    withStore,
    close: async () => {
      for (const p of [serve, ...workers, ...emulators.map((e) => e.process)]) await p.kill();
      rmSync(dataDir, { recursive: true, force: true });
      await cleanup();
    },
  };
}

/** Runs the loops one after another through the API (run now); answers whether every one ended ok. */
async function runLoops(w: ChaosWorld, loops: readonly string[]): Promise<boolean> {
  let ok = true;
  for (const loop of loops) {
    const reply = await w.api('POST', `/integrations/${w.integrationId}/loops/${loop}/run`);
    if (reply.status !== 200 || reply.body?.status !== 'ok') ok = false;
  }
  return ok;
}

/** What the emulators and the hub hold, in terms independent of generated ids. */
async function snapshot(w: ChaosWorld) {
  const tenants = ((await w.acronis('GET', '/tenants?kind=customer&limit=100000')).items as Array<{ id: string; name: string }>);
  const tenantName = new Map(tenants.map((t) => [t.id, t.name]));
  const users = ((await w.acronis('GET', '/users')).items as Array<{ tenant_id: string; login: string }>).filter((u) => tenantName.has(u.tenant_id));
  const usersPerTenant: Record<string, number> = {};
  for (const u of users) usersPerTenant[tenantName.get(u.tenant_id)!] = (usersPerTenant[tenantName.get(u.tenant_id)!] ?? 0) + 1;
  const tickets = ((await w.autotask('GET', '/entities/Tickets?limit=100000')).items as Array<{ id: number; externalID: string | null; companyID: number; title: string }>).filter((t) =>
    (t.externalID ?? '').startsWith('pb:'),
  );
  const ticketName = new Map(tickets.map((t) => [t.id, `${t.companyID}|${t.title}`]));
  const notes = ((await w.autotask('GET', '/entities/TicketNotes?limit=100000')).items as Array<{ ticketID: number; title?: string; description: string }>).filter((n) => ticketName.has(n.ticketID));
  const notesPerTicket: Record<string, number> = {};
  for (const n of notes) notesPerTicket[ticketName.get(n.ticketID)!] = (notesPerTicket[ticketName.get(n.ticketID)!] ?? 0) + 1;
  const units: Record<string, number> = {};
  for (const contract of (await w.autotask('GET', '/entities/Contracts?limit=10000')).items as Array<{ id: number }>) {
    const lines = (await w.autotask('GET', `/contracts/${contract.id}/units`)) as { services: Array<{ contractServiceID: number; units: number }> };
    for (const line of lines.services) units[`${contract.id}/${line.contractServiceID}`] = line.units;
  }
  const hub = await w.withStore(async (store) => ({
    mappings: Object.fromEntries((await store.repos.mappings.list(w.integrationId, { limit: 100_000 })).map((m) => [m.companyName, `${m.state} ${m.tenantName ?? '-'}`])),
    running: (await store.repos.loopRuns.runningLoops()).map((r) => r.loop).sort(),
  }));
  const duplicates = (list: string[]) => list.length - new Set(list).size;
  return {
    tenants: tenants.map((t) => t.name).sort(),
    usersPerTenant,
    tickets: [...ticketName.values()].sort(),
    notesPerTicket,
    units,
    mappings: hub.mappings,
    duplicates: {
      tenants: duplicates(tenants.map((t) => t.name)),
      logins: duplicates(users.map((u) => u.login)),
      tickets: duplicates(tickets.map((t) => t.externalID!)),
    },
    runningLoopRuns: hub.running,
  };
}
type Snapshot = Awaited<ReturnType<typeof snapshot>>;

/** What explains a difference: alerts held back, open journal entries, failed runs, the hub's last stderr. */
async function diagnosis(w: ChaosWorld): Promise<string> {
  const held = await w.withStore(async (store) => ({
    waitingAlerts: (await store.repos.waitingAlerts.list(w.integrationId, { limit: 1000 })).map((a) => ({ alertId: a.alertId, reason: a.reason, detail: a.detail, error: a.lastError, attempts: a.attempts, next: a.nextAttemptAt })),
    openJournal: (await store.repos.journal.list({ integrationId: w.integrationId, states: ['pending', 'failed', 'superseded'], limit: 1000 })).map((e) => ({ operation: e.operation, key: e.idempotencyKey, state: e.state, error: e.error, attempts: e.attempts, lease: e.leaseExpiresAt, payload: e.payload })),
    notMapped: await Promise.all(
      (await store.repos.mappings.list(w.integrationId, { state: 'not_mapped', limit: 1000 })).map(async (m) => ({
        company: m.companyName,
        error: m.error,
        unlinkedAt: m.unlinkedAt,
        journal: (await store.db.selectFrom('journal').select(['operation', 'idempotency_key', 'state', 'error', 'external_id', 'attempts', 'created_at', 'updated_at']).where('payload', 'like', `%${m.companyId}%`).execute()),
        contracts: (await store.db.selectFrom('target_contracts').select(['contract_id']).where('company_id', '=', m.companyId).execute()).length,
        problems: (await new SyncSnapshotsRepository(store.db).listProblems(w.integrationId, { companyId: m.companyId })).map((p) => p.message),
      })),
    ),
    provisioningRuns: (await store.repos.loopRuns.list(w.integrationId, { limit: 40 })).filter((r) => r.loop === 'provisioning').map((r) => ({ started: r.startedAt, finished: r.finishedAt, status: r.status, s: r.stats })),
    failedRuns: (await store.repos.loopRuns.list(w.integrationId, { status: 'failed', limit: 20 })).map((r) => ({ loop: r.loop, error: r.error })),
  }));
  return `${JSON.stringify(held, null, 1)}\nserve stderr: ${w.serve.stderrTail()}`;
}

interface ChaosReport {
  kills: number;
  killsByProcess: Record<string, number>;
  settlePasses: number;
  convergePasses: number;
  wallMs: number;
  /** The companies mapped to new tenants by a person (the first not mapped once provisioning settled). */
  mappedToNew: string[];
}

/**
 * The scenario. With `random`, each phase's work is started and `kills` times interrupted: a
 * random process is SIGKILLed at a random moment and started again; then the phase settles (its
 * loops run until they end ok). Undisturbed without `random`.
 */
async function scenario(w: ChaosWorld, random: (() => number) | null, kills: number): Promise<ChaosReport> {
  const started = Date.now();
  const report: ChaosReport = { kills: 0, killsByProcess: {}, settlePasses: 0, convergePasses: 0, wallMs: 0, mappedToNew: [] };
  const processes = [w.serve, ...w.workers];
  const perPhase = [0, 1, 2, 3].map((i) => Math.floor(kills / 4) + (i < kills % 4 ? 1 : 0));

  const chaos = async (phase: number, work: (iteration: number) => Promise<unknown>): Promise<void> => {
    for (let i = 0; i < (random === null ? 0 : perPhase[phase]!); i += 1) {
      const inFlight = work(i).catch(() => {});
      await sleep(random!() * 2_500);
      const victim = processes[Math.floor(random!() * processes.length)]!;
      await victim.kill();
      report.kills += 1;
      report.killsByProcess[victim.name] = (report.killsByProcess[victim.name] ?? 0) + 1;
      await victim.start();
      // A request to a killed serve fails at once; one waiting for a killed worker's run is left to its takeover.
      if (victim === w.serve) await inFlight;
    }
  };
  const pendingWrites = () => w.withStore(async (s) => (await s.repos.journal.list({ integrationId: w.integrationId, states: ['pending'], limit: 1000 })).length);
  // A phase is settled when its loops end ok and no write is left pending: a pass that meets a killed
  // worker's leased write ends ok and says so, and the write is finished by a pass after the lease.
  // What the next phase picks (the companies still not mapped) depends on it.
  const settle = async (loops: readonly string[], done: () => Promise<boolean> = async () => true): Promise<void> => {
    for (let pass = 1; ; pass += 1) {
      report.settlePasses += 1;
      if ((await runLoops(w, loops)) && (await done())) {
        if ((await pendingWrites()) === 0) return;
        await sleep((JOURNAL_LEASE_S * 1000) / 3);
      }
      if (pass >= 12) throw new Error(`${loops.join(', ')} did not settle in 12 passes; what the hub holds:\n${await diagnosis(w)}`);
    }
  };

  // The people's part first: the directory, and two companies mapped to existing tenants (usage is written for them).
  await runLoops(w, ['directory']);
  const existing = ((await w.acronis('GET', '/tenants?kind=customer&limit=100000')).items as Array<{ id: string; name: string; enabled?: boolean }>)
    .filter((t) => t.name !== 'Trey Research')
    .sort((a, b) => a.name.localeCompare(b.name));
  const notMapped = async () => (await w.withStore((s) => s.repos.mappings.list(w.integrationId, { state: 'not_mapped', limit: 100_000 }))).sort((a, b) => a.companyName.localeCompare(b.companyName));
  const firstTwo = (await notMapped()).slice(0, 2);
  for (const [i, m] of firstTwo.entries()) expect((await w.api('POST', `/integrations/${w.integrationId}/mappings/${m.companyId}/map`, { tenantId: existing[i]!.id })).status).toBe(200);

  // 1. First provisioning.
  await chaos(0, () => runLoops(w, ['provisioning']));
  await settle(['provisioning']);

  // 2. Map-to-new: a person maps companies provisioning left alone to new tenants.
  const chosen = (await notMapped()).slice(0, MAP_NEW);
  report.mappedToNew = chosen.map((m) => m.companyName);
  const mapNew = (m: { companyId: string }) => w.api('POST', `/integrations/${w.integrationId}/mappings/${m.companyId}/map-new`);
  await chaos(1, (i) => mapNew(chosen[i % chosen.length]!));
  for (const m of chosen) await mapNew(m);
  await settle(['provisioning'], async () => {
    const mapped = await w.withStore((s) => s.repos.mappings.list(w.integrationId, { state: 'mapped', limit: 100_000 }));
    if (chosen.every((m) => mapped.some((x) => x.companyId === m.companyId))) return true;
    await sleep(1_000);
    return false;
  });

  // 3. Usage write-back.
  await chaos(2, () => runLoops(w, ['usage']));
  await settle(['usage']);

  // 4. An alert storm: two alerts on each of the first mapped tenants, then the alert and ticket loops.
  const mapped = (await w.withStore((s) => s.repos.mappings.list(w.integrationId, { state: 'mapped', limit: 100_000 })))
    .sort((a, b) => a.companyName.localeCompare(b.companyName))
    .slice(0, ALERT_TENANTS);
  for (const m of mapped) {
    await w.acronis('POST', '/alerts', { tenant_id: m.tenantId, type: 'BackupFailed', details: { resourceId: 'm1', resourceName: 'm1-host' } });
    await w.acronis('POST', '/alerts', { tenant_id: m.tenantId, type: 'NoBackupForXDays', details: {} });
  }
  await chaos(3, () => runLoops(w, ['alerts', 'tickets']));
  await settle(['alerts', 'tickets']);

  // Clean passes of every loop until the state stops changing and no write is left pending (a
  // killed worker's leased writes are taken over once their lease ends, so a pass may wait for it).
  let previous = JSON.stringify(await snapshot(w));
  for (;;) {
    report.convergePasses += 1;
    await runLoops(w, ALL_LOOPS);
    const now = JSON.stringify(await snapshot(w));
    if (now === previous && (await pendingWrites()) === 0) break;
    if (now === previous) await sleep(JOURNAL_LEASE_S * 1000);
    previous = now;
    if (report.convergePasses >= 8) throw new Error(`the hub did not converge in 8 clean passes (${await pendingWrites()} writes still pending)`);
  }
  report.wallMs = Date.now() - started;
  return report;
}

describe('chaos: SIGKILLed hub and worker processes', () => {
  let reference: Snapshot;
  const worlds: ChaosWorld[] = [];
  const open = async (db: TestDatabase) => {
    const w = await startWorld(db);
    worlds.push(w);
    return w;
  };

  beforeAll(async () => {
    const w = await open(testDatabases()[0]!);
    console.log(`[chaos] undisturbed: ${JSON.stringify(await scenario(w, null, 0))}`);
    reference = await snapshot(w);
    await w.close();
    worlds.splice(worlds.indexOf(w), 1);
  }, 300_000);
  afterAll(async () => {
    for (const w of worlds) await w.close().catch(() => {});
  });

  it('the undisturbed run provisions, maps, writes usage and opens tickets, once each', () => {
    expect(reference.duplicates).toEqual({ tenants: 0, logins: 0, tickets: 0 });
    expect(reference.tickets.length).toBeGreaterThanOrEqual(ALERT_TENANTS * 2);
    expect(Object.values(reference.mappings).filter((m) => m.startsWith('mapped')).length).toBeGreaterThanOrEqual(2 + MAP_NEW);
    expect(Object.keys(reference.units).length).toBeGreaterThan(0);
    expect(reference.runningLoopRuns).toEqual([]);
  });

  it.each(testDatabases().map((db) => [db.name, db] as const))(`on %s, ${KILLS} kills leave the state of the undisturbed run`, async (_name, db) => {
    const w = await open(db);
    const report = await scenario(w, mulberry32(SEED + (db.name === 'postgres' ? 1 : 0)), KILLS);
    const state = await snapshot(w);
    console.log(`[chaos] ${db.name}: ${JSON.stringify(report)} duplicates=${JSON.stringify(state.duplicates)}`);
    expect(report.kills).toBe(KILLS);
    expect(state.duplicates).toEqual({ tenants: 0, logins: 0, tickets: 0 });
    expect(state.runningLoopRuns).toEqual([]);
    try {
      expect(state).toEqual(reference);
    } catch (error) {
      console.log(`[chaos] ${db.name} differs from the undisturbed run; what the hub holds:\n${await diagnosis(w)}`);
      throw error;
    }
  }, 1_800_000);
});
