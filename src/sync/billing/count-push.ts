/**
 * The unit-count pass of a billing platform (the "usage" loop of a billing-platform integration):
 * per account and service, the quantity the vendor's usage says, posted only when it differs from
 * what the platform last took (level-triggered), 0 once when it drops to zero or the tenant is gone,
 * and again on later passes while the platform answers "not mapped" (so a mapping made there is
 * filled in by the next pass) — but per pass only one probe per account and per service not known
 * to be mapped, the rest of their pairs once a probe is taken (src/domain/mapping-probe.ts). Every
 * post but the last of a pass defers the platform's billing rebuild.
 *
 * A post is a "set": repeating it is harmless, so no journal entry is needed per count; what the
 * platform answered is recorded after each post, and a crash before the record only means the next
 * pass posts that value again.
 */
import { countOfUsage } from '../../domain/billing-services.ts';
import { planCounts, type PlannedCount } from '../../domain/billing-push-plan.ts';
import { MappingProbe } from '../../domain/mapping-probe.ts';
import { isTransient } from '../../connectors/kit/errors.ts';
import type { LoopOutcome, LoopRunOptions } from '../loop-result.ts';
import { forEachLimited } from '../loop-result.ts';
import { runAccountPush } from './account-push.ts';
import type { BillingRuntime } from './billing-runtime.ts';

const LOOP = 'usage';
/** Posts in flight at once; the connector's request window keeps the rate under the platform's limit. */
const CONCURRENCY = 8;

export interface CountPlanItem extends PlannedCount {
  account: string;
  service: string;
}

export async function runCountPush(rt: BillingRuntime, options: LoopRunOptions = {}): Promise<LoopOutcome<CountPlanItem>> {
  const integrationId = rt.integration.id;
  let [accounts, services] = await Promise.all([rt.pushed.accounts(integrationId), rt.pushed.services(integrationId)]);
  // Counts need accounts and services on the platform: a first pass creates them.
  if ((accounts.length === 0 || services.length === 0) && options.dryRun !== true) {
    await runAccountPush(rt, options);
    [accounts, services] = await Promise.all([rt.pushed.accounts(integrationId), rt.pushed.services(integrationId)]);
  }
  const live = accounts.filter((a) => !a.deleted);
  const desired = new Map<string, { accountId: string; serviceKey: string; quantity: number }>();
  for await (const entry of rt.vendor.getUsages(live.map((a) => a.accountId))) {
    options.signal?.throwIfAborted();
    for (const usage of entry.usages) {
      const count = countOfUsage({ name: usage.name, infraId: usage.infraId, value: usage.value });
      if (count === null) continue;
      const pair = `${entry.tenantId}|${count.key}`;
      const prior = desired.get(pair);
      desired.set(pair, { accountId: entry.tenantId, serviceKey: count.key, quantity: (prior?.quantity ?? 0) + count.quantity });
    }
  }
  const last = await rt.pushed.counts(integrationId);
  const serviceById = new Map(services.map((s) => [s.serviceKey, s]));
  const nameOf = new Map(accounts.map((a) => [a.accountId, a.name]));
  const planned = planCounts({
    desired,
    last: last.map((l) => ({ accountId: l.accountId, serviceKey: l.serviceKey, quantity: l.quantity, state: l.state, countedQuantity: l.countedQuantity })),
    deletedTenantIds: new Set(accounts.filter((a) => a.deleted).map((a) => a.accountId)),
    serviceKeys: new Set(services.map((s) => s.serviceKey)),
    accountIds: new Set(accounts.map((a) => a.accountId)),
  });
  const plan: CountPlanItem[] = planned.map((p) => ({ ...p, account: nameOf.get(p.accountId) ?? p.accountId, service: serviceById.get(p.serviceKey)?.name ?? p.serviceKey }));
  const stats = { pairs: desired.size, posted: 0, counted: 0, waitingForMapping: 0, notAsked: 0, rebuildPosts: 0, failed: 0, unchanged: desired.size - planned.length, firstError: null as string | null };
  if (options.dryRun === true || plan.length === 0) return { loop: LOOP, dryRun: options.dryRun === true, stats, plan };

  /** `again`: the same value set once more only to rebuild (counted already, not a second count). */
  const post = async (p: PlannedCount, rebuild: boolean, again = false): Promise<'counted' | 'not_mapped' | 'failed'> => {
    const service = serviceById.get(p.serviceKey);
    if (service === undefined) return 'failed';
    try {
      const result = await rt.platform.setCount(service.externalId, p.accountId, p.quantity, { rebuild });
      stats.posted++;
      if (again) stats.rebuildPosts++;
      else if (result.outcome === 'counted') stats.counted++;
      else stats.waitingForMapping++;
      await rt.pushed.recordCount(integrationId, {
        accountId: p.accountId,
        serviceKey: p.serviceKey,
        quantity: p.quantity,
        state: result.outcome === 'counted' ? 'counted' : 'waiting',
        message: result.outcome === 'counted' ? null : result.message,
      });
      if (result.outcome === 'counted') lastCounted = p;
      probe.record(p, result.outcome === 'counted' ? 'counted' : 'not_mapped', result.outcome === 'counted' ? '' : result.message);
      return result.outcome === 'counted' ? 'counted' : 'not_mapped';
    } catch (error) {
      // A transient failure leaves the pair as it was: the next pass posts it again.
      stats.failed++;
      stats.firstError ??= error instanceof Error ? error.message : String(error);
      if (!isTransient(error)) throw error;
      return 'failed';
    }
  };
  // Round by round: pairs of sides known mapped, and one probe per account and service not known to
  // be (src/domain/mapping-probe.ts); the rest of an unmapped account's or service's pairs wait.
  const probe = new MappingProbe(
    planned,
    last.filter((l) => l.state === 'counted'),
    rt.clock().toISOString(),
  );
  let lastCounted: PlannedCount | null = null;
  let rebuilt = false;
  for (let round = probe.nextRound(); round.length > 0; round = probe.nextRound()) {
    if (!probe.drained) {
      await forEachLimited(round, CONCURRENCY, async (p) => void (await post(p, false)), options.signal);
      continue;
    }
    // The pass's last round: its last post rebuilds the platform's billing view, once, after every other post.
    await forEachLimited(round.slice(0, -1), CONCURRENCY, async (p) => void (await post(p, false)), options.signal);
    rebuilt = (await post(round.at(-1) as PlannedCount, true)) === 'counted';
  }
  // The rebuild must land on a count the platform took (a "not mapped" post rebuilds nothing there):
  // when the pass ended on a probe or a waiting pair, the last count taken is set again with the rebuild.
  if (!rebuilt && lastCounted !== null) await post(lastCounted, true, true);
  const held = probe.notAsked();
  stats.notAsked = held.length;
  const lastByPair = new Map(last.map((l) => [`${l.accountId}|${l.serviceKey}`, l]));
  await rt.pushed.recordNotAsked(
    integrationId,
    held.flatMap(({ pair, because }) => {
      const before = lastByPair.get(`${pair.accountId}|${pair.serviceKey}`);
      // Already waiting with this quantity: the row says so already.
      if (before?.state === 'waiting' && before.quantity === pair.quantity) return [];
      const who = `"${nameOf.get(pair.accountId) ?? pair.accountId}" / "${serviceById.get(pair.serviceKey)?.name ?? pair.serviceKey}"`;
      return [{ accountId: pair.accountId, serviceKey: pair.serviceKey, quantity: pair.quantity, message: `not asked this pass: ${who} waits for mapping in ${rt.platformLabel}${because === null || because === '' ? '' : ` (${because})`}` }];
    }),
  );
  if (stats.failed > 0) {
    throw Object.assign(new Error(`${stats.failed} of ${planned.length} counts could not be posted to ${rt.platformLabel} (first: ${stats.firstError}); the next pass posts them again`), { stats });
  }
  return { loop: LOOP, dryRun: false, stats, plan };
}
