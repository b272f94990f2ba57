/**
 * Usage loop: the PAYG lines of mapped companies → the vendor's usages of their tenants (batched) →
 * `planUsageWriteback` (pure) → `target.usage.setBilledQuantity` through the journal.
 *
 * Level-triggered for every target (see src/domain/usage-writeback.ts): the plan compares the usage
 * with the quantity the line holds now — read fresh from the target for the companies with a PAYG
 * contract, one batched listing, since an incremental contract listing does not see unit changes —
 * and the connector writes the difference to what it reads at the effective date. So a period is never
 * counted twice: a second run, a retry after a crash (the journal's lookup reads the line again) or
 * the first run of a new month all find the line at the usage and write nothing.
 *
 * A target that holds the quantity as an absolute value (ConnectWise: the addition's quantity)
 * remembers what was written: after the apply, the contract snapshot carries each line's quantity as
 * written (or as found when it already held it), so a pass between full passes plans from the
 * snapshot and reads nothing per agreement; its PSA calls grow with the changes, not with the
 * number of companies. The full pass (once a day by default, `schedule.fullPassEveryHours`) reads
 * every PAYG line fresh and so repairs a quantity a technician changed by hand. A delta target
 * (Autotask unit adjustments) reads fresh every pass: its listing is one batched query anyway.
 */
import type { TargetContract } from '../connectors/ports.ts';
import { isConnectorError } from '../connectors/kit/errors.ts';
import { mixedBillingAllowed } from '../domain/contract-line.ts';
import type { PlanProblem } from '../domain/plan-problem.ts';
import { productLabel, type ProductMapping } from '../domain/product-mapping.ts';
import { planUsageWriteback, type UsageWrite } from '../domain/usage-writeback.ts';
import type { VendorUsage } from '../domain/vendor-model.ts';
import type { IntegrationRuntime } from './integration-runtime.ts';
import { JournalInProgressError } from './journal.ts';
import { forEachLimited, type LoopOutcome, type LoopRunOptions } from './loop-result.ts';
import { fullPassDue, recordFullPass, refreshContracts } from './observe.ts';
import { recordUsageHistory } from './usage-history.ts';

export const USAGE_LOOP = 'usage';
const CONCURRENCY = 3;

export interface PlannedUsageWrite extends UsageWrite {
  /** The service the line sells, by name (people read contract lines by their service, not their id). */
  service: string | null;
  companyId: string;
  companyName: string;
  tenantId: string;
  outcome?: 'written' | 'already_done' | 'unchanged' | 'in_progress' | 'failed';
  error?: string;
}

export async function runUsageLoop(rt: IntegrationRuntime, options: LoopRunOptions = {}): Promise<LoopOutcome<PlannedUsageWrite>> {
  const dryRun = options.dryRun ?? false;
  const integrationId = rt.integration.id;
  const now = rt.clock();
  const stats = { full: false, paygCompanies: 0, paygLines: 0, tenantsWithUsage: 0, writesPlanned: 0, written: 0, alreadyDone: 0, unchanged: 0, inProgress: 0, failed: 0, problems: 0 };
  const usage = rt.target.usage;
  if (usage === undefined || rt.target.contracts === undefined) {
    return { loop: USAGE_LOOP, dryRun, plan: [], stats: { ...stats, skipped: `${rt.target.system} takes no usage` } };
  }
  if (!dryRun) await rt.prepareTarget();
  const provisioning = await rt.settings.read(integrationId, 'provisioning');
  const mapping = (await rt.settings.read(integrationId, 'product-mapping')) as ProductMapping;
  const allowMixedBilling = mixedBillingAllowed(provisioning.allowMixedBilling, rt.target.capabilities.contracts);
  const full = options.full === true || (await fullPassDue(rt, USAGE_LOOP));
  // Absolute quantities between full passes: the snapshot holds what was last written (see above).
  const fromSnapshot = usage.mode === 'absolute' && !full;
  const observe = { full: false, dryRun, loop: USAGE_LOOP, ...(options.signal ? { signal: options.signal } : {}), ...(options.progress ? { progress: options.progress } : {}) };

  // ── observe ──
  await refreshContracts(rt, observe); // new and changed contracts (e.g. one turned PAYG)
  const mapped = (await rt.store.repos.mappings.list(integrationId, { state: ['mapped', 'failed'] })).filter((m) => m.tenantId !== null);
  const cached = await rt.snapshots.contractsOf<TargetContract>(
    integrationId,
    mapped.map((m) => m.companyId),
  );
  // Chart history (contracted vs used per company and item, once a day); best effort, never fails the pass.
  if (!dryRun) await recordUsageHistory(rt, { mapped, contracts: cached, mapping, allowMixedBilling, now });
  const payg = mapped.filter((m) => (cached.get(m.companyId) ?? []).some((c) => c.billing === 'payg' || c.lines.some((l) => l.billing === 'payg')));
  stats.paygCompanies = payg.length;
  if (payg.length === 0) return { loop: USAGE_LOOP, dryRun, plan: [], stats };
  stats.full = full;
  // The quantities in force now, for the PAYG companies only (from the snapshot between full passes of an absolute target).
  if (!fromSnapshot) await refreshContracts(rt, { ...observe, companyIds: payg.map((m) => m.companyId) });
  const fresh = await rt.snapshots.contractsOf<TargetContract>(
    integrationId,
    payg.map((m) => m.companyId),
  );
  const usages = new Map<string, VendorUsage[]>();
  for await (const entry of rt.vendor.getUsages(payg.map((m) => m.tenantId as string))) {
    options.signal?.throwIfAborted();
    usages.set(entry.tenantId, entry.usages);
    if (usages.size % 500 === 0) options.progress?.({ loop: USAGE_LOOP, phase: 'usages', done: usages.size, total: payg.length });
  }
  stats.tenantsWithUsage = usages.size;

  // ── plan ──
  const writes: PlannedUsageWrite[] = [];
  const problems = new Map<string, PlanProblem[]>();
  for (const m of payg) {
    const lines = (fresh.get(m.companyId) ?? []).flatMap((c) => c.lines);
    stats.paygLines += lines.filter((l) => l.billing === 'payg').length;
    const tenantUsages = usages.get(m.tenantId as string);
    if (tenantUsages === undefined) {
      problems.set(m.companyId, [
        { code: 'usage_unavailable', severity: 'warning', message: `The cloud returned no usage for tenant ${m.tenantId}; nothing is written for "${m.companyName}".`, context: { tenantId: m.tenantId } },
      ]);
      continue;
    }
    const plan = planUsageWriteback({ integrationId, tenantId: m.tenantId as string, lines, mapping, usages: tenantUsages, allowMixedBilling, now });
    problems.set(m.companyId, plan.problems);
    stats.problems += plan.problems.length;
    for (const w of plan.writes) writes.push({ ...w, service: productLabel(mapping, w.productId), companyId: m.companyId, companyName: m.companyName, tenantId: m.tenantId as string });
  }
  stats.writesPlanned = writes.length;
  if (dryRun) {
    const names = new Map(payg.map((m) => [m.companyId, m.companyName]));
    const listed = [...problems].filter(([, list]) => list.length > 0).map(([companyId, list]) => ({ companyId, companyName: names.get(companyId) ?? companyId, problems: list }));
    return { loop: USAGE_LOOP, dryRun, plan: writes, stats, problems: listed };
  }
  if (writes.length === 0) {
    await rt.snapshots.replaceProblems(integrationId, USAGE_LOOP, problems);
    if (full) await recordFullPass(rt, USAGE_LOOP, now, dryRun);
    return { loop: USAGE_LOOP, dryRun, plan: writes, stats };
  }

  // ── apply ──
  await forEachLimited(
    writes,
    CONCURRENCY,
    async (w) => {
      const line = { lineId: w.lineId, contractId: w.contractId, productId: w.productId };
      try {
        const result = await rt.journal.run(
          { integrationId, loop: USAGE_LOOP, operation: 'write_usage', idempotencyKey: w.key, payload: { lineId: w.lineId, periodStart: w.periodStart, previous: w.previous, quantity: w.quantity } },
          {
            lookup: async () => ((await usage.readBilledQuantity(line, w.effectiveDate)) === w.quantity ? `${w.lineId}@${w.effectiveDate}=${w.quantity}` : null),
            perform: async () => {
              const written = await usage.setBilledQuantity(line, w.quantity, { effectiveDate: w.effectiveDate, idempotencyKey: w.key });
              w.outcome = written.changed ? 'written' : 'unchanged';
              return `${w.lineId}@${w.effectiveDate}=${written.quantity}`;
            },
          },
        );
        if (result.via === 'journal') w.outcome = 'already_done';
        else if (result.via === 'lookup') w.outcome = 'unchanged';
        if (w.outcome === 'written') stats.written += 1;
        else if (w.outcome === 'already_done') stats.alreadyDone += 1;
        else stats.unchanged += 1;
      } catch (error) {
        if (error instanceof JournalInProgressError) {
          w.outcome = 'in_progress';
          stats.inProgress += 1;
          return;
        }
        if (!isConnectorError(error)) throw error;
        w.outcome = 'failed';
        w.error = error.message;
        stats.failed += 1;
        problems.set(w.companyId, [
          ...(problems.get(w.companyId) ?? []),
          { code: 'usage_write_failed', severity: 'error', message: `Writing ${w.quantity} to line ${w.lineId} failed: ${error.message}`, context: { lineId: w.lineId, code: error.code } },
        ]);
      }
    },
    options.signal,
  );
  await rememberWritten(rt, writes, fresh);
  await rt.snapshots.replaceProblems(integrationId, USAGE_LOOP, problems);
  if (full) await recordFullPass(rt, USAGE_LOOP, now, dryRun);
  return { loop: USAGE_LOOP, dryRun, plan: writes, stats };
}

/**
 * The contract snapshots carry each line's quantity as this pass left it on the target: written,
 * already there, or done by an earlier attempt. One upsert per contract, after the concurrent writes.
 */
async function rememberWritten(rt: IntegrationRuntime, writes: readonly PlannedUsageWrite[], contracts: ReadonlyMap<string, TargetContract[]>): Promise<void> {
  const held = new Map<string, number>();
  for (const w of writes) if (w.outcome === 'written' || w.outcome === 'unchanged' || w.outcome === 'already_done') held.set(`${w.contractId}|${w.lineId}`, w.quantity);
  if (held.size === 0) return;
  const changed: { contractId: string; companyId: string; data: TargetContract }[] = [];
  for (const list of contracts.values()) {
    for (const contract of list) {
      let touched = false;
      const lines = contract.lines.map((line) => {
        const quantity = held.get(`${contract.id}|${line.lineId}`);
        if (quantity === undefined || quantity === line.quantity) return line;
        touched = true;
        return { ...line, quantity };
      });
      if (touched) changed.push({ contractId: contract.id, companyId: contract.companyId, data: { ...contract, lines } });
    }
  }
  if (changed.length > 0) await rt.snapshots.upsertContracts(rt.integration.id, changed);
}
