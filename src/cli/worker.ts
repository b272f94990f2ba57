import { createServer, type Server } from 'node:http';
import { hostname } from 'node:os';
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { loadConfig } from '../config/config.ts';
import { createLogger } from '../http/logger.ts';
import { createHubMetrics, observeRuns } from '../http/metrics.ts';
import { createPgBossJobRunner } from '../jobs/pg-boss/runner.ts';
import { createStoreRunRecorder } from '../jobs/store-run-recorder.ts';
import { parseDatabaseUrl } from '../store/database.ts';
import { createRuntimeProvider } from '../sync/integration-runtime.ts';
import { hubLoopDefinitions } from '../jobs/hub-loops.ts';
import { openHubContext } from './hub-context.ts';
import { targetHostPolicy } from '../config/vendor-hosts.ts';
import { createHealthNotifier } from '../sync/health-notifier.ts';
import { parsePort, waitForShutdownSignal } from './process-lifecycle.ts';

export const WORKER_NEEDS_POSTGRES =
  'psa-bridge worker needs PostgreSQL: set DATABASE_URL=postgres://…; with SQLite, serve runs the loops itself';

function parseConcurrency(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 256) throw new InvalidArgumentError(`"${value}" is not a number of runs from 1 to 256`);
  return n;
}

/**
 * `psa-bridge worker`: runs the loops and nothing else (no API), sharing the work with every other
 * worker on the same PostgreSQL through pg-boss. Announces itself with one JSON line on stdout.
 */
export function registerWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description('run the sync loops only, sharing them with other workers through PostgreSQL (pg-boss)')
    .option('--metrics-port <port>', 'serve Prometheus metrics on this port (GET /metrics)', parsePort)
    .option('--concurrency <runs>', 'runs performed at once by this worker', parseConcurrency, 4)
    .action(async (options: { metricsPort?: number; concurrency: number }) => {
      const config = loadConfig();
      if (parseDatabaseUrl(config.databaseUrl).dialect !== 'postgres') throw new Error(WORKER_NEEDS_POSTGRES);
      const { store } = await openHubContext();
      let metricsServer: Server | undefined;
      try {
        const logger = createLogger({ level: config.logLevel });
        const metrics = createHubMetrics();
        const countRun = observeRuns(metrics);
        const notifier = createHealthNotifier({ store, logger, webhookHosts: targetHostPolicy(config.vendorHosts) });
        const runner = createPgBossJobRunner({
          connectionString: config.databaseUrl,
          recorder: createStoreRunRecorder(store.repos.loopRuns),
          logger,
          concurrency: options.concurrency,
          onRunFinished: (result) => {
            countRun(result);
            notifier.afterRun(result);
          },
        });
        // The same loops as serve, on this process's own runtimes (one client per integration, so
        // each worker keeps its own Autotask budget reading and thread limiter).
        const runtimes = createRuntimeProvider(store, { journalLeaseMs: config.journalLeaseMs, billing: { journalLeaseMs: config.journalLeaseMs } });
        for (const definition of hubLoopDefinitions(runtimes, runner)) runner.register(definition);
        await runner.start();

        let metricsUrl: string | undefined;
        if (options.metricsPort !== undefined) {
          metricsServer = createServer((req, res) => {
            if (req.method === 'GET' && req.url === '/metrics') {
              metrics.registry.metrics().then(
                (body) => res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(body),
                () => res.writeHead(500).end(),
              );
            } else {
              res.writeHead(404).end();
            }
          });
          await new Promise<void>((resolve) => metricsServer!.listen(options.metricsPort, '0.0.0.0', resolve));
          const address = metricsServer.address();
          if (address && typeof address === 'object') metricsUrl = `http://127.0.0.1:${address.port}/metrics`;
        }
        process.stdout.write(
          `${JSON.stringify({ worker: `${hostname()}:${process.pid}`, database: store.location, concurrency: options.concurrency, ...(metricsUrl ? { metrics: metricsUrl } : {}) })}\n`,
        );

        const signal = await waitForShutdownSignal();
        logger.info({ signal }, 'worker shutting down');
        const report = await runner.stop();
        await notifier.idle();
        if (report.abandoned.length > 0) logger.warn({ abandoned: report.abandoned }, 'runs abandoned at shutdown');
      } finally {
        if (metricsServer) await new Promise<void>((resolve) => metricsServer!.close(() => resolve()));
        await store.close();
      }
    });
}
