/**
 * The vendor side of an integration over every partner tenant it serves (the vendor's
 * multi-mapping): one Acronis connector per partner connection, and with several partners the
 * composite of src/sync/multi-partner-vendor.ts, so a loop reads the union of their customers and
 * each per-tenant call goes to the tenant's partner. Shared by the PSA runtime and the billing
 * runtime, so a billing platform bills the tenants of every partner too. Credentials are decrypted
 * here and go only into the connector factories.
 */
import { createAcronisVendor, type AcronisVendorOptions } from '../connectors/acronis/vendor.ts';
import type { CallObserver } from '../connectors/kit/call-metrics.ts';
import type { VendorCloud } from '../connectors/ports.ts';
import type { Clock } from '../store/columns.ts';
import { StoreError } from '../store/errors.ts';
import type { IntegrationPartner } from '../store/repositories/integration-partners.ts';
import type { Integration } from '../store/repositories/integrations.ts';
import type { SyncSnapshotsRepository } from '../store/repositories/sync-snapshots.ts';
import type { Store } from '../store/store.ts';
import type { Cursors } from './cursors.ts';
import { createMultiPartnerVendor, type MultiPartnerVendor, type PartnerMember } from './multi-partner-vendor.ts';

/** A partner tenant of the integration with its tenant id known (tested, or found by `whoAmI`). */
export type RuntimePartner = IntegrationPartner & { tenantId: string };

export interface PartnerVendors {
  /** The primary first. */
  partners: RuntimePartner[];
  /** Null with one partner. */
  composite: MultiPartnerVendor | null;
  /** The composite, or the primary's own connector with one partner. */
  vendor: VendorCloud;
}

export interface PartnerVendorOptions {
  clock: Clock;
  /** Where listed tenants were recorded with their partner, for tenants this process has not listed yet. */
  snapshots: SyncSnapshotsRepository;
  cursors: Cursors;
  onVendorCall?: CallObserver;
  vendorOptions?: Partial<AcronisVendorOptions>;
}

export async function buildPartnerVendors(store: Store, integration: Integration, options: PartnerVendorOptions): Promise<PartnerVendors> {
  const { repos } = store;
  const { clock, snapshots, cursors } = options;
  const listed = await repos.integrationPartners.list(integration.id);
  // One vendor connector per partner connection; the primary alone is the integration's vendor as before.
  const members: Array<PartnerMember & { partner: IntegrationPartner }> = [];
  for (const partner of listed) {
    const partnerVendor = createAcronisVendor({
      ...(await repos.connections.getCredentials(partner.connectionId)),
      connectionName: partner.connectionName,
      ...(options.onVendorCall === undefined ? {} : { onCall: options.onVendorCall }),
      ...options.vendorOptions,
    });
    let tenantId = partner.tenantId;
    if (tenantId === null) {
      const identity = await partnerVendor.whoAmI();
      tenantId = identity.tenantId;
      await repos.connections.recordCheck(partner.connectionId, { ok: true, tenantId: identity.tenantId, tenantName: identity.tenantName });
    }
    members.push({ connectionId: partner.connectionId, name: partner.connectionName, partnerTenantId: tenantId, vendor: partnerVendor, partner: { ...partner, tenantId } });
  }
  const partners: RuntimePartner[] = members.map((m) => ({ ...m.partner, tenantId: m.partnerTenantId }));
  const primaryPartner = partners[0];
  if (primaryPartner === undefined) throw new StoreError('not_found', `integration "${integration.name}" names a connection that no longer exists`, { integrationId: integration.id });
  const composite: MultiPartnerVendor | null =
    members.length > 1
      ? createMultiPartnerVendor({
          members,
          clock,
          locate: async (tenantIds) => {
            const rows = await snapshots.getTenants<{ partnerConnectionId?: string }, never>(integration.id, tenantIds);
            // A tenant listed before the integration had several partners carries none: the primary's.
            return new Map([...rows].map(([id, row]) => [id, row.data?.partnerConnectionId ?? primaryPartner.connectionId] as const));
          },
          alertsBehind: {
            get: (connectionId) => cursors.get(integration.id, `alerts:behind:${connectionId}`),
            set: (connectionId, ns) => cursors.set(integration.id, `alerts:behind:${connectionId}`, ns),
            clear: async (connectionId) => void (await repos.cursors.delete(integration.id, `alerts:behind:${connectionId}`)),
          },
        })
      : null;
  return { partners, composite, vendor: composite ?? (members[0] as PartnerMember).vendor };
}
