/**
 * Which partner each tenant of a list belongs to, for the screens of an integration that serves
 * several partner tenants (a Partner column in every table of tenants). With one partner there is
 * nothing to tell and the answer is null, so single-partner rows stay as they were.
 */
import type { VendorTenant } from '../connectors/ports.ts';
import type { IntegrationRuntime, RuntimePartner } from './integration-runtime.ts';

/** A tenant's partner as a row shows it. */
export interface TenantPartner {
  connectionId: string;
  connectionName: string;
  /** The partner tenant's name (null before the connection was tested). */
  tenantName: string | null;
  dataCenter: string;
}

export const tenantPartnerOf = (p: RuntimePartner): TenantPartner => ({ connectionId: p.connectionId, connectionName: p.connectionName, tenantName: p.tenantName, dataCenter: p.baseUrl });

/** From the snapshots (tagged by the listing), else the runtime's routing; tenants no partner knows are left out. */
export async function tenantPartners(rt: IntegrationRuntime, tenantIds: readonly string[]): Promise<Map<string, TenantPartner> | null> {
  if (rt.partners.length < 2) return null;
  const byConnection = new Map(rt.partners.map((p) => [p.connectionId, p]));
  const primary = rt.partners[0] as RuntimePartner;
  const rows = await rt.snapshots.getTenants<VendorTenant, never>(rt.integration.id, tenantIds);
  const out = new Map<string, TenantPartner>();
  for (const id of new Set(tenantIds)) {
    const row = rows.get(id);
    const partner = row === undefined ? await rt.partnerOf(id).catch(() => null) : (byConnection.get(row.data?.partnerConnectionId ?? primary.connectionId) ?? primary);
    if (partner !== null) out.set(id, tenantPartnerOf(partner));
  }
  return out;
}

/**
 * The partner of each company's mapped tenant, for rows that name a company (plan entries, problems):
 * null for a company without a tenant; the whole answer null with one partner.
 */
export async function companyPartners(rt: IntegrationRuntime, companyIds: readonly string[]): Promise<Map<string, TenantPartner | null> | null> {
  if (rt.partners.length < 2) return null;
  const tenantOf = new Map<string, string | null>();
  for (const companyId of new Set(companyIds)) tenantOf.set(companyId, (await rt.repos.mappings.get(rt.integration.id, companyId))?.tenantId ?? null);
  const tenants = await tenantPartners(rt, [...tenantOf.values()].filter((t): t is string => t !== null));
  return new Map([...tenantOf].map(([companyId, tenantId]) => [companyId, tenantId === null ? null : (tenants?.get(tenantId) ?? null)]));
}
