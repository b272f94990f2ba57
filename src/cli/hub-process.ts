import type { Logger } from 'pino';
import type { HubConfig } from '../config/config.ts';
import { ensureAdminFromEnv } from '../http/auth/ensure-admin.ts';
import { buildApp } from '../http/app.ts';
import { createLogger } from '../http/logger.ts';
import { createHubMetrics, observeRuns } from '../http/metrics.ts';
import { listen } from '../http/server.ts';
import { createInProcessJobRunner } from '../jobs/in-process-runner.ts';
import { createPgBossJobRunner } from '../jobs/pg-boss/runner.ts';
import { createStoreRunRecorder } from '../jobs/store-run-recorder.ts';
import type { JobRunner } from '../jobs/job-runner.ts';
import type { Store } from '../store/store.ts';
import { createRuntimeProvider } from '../sync/integration-runtime.ts';
import { hubLoopDefinitions, scheduleAllIntegrations, syncChangeHandler } from '../jobs/hub-loops.ts';
import { hubVersion } from './version.ts';
import { targetHostPolicy } from '../config/vendor-hosts.ts';
import { createHealthNotifier } from '../sync/health-notifier.ts';
import type { RunResult } from '../jobs/job-runner.ts';
import { resumeMappingIntents } from '../sync/mapping-job.ts';

export interface RunningHub {
  url: string;
  logger: Logger;
  jobRunner: JobRunner;
  /** Call after an integration, its credentials or a settings section changed: reschedules its loops. */
  onSyncChange: ReturnType<typeof syncChangeHandler>;
  /** Stops the loops (waiting for running passes), then the HTTP server. The store stays open. */
  stop(): Promise<void>;
}

/**
 * Starts the hub in this process: first admin from the environment, the loops' job runner, and the
 * HTTP API. `serve` and `demo` both start the hub this way, so the demo is the product, not a mock.
 */
export async function startHub(options: {
  config: HubConfig;
  store: Store;
  env?: NodeJS.ProcessEnv;
  logger?: Logger;
  /** Whether this process runs the loops (default yes; `serve --no-loops` leaves them to workers). */
  loops?: boolean;
}): Promise<RunningHub> {
  const { config, store } = options;
  const logger = options.logger ?? createLogger({ level: config.logLevel });
  await ensureAdminFromEnv({ store, env: options.env ?? process.env, log: logger });

  // One registry for the HTTP metrics and the loops' run counters, so /metrics shows both.
  const metrics = createHubMetrics();
  // SQLite: the loops run here, in-process. PostgreSQL: through pg-boss, so `psa-bridge worker`
  // processes share them; `serve --no-loops` only queues runs (manual runs, schedules) for the workers.
  const loops = options.loops ?? true;
  const recorder = createStoreRunRecorder(store.repos.loopRuns);
  // SQLite: this process is the only runner, so whatever is still `running` was killed with its process.
  // (PostgreSQL: other workers may be mid-run; the pg-boss runner closes a dead run once its run lock is free.)
  if (loops && store.dialect !== 'postgres') {
    const startedAt = new Date().toISOString();
    const closed = await store.repos.loopRuns.failAbandoned(startedAt);
    if (closed > 0) logger.warn({ closed }, 'closed loop runs a stopped process left running as failed (interrupted)');
    // Likewise its journal leases: the steps it was applying are looked up and finished by the next pass.
    const released = await store.repos.journal.releaseLeases(startedAt);
    if (released > 0) logger.warn({ released }, 'released the journal leases of a stopped process');
  }
  if (!loops && store.dialect !== 'postgres') {
    throw new Error('serve --no-loops needs PostgreSQL (workers run the loops); with SQLite, serve runs the loops itself');
  }
  // Health transitions are announced by the process that ran the pass (a worker, or this one).
  const notifier = createHealthNotifier({ store, logger, webhookHosts: targetHostPolicy(config.vendorHosts) });
  const countRun = observeRuns(metrics);
  const onRunFinished = (result: RunResult): void => {
    countRun(result);
    notifier.afterRun(result);
  };
  const jobRunner: JobRunner =
    store.dialect === 'postgres'
      ? createPgBossJobRunner({ connectionString: config.databaseUrl, recorder, logger, work: loops, onRunFinished })
      : createInProcessJobRunner({ recorder, logger, onRunFinished });
  // One runtime per integration for the whole process: the loops and the HTTP routes share the
  // connectors (token caches, Autotask's hourly budget and thread limiter).
  const runtimes = createRuntimeProvider(store, { journalLeaseMs: config.journalLeaseMs, billing: { journalLeaseMs: config.journalLeaseMs } });
  for (const definition of hubLoopDefinitions(runtimes, jobRunner)) jobRunner.register(definition);
  await jobRunner.start();
  await scheduleAllIntegrations(jobRunner, store);
  await resumeMappingIntents(store, jobRunner, logger);
  const onSyncChange = syncChangeHandler(jobRunner, store, runtimes);
  const app = await buildApp({
    store,
    logger,
    jobRunner,
    runtimes,
    metrics,
    version: hubVersion(),
    vendorHosts: config.vendorHosts,
    apiDocs: config.apiDocs,
    metricsAccess: config.metrics,
    retention: config.retention,
  });
  const server = await listen(app, { host: config.host, port: config.port });
  logger.info({ url: server.url, database: store.location }, 'psa-bridge is listening');

  return {
    url: server.url,
    logger,
    jobRunner,
    onSyncChange,
    stop: async () => {
      await jobRunner.stop();
      await notifier.idle();
      await server.close();
    },
  };
}
