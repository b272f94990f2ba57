// Test-only: the Acronis and Autotask emulators over real HTTP, a hub store on a test database, an
// integration between them with mapped customers, and the two ticket loops built from the
// integration runtime. Connector retries sleep 0 ms so faults cost no wall time.
import { startAcronisEmulator, type AcronisEmulator } from '../../emulators/acronis/server.ts';
import { startAutotaskEmulator, type AutotaskEmulator } from '../../emulators/autotask/server.ts';
import type { DatasetName } from '../../emulators/kit/types.ts';
import { createAutotaskTarget } from '../../src/connectors/autotask/target.ts';
import type { NewTargetTicket, Target } from '../../src/connectors/ports.ts';
import { createCallCounter, type CallCounter } from '../../src/connectors/kit/call-metrics.ts';
import type { Store } from '../../src/store/store.ts';
import type { JournalRepository } from '../../src/store/repositories/journal.ts';
import { buildIntegrationRuntime, type RuntimeProvider } from '../../src/sync/integration-runtime.ts';
import { runAlertsPass, type CrashPoint, type TicketLoopEnv } from '../../src/sync/alerts-loop.ts';
import { runTicketsPass } from '../../src/sync/tickets-loop.ts';
import { openTestStore, type TestDatabase } from '../support/databases.ts';
import { acronisApi, connectAcronis, emulatorControl } from '../support/world.ts';

export interface AlertsHarness {
  acronis: AcronisEmulator;
  autotask: AutotaskEmulator;
  store: Store;
  /** The test database's URL, for `psa-bridge` commands run against this hub. */
  databaseUrl: string;
  integrationId: string;
  /** Autotask company id per Acronis tenant id. */
  companies: Map<string, string>;
  tenants: string[];
  /** Milliseconds both emulators' clocks (and the hub's) were moved forward. */
  advancedMs: number;
  clock: () => Date;
  targetCalls: CallCounter;
  vendorCalls: CallCounter;
  env(extra?: EnvOptions): Promise<TicketLoopEnv>;
  /** The integration's runtime as a hub process keeps it, for the job runners' loop definitions. */
  runtimeProvider(extra?: EnvOptions): RuntimeProvider;
  alertsPass(extra?: EnvOptions): ReturnType<typeof runAlertsPass>;
  ticketsPass(extra?: EnvOptions): ReturnType<typeof runTicketsPass>;
  raise(tenantId: string, type: string, details?: Record<string, unknown>, severity?: string): Promise<string>;
  clear(alertId: string): Promise<void>;
  advanceDays(days: number): Promise<void>;
  /** Autotask REST as the API user (what a technician's change looks like to the hub). */
  autotaskApi<T = any>(method: string, path: string, body?: unknown): Promise<T>;
  tickets(): Promise<Array<{ id: number; externalID: string | null; status: number; title: string; description: string; companyID: number; ticketNumber: string; contractID?: number | null }>>;
  notes(ticketId: number): Promise<Array<{ id: number; title: string; description: string }>>;
  control(system: 'acronis' | 'autotask', method: string, path: string, body?: unknown): Promise<any>;
  close(): Promise<void>;
}

export interface EnvOptions {
  crashPoint?: (point: CrashPoint, context: { alertId?: string; ticketId?: string; operation: string }) => void | Promise<void>;
  journalRepo?: JournalRepository;
  journalLeaseMs?: number;
  maxStreamAttempts?: number;
}

export interface HarnessOptions {
  autotaskSeed?: DatasetName;
  /** Customers to create and map (Acronis tenant + Autotask company). Demo Autotask companies are reused first. */
  customers?: number;
  /** Extra tenants created but left unmapped. */
  unmapped?: number;
}

async function json(res: Response, what: string): Promise<any> {
  const text = await res.text();
  if (!res.ok) throw new Error(`${what}: ${res.status} ${text}`);
  return text === '' ? undefined : JSON.parse(text);
}

export async function startAlertsHarness(database: TestDatabase, options: HarnessOptions = {}): Promise<AlertsHarness> {
  const acronis = await startAcronisEmulator({ port: 0, seed: 'empty' });
  const autotask = await startAutotaskEmulator({ port: 0, seed: options.autotaskSeed ?? 'demo' });
  const { store, url: databaseUrl, cleanup } = await openTestStore(database);
  const targetCalls = createCallCounter();
  const vendorCalls = createCallCounter();
  let advancedMs = 0;
  const clock = () => new Date(Date.now() + advancedMs);

  const control = (system: 'acronis' | 'autotask', method: string, path: string, body?: unknown) => emulatorControl(system === 'acronis' ? acronis.url : autotask.url)(method, path, body);
  const atHeaders = { ApiIntegrationCode: autotask.credentials.integration_code, UserName: autotask.credentials.username, Secret: autotask.credentials.secret };
  const autotaskApi = async (method: string, path: string, body?: unknown) =>
    json(
      await fetch(`${autotask.zoneUrl}V1.0${path}`, { method, headers: { ...atHeaders, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) }),
      `autotask ${method} ${path}`,
    );

  const connection = await connectAcronis(store, acronis);
  const integration = await store.repos.integrations.create({
    name: 'autotask-emulator',
    connectionId: connection.id,
    target: 'autotask',
    credentials: { username: autotask.credentials.username, secret: autotask.credentials.secret, integrationCode: autotask.credentials.integration_code },
    features: { tickets: true },
  });
  await store.repos.settings.set(integration.id, 'connector', { zoneUrl: autotask.zoneUrl });

  // Customers: Acronis tenants under the partner, Autotask companies (demo ones first), mapped 1:1.
  const wanted = options.customers ?? 3;
  const existing = (await autotaskApi('POST', '/Companies/query', { filter: [{ op: 'gt', field: 'id', value: 0 }, { op: 'eq', field: 'companyType', value: 1 }] })).items as Array<{ id: number; companyName: string }>;
  const owner = ((await control('autotask', 'GET', '/users')).items as Array<{ resourceId: number; isApiUser: boolean }>).find((u) => !u.isApiUser)?.resourceId;
  const companies = new Map<string, string>();
  const tenants: string[] = [];
  const acronisCalls = acronisApi(acronis);
  const createTenant = async (name: string): Promise<string> => (await acronisCalls.call<{ id: string }>('POST', '/tenants', { name, kind: 'customer', parent_id: acronis.partnerId })).id;
  for (let i = 0; i < wanted; i += 1) {
    let company = existing[i];
    if (company === undefined) {
      const name = `Storm Customer ${String(i).padStart(3, '0')}`;
      const { itemId } = await autotaskApi('POST', '/Companies', { companyName: name, companyType: 1, phone: '555-0199', ownerResourceID: owner });
      company = { id: itemId, companyName: name };
    }
    const tenantId = await createTenant(`${company.companyName} (tenant)`);
    await store.repos.mappings.upsertCompanies(integration.id, [{ companyId: String(company.id), companyName: company.companyName }]);
    await store.repos.mappings.map(integration.id, String(company.id), { tenantId, tenantName: `${company.companyName} (tenant)` });
    companies.set(tenantId, String(company.id));
    tenants.push(tenantId);
  }
  for (let i = 0; i < (options.unmapped ?? 0); i += 1) tenants.push(await createTenant(`Unmapped Customer ${i}`));

  await writeTicketSettings(store, integration.id);

  const runtimeOf = (extra: EnvOptions = {}) =>
    buildIntegrationRuntime(store, integration.id, {
      clock,
      onVendorCall: vendorCalls.observe,
      onTargetCall: targetCalls.observe,
      vendorOptions: { sleep: async () => {}, pageSize: 500 },
      targetFactory: (_system, input) =>
        createAutotaskTarget({
          credentials: { username: input.credentials.username ?? '', secret: input.credentials.secret ?? '', integrationCode: input.credentials.integrationCode ?? '' },
          zoneUrl: autotask.zoneUrl,
          sleep: async () => {},
          // The hourly budget counts on the hub's clock, which advanceDays moves with the emulators'.
          now: () => clock().getTime(),
          ...(input.onCall === undefined ? {} : { onCall: input.onCall }),
        }),
      ...(extra.journalRepo === undefined ? {} : { journalRepo: extra.journalRepo }),
      ...(extra.journalLeaseMs === undefined ? {} : { journalLeaseMs: extra.journalLeaseMs }),
    });
  const build = async (extra: EnvOptions = {}): Promise<TicketLoopEnv> => {
    const runtime = await runtimeOf(extra);
    return {
      integrationId: integration.id,
      vendor: runtime.vendor,
      target: runtime.target,
      consoleUrl: acronis.url,
      repos: store.repos,
      clock,
      journal: runtime.journal,
      ...(extra.crashPoint === undefined ? {} : { crashPoint: extra.crashPoint }),
      ...(extra.maxStreamAttempts === undefined ? {} : { maxStreamAttempts: extra.maxStreamAttempts }),
    };
  };

  const h: AlertsHarness = {
    acronis,
    autotask,
    store,
    databaseUrl,
    integrationId: integration.id,
    companies,
    tenants,
    get advancedMs() {
      return advancedMs;
    },
    clock,
    targetCalls,
    vendorCalls,
    env: build,
    runtimeProvider(extra) {
      let runtime: ReturnType<typeof runtimeOf> | undefined;
      return {
        get: () => (runtime ??= runtimeOf(extra)),
        billing: async () => null,
        invalidate: () => {
          runtime = undefined;
        },
      };
    },
    alertsPass: async (extra) => runAlertsPass(await build(extra)),
    ticketsPass: async (extra) => runTicketsPass(await build(extra)),
    async raise(tenantId, type, details = {}, severity) {
      const alert = await control('acronis', 'POST', '/alerts', { tenant_id: tenantId, type, details, ...(severity === undefined ? {} : { severity }) });
      return alert.id as string;
    },
    async clear(alertId) {
      await control('acronis', 'POST', `/alerts/${alertId}/clear`);
    },
    async advanceDays(days) {
      const ms = days * 86_400_000;
      await control('acronis', 'POST', '/clock', { advance_ms: ms });
      await control('autotask', 'POST', '/clock', { advance_ms: ms });
      advancedMs += ms;
    },
    autotaskApi,
    async tickets() {
      const out = [];
      let page = await autotaskApi('POST', '/Tickets/query', { filter: [{ op: 'gte', field: 'id', value: 0 }] });
      out.push(...page.items);
      while (page.pageDetails?.nextPageUrl) {
        page = await json(await fetch(page.pageDetails.nextPageUrl, { method: 'POST', headers: { ...atHeaders, 'content-type': 'application/json' }, body: JSON.stringify({ filter: [{ op: 'gte', field: 'id', value: 0 }] }) }), 'next page');
        out.push(...page.items);
      }
      return out;
    },
    async notes(ticketId) {
      return (await autotaskApi('POST', '/TicketNotes/query', { filter: [{ op: 'eq', field: 'ticketID', value: ticketId }] })).items;
    },
    control,
    async close() {
      await acronis.close();
      await autotask.close();
      await cleanup();
    },
  };
  return h;
}

/**
 * The ticket settings of the Autotask alert tests: tickets on, reopen within 7 days with "In
 * Progress", auto-close "Complete", clear the alert when a technician sets "Waiting Vendor" (12) or
 * "Complete" (5); BackupFailed and NoBackupForXDays make tickets.
 */
export async function writeTicketSettings(store: Store, integrationId: string): Promise<void> {
  await store.repos.settings.set(integrationId, 'tickets', {
    enabled: true,
    recurrence: { mode: 'reopen_within_days', days: 7 },
    reopenStatus: '8',
    autoClose: { enabled: true, status: '5' },
    clearAlert: { enabled: true, statuses: ['12', '5'] },
    notes: { windowMinutes: 1, maxPerCycle: 10 },
  });
  await store.repos.settings.set(integrationId, 'alert-mappings', {
    defaults: { source: '8', queue: '8', noteType: '1', publish: '1' },
    types: {
      BackupFailed: { enabled: true, fields: { status: '1', priority: '1', issueType: '2' } },
      NoBackupForXDays: { enabled: true, fields: { status: '1', priority: '2' } },
      MalwareDetected: { enabled: false, fields: {} },
    },
  });
}

/**
 * The provider with `after` called once each ticket create is answered (before the loop hears of
 * it): benchmarks time the create there, a test freezes the process there as if it were killed.
 */
export function afterTicketCreates(provider: RuntimeProvider, after: (ticket: NewTargetTicket) => void | Promise<void>): RuntimeProvider {
  return {
    ...provider,
    get: async (id) => {
      const rt = await provider.get(id);
      const tickets = rt.target.tickets!;
      const target: Target = {
        ...rt.target,
        tickets: {
          ...tickets,
          createTicket: async (ticket) => {
            const result = await tickets.createTicket(ticket);
            await after(ticket);
            return result;
          },
        },
      };
      return { ...rt, target };
    },
  };
}
