/**
 * One customer as an MSP looks at it (the portal's /integrations/:id/customers/:companyId): the
 * company and its tenant, its contracts with each line named by its service, the tenant's quotas
 * against what it uses, its tickets, the problems still open for it and its mapping history from
 * the audit log. The contracts, tickets, problems and history are the hub's own records; the quotas
 * and usage are read from the vendor cloud now (said so when it cannot be read, the rest still shown).
 */
import { isConnectorError } from '../connectors/kit/errors.ts';
import type { TargetContract } from '../connectors/ports.ts';
import { productLabel, type ProductMapping } from '../domain/product-mapping.ts';
import { tenantPartners, type TenantPartner } from './tenant-partners.ts';
import type { IntegrationRuntime } from './integration-runtime.ts';
import { listReadableProblems, type ReadableProblem } from './plan-problems.ts';
import { itemLabel, tenantUsage } from './reduction-guard.ts';
import { STATE_LABELS } from './mapping-list.ts';

const GB = 1024 ** 3;
const HISTORY_LIMIT = 100;
const TICKET_LIMIT = 100;

export interface CustomerView {
  company: { id: string; name: string; state: string; stateLabel: string; error: string | null };
  /** `partner`: only when the integration serves several partner tenants. */
  tenant: { id: string; name: string; enabled: boolean | null; partner?: TenantPartner | null } | null;
  contracts: {
    id: string;
    name: string;
    billing: string;
    active: boolean;
    startDate: string | null;
    endDate: string | null;
    lines: { lineId: string; service: string | null; quantity: number; billing: string; active: boolean }[];
  }[];
  quotas: { item: string; enabled: boolean; quota: number | null; used: number | null; unit: string; over: boolean }[];
  /** Why the quotas could not be read from the vendor cloud; null when they were. */
  quotasError: string | null;
  tickets: { id: string; ticketNumber: string | null; title: string | null; alertType: string; resource: string | null; state: string; openedAt: string; updatedAt: string }[];
  problems: ReadableProblem[];
  history: { at: string; actor: string; action: string; details: Record<string, unknown> }[];
}

export class CustomerNotFoundError extends Error {}

/** Bytes as GB (one decimal) for storage items; counts as they are. */
const inUnit = (value: number, bytes: boolean): number => (bytes ? Math.round((value / GB) * 10) / 10 : value);

export async function readCustomer(rt: IntegrationRuntime, companyId: string): Promise<CustomerView> {
  const integrationId = rt.integration.id;
  const mapping = await rt.store.repos.mappings.get(integrationId, companyId);
  if (mapping === undefined) throw new CustomerNotFoundError(`There is no company ${companyId} in this integration; open the customer from the mapping list`);
  const productMapping = (await rt.settings.read(integrationId, 'product-mapping')) as ProductMapping;
  const contracts = (await rt.snapshots.contractsOf<TargetContract>(integrationId, [companyId])).get(companyId) ?? [];

  let tenant: CustomerView['tenant'] = null;
  let quotas: CustomerView['quotas'] = [];
  let quotasError: string | null = null;
  const tenantId = mapping.state === 'mapped' || mapping.state === 'failed' ? mapping.tenantId : null;
  if (tenantId !== null) {
    const partner = (await tenantPartners(rt, [tenantId]))?.get(tenantId);
    const partnerField = partner === undefined ? (rt.partners.length > 1 ? { partner: null } : {}) : { partner };
    tenant = { id: tenantId, name: mapping.tenantName ?? tenantId, enabled: null, ...partnerField };
    try {
      const [live, items, usage] = await Promise.all([rt.vendor.getTenant(tenantId), rt.vendor.getOfferingItems(tenantId), tenantUsage(rt, tenantId)]);
      tenant = { id: tenantId, name: live.name, enabled: live.enabled, ...partnerField };
      quotas = items
        .filter((i) => i.enabled)
        .map((i) => {
          const bytes = i.measurementUnit === 'bytes';
          const used = usage.filter((u) => (u.name === i.name || u.usageName === i.name) && (u.infraId ?? null) === (i.infraId ?? null));
          const usedValue = used.length === 0 ? null : inUnit(used.reduce((sum, u) => sum + u.value, 0), bytes);
          const quota = i.quota === null || i.quota.value === null ? null : inUnit(i.quota.value, bytes);
          return { item: itemLabel(i.name, i.infraId ?? null), enabled: i.enabled, quota, used: usedValue, unit: bytes ? 'GB' : '', over: quota !== null && usedValue !== null && usedValue > quota };
        })
        .sort((a, b) => Number(b.over) - Number(a.over) || a.item.localeCompare(b.item));
    } catch (error) {
      quotasError = isConnectorError(error) || error instanceof Error ? error.message : String(error);
    }
  }

  const links = tenantId === null || rt.store.repos.alertLinks === undefined ? [] : await rt.store.repos.alertLinks.list(integrationId, { search: tenantId, limit: TICKET_LIMIT });
  const audit = await rt.store.repos.auditLog.list({ subjectType: 'integration', subjectId: integrationId, limit: 1000 });
  const aboutCompany = (details: Record<string, unknown>): boolean =>
    details.companyId === companyId ||
    (Array.isArray(details.items) && details.items.some((i) => typeof i === 'object' && i !== null && (i as { companyId?: unknown }).companyId === companyId)) ||
    (Array.isArray(details.changes) && details.changes.some((c) => typeof c === 'string' && c.startsWith(`${mapping.companyName}: `)));

  return {
    company: { id: companyId, name: mapping.companyName, state: mapping.state, stateLabel: STATE_LABELS[mapping.state], error: mapping.error },
    tenant,
    contracts: contracts.map((c) => ({
      id: c.id,
      name: c.name,
      billing: c.billing,
      active: c.active,
      startDate: c.startDate,
      endDate: c.endDate,
      lines: c.lines.map((l) => ({ lineId: l.lineId, service: productLabel(productMapping, l.productId), quantity: l.quantity, billing: l.billing, active: l.active })),
    })),
    quotas,
    quotasError,
    tickets: links
      .filter((l) => l.labels.tenantId === tenantId)
      .map((l) => ({
        id: l.id,
        ticketNumber: l.labels.ticketNumber,
        title: l.labels.ticketTitle,
        alertType: l.labels.alertType,
        resource: l.labels.resourceName ?? l.labels.resource,
        state: l.displayState,
        openedAt: l.createdAt,
        updatedAt: l.updatedAt,
      })),
    problems: await listReadableProblems(rt.store, integrationId, { companyId }),
    history: audit
      .filter((e) => aboutCompany((e.details ?? {}) as Record<string, unknown>))
      .slice(0, HISTORY_LIMIT)
      .map((e) => ({ at: e.at, actor: e.actor, action: e.action, details: (e.details ?? {}) as Record<string, unknown> })),
  };
}
