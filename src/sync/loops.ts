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

export const SYNC_LOOPS: Record<SyncLoopName, SyncLoop> = {
  directory: runDirectoryLoop,
  provisioning: runProvisioningLoop,
  usage: runUsageLoop,
  alerts: runAlertsLoop,
  tickets: runTicketsLoop,
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
