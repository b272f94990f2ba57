// A hub integration wired to the Acronis and ConnectWise emulators over real HTTP, for the
// ConnectWise sync, callback and summary tests and the benchmark: one connection, one ConnectWise
// integration, the product mapping of the Acronis catalog products, and a runtime with test-friendly
// connector options (short timeouts and backoff).
import { startAcronisEmulator, type AcronisEmulator } from '../../emulators/acronis/server.ts';
import { startConnectWiseEmulator, type ConnectWiseEmulator } from '../../emulators/connectwise/server.ts';
import type { DatasetName } from '../../emulators/kit/types.ts';
import { createConnectWiseTarget } from '../../src/connectors/connectwise/target.ts';
import type { VendorCloud } from '../../src/connectors/ports.ts';
import type { ProductMappingEntry } from '../../src/domain/product-mapping.ts';
import type { Store } from '../../src/store/store.ts';
import { buildIntegrationRuntime, type IntegrationRuntime } from '../../src/sync/integration-runtime.ts';
import { integrationSettings } from '../../src/sync/settings/settings.ts';
import { connectAcronis, emulatorControl, runtimeOptions, testRetry, type WorldRuntimeOptions } from '../support/world.ts';

export interface CwWorld {
  acronis: AcronisEmulator;
  cw: ConnectWiseEmulator;
  store: Store;
  integrationId: string;
  /** ConnectWise catalog product id by identifier ("AcronisServers" → "2"). */
  products: Map<string, string>;
  acronisInfra: string;
  runtime(options?: CwRuntimeOptions): Promise<IntegrationRuntime>;
  /** The emulator's control API. */
  control<T = any>(method: string, path: string, body?: unknown): Promise<T>;
  /** A row as the ConnectWise API shows it. */
  row<T = any>(resource: string, id: number | string): Promise<T>;
  close(): Promise<void>;
}

export type CwRuntimeOptions = WorldRuntimeOptions;

export const MAPPED_PRODUCTS: [ProductMappingEntry['itemKey'], string][] = [
  ['workstations', 'AcronisPhysicalWorkstations'],
  ['servers', 'AcronisServers'],
  ['vms', 'AcronisVirtualMachines'],
  ['web_hosting_servers', 'AcronisWebHostingServers'],
  ['m365_seats', 'AcronisM365Seats'],
  ['mobiles', 'AcronisMobileDevices'],
  ['websites', 'AcronisWebsites'],
  ['gworkspace_seats', 'AcronisGoogleWorkspace'],
];

export function cwCredentials(cw: ConnectWiseEmulator) {
  const c = cw.credentials;
  return { site: cw.url, companyId: c.company_id, publicKey: c.public_key, privateKey: c.private_key, clientId: c.client_id };
}

export async function startCwWorld(store: Store, options: { seed?: DatasetName; acronisSeed?: DatasetName } = {}): Promise<CwWorld> {
  const acronis = await startAcronisEmulator({ port: 0, seed: options.acronisSeed ?? options.seed ?? 'demo' });
  const cw = await startConnectWiseEmulator({ port: 0, seed: options.seed ?? 'demo' });
  const connection = await connectAcronis(store, acronis, { name: 'emu-cloud', tenantName: 'partner', checked: true });
  const integration = await store.repos.integrations.create({ name: 'emu-connectwise', connectionId: connection.id, target: 'connectwise', credentials: cwCredentials(cw), features: { provisioning: true } });
  const settings = integrationSettings(store.repos.settings);

  const products = new Map<string, string>();
  for (const row of cw.state.table('catalog').rows.values()) products.set(String(row.identifier), String(row.id));
  const acronisInfra = [...acronis.state.infras.values()].find((i) => i.platform_owned)!.id;
  const entry = (itemKey: ProductMappingEntry['itemKey'], identifier: string, infraId: string | null = null) => ({
    itemKey,
    infraId,
    service: { kind: 'existing', productId: products.get(identifier)! },
    periodType: 'monthly',
    serviceCode: null,
  });
  await settings.write(integration.id, 'product-mapping', {
    entries: [...MAPPED_PRODUCTS.map(([key, id]) => entry(key, id)), entry('storage', 'AcronisStorageQuota', acronisInfra)],
  });

  const control = emulatorControl(cw.url);

  return {
    acronis,
    cw,
    store,
    integrationId: integration.id,
    products,
    acronisInfra,
    control,
    row: (resource, id) => control('GET', `/entities/${resource}/${id}`),
    runtime: (o = {}) =>
      buildIntegrationRuntime(store, integration.id, {
        ...runtimeOptions(o),
        targetFactory: (_system, input) =>
          createConnectWiseTarget({
            credentials: cwCredentials(cw),
            timeoutMs: 2_000,
            retry: testRetry(o.patient),
            ...(o.onTargetCall ? { onCall: o.onTargetCall } : input.onCall ? { onCall: input.onCall } : {}),
          }),
      }),
    close: async () => {
      await acronis.close();
      await cw.close();
    },
  };
}

/** Enabled items of a tenant with their quota, by vendor item name (+ storage). */
export async function itemsOf(vendor: VendorCloud, tenantId: string): Promise<Map<string, { enabled: boolean; value: number | null }>> {
  const items = await vendor.getOfferingItems(tenantId);
  return new Map(items.map((i) => [`${i.name}${i.infraId ? `@${i.infraId}` : ''}`, { enabled: i.enabled, value: i.quota?.value ?? null }]));
}

/** Customer tenants directly under the partner (the demo's existing customers). */
export function customerTenants(world: CwWorld): { id: string; name: string }[] {
  return [...world.acronis.state.tenants.values()]
    .filter((t) => t.kind === 'customer' && t.parent_id === world.acronis.partnerId && t.enabled && t.deleted_at === null)
    .map((t) => ({ id: t.id, name: t.name }));
}
