// A hub integration wired to the Acronis and Autotask emulators over real HTTP, for the sync loops'
// integration tests and the benchmark: one connection, one Autotask integration, product mapping of
// the demo services, and a runtime with test-friendly connector options (short timeouts and backoff).
import { startAcronisEmulator, type AcronisEmulator } from '../../emulators/acronis/server.ts';
import { startAutotaskEmulator, type AutotaskEmulator } from '../../emulators/autotask/server.ts';
import type { DatasetName } from '../../emulators/kit/types.ts';
import { createAutotaskTarget } from '../../src/connectors/autotask/target.ts';
import type { TargetContract, VendorCloud } from '../../src/connectors/ports.ts';
import type { ProductMappingEntry } from '../../src/domain/product-mapping.ts';
import type { Store } from '../../src/store/store.ts';
import { buildIntegrationRuntime, type IntegrationRuntime } from '../../src/sync/integration-runtime.ts';
import { afterEach, beforeEach } from 'vitest';
import { integrationSettings } from '../../src/sync/settings/settings.ts';
import { openTestStore, type TestDatabase } from './databases.ts';
import { connectAcronis, runtimeOptions, testRetry, type WorldRuntimeOptions } from './world.ts';

export interface SyncWorld {
  acronis: AcronisEmulator;
  autotask: AutotaskEmulator;
  store: Store;
  integrationId: string;
  /** Autotask service id by the demo service name's tail ("Workstations" → "12"). */
  services: Map<string, string>;
  acronisInfra: string;
  runtime(options?: WorldRuntimeOptions): Promise<IntegrationRuntime>;
  close(): Promise<void>;
}

export type { WorldRuntimeOptions };

export async function startSyncWorld(store: Store, options: { seed?: DatasetName } = {}): Promise<SyncWorld> {
  const seed = options.seed ?? 'demo';
  const acronis = await startAcronisEmulator({ port: 0, seed });
  const autotask = await startAutotaskEmulator({ port: 0, seed });
  const connection = await connectAcronis(store, acronis, { name: 'emu-cloud', tenantName: 'partner', checked: true });
  const c = autotask.credentials;
  const integration = await store.repos.integrations.create({
    name: 'emu-autotask',
    connectionId: connection.id,
    target: 'autotask',
    credentials: { username: c.username, secret: c.secret, integrationCode: c.integration_code, discoveryUrl: `${autotask.url}/ATServicesRest/` },
    features: { provisioning: true },
  });
  const settings = integrationSettings(store.repos.settings);

  const services = new Map<string, string>();
  for (const row of autotask.state.table('Services').rows.values()) {
    const name = String(row.name);
    services.set(name.replace('Acronis Cyber Protect - ', ''), String(row.id));
  }
  const acronisInfra = [...acronis.state.infras.values()].find((i) => i.platform_owned)!.id;
  await settings.write(integration.id, 'product-mapping', { entries: demoProductMapping(services, acronisInfra) });

  return {
    acronis,
    autotask,
    store,
    integrationId: integration.id,
    services,
    acronisInfra,
    runtime: (o = {}) =>
      buildIntegrationRuntime(store, integration.id, {
        ...runtimeOptions(o),
        targetFactory: (_system, input) =>
          createAutotaskTarget({
            credentials: { username: c.username, secret: c.secret, integrationCode: c.integration_code },
            discoveryUrl: `${autotask.url}/ATServicesRest/`,
            timeoutMs: 2_000,
            retry: testRetry(o.patient),
            ...(o.onTargetCall ? { onCall: o.onTargetCall } : input.onCall ? { onCall: input.onCall } : {}),
          }),
      }),
    close: async () => {
      await acronis.close();
      await autotask.close();
    },
  };
}

/**
 * The product mapping of the Autotask demo services (`services`: id by the service name's tail), the
 * platform storage `acronisInfra` as the storage item's infra.
 */
export function demoProductMapping(services: Map<string, string>, acronisInfra: string): ProductMappingEntry[] {
  const entry = (itemKey: ProductMappingEntry['itemKey'], service: string, infraId: string | null = null): ProductMappingEntry => ({
    itemKey,
    infraId,
    service: { kind: 'existing', productId: services.get(service)! },
    periodType: 'monthly',
    serviceCode: null,
  });
  return [
    entry('workstations', 'Workstations'),
    entry('servers', 'Servers'),
    entry('vms', 'Virtual machines'),
    entry('web_hosting_servers', 'Web hosting servers'),
    entry('m365_seats', 'Microsoft 365 seats'),
    entry('mobiles', 'Mobile devices'),
    entry('websites', 'Websites'),
    entry('gworkspace_seats', 'Google Workspace seats'),
    entry('storage', 'Acronis Hosted storage (GB)', acronisInfra),
  ];
}

/** Quantity-bearing state of a tenant's items, by vendor item name (+ storage). */
export async function itemsOf(vendor: VendorCloud, tenantId: string): Promise<Map<string, { enabled: boolean; value: number | null }>> {
  const items = await vendor.getOfferingItems(tenantId);
  return new Map(items.map((i) => [`${i.name}${i.infraId ? `@${i.infraId}` : ''}`, { enabled: i.enabled, value: i.quota?.value ?? null }]));
}

/**
 * A fresh store and world before each test of the calling `describe`, closed after it: `onReady`
 * receives them (the tests keep them in their own variables).
 */
export function useSyncWorld(db: TestDatabase, onReady: (opened: { store: Store; world: SyncWorld }) => void): void {
  let opened: { store: Store; world: SyncWorld; cleanup: () => Promise<void> } | undefined;
  beforeEach(async () => {
    const { store, cleanup } = await openTestStore(db);
    opened = { store, cleanup, world: await startSyncWorld(store) };
    onReady(opened);
  });
  afterEach(async () => {
    await opened?.world.close();
    await opened?.cleanup();
  });
}

/**
 * The companies a provisioning pass provisions from one contract: exactly one contract, prepaid,
 * with at least one mapped service; in the target's listing order.
 */
export async function companiesWithOnePrepaidContract(world: SyncWorld): Promise<Array<{ companyId: string; contract: TargetContract }>> {
  const rt = await world.runtime();
  const mapped = new Set(world.services.values());
  const byCompany = new Map<string, TargetContract[]>();
  for await (const c of rt.target.contracts!.listContracts({})) byCompany.set(c.companyId, [...(byCompany.get(c.companyId) ?? []), c]);
  const out: Array<{ companyId: string; contract: TargetContract }> = [];
  for (const [companyId, [contract, ...others]] of byCompany) {
    if (contract !== undefined && others.length === 0 && contract.billing === 'prepaid' && contract.lines.some((l) => mapped.has(l.productId))) out.push({ companyId, contract });
  }
  return out;
}
