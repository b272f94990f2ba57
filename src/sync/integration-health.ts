/**
 * Reads what an integration's health is computed from (latest run of each loop, open plan problems,
 * failed mappings, recorded signals) and hands it to the one pure rule, `integrationHealth`
 * (src/domain/integration-health.ts). Every screen and command that shows health calls this.
 */
import { integrationHealth, type IntegrationHealth, type RunFacts } from '../domain/integration-health.ts';
import type { Store } from '../store/store.ts';

/** Where the API budget's signal is recorded. */
export const API_BUDGET_SIGNAL = 'api-budget';

export interface HealthSubject {
  id: string;
  enabled: boolean;
}

export async function readIntegrationHealth(store: { repos: Pick<Store['repos'], 'loopRuns' | 'healthFacts'> }, integration: HealthSubject): Promise<IntegrationHealth> {
  const facts = store.repos.healthFacts;
  const [latest, problems, failedMappings, signals] = await Promise.all([
    store.repos.loopRuns.latestPerLoop(integration.id),
    facts.problemTallies(integration.id),
    facts.failedMappings(integration.id),
    facts.signals(integration.id),
  ]);
  const runs: RunFacts[] = latest.map((run) => ({ loop: run.loop, status: run.status, error: run.error, stats: run.stats, startedAt: run.startedAt, finishedAt: run.finishedAt }));
  return integrationHealth({ enabled: integration.enabled, runs, problems, failedMappings, signals: signals.map(({ source, level, message }) => ({ source, level, message })) });
}

/** Records (or clears, with `null`) why the integration's API budget could not be read. */
export async function recordApiBudgetSignal(store: Pick<Store, 'repos'>, integrationId: string, error: string | null): Promise<void> {
  await store.repos.healthFacts.setSignal(
    integrationId,
    API_BUDGET_SIGNAL,
    error === null ? null : { level: 'degraded', message: `The target's API budget could not be read: ${error}` },
  );
}
