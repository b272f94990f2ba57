// Test-only: the PSAs with contracts (Autotask and ConnectWise) as one world shape, so the parity
// tests run the same test on each; and the hooks that open a fresh one on a fresh database before
// each test and close it after.
import { afterEach, beforeEach } from 'vitest';
import type { AcronisEmulator } from '../../emulators/acronis/server.ts';
import type { ProductMappingEntry } from '../../src/domain/product-mapping.ts';
import type { Store } from '../../src/store/store.ts';
import type { IntegrationRuntime } from '../../src/sync/integration-runtime.ts';
import { customerTenants, startCwWorld } from '../connectwise/harness.ts';
import { openTestStore, type TestDatabase } from '../support/databases.ts';
import type { WorldRuntimeOptions } from '../support/world.ts';
import { startSyncWorld } from '../support/autotask-sync-world.ts';

export interface PsaWorld {
  integrationId: string;
  acronis: AcronisEmulator;
  runtime(options?: WorldRuntimeOptions): Promise<IntegrationRuntime>;
  /** The target's product id of the services the tests map (only workstations and servers). */
  mappedProducts: { itemKey: ProductMappingEntry['itemKey']; productId: string }[];
  /** Ends a contract in the PSA (its end date 40 days ago). */
  endContract(contractId: string): void;
  /** The existing customer tenants of the demo partner a person may map companies to. */
  tenants(): string[];
  /** The first of them. */
  freeTenant(): string;
  close(): Promise<void>;
}

export interface Psa {
  name: string;
  start(store: Store): Promise<PsaWorld>;
}

const DAY = 86_400_000;
/** The same field written 40 days ago, in the format the PSA already uses for it. */
const fortyDaysAgo = (existing: unknown): string | number => {
  const at = Date.now() - 40 * DAY;
  if (typeof existing === 'number') return at;
  const day = new Date(at).toISOString().slice(0, 10);
  return typeof existing === 'string' ? `${day}${existing.slice(10)}` : `${day}T00:00:00Z`;
};

export const PSAS: Psa[] = [
  {
    name: 'Autotask',
    start: async (store) => {
      const w = await startSyncWorld(store);
      const contracts = w.autotask.state.table('Contracts');
      const tenants = () =>
        [...w.acronis.state.tenants.values()].filter((t) => t.kind === 'customer' && t.parent_id === w.acronis.partnerId && t.enabled && t.name !== 'Trey Research').map((t) => t.id);
      return {
        integrationId: w.integrationId,
        acronis: w.acronis,
        runtime: (o) => w.runtime(o),
        mappedProducts: [
          { itemKey: 'workstations', productId: w.services.get('Workstations')! },
          { itemKey: 'servers', productId: w.services.get('Servers')! },
        ],
        endContract: (id) => {
          const row = contracts.rows.get(Number(id))!;
          row.endDate = fortyDaysAgo(row.endDate);
        },
        tenants,
        freeTenant: () => tenants()[0]!,
        close: () => w.close(),
      };
    },
  },
  {
    name: 'ConnectWise',
    start: async (store) => {
      const w = await startCwWorld(store);
      const agreements = w.cw.state.table('agreements');
      const tenants = () => customerTenants(w).map((t) => t.id);
      return {
        integrationId: w.integrationId,
        acronis: w.acronis,
        runtime: (o) => w.runtime(o),
        mappedProducts: [
          { itemKey: 'workstations', productId: w.products.get('AcronisPhysicalWorkstations')! },
          { itemKey: 'servers', productId: w.products.get('AcronisServers')! },
        ],
        endContract: (id) => {
          const row = agreements.rows.get(Number(id))!;
          row.noEndingDateFlag = false;
          row.endDate = fortyDaysAgo(row.endDate);
        },
        tenants,
        freeTenant: () => tenants()[0]!,
        close: () => w.close(),
      };
    },
  },
];

/** Registers the hooks in the calling `describe`; `onReady` receives each test's store and world. */
export function usePsaWorld(db: TestDatabase, psa: Psa, onReady: (opened: { store: Store; world: PsaWorld }) => void): void {
  let cleanup: (() => Promise<void>) | undefined;
  let world: PsaWorld | undefined;
  beforeEach(async () => {
    const opened = await openTestStore(db);
    cleanup = opened.cleanup;
    world = await psa.start(opened.store);
    onReady({ store: opened.store, world });
  });
  afterEach(async () => {
    await world?.close();
    await cleanup?.();
    world = cleanup = undefined;
  });
}
