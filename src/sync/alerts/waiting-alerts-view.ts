/**
 * Alerts held back, as a person reads them (the portal's "Alerts waiting", `psa-bridge alerts
 * --waiting`): the customer by its name where the pass only knew its tenant id, and none of the
 * customers another integration of the same Acronis connection maps (their alerts are that
 * integration's; the repository leaves them out in SQL, so pages and counts agree).
 */
import type { Store } from '../../store/store.ts';
import type { WaitingAlert, WaitingReason } from '../../store/repositories/waiting-alerts.ts';

export interface WaitingAlertView extends WaitingAlert {
  /** The customer tenant's name, from the last directory pass (null when never seen). */
  tenantName: string | null;
}

export async function listWaitingAlerts(
  store: Pick<Store, 'repos'>,
  integrationId: string,
  filter: { reason: WaitingReason; tenantId?: string; limit: number; offset?: number },
): Promise<{ items: WaitingAlertView[]; counts: Record<WaitingReason, number> }> {
  const listed = await store.repos.waitingAlerts.list(integrationId, { ...filter, shownHere: true });
  const names = await tenantNames(store, integrationId, listed);
  const nameOf = (tenantId: string | null) => (tenantId === null ? null : (names.get(tenantId) ?? null));
  const items = listed.map((w) => {
    const tenantName = nameOf(w.tenantId);
    // The customer by its name where the pass wrote its id ("Customer tenant 3f2a… is not mapped").
    const detail = w.tenantId !== null && tenantName !== null ? w.detail.replaceAll(w.tenantId, `"${tenantName}"`) : w.detail;
    return { ...w, tenantName, detail };
  });
  return { items, counts: await store.repos.waitingAlerts.countByReason(integrationId, { shownHere: true }) };
}

async function tenantNames(store: Pick<Store, 'repos'>, integrationId: string, items: readonly WaitingAlert[]): Promise<Map<string, string>> {
  const ids = new Set(items.map((w) => w.tenantId).filter((t): t is string => t !== null));
  const names = new Map<string, string>();
  if (ids.size === 0) return names;
  for (const row of await store.repos.syncSnapshots.listTenants(integrationId)) {
    const tenantId = row.tenantId.toLowerCase();
    if (ids.has(tenantId)) names.set(tenantId, row.name);
  }
  for (const tenantId of ids) {
    if (names.has(tenantId)) continue;
    const mapped = await store.repos.mappings.getByTenant(integrationId, tenantId);
    if (mapped?.tenantName != null) names.set(tenantId, mapped.tenantName);
  }
  return names;
}
