/**
 * Suggested matches by name, with a confidence (src/domain/company-name-match.ts), for the PSAs
 * whose manifest asks for them (capability `nameSuggestions`: Autotask, ConnectWise): both sides are
 * read now, the free companies and tenants are matched, and a person confirms the pairs they want.
 * Like the marketplace wizard (src/sync/marketplace-wizard.ts), only pairs suggested now are mapped
 * on confirmation, through the mapping actions (so the 1:1 rule and manageability hold).
 */
import { manifestOf } from '../connectors/registry.ts';
import { suggestNameMatches, type NameMatchResult } from '../domain/company-name-match.ts';
import type { IntegrationRuntime } from './integration-runtime.ts';
import { confirmPairs, readCustomerTenants, type ConfirmOutcome } from './marketplace-wizard.ts';
import { MappingActionError } from './mapping-error.ts';
import { readCompanies } from './mapping-list.ts';

export function offersNameSuggestions(rt: Pick<IntegrationRuntime, 'integration'>): boolean {
  const manifest = manifestOf(rt.integration.target);
  return manifest.kind === 'psa' && manifest.capabilities.nameSuggestions;
}

function requireSuggestions(rt: IntegrationRuntime): void {
  if (!offersNameSuggestions(rt)) {
    throw new MappingActionError('not_offered', `${manifestOf(rt.integration.target).label} matches its customers another way; suggested matches by name are not offered for it`);
  }
}

export interface NameSuggestions extends NameMatchResult {
  /** Companies not mapped (nor unlinked by a person) and free tenants that were compared. */
  compared: { companies: number; tenants: number };
}

/** Fresh suggestions from both sides (nothing is written but what reading them refreshes). */
export async function proposeNameMatches(rt: IntegrationRuntime): Promise<NameSuggestions> {
  requireSuggestions(rt);
  const companies = await readCompanies(rt, true);
  const tenants = await readCustomerTenants(rt);
  const mappings = new Map((await rt.store.repos.mappings.list(rt.integration.id)).map((m) => [m.companyId, m]));
  const held = new Set([...mappings.values()].flatMap((m) => (m.tenantId === null ? [] : [m.tenantId])));
  // A company a person unlinked stays unlinked until a person maps it (as in the directory loop).
  const freeCompanies = [...companies.values()].filter((c) => {
    const m = mappings.get(c.id);
    return m === undefined || (m.state === 'not_mapped' && m.tenantId === null && m.unlinkedAt === null);
  });
  const freeTenants = tenants.filter((t) => !held.has(t.id) && t.unmanageable === null);
  const result = suggestNameMatches(
    freeCompanies.map((c) => ({ id: c.id, name: c.name, active: c.active })),
    freeTenants.map((t) => ({ id: t.id, name: t.name, enabled: t.enabled })),
  );
  return { ...result, compared: { companies: freeCompanies.length, tenants: freeTenants.length } };
}

/** Maps the confirmed pairs; a pair not suggested now (changed meanwhile, or never) is refused. */
export async function confirmNameMatches(rt: IntegrationRuntime, actor: string, pairs: ReadonlyArray<{ companyId: string; tenantId: string }>): Promise<ConfirmOutcome[]> {
  const current = await proposeNameMatches(rt);
  const suggested = new Map(current.suggestions.map((s) => [`${s.companyId}\u0000${s.tenantId}`, s]));
  return confirmPairs(rt, actor, pairs, {
    isProposed: (pair) => suggested.has(`${pair.companyId}\u0000${pair.tenantId}`),
    notProposed: (pair) => `Company ${pair.companyId} ↔ tenant ${pair.tenantId} is not a current suggestion; reload the suggestions`,
    via: (pair) => `suggested match (${Math.round((suggested.get(`${pair.companyId}\u0000${pair.tenantId}`)?.confidence ?? 0) * 100)} % by name)`,
  });
}
