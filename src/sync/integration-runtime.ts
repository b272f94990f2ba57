/**
 * Everything a loop needs for one integration, built from the store: the vendor cloud (the
 * integration's connection) and the target (through the connector registry), the settings, the
 * journal, cursors and snapshots. Credentials are decrypted here and nowhere else in `sync/`, and
 * only handed to the connector factories.
 *
 * A `RuntimeProvider` keeps one runtime per integration for the life of a process, so connectors
 * keep their token caches and Autotask's hourly budget is counted in one place, and runs the
 * target's `prepare()` (the PAYG field) once per integration start; it builds a new one when the
 * integration's partner tenants changed, also when another process (the CLI) changed them.
 */
import type { AcronisVendorOptions } from '../connectors/acronis/vendor.ts';
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
import type { PartnerFailure } from './multi-partner-vendor.ts';
import { buildPartnerVendors, type RuntimePartner } from './partner-vendors.ts';
import { integrationSettings, type IntegrationSettings } from './settings/settings.ts';

export interface IntegrationRuntime {
  integration: Integration;
  /**
   * The primary connection's partner tenant: root of the listings (which, with several partners,
   * are the union of every partner's, multi-partner-vendor.ts).
   */
  partnerTenantId: string;
  /** The partner tenant new customer tenants are created under (the primary unless a person chose another). */
  newTenantParentId: string;
  /** The partner tenants the integration serves, the primary first (one unless partners were added). */
  partners: RuntimePartner[];
  /** The partner a tenant belongs to (the primary with one partner). */
  partnerOf(tenantId: string): Promise<RuntimePartner>;
  /** Partners a read failed for since `at`, so a pass can say which one it could not read. */
  partnerFailuresSince(at: Date): PartnerFailure[];
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

export type { RuntimePartner };

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
  const clock = options.clock ?? (() => new Date());
  const clocked = store.reposAt(clock);
  const snapshots = clocked.syncSnapshots;
  const cursors = new Cursors(repos.cursors);
  const { partners, composite, vendor: partnerVendor } = await buildPartnerVendors(store, integration, {
    clock,
    snapshots,
    cursors,
    ...(options.onVendorCall === undefined ? {} : { onVendorCall: options.onVendorCall }),
    ...(options.vendorOptions === undefined ? {} : { vendorOptions: options.vendorOptions }),
  });
  const primaryPartner = partners[0] as RuntimePartner;
  let vendor: VendorCloud = partnerVendor;
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

  const byConnection = new Map(partners.map((p) => [p.connectionId, p]));
  let prepared: Promise<void> | undefined;
  return {
    integration,
    partnerTenantId: primaryPartner.tenantId,
    newTenantParentId: (partners.find((p) => p.newTenants) ?? primaryPartner).tenantId,
    partners,
    partnerOf: async (tenantId) => (composite === null ? primaryPartner : (byConnection.get((await composite.memberOf(tenantId)).connectionId) ?? primaryPartner)),
    partnerFailuresSince: (at) => composite?.failuresSince(at) ?? [],
    vendor,
    target,
    store,
    settings,
    journal: new Journal(options.journalRepo ?? repos.journal, { clock, ...(options.journalLeaseMs === undefined ? {} : { leaseMs: options.journalLeaseMs }) }),
    cursors,
    snapshots,
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
  // Each runtime with the partner set it was built for (IntegrationPartnersRepository.version): a
  // partner added or removed by another process (the CLI writes the database directly, it cannot
  // tell this one) is noticed at the next `get`, which builds a runtime for the new set.
  const runtimes = new Map<string, { version: string; runtime: Promise<IntegrationRuntime> }>();
  const billingRuntimes = new Map<string, { version: string; runtime: Promise<BillingRuntime | null> }>();
  const partners = store.repos.integrationPartners;
  async function cached<T>(cache: Map<string, { version: string; runtime: Promise<T> }>, integrationId: string, build: () => Promise<T>): Promise<T> {
    const version = await partners.version(integrationId);
    let entry = cache.get(integrationId);
    if (entry === undefined || entry.version !== version) {
      const made = { version, runtime: build() };
      made.runtime.catch(() => cache.get(integrationId) === made && cache.delete(integrationId));
      cache.set(integrationId, made);
      entry = made;
    }
    return entry.runtime;
  }
  return {
    billing(integrationId) {
      return cached(billingRuntimes, integrationId, () =>
        store.repos.integrations.get(integrationId).then((integration) =>
          integration !== undefined && isBillingPlatformIntegration(integration)
            ? buildBillingRuntime(store, integrationId, { ...(options.clock === undefined ? {} : { clock: options.clock }), ...options.billing })
            : null,
        ),
      );
    },
    get(integrationId) {
      return cached(runtimes, integrationId, () => buildIntegrationRuntime(store, integrationId, options));
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
