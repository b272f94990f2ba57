// Test-only: the Acronis and CloudBlue PSA emulators (demo datasets) over real HTTP, a hub store on
// a test database, and a CloudBlue integration between them. Connector retries sleep 0 ms.
import { startAcronisEmulator, type AcronisEmulator } from '../../emulators/acronis/server.ts';
import { startCloudBlueEmulator, type CloudBlueEmulator } from '../../emulators/cloudblue/server.ts';
import type { DatasetName } from '../../emulators/kit/types.ts';
import { createCloudBlueTarget } from '../../src/connectors/cloudblue/target.ts';
import type { VendorCloud } from '../../src/connectors/ports.ts';
import type { Clock } from '../../src/store/columns.ts';
import type { JournalRepository } from '../../src/store/repositories/journal.ts';
import type { Store } from '../../src/store/store.ts';
import { buildIntegrationRuntime, type IntegrationRuntime } from '../../src/sync/integration-runtime.ts';
import { openTestStore, type TestDatabase } from '../support/databases.ts';

export interface CloudBlueHubHarness {
  acronis: AcronisEmulator;
  cloudblue: CloudBlueEmulator;
  store: Store;
  integrationId: string;
  runtime(extra?: { wrapVendor?: (v: VendorCloud) => VendorCloud; journalRepo?: JournalRepository; journalLeaseMs?: number; clock?: Clock; fetch?: typeof globalThis.fetch }): Promise<IntegrationRuntime>;
  control(system: 'acronis' | 'cloudblue', method: string, path: string, body?: unknown): Promise<any>;
  /** Acronis tenants under the partner (folders included), as the emulator holds them. */
  tenants(): Promise<Array<{ id: string; name: string; kind: string; internal_tag: string | null; customer_id: string | null; ancestral_access: boolean; mfa_status: string; parent_id: string }>>;
  users(tenantId: string): Promise<Array<{ id: string; login: string; email: string }>>;
  close(): Promise<void>;
}

async function json(res: Response, what: string): Promise<any> {
  const text = await res.text();
  if (!res.ok) throw new Error(`${what}: ${res.status} ${text}`);
  return text === '' ? undefined : JSON.parse(text);
}

export async function startCloudBlueHubHarness(database: TestDatabase, options: { acronisSeed?: DatasetName; cloudblueSeed?: DatasetName; credentials?: Record<string, string> } = {}): Promise<CloudBlueHubHarness> {
  const acronis = await startAcronisEmulator({ port: 0, seed: options.acronisSeed ?? 'demo' });
  const cloudblue = await startCloudBlueEmulator({ port: 0, seed: options.cloudblueSeed ?? 'demo' });
  const { store, cleanup } = await openTestStore(database);
  const control = async (system: 'acronis' | 'cloudblue', method: string, path: string, body?: unknown) => {
    const base = system === 'acronis' ? acronis.url : cloudblue.url;
    return json(await fetch(`${base}/_emulator${path}`, { method, ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }) }), `${system} control ${method} ${path}`);
  };
  const connection = await store.repos.connections.create({
    name: 'acronis-emulator',
    baseUrl: acronis.url,
    clientId: acronis.credentials.client_id,
    clientSecret: acronis.credentials.client_secret,
    tenantId: acronis.partnerId,
    tenantName: 'Northwind MSP',
  });
  const integration = await store.repos.integrations.create({
    name: 'cloudblue-emulator',
    connectionId: connection.id,
    target: 'cloudblue',
    credentials: { siteUrl: cloudblue.url, apiKey: cloudblue.credentials.api_key, ...(options.credentials ?? {}) },
    features: {},
  });
  const token = async () =>
    (
      await json(
        await fetch(`${acronis.url}/api/2/idp/token`, {
          method: 'POST',
          headers: { authorization: `Basic ${Buffer.from(`${acronis.credentials.client_id}:${acronis.credentials.client_secret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
          body: 'grant_type=client_credentials',
        }),
        'acronis token',
      )
    ).access_token as string;
  const api = async (path: string) => json(await fetch(`${acronis.url}/api/2${path}`, { headers: { authorization: `Bearer ${await token()}` } }), `acronis GET ${path}`);
  return {
    acronis,
    cloudblue,
    store,
    integrationId: integration.id,
    control,
    runtime: (extra = {}) =>
      buildIntegrationRuntime(store, integration.id, {
        vendorOptions: { sleep: async () => {}, pageSize: 500 },
        targetFactory: (_system, input) =>
          createCloudBlueTarget({ siteUrl: input.credentials.siteUrl as string, apiKey: input.credentials.apiKey as string, sleep: async () => {}, ...(extra.fetch === undefined ? {} : { fetch: extra.fetch }) }),
        ...(extra.wrapVendor === undefined ? {} : { wrapVendor: extra.wrapVendor }),
        ...(extra.journalRepo === undefined ? {} : { journalRepo: extra.journalRepo }),
        ...(extra.journalLeaseMs === undefined ? {} : { journalLeaseMs: extra.journalLeaseMs }),
        ...(extra.clock === undefined ? {} : { clock: extra.clock }),
      }),
    tenants: async () => {
      const out: any[] = [];
      const walk = async (parent: string) => {
        const page = await api(`/tenants?parent_id=${parent}`);
        for (const t of page.items) {
          out.push(t);
          if (t.kind === 'folder') await walk(t.id);
        }
      };
      await walk(acronis.partnerId);
      return out;
    },
    users: async (tenantId: string) => {
      const ids = await api(`/tenants/${tenantId}/users`);
      return Promise.all(ids.items.map(async (id: string) => {
        const u = await api(`/users/${id}`);
        return { ...u, email: u.contact?.email ?? null, mfa_status: u.mfa_status };
      }));
    },
    close: async () => {
      await cleanup();
      await acronis.close();
      await cloudblue.close();
    },
  };
}
