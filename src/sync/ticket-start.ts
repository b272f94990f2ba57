/**
 * The ticket start of an integration (src/domain/ticket-start.ts), kept with its settings, and the
 * alerts already open that a person is shown when switching ticket creation on.
 */
import { z } from 'zod';
import type { TicketStart } from '../domain/ticket-start.ts';
import type { VendorAlert } from '../domain/vendor-model.ts';
import type { SettingsRepository } from '../store/repositories/settings.ts';
import type { VendorCloud } from '../connectors/ports.ts';
import type { BillingRuntime } from './billing/billing-runtime.ts';
import type { IntegrationRuntime } from './integration-runtime.ts';

const KEY = 'ticket-start';
const storedSchema = z.object({ raiseFrom: z.string().nullable(), decidedBy: z.string(), decidedAt: z.string() });

export async function readTicketStart(settings: Pick<SettingsRepository, 'get'>, integrationId: string): Promise<TicketStart | null> {
  const parsed = storedSchema.safeParse(await settings.get(integrationId, KEY));
  return parsed.success ? parsed.data : null;
}

export async function writeTicketStart(settings: Pick<SettingsRepository, 'set'>, integrationId: string, start: TicketStart): Promise<void> {
  await settings.set(integrationId, KEY, start);
}

/** Ticket creation was switched on without a choice: only alerts raised from now become tickets. */
export async function startTicketsNow(settings: Pick<SettingsRepository, 'set'>, integrationId: string, actor: string, now: Date = new Date()): Promise<void> {
  await writeTicketStart(settings, integrationId, { raiseFrom: now.toISOString(), decidedBy: actor, decidedAt: now.toISOString() });
}

export interface OpenAlert {
  id: string;
  type: string;
  typeTitle: string | null;
  severity: string;
  tenantId: string;
  tenantName: string | null;
  companyName: string | null;
  createdAt: string | null;
}

/** Open alerts of the tenants this integration maps (never another integration's), oldest first. */
export async function existingOpenAlerts(rt: IntegrationRuntime, before: string): Promise<OpenAlert[]> {
  const mapped = (await rt.store.repos.mappings.list(rt.integration.id, { state: ['mapped', 'failed'] })).filter((m) => m.tenantId !== null);
  return openAlertsOf(rt.vendor, new Map(mapped.map((m) => [m.tenantId as string, { tenantName: m.tenantName, companyName: m.companyName }])), before);
}

/** A billing platform's: the open alerts of the tenants pushed to it as accounts (its account name as the company). */
export async function existingOpenBillingAlerts(rt: BillingRuntime, before: string): Promise<OpenAlert[]> {
  const accounts = (await rt.pushed.accounts(rt.integration.id)).filter((a) => !a.deleted);
  return openAlertsOf(rt.vendor, new Map(accounts.map((a) => [a.accountId, { tenantName: a.name, companyName: a.name }])), before);
}

async function openAlertsOf(vendor: VendorCloud, byTenant: ReadonlyMap<string, { tenantName: string | null; companyName: string | null }>, before: string): Promise<OpenAlert[]> {
  if (byTenant.size === 0) return [];
  const types = new Map<string, string>();
  try {
    for (const t of await vendor.getAlertTypes()) if (t.title !== null) types.set(t.id, t.title);
  } catch {
    // Titles are a courtesy; the ids still say which alerts they are.
  }
  const found: OpenAlert[] = [];
  const beforeMs = Date.parse(before);
  for await (const alert of vendor.listAlerts({ tenantIds: [...byTenant.keys()] })) {
    if (!isOpen(alert)) continue;
    if (alert.createdAt !== null && Date.parse(alert.createdAt) >= beforeMs) continue;
    const m = alert.tenantId === null ? undefined : byTenant.get(alert.tenantId);
    if (m === undefined) continue;
    found.push({
      id: alert.id,
      type: alert.type,
      typeTitle: types.get(alert.type) ?? null,
      severity: alert.severity,
      tenantId: alert.tenantId as string,
      tenantName: m.tenantName,
      companyName: m.companyName,
      createdAt: alert.createdAt,
    });
  }
  return found.sort((a, b) => (a.createdAt ?? '').localeCompare(b.createdAt ?? ''));
}

const isOpen = (alert: VendorAlert): boolean => alert.deletedAt === null && !alert.dismissed;
