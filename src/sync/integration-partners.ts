/**
 * Adding and removing the further partner tenants of an integration (the vendor's multi-mapping),
 * with the rules that keep it safe:
 *
 * - a partner is a tested connection (its partner tenant known), once per integration, and not a
 *   second API client of a partner tenant the integration already serves (its customers would be
 *   listed twice);
 * - a connection that already serves another integration for the same PSA is refused: two
 *   integrations for one PSA over one partner tenant would provision its customers twice;
 * - a partner is removed only once no company is mapped to one of its tenants (the mapping would
 *   lose the partner its tenant lives in); the primary connection is the integration's own.
 *
 * Callers (API, CLI) forget the integration's runtime afterwards, so the next pass reads the new set.
 */
import type { VendorTenant } from '../connectors/ports.ts';
import { StoreError } from '../store/errors.ts';
import type { IntegrationPartner } from '../store/repositories/integration-partners.ts';
import type { Store } from '../store/store.ts';

export type { IntegrationPartner };

const partnersOf = (store: Pick<Store, 'repos'>) => store.repos.integrationPartners;

export function listPartners(store: Pick<Store, 'repos'>, integrationId: string): Promise<IntegrationPartner[]> {
  return partnersOf(store).list(integrationId);
}

async function integrationOf(store: Pick<Store, 'repos'>, integrationId: string) {
  const integration = await store.repos.integrations.get(integrationId);
  if (integration === undefined) throw new StoreError('not_found', `no integration with id ${integrationId}`, { integrationId });
  return integration;
}

export async function addPartner(store: Pick<Store, 'repos'>, integrationId: string, connectionId: string): Promise<IntegrationPartner[]> {
  const integration = await integrationOf(store, integrationId);
  const connection = await store.repos.connections.get(connectionId);
  if (connection === undefined) throw new StoreError('not_found', `no connection with id ${connectionId}; "psa-bridge connection list" shows them`, { connectionId });
  const partners = await partnersOf(store).list(integrationId);
  if (partners.some((p) => p.connectionId === connectionId)) {
    throw new StoreError('conflict', `connection "${connection.name}" is already a partner of integration "${integration.name}"`, { integrationId, connectionId });
  }
  if (connection.tenantId === null) {
    throw new StoreError('conflict', `connection "${connection.name}" has not been tested yet, so its partner tenant is unknown: test it first (psa-bridge connection test ${connection.name})`, { connectionId });
  }
  const twin = partners.find((p) => p.tenantId === connection.tenantId);
  if (twin !== undefined) {
    throw new StoreError('conflict', `connection "${connection.name}" reaches partner tenant "${connection.tenantName ?? connection.tenantId}", which integration "${integration.name}" already serves through connection "${twin.connectionName}"`, { connectionId });
  }
  for (const other of await partnersOf(store).integrationsUsing(connectionId)) {
    if (other.id !== integrationId && other.target === integration.target) {
      throw new StoreError(
        'conflict',
        `connection "${connection.name}" already serves integration "${other.name}" for the same ${integration.target} PSA; two integrations over one partner tenant would provision its customers twice: remove it there first, or add the partner to that integration instead`,
        { connectionId, integrationId: other.id },
      );
    }
  }
  await partnersOf(store).add(integrationId, connectionId);
  return partnersOf(store).list(integrationId);
}

/**
 * `partnerOf`: where a mapped tenant the snapshots do not know yet lives (the runtime's routing);
 * without it such a tenant counts as the partner's, so a removal is refused rather than orphaning it.
 */
export async function removePartner(
  store: Pick<Store, 'repos'>,
  integrationId: string,
  connectionId: string,
  partnerOf?: (tenantId: string) => Promise<string | null>,
): Promise<IntegrationPartner[]> {
  const integration = await integrationOf(store, integrationId);
  const partners = await partnersOf(store).list(integrationId);
  const partner = partners.find((p) => p.connectionId === connectionId);
  if (partner === undefined) throw new StoreError('not_found', `connection ${connectionId} is not a partner of integration "${integration.name}"`, { integrationId, connectionId });
  if (partner.primary) {
    throw new StoreError('conflict', `connection "${partner.connectionName}" is the integration's own (primary) connection and cannot be removed; change the integration's connection instead`, { integrationId, connectionId });
  }
  const mapped = await mappedToPartner(store, integrationId, connectionId, partnerOf);
  if (mapped.length > 0) {
    const names = mapped.slice(0, 5).join(', ');
    throw new StoreError(
      'conflict',
      `${mapped.length} compan${mapped.length === 1 ? 'y is' : 'ies are'} mapped to tenants of partner "${partner.connectionName}" (${names}${mapped.length > 5 ? ', …' : ''}): unlink ${mapped.length === 1 ? 'it' : 'them'} first (psa-bridge mappings unlink), then remove the partner`,
      { integrationId, connectionId, mapped: mapped.length },
    );
  }
  await partnersOf(store).remove(integrationId, connectionId);
  return partnersOf(store).list(integrationId);
}

export async function setNewTenantsPartner(store: Pick<Store, 'repos'>, integrationId: string, connectionId: string): Promise<IntegrationPartner[]> {
  const integration = await integrationOf(store, integrationId);
  const partners = await partnersOf(store).list(integrationId);
  if (!partners.some((p) => p.connectionId === connectionId)) {
    throw new StoreError('not_found', `connection ${connectionId} is not a partner of integration "${integration.name}"; add it first`, { integrationId, connectionId });
  }
  await partnersOf(store).setNewTenantsPartner(integrationId, connectionId);
  return partnersOf(store).list(integrationId);
}

/** Names of the companies mapped to tenants of the partner. */
async function mappedToPartner(
  store: Pick<Store, 'repos'>,
  integrationId: string,
  connectionId: string,
  partnerOf?: (tenantId: string) => Promise<string | null>,
): Promise<string[]> {
  const mapped = (await store.repos.mappings.list(integrationId)).filter((m) => m.tenantId !== null);
  const snapshots = await store.repos.syncSnapshots.getTenants<VendorTenant, never>(integrationId, mapped.map((m) => m.tenantId as string));
  const primary = (await store.repos.integrations.get(integrationId))?.connectionId;
  const names: string[] = [];
  for (const m of mapped) {
    const row = snapshots.get(m.tenantId as string);
    // A tenant listed before the integration had several partners carries no partner: the primary's.
    const known = row === undefined ? undefined : (row.data?.partnerConnectionId ?? primary);
    const where = known ?? (partnerOf === undefined ? connectionId : await partnerOf(m.tenantId as string).catch(() => connectionId));
    if (where === connectionId) names.push(m.companyName);
  }
  return names;
}
