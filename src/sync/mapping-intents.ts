/**
 * "Map to a new tenant" intents: journal entries of the `mappings` loop, one `create_tenant` per
 * company and generation, keyed so the first generation's key is the provisioning loop's own (both
 * find the same tenant). The actions record and cancel them; the mapping job (mapping-job.ts) works
 * them off.
 */
import { randomUUID } from 'node:crypto';
import { TRANSIENT_CODES } from '../connectors/kit/errors.ts';
import type { VendorTenant } from '../connectors/ports.ts';
import { createTenantKey } from '../domain/directory-plan.ts';
import type { JournalEntry } from '../store/repositories/journal.ts';
import type { IntegrationRuntime } from './integration-runtime.ts';

export const MAPPINGS_LOOP = 'mappings';

export async function openIntents(rt: IntegrationRuntime): Promise<JournalEntry[]> {
  const entries = await rt.store.repos.journal.list({ integrationId: rt.integration.id, loop: MAPPINGS_LOOP, states: ['pending', 'failed'], limit: 100_000 });
  return entries;
}

export const companyOf = (entry: JournalEntry): string | null => {
  const p = entry.payload as { companyId?: unknown } | null;
  return p !== null && typeof p === 'object' && typeof p.companyId === 'string' ? p.companyId : null;
};

/** Key of the n-th "new tenant" of a company: the first is the provisioning loop's own key, so both find the same tenant. */
export function createKeyOf(integrationId: string, companyId: string, generation: number): string {
  const base = createTenantKey(integrationId, companyId);
  return generation === 1 ? base : `${base}:g${generation}`;
}

export const CANCELLED = 'cancelled';

export const REQUESTED_AGAIN = 'requested again';

/** Journal errors read `<code>: <message>`; transient codes and a person's new request are retried. */
export function retryable(error: string | null): boolean {
  if (error === null || error === REQUESTED_AGAIN) return true;
  const code = error.split(':')[0] ?? '';
  return (TRANSIENT_CODES as readonly string[]).includes(code);
}

/**
 * The tenant the hub created with this key, under any partner of the integration: the partner for
 * new tenants may have been changed between an attempt and its retry.
 */
export async function findCreatedTenant(rt: IntegrationRuntime, idempotencyKey: string): Promise<VendorTenant | null> {
  for (const partner of rt.partners) {
    const found = await rt.vendor.findTenantByIdempotencyKey(partner.tenantId, idempotencyKey);
    if (found !== null) return found;
  }
  return null;
}

/** Closes the open "new tenant" intents of a company (unlinked or mapped otherwise meanwhile). */
export async function cancelIntents(rt: IntegrationRuntime, companyId: string): Promise<number> {
  const journal = rt.store.repos.journal;
  let n = 0;
  for (const entry of await openIntents(rt)) {
    if (entry.operation !== 'create_tenant' || companyOf(entry) !== companyId) continue;
    const owner = randomUUID();
    // A live lease means the job is creating it right now; it checks the mapping before mapping it.
    if (!(await journal.claim(entry.id, owner, 60_000))) continue;
    const existing = await findCreatedTenant(rt, entry.idempotencyKey);
    await journal.markDone(entry.id, existing?.id ?? CANCELLED);
    n += 1;
  }
  return n;
}

export async function failIntent(rt: IntegrationRuntime, entry: JournalEntry, message: string): Promise<void> {
  const owner = randomUUID();
  if (await rt.store.repos.journal.claim(entry.id, owner, 0)) await rt.store.repos.journal.markFailed(entry.id, owner, message);
}
