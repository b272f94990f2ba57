/**
 * Provisioning loop: contract lines + product mapping + settings + the tenant's offering items →
 * `planProvisioning` (pure, src/domain) → each operation applied through the journal.
 *
 * Observe (incremental): customer tenants, offering items of the whole subtree (one listing, changed
 * items only after the first pass), contracts changed since the cursor; what did not change comes
 * from the snapshots, so every company is planned on every pass while API calls grow with changes.
 * `available_for_child` is read once per pass. The target's `prepare()` (PAYG field) runs once per
 * integration start.
 *
 * Which companies: `mapped` ones (and `failed` ones that keep a tenant), plus unmapped ones with
 * contract lines when automatic provisioning is on (not those a person unlinked, until a person maps
 * them again). Manual admin passwords with none stored: no admin account (nor new tenant) is made,
 * the company fails saying to set it. A `ready` mapping is a suggestion a person has not
 * confirmed: it is left alone and said so.
 *
 * Apply: operations of one company in plan order, companies a few at a time. Each operation runs
 * through the journal under its key with a lookup for a crash between the write and its record:
 * create tenant → the child with the key as internal tag; admin user → the login in the tenant;
 * quotas → the tenant's items already as planned; enable/disable/delete/MFA → the state is read
 * again (setting it twice is harmless anyway). A new tenant is mapped (`mapped`) at once.
 *
 * Problems of a company's plan are stored (plan_problems) and an error one marks the mapping
 * `failed` with the message, until a pass succeeds; a connector error while applying does the same.
 */
import type { VendorStorage } from '../domain/vendor-model.ts';
import type { OfferingItem, VendorTenant } from '../connectors/ports.ts';
import { ConnectorError, isConnectorError } from '../connectors/kit/errors.ts';
import { loginCandidates, loginsExhaustedMessage } from '../domain/admin-account.ts';
import { mixedBillingAllowed, readContractLines } from '../domain/contract-line.ts';
import { problem, type PlanProblem } from '../domain/plan-problem.ts';
import { unreadPartnerOf } from './multi-partner-vendor.ts';
import { indexProductMapping, type ProductMapping } from '../domain/product-mapping.ts';
import { unmanageableReason } from '../domain/tenant-access.ts';
import {
  newCustomerStepKeys,
  planProvisioning,
  planUnfinishedNewCustomerSteps,
  type CompanySnapshot,
  type ProvisioningInput,
  type ProvisioningOperation,
  type ProvisioningPlan,
  type ProvisioningSettings,
  type TenantRef,
  type TenantSnapshot,
} from '../domain/provisioning-plan.ts';
import type { TargetContract } from '../connectors/ports.ts';
import type { DeprovisioningCountdownsRepository, StoredCountdown } from '../store/repositories/deprovisioning-countdowns.ts';
import { doneJournalKeys, type JournalEntry } from '../store/repositories/journal.ts';
import type { Mapping } from '../store/repositories/mappings.ts';
import { createTenantKey } from '../domain/directory-plan.ts';
import { APPLIED_PLAN_SAMPLE, createPlanSample } from './plan-sample.ts';
import type { IntegrationRuntime } from './integration-runtime.ts';
import { JournalInProgressError } from './journal.ts';
import { guardCompanyPlan } from './reduction-guard.ts';
import { forEachLimited, type LoopOutcome, type LoopRunOptions } from './loop-result.ts';
import { companiesWithUnfinishedWork, inProgressProblem } from './provisioning-unfinished.ts';
import { fullPassDue, recordFullPass, refreshContracts, refreshOfferingItems, refreshTenants } from './observe.ts';

export const PROVISIONING_LOOP = 'provisioning';
/** Cursor: when the last applied pass started planning (what changed since is planned next). */
export const PLANNED_CURSOR = `${PROVISIONING_LOOP}:planned`;
/** Settings whose change re-plans every company. */
const PLAN_SETTINGS = ['provisioning', 'product-mapping'] as const;
const PAGE = 500;
// Companies applied at once: vendor writes in flight (Acronis publishes no rate limit; the client honours 429 with Retry-After), target reads bounded by their own clients (Autotask: 3 threads per entity).
const CONCURRENCY = 12;

/** One company's plan, as a dry run shows it. */
export interface CompanyPlan extends ProvisioningPlan {
  companyName: string;
  tenantId: string | null;
  /** Set when applied: what happened to each operation. */
  applied?: { key: string; via: 'journal' | 'lookup' | 'perform' | 'in_progress' | 'failed'; error?: string }[];
}

export async function runProvisioningLoop(rt: IntegrationRuntime, options: LoopRunOptions = {}): Promise<LoopOutcome<CompanyPlan>> {
  const dryRun = options.dryRun ?? false;
  const integrationId = rt.integration.id;
  const startedAt = rt.clock();
  const now = startedAt;
  const full = options.full === true || (await fullPassDue(rt, PROVISIONING_LOOP));
  const observe = { full, dryRun, loop: PROVISIONING_LOOP, ...(options.signal ? { signal: options.signal } : {}), ...(options.progress ? { progress: options.progress } : {}) };

  if (!dryRun) await rt.prepareTarget();
  const settings = await rt.settings.read(integrationId, 'provisioning');
  const mapping = (await rt.settings.read(integrationId, 'product-mapping')) as ProductMapping;
  const settingsForTarget: ProvisioningSettings = {
    ...settings,
    allowMixedBilling: mixedBillingAllowed(settings.allowMixedBilling, rt.target.capabilities.contracts),
  };

  // ── observe ──
  const tenants = await refreshTenants(rt, observe);
  const items = await refreshOfferingItems(rt, observe);
  const contracts = await refreshContracts(rt, observe);
  // What each partner may give its customers: a tenant's own partner's, a new tenant's the partner it is made under.
  const availableByPartner = new Map<string, Promise<OfferingItem[]>>();
  const availableUnder = (partnerTenantId: string): Promise<OfferingItem[]> => {
    let found = availableByPartner.get(partnerTenantId);
    if (found === undefined) {
      found = rt.vendor.getAvailableForChild(partnerTenantId, 'customer');
      availableByPartner.set(partnerTenantId, found);
    }
    return found;
  };
  await availableUnder(rt.newTenantParentId);
  // Storage names are only for the words of plan problems: a failed read leaves the ids.
  const storageNames = new Map(
    (await rt.vendor.listStorages(rt.partnerTenantId).catch((): VendorStorage[] => [])).map((s) => [s.id, s.name] as const),
  );
  const products = indexProductMapping(mapping);
  // Manual passwords with none stored: the planner makes no admin account (nor a new tenant) then.
  const manualPasswordSet = settings.adminAccount.password === 'manual' ? await manualPasswordStored(rt) : true;

  // Which companies: all on a full pass (drift) or when nothing was planned yet or the plan's
  // settings changed; otherwise the ones whose contracts, tenant or mapping changed since the last
  // plan, the failed ones, and the ones a callback marked dirty (level-triggered, not all 10,000).
  const plannedFrom = rt.clock().toISOString();
  const dirty = rt.repos.dirtyCompanies;
  const since = await rt.cursors.get(integrationId, PLANNED_CURSOR);
  const scope =
    full || since === undefined || (await dirty.settingsChangedSince(integrationId, PLAN_SETTINGS, since)) ? null : await dirty.changedSince(integrationId, PROVISIONING_LOOP, since);

  const stats = {
    full,
    tenantsSeen: tenants.seen,
    tenantsWithItemChanges: items.tenants,
    contractsSeen: contracts.contracts,
    scoped: scope !== null,
    companiesInScope: scope?.size ?? 0,
    companiesPlanned: 0,
    operationsPlanned: 0,
    applied: 0,
    alreadyDone: 0,
    inProgress: 0,
    failedOperations: 0,
    tenantsCreated: 0,
    companiesFailed: 0,
    problemErrors: 0,
    problemWarnings: 0,
    problemInfos: 0,
    itemsReadOnDemand: 0,
    awaitingApproval: 0,
    /** Open journal entries the companies' plans no longer ask for, marked superseded (tidySuperseded). */
    superseded: 0,
  };
  const approvals = rt.repos.changeApprovals;
  const plans = createPlanSample<CompanyPlan>(dryRun ? Number.POSITIVE_INFINITY : APPLIED_PLAN_SAMPLE);
  const withContracts = new Set(await rt.snapshots.companiesWithContracts(integrationId));
  // Timed deprovisioning: a running countdown falls due with time alone, so its companies are planned
  // on every pass, changed or not.
  const countdowns = rt.repos.deprovisioningCountdowns;
  const storedCountdowns = new Map((await countdowns.list(integrationId)).map((c) => [c.companyId, c]));
  if (scope !== null) for (const companyId of storedCountdowns.keys()) scope.add(companyId);
  // Unfinished work (journal entries left pending by a pass that died, or failed) is planned on
  // every pass until it is done: nothing else may have changed for those companies since.
  const unfinished = await companiesWithUnfinishedWork(rt);
  if (scope !== null) for (const companyId of unfinished.keys()) scope.add(companyId);

  // ── plan + apply, a page of companies at a time ──
  for (let offset = 0; ; offset += PAGE) {
    options.signal?.throwIfAborted();
    const page = await rt.store.repos.mappings.list(integrationId, { limit: PAGE, offset });
    if (page.length === 0) break;
    const relevant = page.filter(
      (m) => (scope === null || scope.has(m.companyId)) && (withContracts.has(m.companyId) || (m.tenantId !== null && (m.state === 'mapped' || m.state === 'failed'))),
    );
    const contractsOf = await rt.snapshots.contractsOf<TargetContract>(
      integrationId,
      relevant.map((m) => m.companyId),
    );
    const tenantIds = relevant.flatMap((m) => (m.tenantId === null ? [] : [m.tenantId]));
    const tenantRows = await rt.snapshots.getTenants<VendorTenant, OfferingItem>(integrationId, tenantIds);
    const problemsByCompany = new Map<string, PlanProblem[]>();
    const approved = await approvals.approvedKeys(
      integrationId,
      relevant.map((m) => m.companyId),
    );

    // With several partners, one that cannot be read fails its own companies for this pass, not the pass.
    const partnerGuard = async (m: Mapping, work: () => Promise<void>): Promise<void> => {
      try {
        await work();
      } catch (error) {
        const partner = unreadPartnerOf(error);
        if (partner === null) throw error;
        stats.companiesFailed += 1;
        problemsByCompany.set(m.companyId, [
          problem('partner_unread', 'error', `partner "${partner}" could not be read, so "${m.companyName}" was not planned this pass: ${(error as Error).message}`, { companyId: m.companyId, partner }),
        ]);
      }
    };
    await forEachLimited(
      relevant,
      CONCURRENCY,
      async (m) =>
        partnerGuard(m, async () => {
        const lines = (contractsOf.get(m.companyId) ?? []).flatMap((c) => c.lines);
        const usesTenant = m.tenantId !== null && (m.state === 'mapped' || m.state === 'failed');
        if (m.state === 'ready') {
          problemsByCompany.set(m.companyId, [
            {
              code: 'mapping_unconfirmed',
              severity: 'info',
              message: `"${m.companyName}" has a suggested tenant (${m.tenantName ?? m.tenantId}) that nobody confirmed yet: confirm or change the mapping.`,
              context: { companyId: m.companyId, tenantId: m.tenantId },
            },
          ]);
          return;
        }
        let tenant: TenantSnapshot = { state: 'not_mapped' };
        if (usesTenant) {
          const row = tenantRows.get(m.tenantId as string);
          if (row === undefined || row.deleted) {
            tenant = row === undefined ? await readTenant(rt, m.tenantId as string) : { state: 'missing', tenantId: m.tenantId as string };
          } else {
            let tenantItems = row.items;
            if (tenantItems === null) {
              tenantItems = await rt.vendor.getOfferingItems(row.tenantId);
              stats.itemsReadOnDemand += 1;
              if (!dryRun) await rt.snapshots.setTenantItems(integrationId, [{ tenantId: row.tenantId, items: tenantItems }]);
            }
            tenant =
              row.unmanageable === null
                ? { state: 'mapped', tenant: row.data, manageable: true, items: tenantItems }
                : { state: 'mapped', tenant: row.data, manageable: false, unmanageableReason: row.unmanageable, items: tenantItems };
          }
        }
        const company: CompanySnapshot = { id: m.companyId, name: m.companyName, primaryContact: null };
        if (tenant.state === 'not_mapped' && settings.automaticProvisioning && lines.length > 0) {
          const reading = readContractLines(lines, products, now, { allowMixedBilling: settingsForTarget.allowMixedBilling });
          if (reading.effective.length > 0) {
            const found = await rt.target.directory.getCompany(m.companyId);
            if (found !== null) company.primaryContact = found.primaryContact;
          }
        }
        // A person's unlink is a decision: automatic provisioning leaves the company alone (no new
        // tenant, no re-mapping to the one the hub made) until a person maps it again.
        const unlinked = m.unlinkedAt !== null && tenant.state === 'not_mapped';
        const companySettings = unlinked ? { ...settingsForTarget, automaticProvisioning: false } : settingsForTarget;
        const stored = storedCountdowns.get(m.companyId);
        const lapsedAt = stored !== undefined && tenant.state === 'mapped' && stored.tenantId === tenant.tenant.id ? stored.lapsedAt : null;
        const availableForChild = await availableUnder(tenant.state === 'mapped' ? (await rt.partnerOf(tenant.tenant.id)).tenantId : rt.newTenantParentId);
        const input: ProvisioningInput = { integrationId, parentTenantId: rt.newTenantParentId, company, lines, mapping, settings: companySettings, tenant, availableForChild, storageNames, lapsedAt, manualPasswordSet, now };
        const plan = planProvisioning(input);
        if (!dryRun) await keepCountdown(countdowns, integrationId, m.companyId, tenant, plan, stored);
        if (unlinked) plan.problems = plan.problems.map((p) => (p.code === 'not_mapped' ? unlinkedProblem(m) : p));
        // The one manageability rule (tenant-access.ts): a self-service tenant is never changed, here either.
        const manageable = tenant.state === 'mapped' && unmanageableReason(tenant.tenant, tenant.manageable ? null : (tenant.unmanageableReason ?? 'the partner has no access to it')) === null;
        if (tenant.state === 'mapped' && manageable && tenant.tenant.internalTag === createTenantKey(integrationId, m.companyId)) {
          const unfinished = await unfinishedNewCustomerSteps(rt, input, tenant.tenant.id);
          plan.operations.push(...unfinished.operations);
          plan.problems.push(...unfinished.problems);
        }
        // Changes that take service away wait for a person (unless the settings allow them).
        const guarded = await guardCompanyPlan(rt, {
          plan,
          companyName: m.companyName,
          tenantId: tenant.state === 'mapped' ? tenant.tenant.id : null,
          contracts: contractsOf.get(m.companyId) ?? [],
          allowReductions: settings.allowServiceReductions,
          approved,
        });
        plan.operations = guarded.plan.operations;
        plan.problems = guarded.plan.problems;
        stats.awaitingApproval += guarded.held.length;
        stats.companiesPlanned += 1;
        stats.operationsPlanned += plan.operations.length;
        problemsByCompany.set(m.companyId, plan.problems);
        const companyPlan: CompanyPlan = { ...plan, companyName: m.companyName, tenantId: m.tenantId };
        if (plan.operations.length > 0 || plan.problems.length > 0) plans.add(companyPlan);
        if (dryRun) return;
        if (await applyCompany(rt, m, companyPlan, stats)) {
          await tidySuperseded(rt, m, companyPlan, unfinished.get(m.companyId) ?? [], stats);
          if (companyPlan.problems.length > 0) plans.add(companyPlan);
        }
        }),
      options.signal,
    );

    for (const list of problemsByCompany.values()) {
      for (const p of list) {
        if (p.severity === 'error') stats.problemErrors += 1;
        else if (p.severity === 'warning') stats.problemWarnings += 1;
        else stats.problemInfos += 1;
      }
    }
    if (!dryRun) await rt.snapshots.replaceProblems(integrationId, PROVISIONING_LOOP, problemsByCompany);
    options.progress?.({ loop: PROVISIONING_LOOP, phase: 'companies planned', done: offset + page.length });
  }
  if (full) await recordFullPass(rt, PROVISIONING_LOOP, startedAt, dryRun);
  if (!dryRun) {
    await rt.cursors.set(integrationId, PLANNED_CURSOR, plannedFrom);
    await dirty.clear(integrationId, PROVISIONING_LOOP, plannedFrom);
  }
  const plan = plans.entries.sort((a, b) => (a.companyName < b.companyName ? -1 : a.companyName > b.companyName ? 1 : 0));
  return { loop: PROVISIONING_LOOP, dryRun, plan, ...(plans.omitted > 0 ? { planOmitted: plans.omitted } : {}), stats };
}

/** The journal's and the PSA's part of planUnfinishedNewCustomerSteps: which steps are done, and the company's primary contact. */
async function unfinishedNewCustomerSteps(rt: IntegrationRuntime, input: ProvisioningInput, tenantId: string): Promise<{ operations: ProvisioningOperation[]; problems: PlanProblem[] }> {
  const keys = newCustomerStepKeys(rt.integration.id, input.company.id, input.settings.mfaForNewCustomers);
  const done = await doneJournalKeys(rt.store.db, rt.integration.id, keys);
  if (done.size === keys.length) return { operations: [], problems: [] };
  const company = { ...input.company };
  if (company.primaryContact === null) company.primaryContact = (await rt.target.directory.getCompany(company.id))?.primaryContact ?? null;
  return planUnfinishedNewCustomerSteps({ ...input, company }, tenantId, done);
}

/** Stores, keeps or cancels the company's countdown as the plan says. */
async function keepCountdown(
  repo: DeprovisioningCountdownsRepository,
  integrationId: string,
  companyId: string,
  tenant: TenantSnapshot,
  plan: ProvisioningPlan,
  stored: StoredCountdown | undefined,
): Promise<void> {
  const lapsedAt = plan.countdown?.lapsedAt ?? null;
  if (tenant.state === 'mapped' && lapsedAt !== null) {
    if (stored?.lapsedAt !== lapsedAt || stored.tenantId !== tenant.tenant.id) await repo.save(integrationId, { companyId, tenantId: tenant.tenant.id, lapsedAt });
  } else if (stored !== undefined) await repo.clear(integrationId, companyId);
}

async function manualPasswordStored(rt: IntegrationRuntime): Promise<boolean> {
  const value = (await rt.store.repos.integrations.getCredentials(rt.integration.id)).adminPassword;
  return typeof value === 'string' && value !== '';
}

function unlinkedProblem(m: Mapping): PlanProblem {
  return problem(
    'unlinked_by_person',
    'info',
    `"${m.companyName}" was unlinked by a person, so automatic provisioning leaves it alone (no tenant is created or mapped) until someone maps it again.`,
    { companyId: m.companyId },
  );
}

async function readTenant(rt: IntegrationRuntime, tenantId: string): Promise<TenantSnapshot> {
  try {
    const tenant = await rt.vendor.getTenant(tenantId);
    if (tenant.deletedAt !== null) return { state: 'missing', tenantId };
    const items = await rt.vendor.getOfferingItems(tenantId);
    await rt.snapshots.upsertTenants(rt.integration.id, [{ tenantId, name: tenant.name, data: tenant, deleted: false }]);
    await rt.snapshots.setTenantItems(rt.integration.id, [{ tenantId, items }]);
    return { state: 'mapped', tenant, manageable: true, items };
  } catch (error) {
    if (isConnectorError(error, 'not_found')) return { state: 'missing', tenantId };
    if (isConnectorError(error, 'forbidden')) {
      return { state: 'mapped', tenant: placeholderTenant(tenantId), manageable: false, unmanageableReason: 'the partner has no access to it', items: [] };
    }
    throw error;
  }
}

function placeholderTenant(id: string): VendorTenant {
  return {
    id,
    name: id,
    parentId: null,
    kind: 'customer',
    enabled: true,
    version: 0,
    customerId: null,
    internalTag: null,
    language: null,
    mfaStatus: null,
    pricingMode: null,
    ancestralAccess: false,
    contact: null,
    createdAt: null,
    updatedAt: null,
    deletedAt: null,
  };
}

interface ApplyStats {
  applied: number;
  alreadyDone: number;
  inProgress: number;
  failedOperations: number;
  tenantsCreated: number;
  companiesFailed: number;
}

/** Applies a company's plan; answers whether every operation of it is done (nothing failed or left to another worker). */
async function applyCompany(rt: IntegrationRuntime, m: Mapping, plan: CompanyPlan, stats: ApplyStats): Promise<boolean> {
  const integrationId = rt.integration.id;
  const created = new Map<string, string>();
  const resolve = (ref: TenantRef): string => {
    if (ref.kind === 'existing') return ref.tenantId;
    const id = created.get(ref.createKey);
    if (id === undefined) throw new Error(`operation refers to tenant ${ref.createKey}, which this plan did not create`);
    return id;
  };
  plan.applied = [];
  const errors = plan.problems.filter((p) => p.severity === 'error').map((p) => p.message);
  try {
    for (const op of plan.operations) {
      const steps = stepsOf(rt, plan, op, resolve, created);
      try {
        const result = await rt.journal.run(
          { integrationId, loop: PROVISIONING_LOOP, operation: op.kind, idempotencyKey: op.key, payload: payloadOf(op, m.companyId) },
          { lookup: steps.lookup, perform: steps.perform },
        );
        plan.applied.push({ key: op.key, via: result.via });
        if (result.via === 'journal') stats.alreadyDone += 1;
        else stats.applied += 1;
        if (op.kind === 'create_tenant' && result.via !== 'journal') stats.tenantsCreated += 1;
        await steps.after(result.externalId, result.via);
      } catch (error) {
        if (error instanceof JournalInProgressError) {
          stats.inProgress += 1;
          plan.applied.push({ key: op.key, via: 'in_progress' });
          const leaseEnd = error.context.leaseExpiresAt;
          plan.problems.push(inProgressProblem(m.companyId, m.companyName, op.kind, typeof leaseEnd === 'string' ? leaseEnd : null));
          return false; // the rest of this company's plan depends on it; the next pass continues
        }
        throw error;
      }
    }
  } catch (error) {
    if (!isConnectorError(error)) throw error;
    stats.failedOperations += 1;
    stats.companiesFailed += 1;
    plan.applied.push({ key: '', via: 'failed', error: error.message });
    if (error.code === 'forbidden' && m.tenantId !== null) await rt.snapshots.setUnmanageable(integrationId, m.tenantId, `the vendor refused: ${error.message}`);
    await rt.store.repos.mappings.setState(integrationId, m.companyId, 'failed', `${error.code}: ${error.message}`);
    return false;
  }
  const current = await rt.store.repos.mappings.get(integrationId, m.companyId);
  if (current === undefined) return false;
  if (errors.length > 0) {
    stats.companiesFailed += 1;
    await rt.store.repos.mappings.setState(integrationId, m.companyId, 'failed', errors.join(' '));
    return false; // a plan with errors is not the whole of what the company needs
  } else if (current.state === 'failed' && current.tenantId !== null) {
    await rt.store.repos.mappings.setState(integrationId, m.companyId, 'mapped', null);
  } else if (current.state === 'failed' && current.tenantId === null) {
    await rt.store.repos.mappings.setState(integrationId, m.companyId, 'not_mapped', null);
  }
  return true;
}

/**
 * The company's open journal entries (pending after a crash, or failed) that its plan, just applied
 * in full, no longer asks for: the contract changed (a new quantity is a new key), or the company
 * was mapped to an existing tenant instead of a new one. Left open they would be planned on every
 * pass and show the company as unfinished forever. A create whose tenant exists after all is
 * recorded done with it (an interrupted pass made it; it is reported, never deleted here);
 * everything else is marked superseded. An entry someone holds a live lease on is left alone.
 */
async function tidySuperseded(rt: IntegrationRuntime, m: Mapping, plan: CompanyPlan, open: readonly JournalEntry[], stats: { superseded: number }): Promise<void> {
  if (open.length === 0) return;
  const planned = new Set(plan.operations.map((op) => op.key));
  for (const entry of open) {
    if (planned.has(entry.idempotencyKey)) continue;
    const payload = entry.payload as { parentId?: unknown } | null;
    if (entry.operation === 'create_tenant' && typeof payload?.parentId === 'string') {
      const made = await rt.vendor.findTenantByIdempotencyKey(payload.parentId, entry.idempotencyKey);
      if (made !== null) {
        await rt.journal.recordFound(entry, made.id);
        plan.problems.push(
          problem(
            'orphan_tenant',
            'warning',
            `"${m.companyName}": an interrupted pass created tenant "${made.name}" for it, but the company is now mapped ${m.tenantId === null ? 'to no tenant' : 'to another tenant'}; map it, or delete that tenant in the management portal if nobody uses it.`,
            { companyId: m.companyId, tenantId: made.id },
          ),
        );
        continue;
      }
    }
    if (await rt.journal.supersede(entry, `superseded: the plan of "${m.companyName}" no longer asks for ${entry.operation.replaceAll('_', ' ')}`)) stats.superseded += 1;
  }
}

interface Steps {
  lookup: () => Promise<string | null>;
  perform: () => Promise<string>;
  /** Bookkeeping after the operation is known done (store, snapshots); must be safe to repeat. */
  after: (externalId: string, via: 'journal' | 'lookup' | 'perform') => Promise<void>;
}

function stepsOf(rt: IntegrationRuntime, plan: CompanyPlan, op: ProvisioningOperation, resolve: (ref: TenantRef) => string, created: Map<string, string>): Steps {
  const integrationId = rt.integration.id;
  const { vendor, snapshots } = rt;
  const nothing = async () => {};
  switch (op.kind) {
    case 'create_tenant':
      return {
        lookup: async () => (await vendor.findTenantByIdempotencyKey(op.parentId, op.key))?.id ?? null,
        perform: async () =>
          (await vendor.createCustomerTenant({ parentId: op.parentId, name: op.name, customerId: op.companyId, pricingMode: op.pricingMode }, { idempotencyKey: op.key })).tenant.id,
        after: async (tenantId) => {
          created.set(op.key, tenantId);
          let tenant = await vendor.getTenant(tenantId);
          // Found by its key after a crash between the create and the mode switch: switch it now.
          if (op.pricingMode === 'production' && tenant.pricingMode !== 'production') {
            await vendor.setPricingMode(tenantId, 'production');
            tenant = { ...tenant, pricingMode: 'production' };
          }
          await snapshots.upsertTenants(integrationId, [{ tenantId, name: tenant.name, data: tenant, deleted: false }]);
          await rt.store.repos.mappings.map(integrationId, op.companyId, { tenantId, tenantName: tenant.name, state: 'mapped' });
        },
      };
    case 'set_offering_items': {
      // What the vendor answered (the updated items, or the whole list read by the lookup) is folded
      // into the snapshot, so no extra read is spent per tenant.
      let seen: { items: OfferingItem[]; complete: boolean } | undefined;
      return {
        lookup: async () => {
          const tenantId = resolve(op.tenant);
          const items = await vendor.getOfferingItems(tenantId);
          seen = { items, complete: true };
          return op.changes.every((c) => items.some((i) => i.name === c.name && (i.infraId ?? null) === (c.infraId ?? null) && matches(i, c))) ? tenantId : null;
        },
        perform: async () => {
          const tenantId = resolve(op.tenant);
          seen = { items: await vendor.setOfferingItems(tenantId, op.changes), complete: false };
          return tenantId;
        },
        after: async (tenantId) => {
          if (seen === undefined || (seen.complete === false && seen.items.length < op.changes.length)) {
            await snapshots.setTenantItems(integrationId, [{ tenantId, items: await vendor.getOfferingItems(tenantId) }]);
            return;
          }
          let items = seen.items;
          if (!seen.complete) {
            const known = (await snapshots.getTenants<VendorTenant, OfferingItem>(integrationId, [tenantId])).get(tenantId)?.items ?? null;
            if (known === null) {
              await snapshots.setTenantItems(integrationId, [{ tenantId, items: await vendor.getOfferingItems(tenantId) }]);
              return;
            }
            const id = (i: OfferingItem) => `${i.applicationId}|${i.name}|${i.infraId ?? ''}`;
            const merged = new Map(known.map((i) => [id(i), i]));
            for (const item of seen.items) merged.set(id(item), item);
            items = [...merged.values()];
          }
          await snapshots.setTenantItems(integrationId, [{ tenantId, items }]);
        },
      };
    }
    case 'create_admin_user': {
      const candidates = loginCandidates(op.login);
      return {
        lookup: async () => {
          const tenantId = resolve(op.tenant);
          for (const login of candidates) {
            const user = await vendor.findUserByLogin(tenantId, login);
            if (user !== null) return user.id;
          }
          return null;
        },
        perform: async () => {
          const tenantId = resolve(op.tenant);
          for (const login of candidates) {
            if (!(await vendor.isLoginAvailable(login))) continue;
            try {
              const user = await vendor.createUser({
                tenantId,
                login,
                email: op.email,
                ...(op.firstName === null ? {} : { firstName: op.firstName }),
                ...(op.lastName === null ? {} : { lastName: op.lastName }),
              });
              return user.id;
            } catch (error) {
              if (!isConnectorError(error, 'conflict')) throw error;
              // Taken between the check and the create: by another company of this pass (companies
              // are applied several at a time) or by someone else, unless it is this tenant's own.
              const mine = await vendor.findUserByLogin(tenantId, login);
              if (mine !== null) return mine.id;
            }
          }
          throw new ConnectorError({
            code: 'conflict',
            system: 'acronis',
            message: loginsExhaustedMessage(plan.companyName, candidates),
            context: { operation: 'create admin user' },
          });
        },
        after: async (userId, via) => {
          if (via === 'journal') return;
          // Roles are replaced as a whole (repeatable); the activation email goes out once per write.
          await vendor.setAccessPolicies(userId, [{ roleId: op.role, tenantId: resolve(op.tenant) }]);
          if (op.password === 'manual') {
            const password = (await rt.store.repos.integrations.getCredentials(integrationId)).adminPassword;
            if (typeof password === 'string' && password !== '') await vendor.setPassword(userId, password);
          } else if (via === 'perform') {
            await vendor.sendActivationEmail(userId);
          }
        },
      };
    }
    case 'enable_mfa':
      return {
        lookup: async () => ((await vendor.getTenant(resolve(op.tenant))).mfaStatus === 'enabled' ? resolve(op.tenant) : null),
        perform: async () => {
          await vendor.setMfa(resolve(op.tenant), true);
          return resolve(op.tenant);
        },
        after: nothing,
      };
    case 'enable_tenant':
    case 'disable_tenant': {
      const enabled = op.kind === 'enable_tenant';
      return {
        lookup: async () => ((await vendor.getTenant(op.tenantId)).enabled === enabled ? op.tenantId : null),
        perform: async () => (enabled ? await vendor.enableTenant(op.tenantId) : await vendor.disableTenant(op.tenantId)).id,
        after: async () => {
          const tenant = await vendor.getTenant(op.tenantId);
          await snapshots.upsertTenants(integrationId, [{ tenantId: tenant.id, name: tenant.name, data: tenant, deleted: false }]);
        },
      };
    }
    case 'delete_tenant':
      return {
        lookup: async () => {
          try {
            const tenant = await vendor.getTenant(op.tenantId);
            return tenant.deletedAt !== null ? op.tenantId : null;
          } catch (error) {
            if (isConnectorError(error, 'not_found')) return op.tenantId;
            throw error;
          }
        },
        perform: async () => {
          await vendor.deleteTenant(op.tenantId);
          return op.tenantId;
        },
        after: async () => {
          const data = placeholderTenant(op.tenantId);
          await snapshots.upsertTenants(integrationId, [{ tenantId: op.tenantId, name: plan.tenantId ?? op.tenantId, data, deleted: true }]);
          await rt.store.repos.mappings.unmap(integrationId, plan.companyId);
        },
      };
  }
}

function matches(item: OfferingItem, change: { enabled?: boolean; quota?: { value: number | null; overage: number | null } }): boolean {
  if (change.enabled !== undefined && item.enabled !== change.enabled) return false;
  if (change.quota !== undefined && (item.quota === null || item.quota.value !== change.quota.value || item.quota.overage !== change.quota.overage)) return false;
  return true;
}

/**
 * What the journal keeps for people: the operation without anything secret (there is none in a
 * plan), with the company it works for (unfinished entries bring their company into the next pass).
 */
function payloadOf(op: ProvisioningOperation, companyId: string): unknown {
  if (op.kind === 'set_offering_items') return { kind: op.kind, tenant: op.tenant, changes: op.changes, companyId };
  return { ...op, companyId };
}
