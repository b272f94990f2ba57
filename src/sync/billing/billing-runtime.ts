/**
 * The runtime of a billing-platform integration (Gradient), built apart from the PSA runtime
 * (src/sync/integration-runtime.ts) because a billing platform is pushed to, not read: it has no
 * companies, contracts or ticket picklists behind the `Target` port, so its connector comes from the
 * manifest's `createPlatform` (the `BillingPlatform` port) instead of `createTarget`.
 *
 * Credentials are decrypted here and go only into the connector factories, so no loop, log or
 * error ever holds them. The vendor side is every partner tenant the integration serves
 * (src/sync/partner-vendors.ts, as for a PSA): each partner tenant is resolved once and stored on its
 * connection (`recordCheck`) because every pass lists its customers and the vendor's whoAmI is a
 * call a pass should not repeat. The pushed-state repository shares the runtime's clock so a test
 * clock moves recorded times and delivery backoff together.
 */
import type { AcronisVendorOptions } from '../../connectors/acronis/vendor.ts';
import type { BillingPlatform } from '../../connectors/billing-ports.ts';
import type { CallObserver } from '../../connectors/kit/call-metrics.ts';
import type { BillingPlatformCapabilities } from '../../connectors/manifest-schema.ts';
import type { VendorCloud } from '../../connectors/ports.ts';
import { billingPlatformManifestOf, createBillingPlatform, type TargetFactoryInput } from '../../connectors/registry.ts';
import type { Clock } from '../../store/columns.ts';
import { StoreError } from '../../store/errors.ts';
import type { BillingPushRepository } from '../../store/repositories/billing-push.ts';
import type { Integration } from '../../store/repositories/integrations.ts';
import type { Store } from '../../store/store.ts';
import { Cursors } from '../cursors.ts';
import { Journal } from '../journal.ts';
import { buildPartnerVendors, type RuntimePartner } from '../partner-vendors.ts';

export interface BillingRuntime {
  integration: Integration;
  /** The primary partner tenant: root of the listings, which with several partners are the union of every partner's. */
  partnerTenantId: string;
  /** The partner tenants the integration serves, the primary first. */
  partners: RuntimePartner[];
  /** With several partners the composite (src/sync/multi-partner-vendor.ts): per-tenant calls go to the tenant's partner. */
  vendor: VendorCloud;
  platform: BillingPlatform;
  capabilities: BillingPlatformCapabilities;
  /** The platform's name in messages ("Gradient"). */
  platformLabel: string;
  store: Store;
  pushed: BillingPushRepository;
  journal: Journal;
  clock: Clock;
}

export interface BillingRuntimeOptions {
  clock?: Clock;
  onVendorCall?: CallObserver;
  onPlatformCall?: CallObserver;
  /** Extra vendor connector options (tests: short timeouts, so a killed call fails fast). */
  vendorOptions?: Partial<AcronisVendorOptions>;
  /** Wrap the connectors, so the reliability test can inject crashes between a call and its record. */
  wrapVendor?: (vendor: VendorCloud) => VendorCloud;
  wrapPlatform?: (platform: BillingPlatform) => BillingPlatform;
  /** Builds the platform instead of the registry (tests: connector options the registry does not take). */
  platformFactory?: (system: Integration['target'], input: TargetFactoryInput) => BillingPlatform;
  journalLeaseMs?: number;
}

export function isBillingPlatformIntegration(integration: Pick<Integration, 'target'>): boolean {
  return billingPlatformManifestOf(integration.target) !== null;
}

export async function buildBillingRuntime(store: Store, integrationId: string, options: BillingRuntimeOptions = {}): Promise<BillingRuntime> {
  const { repos } = store;
  const integration = await repos.integrations.get(integrationId);
  if (integration === undefined) throw new StoreError('not_found', `no integration with id ${integrationId}`, { integrationId });
  const manifest = billingPlatformManifestOf(integration.target);
  if (manifest === null) throw new StoreError('conflict', `integration "${integration.name}" is not a billing-platform integration`, { integrationId });
  const connection = await repos.connections.get(integration.connectionId);
  if (connection === undefined) throw new StoreError('not_found', `integration "${integration.name}" names a connection that no longer exists`, { integrationId });

  const clock = options.clock ?? (() => new Date());
  // Every partner tenant of the integration: accounts and usage of the customers under each are billed.
  const { partners, vendor: partnerVendor } = await buildPartnerVendors(store, integration, {
    clock,
    snapshots: store.reposAt(clock).syncSnapshots,
    cursors: new Cursors(repos.cursors),
    ...(options.onVendorCall === undefined ? {} : { onVendorCall: options.onVendorCall }),
    ...(options.vendorOptions === undefined ? {} : { vendorOptions: options.vendorOptions }),
  });
  let vendor: VendorCloud = partnerVendor;
  const credentials = Object.fromEntries(
    Object.entries(await repos.integrations.getCredentials(integration.id)).flatMap(([k, v]) => (typeof v === 'string' && k !== 'adminPassword' ? [[k, v]] : [])),
  );
  const input: TargetFactoryInput = {
    credentials,
    connectionName: integration.name,
    ...(options.onPlatformCall === undefined ? {} : { onCall: options.onPlatformCall }),
  };
  let platform = (options.platformFactory ?? createBillingPlatform)(integration.target, input);
  if (options.wrapVendor) vendor = options.wrapVendor(vendor);
  if (options.wrapPlatform) platform = options.wrapPlatform(platform);

  return {
    integration,
    partnerTenantId: (partners[0] as RuntimePartner).tenantId,
    partners,
    vendor,
    platform,
    capabilities: manifest.capabilities,
    platformLabel: manifest.shortLabel,
    store,
    pushed: store.reposAt(clock).billingPush,
    journal: new Journal(repos.journal, { clock, ...(options.journalLeaseMs === undefined ? {} : { leaseMs: options.journalLeaseMs }) }),
    clock,
  };
}
