/**
 * Everything a billing-platform loop needs for one integration: the vendor cloud (the integration's
 * connection), the platform (through the connector registry, by the manifest's kind), what the hub
 * pushed so far, the journal and the clock. Credentials are decrypted here and handed to the
 * connector factories only.
 */
import { createAcronisVendor, type AcronisVendorOptions } from '../../connectors/acronis/vendor.ts';
import type { BillingPlatform } from '../../connectors/billing-ports.ts';
import type { CallObserver } from '../../connectors/kit/call-metrics.ts';
import type { BillingPlatformCapabilities } from '../../connectors/manifest-schema.ts';
import type { VendorCloud } from '../../connectors/ports.ts';
import { billingPlatformManifestOf, createBillingPlatform, type TargetFactoryInput } from '../../connectors/registry.ts';
import type { Clock } from '../../store/columns.ts';
import { StoreError } from '../../store/errors.ts';
import { BillingPushRepository } from '../../store/repositories/billing-push.ts';
import type { Integration } from '../../store/repositories/integrations.ts';
import type { Store } from '../../store/store.ts';
import { Journal } from '../journal.ts';

export interface BillingRuntime {
  integration: Integration;
  partnerTenantId: string;
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
  /** Wraps the connectors (tests inject crashes). */
  /** Extra vendor connector options (tests: short timeouts). */
  vendorOptions?: Partial<AcronisVendorOptions>;
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

  const vendorCredentials = await repos.connections.getCredentials(connection.id);
  let vendor: VendorCloud = createAcronisVendor({
    ...vendorCredentials,
    connectionName: connection.name,
    ...(options.onVendorCall === undefined ? {} : { onCall: options.onVendorCall }),
    ...options.vendorOptions,
  });
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

  let partnerTenantId = connection.tenantId;
  if (partnerTenantId === null) {
    const identity = await vendor.whoAmI();
    partnerTenantId = identity.tenantId;
    await repos.connections.recordCheck(connection.id, { ok: true, tenantId: identity.tenantId, tenantName: identity.tenantName });
  }
  const clock = options.clock ?? (() => new Date());
  return {
    integration,
    partnerTenantId,
    vendor,
    platform,
    capabilities: manifest.capabilities,
    platformLabel: manifest.shortLabel,
    store,
    pushed: new BillingPushRepository(store.db, clock),
    journal: new Journal(repos.journal, { clock, ...(options.journalLeaseMs === undefined ? {} : { leaseMs: options.journalLeaseMs }) }),
    clock,
  };
}
