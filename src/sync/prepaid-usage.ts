/**
 * Prepaid usage compared, not written (the vendor's usage-sync rule for PREPAID lines): for every
 * mapped customer with prepaid lines, the usage now against the contracted quantity and the quota,
 * and the overage — a list an MSP can bill from. Reads the contract snapshots the loops keep and the
 * vendor's current usages of those tenants (batches of 100); writes nothing anywhere.
 */
import type { TargetContract } from '../connectors/ports.ts';
import { comparePrepaidUsage, type PrepaidUsageRow } from '../domain/prepaid-overage.ts';
import type { ProductMapping } from '../domain/product-mapping.ts';
import type { VendorUsage } from '../domain/vendor-model.ts';
import type { IntegrationRuntime } from './integration-runtime.ts';
import { tenantPartners, type TenantPartner } from './tenant-partners.ts';

export interface PrepaidCustomer {
  companyId: string;
  companyName: string;
  tenantId: string;
  tenantName: string | null;
  /** The partner the tenant belongs to; only when the integration serves several partner tenants. */
  partner?: TenantPartner | null;
  over: boolean;
  totalOverage: number;
  /** The vendor reported no usage for the tenant: nothing can be compared. */
  usageUnavailable: boolean;
  rows: PrepaidUsageRow[];
}

export interface PrepaidUsageList {
  generatedAt: string;
  customers: PrepaidCustomer[];
  /** Customers over their contracted quantity on any item. */
  overCount: number;
}

export async function listPrepaidUsage(rt: IntegrationRuntime, options: { onlyOver?: boolean } = {}): Promise<PrepaidUsageList> {
  const integrationId = rt.integration.id;
  const now = rt.clock();
  if (rt.target.contracts === undefined) return { generatedAt: now.toISOString(), customers: [], overCount: 0 };
  const provisioning = await rt.settings.read(integrationId, 'provisioning');
  const mapping = (await rt.settings.read(integrationId, 'product-mapping')) as ProductMapping;
  const allowMixedBilling = provisioning.allowMixedBilling || (rt.target.capabilities.contracts !== false && rt.target.capabilities.contracts.allowMixedBilling);
  const mapped = (await rt.store.repos.mappings.list(integrationId, { state: ['mapped', 'failed'] })).filter((m) => m.tenantId !== null);
  const contracts = await rt.snapshots.contractsOf<TargetContract>(
    integrationId,
    mapped.map((m) => m.companyId),
  );
  const prepaid = mapped.filter((m) => (contracts.get(m.companyId) ?? []).some((c) => c.lines.some((l) => l.billing === 'prepaid')));
  const usages = new Map<string, VendorUsage[]>();
  if (prepaid.length > 0) for await (const entry of rt.vendor.getUsages(prepaid.map((m) => m.tenantId as string))) usages.set(entry.tenantId, entry.usages);

  const partners = await tenantPartners(rt, prepaid.map((m) => m.tenantId as string));
  const customers: PrepaidCustomer[] = [];
  for (const m of prepaid) {
    const tenantId = m.tenantId as string;
    const lines = (contracts.get(m.companyId) ?? []).flatMap((c) => c.lines);
    const tenantUsages = usages.get(tenantId);
    const report = comparePrepaidUsage({ tenantId, lines, mapping, usages: tenantUsages ?? [], allowMixedBilling, now });
    if (report.rows.length === 0) continue;
    customers.push({
      companyId: m.companyId,
      companyName: m.companyName,
      tenantId,
      tenantName: m.tenantName,
      ...(partners === null ? {} : { partner: partners.get(tenantId) ?? null }),
      over: report.over,
      totalOverage: report.totalOverage,
      usageUnavailable: tenantUsages === undefined,
      rows: report.rows,
    });
  }
  customers.sort((a, b) => Number(b.over) - Number(a.over) || b.totalOverage - a.totalOverage || a.companyName.localeCompare(b.companyName));
  const shown = options.onlyOver === true ? customers.filter((c) => c.over) : customers;
  return { generatedAt: now.toISOString(), customers: shown, overCount: customers.filter((c) => c.over).length };
}
