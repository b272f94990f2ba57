/**
 * What mapping a company to an existing tenant would do, before a person saves it: the next
 * provisioning pass's plan for that pair (pure, src/domain/provisioning-plan.ts) with the tenant's
 * current usage, in words: "Workstations 60 → 0, 55 in use". Changes that take service away are
 * flagged; after saving they wait for approval (service-reduction-guard.ts) unless settings allow them.
 * Reads both sides, writes nothing.
 */
import type { TargetContract } from '../connectors/ports.ts';
import { planProvisioning, type ItemDecision, type ProvisioningSettings } from '../domain/provisioning-plan.ts';
import type { ProductMapping } from '../domain/product-mapping.ts';
import { guardServiceReductions } from '../domain/service-reduction-guard.ts';
import type { IntegrationRuntime } from './integration-runtime.ts';
import { itemLabel, tenantUsage } from './reduction-guard.ts';

export interface PreviewChange {
  item: string;
  from: string;
  to: string;
  inUse: number | null;
  /** Takes service away below what is in use: waits for approval after saving. */
  reduces: boolean;
  description: string;
}

export interface MappingPreview {
  companyId: string;
  companyName: string;
  tenantId: string;
  tenantName: string;
  changes: PreviewChange[];
  reductions: number;
  problems: { severity: string; message: string }[];
  /** One sentence: "mapping X to Y will set …" */
  summary: string;
}

const GB = 1024 ** 3;
const amount = (value: number, bytes: boolean): string => (bytes ? `${Math.round((value / GB) * 10) / 10} GB` : String(value));
const quota = (d: ItemDecision['from'], bytes: boolean): string => (!d.enabled ? 'off' : d.quota === null || d.quota.value === null ? 'unlimited' : amount(d.quota.value, bytes));

export async function previewMapping(rt: IntegrationRuntime, companyId: string, tenantId: string): Promise<MappingPreview> {
  const integrationId = rt.integration.id;
  const mapping = await rt.store.repos.mappings.get(integrationId, companyId);
  const companyName = mapping?.companyName ?? companyId;
  const settings = await rt.settings.read(integrationId, 'provisioning');
  const productMapping = (await rt.settings.read(integrationId, 'product-mapping')) as ProductMapping;
  const provisioning: ProvisioningSettings = {
    ...settings,
    allowMixedBilling: settings.allowMixedBilling || (rt.target.capabilities.contracts !== false && rt.target.capabilities.contracts.allowMixedBilling),
  };
  const contracts = (await rt.snapshots.contractsOf<TargetContract>(integrationId, [companyId])).get(companyId) ?? [];
  const partner = await rt.partnerOf(tenantId);
  const [tenant, items, availableForChild, usage] = await Promise.all([
    rt.vendor.getTenant(tenantId),
    rt.vendor.getOfferingItems(tenantId),
    rt.vendor.getAvailableForChild(partner.tenantId, 'customer'),
    tenantUsage(rt, tenantId),
  ]);
  const plan = planProvisioning({
    integrationId,
    parentTenantId: partner.tenantId,
    company: { id: companyId, name: companyName, primaryContact: null },
    lines: contracts.flatMap((c) => c.lines),
    mapping: productMapping,
    settings: provisioning,
    tenant: { state: 'mapped', tenant, manageable: true, items },
    availableForChild,
    now: rt.clock(),
  });
  const guarded = guardServiceReductions({ plan, companyName, usage, allowReductions: false, approved: new Set(), contracts, itemLabel });
  const heldItems = new Set(guarded.held.map((h) => `${h.item ?? ''}|${h.infraId ?? ''}`));
  const changes: PreviewChange[] = [];
  for (const op of plan.operations) {
    if (op.kind !== 'set_offering_items') continue;
    for (const d of op.decisions) {
      const used = usage.filter((u) => (u.name === d.name || u.usageName === d.name) && (u.infraId ?? null) === d.infraId);
      const inUse = used.reduce((sum, u) => sum + u.value, 0);
      const bytes = used.some((u) => u.measurementUnit === 'bytes') || items.some((i) => i.name === d.name && i.infraId === d.infraId && i.measurementUnit === 'bytes');
      const reduces = heldItems.has(`${d.name}|${d.infraId ?? ''}`);
      const item = itemLabel(d.name, d.infraId);
      const from = quota(d.from, bytes);
      const to = quota(d.to, bytes);
      changes.push({ item, from, to, inUse: inUse > 0 ? inUse : null, reduces, description: `${item} ${from} → ${to}${inUse > 0 ? `, ${amount(inUse, bytes)} in use` : ''}` });
    }
  }
  const reductions = changes.filter((c) => c.reduces).length;
  const summary =
    changes.length === 0
      ? `Mapping "${companyName}" to "${tenant.name}" changes nothing on the tenant.`
      : `Mapping "${companyName}" to "${tenant.name}" will set ${changes.map((c) => c.description).join('; ')}.${reductions > 0 ? ` ${reductions} of these take service away below what is in use and wait for approval after saving.` : ''}`;
  return {
    companyId,
    companyName,
    tenantId,
    tenantName: tenant.name,
    changes,
    reductions,
    problems: plan.problems.filter((p) => p.severity !== 'info').map((p) => ({ severity: p.severity, message: p.message })),
    summary,
  };
}
