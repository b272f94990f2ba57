// Prometheus metrics of the hub. One registry per app (tests build many apps in one process, and
// prom-client refuses a metric registered twice in the same registry). The counters for loops and
// connectors live here so /metrics exposes them; the composition root hands them to the loops.
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import type { RunResult } from '../jobs/job-runner.ts';

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
