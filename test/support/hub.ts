// Starts the hub's HTTP app against a fresh test database, for integration tests.
//
// @example
//   describe.each(testDatabases())('connections on $name', (db) => {
//     let hub: TestHub;
//     beforeEach(async () => (hub = await startHub(db)));
//     afterEach(() => hub.close());
//     it('lists', async () => {
//       const res = await hub.app.inject({ method: 'GET', url: '/api/v1/connections', headers: await hub.tokenHeaders() });
//     });
//   });
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { parseVendorHosts } from '../../src/config/vendor-hosts.ts';
import { buildApp, type BuildAppOptions } from '../../src/http/app.ts';
import { ensureAdminFromEnv } from '../../src/http/auth/ensure-admin.ts';
import { CSRF_HEADER } from '../../src/http/auth/authenticate.ts';
import { SESSION_COOKIE } from '../../src/http/auth/session-cookie.ts';
import { createLogger } from '../../src/http/logger.ts';
import { createInProcessJobRunner } from '../../src/jobs/in-process-runner.ts';
import type { JobRunner } from '../../src/jobs/job-runner.ts';
import { createStoreRunRecorder } from '../../src/jobs/store-run-recorder.ts';
import type { Store } from '../../src/store/store.ts';
import { createRuntimeProvider, type RuntimeOptions, type RuntimeProvider } from '../../src/sync/integration-runtime.ts';
import { hubLoopDefinitions, onDemandLoopDefinitions } from '../../src/jobs/hub-loops.ts';
import { openTestStore, type TestDatabase } from './databases.ts';

export const TEST_ADMIN = { username: 'admin', password: 'correct horse battery staple' } as const;

export interface TestHub {
  app: FastifyInstance;
  store: Store;
  /** Base URL of the listening server (only when started with `listen: true`). */
  url: string | undefined;
  /** The process's runtime provider, shared by the routes and (with `loops: true`) the job runner. */
  runtimes: RuntimeProvider;
  /** The in-process runner with the hub's loops (only when started with `loops: true`). */
  jobRunner: JobRunner | undefined;
  /** Resolves once no run of the integration's `loop` (default: the `mappings` job, which map-to-new starts in the background) is going or queued. */
  settle(integrationId: string, loop?: string): Promise<void>;
  /** Every log line the app wrote, as raw JSON text. */
  logs: string[];
  /** Logs in as the admin (once) and returns the cookie + CSRF headers of a portal request. */
  sessionHeaders(): Promise<Record<string, string>>;
  /** Creates an API token for the admin (once) and returns the Authorization header. */
  tokenHeaders(): Promise<Record<string, string>>;
  close(): Promise<void>;
}

export interface StartHubOptions extends Partial<Omit<BuildAppOptions, 'store' | 'logger' | 'runtimes'>> {
  /** Options of the runtimes the hub builds (tests: a counting target factory). */
  runtimeOptions?: RuntimeOptions;
  /** Run the hub's loops in an in-process job runner, as `serve` does on SQLite (default no). */
  loops?: boolean;
  /** Listen on 127.0.0.1:0 (default: no, use app.inject). */
  listen?: boolean;
  /** Create the admin user from TEST_ADMIN (default true). */
  admin?: boolean;
  logLevel?: string;
}

export async function startHub(database: TestDatabase, options: StartHubOptions = {}): Promise<TestHub> {
  const { listen = false, admin = true, logLevel = 'debug', runtimeOptions, loops = false, ...appOptions } = options;
  const { store, cleanup } = await openTestStore(database);
  const logs: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  const logger = createLogger({ level: logLevel, destination });
  if (admin) {
    await ensureAdminFromEnv({
      store,
      env: { PSA_BRIDGE_ADMIN_USER: TEST_ADMIN.username, PSA_BRIDGE_ADMIN_PASSWORD: TEST_ADMIN.password },
    });
  }
  const runtimes = createRuntimeProvider(store, runtimeOptions);
  let jobRunner = appOptions.jobRunner;
  if (loops) {
    jobRunner = createInProcessJobRunner({ recorder: createStoreRunRecorder(store.repos.loopRuns), logger, firstRunSpreadMs: 0 });
    for (const definition of hubLoopDefinitions(runtimes)) jobRunner.register(definition);
    await jobRunner.start();
  }
  // Without the loops, the on-demand jobs (map-to-new) still run in the background, as in a hub.
  let onDemandRunner: JobRunner | undefined;
  if (jobRunner === undefined) {
    onDemandRunner = createInProcessJobRunner({ recorder: createStoreRunRecorder(store.repos.loopRuns), logger });
    for (const definition of onDemandLoopDefinitions(runtimes)) onDemandRunner.register(definition);
    await onDemandRunner.start();
  }
  const backgroundRunner = (jobRunner ?? onDemandRunner) as JobRunner;
  // The emulators listen on 127.0.0.1: the tests widen the vendor hosts to it, as an operator would.
  const app = await buildApp({ version: '0.0.0-test', vendorHosts: parseVendorHosts('127.0.0.1'), ...appOptions, ...(jobRunner === undefined ? {} : { jobRunner }), ...(onDemandRunner === undefined ? {} : { onDemandRunner }), store, logger, runtimes });
  let url: string | undefined;
  if (listen) {
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    if (typeof address === 'object' && address) url = `http://127.0.0.1:${address.port}`;
  } else {
    await app.ready();
  }

  let session: Record<string, string> | undefined;
  let token: Record<string, string> | undefined;
  const hub: TestHub = {
    app,
    store,
    runtimes,
    jobRunner,
    async settle(integrationId, loop = 'mappings') {
      // The runner holds a job as running from the moment runNow is called until its last follow-up ends.
      while (await backgroundRunner.isRunning(integrationId, loop)) await new Promise((resolve) => setTimeout(resolve, 20));
    },
    url,
    logs,
    async sessionHeaders() {
      if (!session) {
        const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: TEST_ADMIN });
        if (res.statusCode !== 200) throw new Error(`test login failed: ${res.statusCode} ${res.body}`);
        const cookie = res.cookies.find((c) => c.name === SESSION_COOKIE);
        if (!cookie) throw new Error('test login set no session cookie');
        session = { cookie: `${SESSION_COOKIE}=${cookie.value}`, [CSRF_HEADER]: 'psa-bridge' };
      }
      return session;
    },
    async tokenHeaders() {
      if (!token) {
        const res = await app.inject({ method: 'POST', url: '/api/v1/tokens', headers: await hub.sessionHeaders(), payload: { name: 'tests' } });
        if (res.statusCode !== 201) throw new Error(`test token creation failed: ${res.statusCode} ${res.body}`);
        token = { authorization: `Bearer ${res.json<{ token: string }>().token}` };
      }
      return token;
    },
    async close() {
      if (loops) await jobRunner?.stop();
      await onDemandRunner?.stop();
      await app.close();
      await cleanup();
    },
  };
  return hub;
}
