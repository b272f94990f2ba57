/**
 * Everything a loop needs for one integration, built from the store: the vendor cloud (the
 * integration's connection) and the target (through the connector registry), the settings, the
 * journal, cursors and snapshots. Credentials are decrypted here and nowhere else in `sync/`, and
 * only handed to the connector factories.
 *
 * A `RuntimeProvider` keeps one runtime per integration for the life of a process, so connectors
 * keep their token caches and Autotask's hourly budget is counted in one place, and runs the
 * target's `prepare()` (the PAYG field) once per integration start.
 */
import { createAcronisVendor, type AcronisVendorOptions } from '../connectors/acronis/vendor.ts';
import type { CallObserver } from '../connectors/kit/call-metrics.ts';
import type { Target, TargetSystem, VendorCloud } from '../connectors/ports.ts';
import { createTarget, type TargetFactoryInput } from '../connectors/registry.ts';
import type { Clock } from '../store/columns.ts';
import { StoreError } from '../store/errors.ts';
import type { Integration } from '../store/repositories/integrations.ts';
import type { JournalRepository } from '../store/repositories/journal.ts';
import type { SyncSnapshotsRepository } from '../store/repositories/sync-snapshots.ts';
import type { Repositories, Store } from '../store/store.ts';
import { buildBillingRuntime, isBillingPlatformIntegration, type BillingRuntime, type BillingRuntimeOptions } from './billing/billing-runtime.ts';
import { Cursors } from './cursors.ts';
import { Journal } from './journal.ts';
import { integrationSettings, type IntegrationSettings } from './settings/settings.ts';

export interface IntegrationRuntime {
  integration: Integration;
  /** The connection's partner tenant: parent of the tenants the hub creates, root of its listings. */
  partnerTenantId: string;
  vendor: VendorCloud;
  target: Target;
  store: Store;
  settings: IntegrationSettings;
  journal: Journal;
  cursors: Cursors;
  snapshots: SyncSnapshotsRepository;
  /** The store's repositories on this runtime's clock (what the loops write carries the runtime's time). */
  repos: Repositories;
  clock: Clock;
  /** Runs `target.prepare()` once per runtime (integration start); later calls return the first result. */
  prepareTarget(): Promise<void>;
}

export interface RuntimeOptions {
  clock?: Clock;
  onVendorCall?: CallObserver;
  onTargetCall?: CallObserver;
  /** Extra vendor connector options (tests: short timeouts). */
  vendorOptions?: Partial<AcronisVendorOptions>;
  /** Builds the target instead of the registry (tests: connector options the registry does not take). */
  targetFactory?: (system: TargetSystem, input: TargetFactoryInput) => Target;
  /** Wraps the connectors (tests inject crashes). */
  wrapVendor?: (vendor: VendorCloud) => VendorCloud;
  wrapTarget?: (target: Target) => Target;
  /** Journal storage override and lease (tests simulate a crash between the call and `markDone`). */
  journalRepo?: JournalRepository;
  journalLeaseMs?: number;
}

export async function buildIntegrationRuntime(store: Store, integrationId: string, options: RuntimeOptions = {}): Promise<IntegrationRuntime> {
  const { repos } = store;
  const integration = await repos.integrations.get(integrationId);
  if (integration === undefined) throw new StoreError('not_found', `no integration with id ${integrationId}`, { integrationId });
  const connection = await repos.connections.get(integration.connectionId);
  if (connection === undefined) throw new StoreError('not_found', `integration "${integration.name}" names a connection that no longer exists`, { integrationId });

  const settings = integrationSettings(repos.settings);
  const connector = await settings.read(integration.id, 'connector');
  const vendorCredentials = await repos.connections.getCredentials(connection.id);
  let vendor: VendorCloud = createAcronisVendor({
    ...vendorCredentials,
    connectionName: connection.name,
    ...(options.onVendorCall === undefined ? {} : { onCall: options.onVendorCall }),
    ...options.vendorOptions,
  });
  // The target's own fields only: the manual admin password (kept with them) is the vendor side's, read where it is used.
  const credentials = Object.fromEntries(
    Object.entries(await repos.integrations.getCredentials(integration.id)).flatMap(([k, v]) => (typeof v === 'string' && k !== 'adminPassword' ? [[k, v]] : [])),
  );
  const targetInput: TargetFactoryInput = {
    credentials,
    settings: { ...connector },
    connectionName: integration.name,
    ...(options.onTargetCall === undefined ? {} : { onCall: options.onTargetCall }),
  };
  let target = (options.targetFactory ?? createTarget)(integration.target, targetInput);
  if (options.wrapVendor) vendor = options.wrapVendor(vendor);
  if (options.wrapTarget) target = options.wrapTarget(target);

  let partnerTenantId = connection.tenantId;
  if (partnerTenantId === null) {
    const identity = await vendor.whoAmI();
    partnerTenantId = identity.tenantId;
    await repos.connections.recordCheck(connection.id, { ok: true, tenantId: identity.tenantId, tenantName: identity.tenantName });
  }

  const clock = options.clock ?? (() => new Date());
  const clocked = store.reposAt(clock);
  let prepared: Promise<void> | undefined;
  return {
    integration,
    partnerTenantId,
    vendor,
    target,
    store,
    settings,
    journal: new Journal(options.journalRepo ?? repos.journal, { clock, ...(options.journalLeaseMs === undefined ? {} : { leaseMs: options.journalLeaseMs }) }),
    cursors: new Cursors(repos.cursors),
    snapshots: clocked.syncSnapshots,
    repos: clocked,
    clock,
    prepareTarget() {
      prepared ??= target.prepare().then(
        () => undefined,
        (error: unknown) => {
          prepared = undefined; // a failed preparation is tried again by the next run
          throw error;
        },
      );
      return prepared;
    },
  };
}

export interface RuntimeProvider {
  get(integrationId: string): Promise<IntegrationRuntime>;
  /** The billing-platform runtime of the integration, or null when its target is not a billing platform. */
  billing(integrationId: string): Promise<BillingRuntime | null>;
  /** Forgets the runtime (credentials or connector settings changed); the next `get` builds a new one. */
  invalidate(integrationId: string): void;
}

export function createRuntimeProvider(store: Store, options: RuntimeOptions & { billing?: BillingRuntimeOptions } = {}): RuntimeProvider {
  const runtimes = new Map<string, Promise<IntegrationRuntime>>();
  const billingRuntimes = new Map<string, Promise<BillingRuntime | null>>();
  return {
    billing(integrationId) {
      let runtime = billingRuntimes.get(integrationId);
      if (runtime === undefined) {
        runtime = store.repos.integrations.get(integrationId).then((integration) =>
          integration !== undefined && isBillingPlatformIntegration(integration)
            ? buildBillingRuntime(store, integrationId, { ...(options.clock === undefined ? {} : { clock: options.clock }), ...options.billing })
            : null,
        );
        runtime.catch(() => billingRuntimes.delete(integrationId));
        billingRuntimes.set(integrationId, runtime);
      }
      return runtime;
    },
    get(integrationId) {
      let runtime = runtimes.get(integrationId);
      if (runtime === undefined) {
        runtime = buildIntegrationRuntime(store, integrationId, options);
        runtime.catch(() => runtimes.delete(integrationId));
        runtimes.set(integrationId, runtime);
      }
      return runtime;
    },
    invalidate(integrationId) {
      runtimes.delete(integrationId);
      billingRuntimes.delete(integrationId);
    },
  };
}

/** An integration by name or id. */
export async function findIntegration(store: Store, nameOrId: string): Promise<Integration> {
  const found = (await store.repos.integrations.getByName(nameOrId)) ?? (await store.repos.integrations.get(nameOrId));
  if (found === undefined) throw new StoreError('not_found', `no integration named "${nameOrId}"; "psa-bridge integration list" shows them`, { nameOrId });
  return found;
}
