/** The alerts held back from an earlier pass: unmapped ones whose tenant is mapped now, and parked failures that are due. */
import { alertKeyOf } from '../../domain/alert-identity.ts';
import { isoAt } from '../../store/columns.ts';
import { JournalInProgressError } from '../journal.ts';
import { describeError, LoopAborted, throwIfAborted } from '../ticket-loop-env.ts';
import { parkedPlanEntry } from '../../domain/ticket-plan.ts';
import { handleAlert } from './handle-alert.ts';
import { companyOf, type PassContext } from './pass-context.ts';

const PARK_BACKOFF_MIN_MS = 60_000;
const PARK_BACKOFF_MAX_MS = 60 * 60_000;

/** Unmapped alerts of tenants mapped since, and parked failures that are due. */
export async function releaseWaiting(ctx: PassContext): Promise<void> {
  const { env } = ctx;
  const tenants = await env.repos.waitingAlerts.unmappedTenants(env.integrationId);
  const mapped: string[] = [];
  for (const tenantId of tenants) {
    const mapping = await ctx.mappingOf(tenantId);
    if (mapping?.state === 'mapped' && mapping.companyId !== null) mapped.push(tenantId);
  }
  const due = [...(await env.repos.waitingAlerts.unmappedOf(env.integrationId, mapped)), ...(await env.repos.waitingAlerts.dueFailures(env.integrationId, isoAt(ctx.clock)))];
  for (const waiting of due) {
    throwIfAborted(env.signal);
    try {
      const outcome = await handleAlert(ctx, waiting.alert);
      if (outcome !== 'waiting') {
        await ctx.writes.unqueue(waiting.alertId);
        ctx.stats.released += 1;
      }
    } catch (error) {
      if (error instanceof LoopAborted) throw error;
      if (error instanceof JournalInProgressError) continue;
      ctx.stats.failed += 1;
      const tenantId = alertKeyOf(waiting.alert)?.tenantId ?? null;
      const attempts = await ctx.writes.recordFailure(waiting.alertId, waiting.alert, tenantId, describeError(error));
      // Null in a dry run: nothing is recorded.
      if (attempts === null) continue;
      await ctx.writes.retryAt(waiting.alertId, isoAt(ctx.clock, parkBackoff(attempts)));
      ctx.plan.push(parkedPlanEntry(waiting.alertId, { type: waiting.alert.type, tenantId }, await companyOf(ctx, tenantId), attempts, describeError(error)));
      ctx.log.warn({ alertId: waiting.alertId, attempts, err: describeError(error) }, 'a held-back alert failed again');
    }
  }
}

export function parkBackoff(attempts: number): number {
  return Math.min(PARK_BACKOFF_MAX_MS, PARK_BACKOFF_MIN_MS * 2 ** Math.max(0, attempts - 1));
}
