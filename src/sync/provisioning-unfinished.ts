/**
 * The provisioning loop's unfinished work: its journal entries still `pending` (a pass that died
 * between the record and the write, or one still writing) or `failed`, and the companies they
 * belong to. An incremental pass plans these companies whatever changed, so a crash is repaired by
 * the next passes (after the lease) and not only by the daily full pass; the mapping list shows
 * them as pending, and a pass that meets one still leased says so as a warning.
 */
import { problem, type PlanProblem } from '../domain/plan-problem.ts';
import type { JournalEntry } from '../store/repositories/journal.ts';
import type { IntegrationRuntime } from './integration-runtime.ts';

export const PROVISIONING_JOURNAL_LOOP = 'provisioning';

/** Open entries are few (a crash leaves at most a pass's concurrency of them per integration). */
const OPEN_LIMIT = 10_000;

export async function openProvisioningEntries(rt: IntegrationRuntime): Promise<JournalEntry[]> {
  return rt.store.repos.journal.list({ integrationId: rt.integration.id, loop: PROVISIONING_JOURNAL_LOOP, states: ['pending', 'failed'], limit: OPEN_LIMIT });
}

/**
 * The company an entry works for: the `companyId` its payload carries (every provisioning payload
 * has one), else the company mapped to the tenant it names (entries written before payloads
 * carried the company).
 */
export async function companyOfEntry(rt: IntegrationRuntime, entry: JournalEntry): Promise<string | null> {
  const p = entry.payload as { companyId?: unknown; tenantId?: unknown; tenant?: { tenantId?: unknown } } | null;
  if (p === null || typeof p !== 'object') return null;
  if (typeof p.companyId === 'string') return p.companyId;
  const tenantId = typeof p.tenantId === 'string' ? p.tenantId : typeof p.tenant?.tenantId === 'string' ? p.tenant.tenantId : null;
  if (tenantId === null) return null;
  return (await rt.store.repos.mappings.getByTenant(rt.integration.id, tenantId))?.companyId ?? null;
}

/** Companies with open provisioning entries, each with its entries. */
export async function companiesWithUnfinishedWork(rt: IntegrationRuntime): Promise<Map<string, JournalEntry[]>> {
  const out = new Map<string, JournalEntry[]>();
  for (const entry of await openProvisioningEntries(rt)) {
    const companyId = await companyOfEntry(rt, entry);
    if (companyId === null) continue;
    const list = out.get(companyId) ?? [];
    list.push(entry);
    out.set(companyId, list);
  }
  return out;
}

/** Said on a company whose step another worker holds (or a stopped one held): taken over when the lease ends. */
export function inProgressProblem(companyId: string, companyName: string, operation: string, leaseExpiresAt: string | null): PlanProblem {
  return problem(
    'operation_in_progress',
    'warning',
    `"${companyName}": ${operation.replaceAll('_', ' ')} is being applied by another worker, or was left unfinished by one that stopped; a later pass checks whether it happened and finishes it${leaseExpiresAt === null ? '' : ` after ${leaseExpiresAt}`}.`,
    { companyId, operation },
  );
}
