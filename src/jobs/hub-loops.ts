/**
 * The loops a hub process or worker gives its job runner, and how they are scheduled: the one place
 * where the jobs layer meets the sync loops (jobs → sync; sync asks for passes only through its
 * LoopQueue port, src/sync/loop-queue.ts).
 *
 * - `syncLoopDefinitions(provider)`: the scheduled loops (SYNC_LOOPS, or BILLING_LOOPS for a billing
 *   platform) as job-runner definitions: build/reuse the runtime, run the loop, return its stats.
 * - `onDemandLoopDefinitions(provider)`: the `mappings` job (map-to-new intents, the marketplace
 *   wizard's first run), never scheduled but run through the runner, so pg-boss shares it, a run
 *   is recorded like any other and a request made while one runs is served by one follow-up run.
 * - `scheduleIntegration(runner, store, id)`: (re)schedules an integration's loops from its
 *   `schedule` settings; disabled integrations and loops are unscheduled. Called when an
 *   integration or its settings change (the HTTP layer does, through `syncChangeHandler`).
 */
import { hasTarget } from '../connectors/registry.ts';
import type { Store } from '../store/store.ts';
import { runAlertsLoop } from '../sync/alerts-loop.ts';
import { isBillingPlatformIntegration } from '../sync/billing/billing-runtime.ts';
import type { RuntimeProvider } from '../sync/integration-runtime.ts';
import type { LoopOutcome } from '../sync/loop-result.ts';
import { BILLING_LOOPS, SYNC_LOOP_NAMES, SYNC_LOOPS, withPartnerReads, type SyncLoopName } from '../sync/loops.ts';
import { MAPPINGS_LOOP } from '../sync/mapping-intents.ts';
import { runMappingJob } from '../sync/mapping-job.ts';
import type { SettingsSectionName } from '../sync/settings/sections.ts';
import { integrationSettings } from '../sync/settings/settings.ts';
import type { LoopQueue } from '../sync/loop-queue.ts';
import { TENANT_EVENTS_LOOP, TENANT_EVENTS_RUN_MINUTES, watchTenantEvents } from '../sync/tenant-events-watch.ts';
import { JobError, type JobRunner, type LoopDefinition, type LoopStats } from './job-runner.ts';

/** Which feature an integration needs on for the loop to be scheduled (the directory always runs). */
const LOOP_FEATURE: Record<SyncLoopName, string | null> = { directory: null, provisioning: 'provisioning', usage: 'provisioning', alerts: null, tickets: null };

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
        const rt = await provider.get(ctx.integrationId);
        // With several partner tenants the watch, like every pass, names a partner it could not read.
        outcome = await withPartnerReads(rt, () =>
          runAlertsLoop(rt, {
            dryRun: ctx.dryRun,
            signal: ctx.signal,
            watch: { until: async () => (await ctx.nextRunAt())?.getTime() ?? null, runRequested: ctx.runRequested },
          }),
        );
      } else outcome = await SYNC_LOOPS[name](await provider.get(ctx.integrationId), { dryRun: ctx.dryRun, signal: ctx.signal });
      ctx.log.info({ integrationId: ctx.integrationId, loop: name, stats: outcome.stats }, `${name} loop finished`);
      return outcome.stats;
    },
  }));
}

/** The jobs that run only when asked for (through the LoopQueue port): the `mappings` job. */
export function onDemandLoopDefinitions(provider: RuntimeProvider): LoopDefinition[] {
  return [
    {
      name: MAPPINGS_LOOP,
      timeoutMs: 60 * 60_000,
      handler: async (ctx): Promise<LoopStats> => {
        const rt = await provider.get(ctx.integrationId);
        if (ctx.dryRun) return { dryRun: true };
        return await runMappingJob(rt, { signal: ctx.signal });
      },
    },
  ];
}

/**
 * The `tenant-events` watch (src/sync/tenant-events-watch.ts): scheduled every few minutes, each run
 * long-polls the vendor's tenant topic until just before the next, asking `queue` (the runner
 * itself) for the directory and provisioning passes the events call for.
 */
export function tenantEventsDefinition(provider: RuntimeProvider, queue: LoopQueue): LoopDefinition {
  return {
    name: TENANT_EVENTS_LOOP,
    timeoutMs: 2 * TENANT_EVENTS_RUN_MINUTES * 60_000,
    // Never retried: a failed watch is followed by the next scheduled one within minutes.
    retry: { retryLimit: 0 },
    handler: async (ctx): Promise<LoopStats> => {
      if ((await provider.billing(ctx.integrationId)) !== null) return { skipped: 'a billing platform pushes on its own schedule' };
      return watchTenantEvents(await provider.get(ctx.integrationId), queue, {
        until: async () => (await ctx.nextRunAt())?.getTime() ?? null,
        runRequested: ctx.runRequested,
        signal: ctx.signal,
        log: ctx.log,
      });
    },
  };
}

/**
 * Every loop a hub process or worker registers with its job runner: the scheduled ones, the
 * on-demand ones and, given the queue to ask for passes through (the runner), the tenant events watch.
 */
export function hubLoopDefinitions(provider: RuntimeProvider, queue?: LoopQueue): LoopDefinition[] {
  return [...syncLoopDefinitions(provider), ...onDemandLoopDefinitions(provider), ...(queue === undefined ? [] : [tenantEventsDefinition(provider, queue)])];
}

/**
 * Schedules the tenant events watch where it applies (a PSA integration with `schedule.tenantEvents`
 * on); a runner this process gave no such job (tests, tools) is left alone.
 */
async function scheduleTenantEvents(runner: JobRunner, integrationId: string, on: boolean): Promise<void> {
  try {
    if (on) await runner.schedule({ integrationId, loop: TENANT_EVENTS_LOOP, every: { intervalMs: TENANT_EVENTS_RUN_MINUTES * 60_000 } });
    else await runner.unschedule(integrationId, TENANT_EVENTS_LOOP);
  } catch (error) {
    if (!(error instanceof JobError && error.code === 'unknown_loop')) throw error;
  }
}

export async function scheduleIntegration(runner: JobRunner, store: Store, integrationId: string): Promise<void> {
  const integration = await store.repos.integrations.get(integrationId);
  // The loops are the PSA loops: a service manager's instances are driven by its calls instead.
  if (integration === undefined || !integration.enabled || !hasTarget(integration.target)) {
    for (const loop of SYNC_LOOP_NAMES) await runner.unschedule(integrationId, loop);
    await scheduleTenantEvents(runner, integrationId, false);
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
  await scheduleTenantEvents(runner, integrationId, schedule.tenantEvents && !billing);
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
