/**
 * The "Map through Ingram Marketplace" wizard (seed 001): proposes PSA customer ↔ customer tenant
 * pairs by marketplace account id (the tenant's Custom ID `osa_account_id=<n>`, the customer's link
 * to the marketplace's external system, CloudBlue "CMP"), the person reviews and confirms them.
 * Matching itself is pure (src/domain/marketplace-matching.ts); this module reads both sides and
 * applies confirmations through the mapping actions (so the 1:1 rule and manageability hold).
 *
 * "The wizard also starts automatically right after completing the integration installation":
 * `runMarketplaceWizardOnce` runs the matching once per integration, stores the preselected
 * proposals as `ready` pairs (a person applies them, as every `ready` pair), and records that it ran
 * (cursor `marketplace-wizard:first-run`, plus an audit entry), so it never runs by itself again.
 */
import type { TargetCompany, VendorTenant } from '../connectors/ports.ts';
import { matchMarketplace, type MarketplaceMatchResult, type MarketplaceTenant } from '../domain/marketplace-matching.ts';
import type { IntegrationRuntime } from './integration-runtime.ts';
import { unmanageableReason } from '../domain/tenant-access.ts';
import { mapToExisting, type ActionResult } from './mapping-actions.ts';
import { MappingActionError } from './mapping-error.ts';
import { readCompanies } from './mapping-list.ts';

export const MARKETPLACE_SYSTEM = 'CMP';
export const FIRST_RUN_CURSOR = 'marketplace-wizard:first-run';

/** The marketplace account ids a company carries (`externalRefs.CMP`, several comma-separated). */
export function marketplaceIds(company: Pick<TargetCompany, 'externalRefs'>, system = MARKETPLACE_SYSTEM): string[] {
  const raw = company.externalRefs[system];
  return raw === undefined ? [] : raw.split(',').map((s) => s.trim()).filter((s) => s !== '');
}

/** The connection's customer tenants as read now (their snapshots refreshed), with what matching needs. */
export async function readCustomerTenants(rt: IntegrationRuntime): Promise<MarketplaceTenant[]> {
  const integrationId = rt.integration.id;
  const seen: VendorTenant[] = [];
  for await (const t of rt.vendor.listCustomerTenants({ parentId: rt.partnerTenantId })) seen.push(t);
  await rt.snapshots.upsertTenants(
    integrationId,
    seen.map((t) => ({ tenantId: t.id, name: t.name, data: t, deleted: t.deletedAt !== null })),
  );
  const recorded = await rt.snapshots.getTenants<VendorTenant, never>(
    integrationId,
    seen.map((t) => t.id),
  );
  return seen
    .filter((t) => t.deletedAt === null)
    .map((t) => ({ id: t.id, name: t.name, customId: t.customerId, enabled: t.enabled, unmanageable: unmanageableReason(t, recorded.get(t.id)?.unmanageable ?? null) }));
}

export interface WizardProposals extends MarketplaceMatchResult {
  /** When the automatic first run happened, if it did. */
  firstRunAt: string | null;
}

/** Fresh proposals from both sides (nothing is written but the observed tenants' snapshots). */
export async function proposeMarketplaceMatches(rt: IntegrationRuntime): Promise<WizardProposals> {
  const companies = await readCompanies(rt, true);
  const tenants = await readCustomerTenants(rt);
  const mappings = await rt.store.repos.mappings.list(rt.integration.id);
  const result = matchMarketplace(
    [...companies.values()].map((c) => ({ id: c.id, name: c.name, active: c.active, marketplaceIds: marketplaceIds(c) })),
    tenants,
    mappings.map((m) => ({ companyId: m.companyId, tenantId: m.tenantId, state: m.state })),
  );
  return { ...result, firstRunAt: (await rt.cursors.get(rt.integration.id, FIRST_RUN_CURSOR)) ?? null };
}

export interface ConfirmOutcome {
  companyId: string;
  tenantId: string;
  ok: boolean;
  result?: ActionResult;
  error?: { code: string; message: string };
}

/**
 * Maps the confirmed pairs. Only pairs the wizard proposes now are accepted: a pair that is no
 * longer proposed (changed meanwhile, or never proposed) is refused, never mapped on trust.
 */
export async function confirmMarketplaceMatches(rt: IntegrationRuntime, actor: string, pairs: ReadonlyArray<{ companyId: string; tenantId: string }>): Promise<ConfirmOutcome[]> {
  const current = await proposeMarketplaceMatches(rt);
  const proposed = new Set(current.proposals.map((p) => `${p.companyId}\u0000${p.tenantId}`));
  return confirmPairs(rt, actor, pairs, {
    isProposed: (pair) => proposed.has(`${pair.companyId}\u0000${pair.tenantId}`),
    notProposed: (pair) => `Customer ${pair.companyId} ↔ tenant ${pair.tenantId} is not a current marketplace proposal; reload the wizard`,
    via: () => 'marketplace-wizard',
  });
}

/**
 * Maps pairs a person confirmed from a list of proposals (the marketplace wizard's, the name
 * suggestions'): each one still proposed is mapped through the mapping actions, each on its own.
 */
export async function confirmPairs(
  rt: IntegrationRuntime,
  actor: string,
  pairs: ReadonlyArray<{ companyId: string; tenantId: string }>,
  rules: { isProposed: (pair: { companyId: string; tenantId: string }) => boolean; notProposed: (pair: { companyId: string; tenantId: string }) => string; via: (pair: { companyId: string; tenantId: string }) => string },
): Promise<ConfirmOutcome[]> {
  const out: ConfirmOutcome[] = [];
  for (const pair of pairs) {
    if (!rules.isProposed(pair)) {
      out.push({ ...pair, ok: false, error: { code: 'not_proposed', message: rules.notProposed(pair) } });
      continue;
    }
    try {
      out.push({ ...pair, ok: true, result: await mapToExisting(rt, actor, pair.companyId, pair.tenantId, { via: rules.via(pair) }) });
    } catch (error) {
      if (!(error instanceof MappingActionError)) throw error;
      out.push({ ...pair, ok: false, error: { code: error.code, message: error.message } });
    }
  }
  return out;
}

export interface FirstRunResult {
  ran: boolean;
  at: string;
  proposed: number;
  issues: number;
}

/** The automatic run after setup: once per integration, recorded; the preselected proposals become `ready`. */
export async function runMarketplaceWizardOnce(rt: IntegrationRuntime): Promise<FirstRunResult> {
  const integrationId = rt.integration.id;
  const at = rt.clock().toISOString();
  // Claimed first (insert-if-absent), so two processes do not both run it.
  const repo = rt.store.repos.cursors;
  if (!(await repo.insertIfAbsent(integrationId, FIRST_RUN_CURSOR, at))) {
    return { ran: false, at: (await rt.cursors.get(integrationId, FIRST_RUN_CURSOR)) ?? at, proposed: 0, issues: 0 };
  }
  let proposals: WizardProposals;
  try {
    proposals = await proposeMarketplaceMatches(rt);
  } catch (error) {
    await repo.delete(integrationId, FIRST_RUN_CURSOR); // not run: the next attempt tries again
    throw error;
  }
  let proposed = 0;
  for (const p of proposals.proposals) {
    if (!p.preselected) continue;
    try {
      await mapToExisting(rt, 'system', p.companyId, p.tenantId, { state: 'ready', via: 'marketplace-wizard (automatic first run)', onlyIfUnmapped: true });
      proposed += 1;
    } catch (error) {
      if (!(error instanceof MappingActionError)) throw error;
    }
  }
  await rt.store.repos.auditLog.record({
    actor: 'system',
    action: 'marketplace.first_run',
    subjectType: 'integration',
    subjectId: integrationId,
    details: { proposals: proposals.proposals.length, storedAsReady: proposed, issues: proposals.issues.map((i) => ({ code: i.code, message: i.message })) },
  });
  return { ran: true, at, proposed, issues: proposals.issues.length };
}
