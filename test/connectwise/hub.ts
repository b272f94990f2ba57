// The hub as `serve` runs it, for the ConnectWise HTTP tests and the benchmark: the HTTP API listening
// on 127.0.0.1:0 with an in-process job runner that runs the registry's loops on the integration of a
// ConnectWise world, an admin and an API token.
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { parseVendorHosts, targetHostPolicy } from '../../src/config/vendor-hosts.ts';
import { buildApp } from '../../src/http/app.ts';
import { ensureAdminFromEnv } from '../../src/http/auth/ensure-admin.ts';
import { createLogger } from '../../src/http/logger.ts';
import { createInProcessJobRunner } from '../../src/jobs/in-process-runner.ts';
import type { JobRunner } from '../../src/jobs/job-runner.ts';
import { createStoreRunRecorder } from '../../src/jobs/store-run-recorder.ts';
import type { Store } from '../../src/store/store.ts';
import { createRuntimeProvider } from '../../src/sync/integration-runtime.ts';
import { hubLoopDefinitions } from '../../src/jobs/hub-loops.ts';
import { createHealthNotifier, type HealthNotifier } from '../../src/sync/health-notifier.ts';

export interface CwHub {
  app: FastifyInstance;
  url: string;
  runner: JobRunner;
  /** Announces health transitions after each pass, as serve does. */
  notifier: HealthNotifier;
  logs: string[];
  headers(): Promise<Record<string, string>>;
  api<T = any>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  close(): Promise<void>;
}

const ADMIN = { username: 'admin', password: 'correct horse battery staple' };

export async function startCwHub(store: Store, options: { logLevel?: string; tenantEvents?: boolean } = {}): Promise<CwHub> {
  const logs: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  const logger = createLogger({ level: options.logLevel ?? 'info', destination });
  const vendorHosts = parseVendorHosts('127.0.0.1');
  const notifier = createHealthNotifier({ store, logger, webhookHosts: targetHostPolicy(vendorHosts) });
  const runner = createInProcessJobRunner({
    recorder: createStoreRunRecorder(store.repos.loopRuns),
    logger,
    firstRunSpreadMs: 0,
    onRunFinished: (result) => notifier.afterRun(result),
  });
  const runtimes = createRuntimeProvider(store);
  // The tenant events watch only where a test asks for it: it long-polls the Acronis emulator in the background.
  for (const definition of hubLoopDefinitions(runtimes, options.tenantEvents === true ? runner : undefined)) runner.register(definition);
  await runner.start();
  await ensureAdminFromEnv({ store, env: { PSA_BRIDGE_ADMIN_USER: ADMIN.username, PSA_BRIDGE_ADMIN_PASSWORD: ADMIN.password } });
  const app = await buildApp({ version: '0.0.0-test', store, logger, jobRunner: runner, runtimes, vendorHosts });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const url = typeof address === 'object' && address ? `http://127.0.0.1:${address.port}` : '';
  let token: Record<string, string> | undefined;
  const hub: CwHub = {
    app,
    url,
    runner,
    notifier,
    logs,
    async headers() {
      if (token === undefined) {
        const login = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: ADMIN });
        const cookie = login.cookies.find((c) => c.name === 'psa_bridge_session');
        const res = await app.inject({ method: 'POST', url: '/api/v1/tokens', headers: { cookie: `psa_bridge_session=${cookie?.value}`, 'x-requested-with': 'psa-bridge' }, payload: { name: 'tests' } });
        token = { authorization: `Bearer ${res.json<{ token: string }>().token}` };
      }
      return token;
    },
    async api(method, path, body) {
      const res = await fetch(`${url}${path}`, {
        method,
        headers: { ...(await hub.headers()), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      return { status: res.status, body: (text === '' ? undefined : JSON.parse(text)) as never };
    },
    async close() {
      await runner.stop();
      await notifier.idle();
      await app.close();
    },
  };
  return hub;
}
