/**
 * The provisioning loop's use of the service-reduction guard (src/domain/service-reduction-guard.ts):
 * reads the tenant's usage only when the company's plan would take something away, and the approvals
 * a person gave, then lets the domain decide what goes out and what waits.
 */
import type { TargetContract } from '../connectors/ports.ts';
import { catalogItemForVendorName } from '../domain/offering-item-catalog.ts';
import type { ProvisioningPlan } from '../domain/provisioning-plan.ts';
import { guardServiceReductions, hasReductionCandidate, type GuardResult } from '../domain/service-reduction-guard.ts';
import type { VendorUsage } from '../domain/vendor-model.ts';
import type { IntegrationRuntime } from './integration-runtime.ts';

export function itemLabel(name: string, infraId: string | null): string {
  const item = catalogItemForVendorName(name);
  const label = item?.displayName ?? name;
  return infraId === null ? label : `${label} (storage ${infraId})`;
}

export async function tenantUsage(rt: IntegrationRuntime, tenantId: string): Promise<VendorUsage[]> {
  for await (const entry of rt.vendor.getUsages([tenantId])) if (entry.tenantId === tenantId) return entry.usages;
  return [];
}

export async function guardCompanyPlan(
  rt: IntegrationRuntime,
  input: { plan: ProvisioningPlan; companyName: string; tenantId: string | null; contracts: readonly TargetContract[]; allowReductions: boolean; approved: ReadonlySet<string> },
): Promise<GuardResult> {
  const usage = input.tenantId !== null && !input.allowReductions && hasReductionCandidate(input.plan) ? await tenantUsage(rt, input.tenantId) : [];
  return guardServiceReductions({
    plan: input.plan,
    companyName: input.companyName,
    usage,
    allowReductions: input.allowReductions,
    approved: input.approved,
    contracts: input.contracts,
    itemLabel,
  });
}
