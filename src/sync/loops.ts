/**
 * The sync loops by name. How the job runner runs and schedules them (their job-runner definitions,
 * scheduling from the `schedule` settings) is src/jobs/hub-loops.ts: jobs → sync, never back.
 *
 * - `SYNC_LOOPS`: name → the loop function (observe → plan → apply on an integration runtime).
 * - `BILLING_LOOPS`: the same names for a billing platform's push loops.
 */
import { runAlertsLoop } from './alerts-loop.ts';
import { runDirectoryLoop } from './directory-loop.ts';
import type { IntegrationRuntime } from './integration-runtime.ts';
import type { LoopOutcome, LoopRunOptions } from './loop-result.ts';
import { runProvisioningLoop } from './provisioning-loop.ts';
import { runTicketsLoop } from './tickets-loop.ts';
import { runUsageLoop } from './usage-loop.ts';
import { runAccountPush } from './billing/account-push.ts';
import { runAlertPush } from './billing/alert-push.ts';
import type { BillingRuntime } from './billing/billing-runtime.ts';
import { runCountPush } from './billing/count-push.ts';

export const SYNC_LOOP_NAMES = ['directory', 'provisioning', 'usage', 'alerts', 'tickets'] as const;
export type SyncLoopName = (typeof SYNC_LOOP_NAMES)[number];

export type SyncLoop = (rt: IntegrationRuntime, options?: LoopRunOptions) => Promise<LoopOutcome>;

/**
 * A pass over several partner tenants goes on past a partner it cannot read (multi-partner-vendor.ts);
 * its stats then name that partner (`partnersUnread`), so the pass does not read as succeeded
 * (runVerdict) while the other partners' companies were still processed.
 */
export async function withPartnerReads<O extends LoopOutcome>(rt: IntegrationRuntime, pass: () => Promise<O>): Promise<O> {
  const started = rt.clock();
  const outcome = await pass();
  const unread = rt.partnerFailuresSince(started);
  if (unread.length > 0) {
    outcome.stats.partnersUnread = unread.length;
    outcome.stats.partnersUnreadDetail = unread.map((f) => `"${f.name}" (${f.message})`).join('; ');
  }
  return outcome;
}

const partnerAware =
  (loop: SyncLoop): SyncLoop =>
  (rt, options) =>
    withPartnerReads(rt, () => loop(rt, options));

export const SYNC_LOOPS: Record<SyncLoopName, SyncLoop> = {
  directory: partnerAware(runDirectoryLoop),
  provisioning: partnerAware(runProvisioningLoop),
  usage: partnerAware(runUsageLoop),
  alerts: partnerAware(runAlertsLoop),
  tickets: partnerAware(runTicketsLoop),
};

export type BillingLoop = (rt: BillingRuntime, options?: LoopRunOptions) => Promise<LoopOutcome>;

/**
 * A billing platform's loops under the same names and schedules: `directory` pushes accounts and
 * services, `usage` unit counts, `alerts` alerts as tickets. It has no provisioning and no tickets to read.
 */
export const BILLING_LOOPS: Partial<Record<SyncLoopName, BillingLoop>> = {
  directory: runAccountPush,
  usage: runCountPush,
  alerts: runAlertPush,
};

export function isSyncLoopName(name: string): name is SyncLoopName {
  return (SYNC_LOOP_NAMES as readonly string[]).includes(name);
}
