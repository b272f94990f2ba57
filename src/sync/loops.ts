/**
 * The sync loops by name, and how the job runner runs and schedules them.
 *
 * - `SYNC_LOOPS`: name → the loop function (observe → plan → apply on an integration runtime).
 * - `syncLoopDefinitions(provider)`: job-runner definitions (handler = build/reuse the runtime, run
 *   the loop, return its stats).
 * - `scheduleIntegration(runner, store, id)`: (re)schedules an integration's loops from its `schedule`
 *   settings; disabled integrations and loops are unscheduled. Call it when an integration or its
 *   settings change (the HTTP layer does, through `onSettingsChange`).
 */
import type { JobRunner, LoopDefinition, LoopStats } from '../jobs/job-runner.ts';
import type { Store } from '../store/store.ts';
import { hasTarget } from '../connectors/registry.ts';
import { runAlertsLoop } from './alerts-loop.ts';
import { runDirectoryLoop } from './directory-loop.ts';
import { mappingJobDefinition } from './mapping-job.ts';
import type { IntegrationRuntime, RuntimeProvider } from './integration-runtime.ts';
import type { LoopOutcome, LoopRunOptions } from './loop-result.ts';
import { runProvisioningLoop } from './provisioning-loop.ts';
import { integrationSettings } from './settings/settings.ts';
import type { SettingsSectionName } from './settings/sections.ts';
import { runTicketsLoop } from './tickets-loop.ts';
import { runUsageLoop } from './usage-loop.ts';
import { runAccountPush } from './billing/account-push.ts';
import { runAlertPush } from './billing/alert-push.ts';
import type { BillingRuntime } from './billing/billing-runtime.ts';
import { isBillingPlatformIntegration } from './billing/billing-runtime.ts';
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

/** Which feature an integration needs on for the loop to be scheduled (the directory always runs). */
const LOOP_FEATURE: Record<SyncLoopName, string | null> = { directory: null, provisioning: 'provisioning', usage: 'provisioning', alerts: null, tickets: null };

export function isSyncLoopName(name: string): name is SyncLoopName {
  return (SYNC_LOOP_NAMES as readonly string[]).includes(name);
}

export function syncLoopDefinitions(provider: RuntimeProvider): LoopDefinition[] {
  return SYNC_LOOP_NAMES.map((name) => ({
    name,
    // A long first pass (10,000 companies) must not be cut short; the signal still stops it on shutdown.
    timeoutMs: 2 * 60 * 60_000,
    handler: async (ctx): Promise<LoopStats> => {
      const billing = await provider.billing(ctx.integrationId);
      let outcome: LoopOutcome;
      if (billing !== null) {
        const loop = BILLING_LOOPS[name];
        if (loop === undefined) return { skipped: `${billing.platformLabel} has no ${name} loop` };
        outcome = await loop(billing, { dryRun: ctx.dryRun, signal: ctx.signal });
      } else if (name === 'alerts' && ctx.trigger === 'schedule' && (await ctx.nextRunAt()) !== null) {
        // A scheduled alerts run watches the feed until the next one is due (src/sync/alerts/alert-watch.ts).
        outcome = await runAlertsLoop(await provider.get(ctx.integrationId), {
          dryRun: ctx.dryRun,
          signal: ctx.signal,
          watch: { until: async () => (await ctx.nextRunAt())?.getTime() ?? null, runRequested: ctx.runRequested },
        });
      } else outcome = await SYNC_LOOPS[name](await provider.get(ctx.integrationId), { dryRun: ctx.dryRun, signal: ctx.signal });
      ctx.log.info({ integrationId: ctx.integrationId, loop: name, stats: outcome.stats }, `${name} loop finished`);
      return outcome.stats;
    },
  }));
}

/**
 * Every loop a hub process or worker registers with its job runner: the scheduled sync loops and the
 * on-demand `mappings` job (map-to-new intents, the marketplace wizard's first run), which is never
 * scheduled but runs through the runner so pg-boss shares it and a run is recorded like any other.
 */
export function hubLoopDefinitions(provider: RuntimeProvider): LoopDefinition[] {
  return [...syncLoopDefinitions(provider), mappingJobDefinition(provider)];
}

export async function scheduleIntegration(runner: JobRunner, store: Store, integrationId: string): Promise<void> {
  const integration = await store.repos.integrations.get(integrationId);
  // The loops are the PSA loops: a service manager's instances are driven by its calls instead.
  if (integration === undefined || !integration.enabled || !hasTarget(integration.target)) {
    for (const loop of SYNC_LOOP_NAMES) await runner.unschedule(integrationId, loop);
    return;
  }
  const schedule = await integrationSettings(store.repos.settings).read(integrationId, 'schedule');
  const billing = isBillingPlatformIntegration(integration);
  for (const loop of SYNC_LOOP_NAMES) {
    const feature = LOOP_FEATURE[loop];
    const applies = billing ? BILLING_LOOPS[loop] !== undefined : feature === null || integration.features[feature] === true;
    const on = schedule[loop].enabled && applies;
    if (on) await runner.schedule({ integrationId, loop, every: { intervalMs: schedule[loop].intervalMinutes * 60_000 } });
    else await runner.unschedule(integrationId, loop);
  }
}

export async function scheduleAllIntegrations(runner: JobRunner, store: Store): Promise<number> {
  const integrations = await store.repos.integrations.list();
  for (const integration of integrations) await scheduleIntegration(runner, store, integration.id);
  return integrations.filter((i) => i.enabled).length;
}

/**
 * What the HTTP layer calls after saving an integration or one of its settings sections: reschedules
 * its loops and, when credentials or connector settings changed, drops the cached runtime.
 */
export function syncChangeHandler(runner: JobRunner, store: Store, provider: RuntimeProvider) {
  return async (integrationId: string, what: SettingsSectionName | 'integration' | 'credentials' | 'deleted'): Promise<void> => {
    if (what === 'credentials' || what === 'connector' || what === 'integration' || what === 'deleted') provider.invalidate(integrationId);
    if (what === 'deleted') {
      await runner.unschedule(integrationId);
      return;
    }
    await scheduleIntegration(runner, store, integrationId);
  };
}
