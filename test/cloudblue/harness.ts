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
import { acronisApi, connectAcronis, emulatorControl, instantRetryRuntime } from '../support/world.ts';

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

export async function startCloudBlueHubHarness(database: TestDatabase, options: { acronisSeed?: DatasetName; cloudblueSeed?: DatasetName; credentials?: Record<string, string> } = {}): Promise<CloudBlueHubHarness> {
  const acronis = await startAcronisEmulator({ port: 0, seed: options.acronisSeed ?? 'demo' });
  const cloudblue = await startCloudBlueEmulator({ port: 0, seed: options.cloudblueSeed ?? 'demo' });
  const { store, cleanup } = await openTestStore(database);
  const control = (system: 'acronis' | 'cloudblue', method: string, path: string, body?: unknown) => emulatorControl(system === 'acronis' ? acronis.url : cloudblue.url)(method, path, body);
  const connection = await connectAcronis(store, acronis);
  const integration = await store.repos.integrations.create({
    name: 'cloudblue-emulator',
    connectionId: connection.id,
    target: 'cloudblue',
    credentials: { siteUrl: cloudblue.url, apiKey: cloudblue.credentials.api_key, ...(options.credentials ?? {}) },
    features: {},
  });
  const api = acronisApi(acronis);
  return {
    acronis,
    cloudblue,
    store,
    integrationId: integration.id,
    control,
    runtime: (extra = {}) =>
      buildIntegrationRuntime(store, integration.id, {
        ...instantRetryRuntime(extra),
        targetFactory: (_system, input) =>
          createCloudBlueTarget({ siteUrl: input.credentials.siteUrl as string, apiKey: input.credentials.apiKey as string, sleep: async () => {}, ...(extra.fetch === undefined ? {} : { fetch: extra.fetch }) }),
      }),
    tenants: async () => {
      const out: any[] = [];
      const walk = async (parent: string) => {
        const page = await api.call('GET', `/tenants?parent_id=${parent}`);
        for (const t of page.items) {
          out.push(t);
          if (t.kind === 'folder') await walk(t.id);
        }
      };
      await walk(acronis.partnerId);
      return out;
    },
    users: async (tenantId: string) => {
      const ids = await api.call('GET', `/tenants/${tenantId}/users`);
      return Promise.all(ids.items.map(async (id: string) => {
        const u = await api.call('GET', `/users/${id}`);
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
