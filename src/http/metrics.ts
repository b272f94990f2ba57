// Prometheus metrics of the hub. One registry per app (tests build many apps in one process, and
// prom-client refuses a metric registered twice in the same registry). The counters for loops and
// connectors live here so /metrics exposes them; the composition root hands them to the loops.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { RunResult } from '../jobs/job-runner.ts';
import { readIntegrationHealth } from '../sync/integration-health.ts';
import type { Store } from '../store/store.ts';

export interface HubMetrics {
  registry: Registry;
  httpRequestDuration: Histogram<'method' | 'route' | 'status'>;
  /** Runs of a loop by outcome (ok, failed, cancelled). */
  loopRuns: Counter<'loop' | 'status'>;
  loopRunDuration: Histogram<'loop'>;
  /** External writes applied by loops, by operation kind and outcome (applied, skipped, failed). */
  operations: Counter<'loop' | 'operation' | 'outcome'>;
  /** Calls to external systems by system and outcome (ok or a connector error code). */
  connectorCalls: Counter<'system' | 'outcome'>;
}

export function createHubMetrics(options: { defaultMetrics?: boolean } = {}): HubMetrics {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'psa_bridge_' });
  return {
    registry,
    httpRequestDuration: new Histogram({
      name: 'psa_bridge_http_request_duration_seconds',
      help: 'Duration of HTTP requests by method, route pattern and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    loopRuns: new Counter({
      name: 'psa_bridge_loop_runs_total',
      help: 'Loop runs by loop and status',
      labelNames: ['loop', 'status'],
      registers: [registry],
    }),
    loopRunDuration: new Histogram({
      name: 'psa_bridge_loop_run_duration_seconds',
      help: 'Duration of loop runs',
      labelNames: ['loop'],
      buckets: [0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600],
      registers: [registry],
    }),
    operations: new Counter({
      name: 'psa_bridge_operations_total',
      help: 'External writes applied by loops, by operation and outcome',
      labelNames: ['loop', 'operation', 'outcome'],
      registers: [registry],
    }),
    connectorCalls: new Counter({
      name: 'psa_bridge_connector_calls_total',
      help: 'Calls to external systems by system and outcome',
      labelNames: ['system', 'outcome'],
      registers: [registry],
    }),
  };
}

/** The job runner's `onRunFinished`: counts runs and their durations. */
export function observeRuns(metrics: HubMetrics): (result: RunResult) => void {
  return (result) => {
    metrics.loopRuns.inc({ loop: result.loop, status: result.status });
    metrics.loopRunDuration.observe({ loop: result.loop }, (result.finishedAt.getTime() - result.startedAt.getTime()) / 1000);
  };
}

/**
 * `psa_bridge_integration_health{integration, status}`: 1 for the integration's health now (the one
 * rule of src/domain/integration-health.ts), 0 for the other statuses, and
 * `psa_bridge_integration_problems{integration}`: the count of things wrong. Read at scrape time, so
 * an alert rule sees the same health as the portal and `psa-bridge status`.
 */
export function registerHealthGauges(metrics: HubMetrics, store: Store): void {
  // A registry shared by two apps (tests) keeps the first app's gauges.
  if (metrics.registry.getSingleMetric('psa_bridge_integration_health') !== undefined) return;
  const statuses = ['ok', 'degraded', 'failed', 'running', 'never_run', 'disabled'] as const;
  let reading: Promise<Array<{ name: string; status: string; count: number }>> | undefined;
  // Both gauges are collected in one scrape: read the integrations once for the pair.
  const read = () => {
    reading ??= (async () => {
      try {
        const integrations = await store.repos.integrations.list();
        return await Promise.all(integrations.map(async (i) => ({ name: i.name, ...(await readIntegrationHealth(store, i)) })));
      } finally {
        setTimeout(() => (reading = undefined), 0);
      }
    })();
    return reading;
  };
  new Gauge({
    name: 'psa_bridge_integration_health',
    help: 'Health of each integration: 1 for its current status (ok, degraded, failed, running, never_run, disabled)',
    labelNames: ['integration', 'status'],
    registers: [metrics.registry],
    async collect() {
      this.reset();
      for (const h of await read()) for (const status of statuses) this.set({ integration: h.name, status }, h.status === status ? 1 : 0);
    },
  });
  new Gauge({
    name: 'psa_bridge_integration_problems',
    help: 'Things wrong with each integration (companies failed, problems open, passes failed)',
    labelNames: ['integration'],
    registers: [metrics.registry],
    async collect() {
      this.reset();
      for (const h of await read()) this.set({ integration: h.name }, h.count);
    },
  });
}
