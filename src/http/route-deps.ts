// What route plugins are given by buildApp.
import type { JobRunner } from '../jobs/job-runner.ts';
import type { RuntimeProvider } from '../sync/integration-runtime.ts';
import type { LoopQueue } from '../sync/loop-queue.ts';
import type { LoginThrottle } from './auth/login-throttle.ts';
import type { SessionCookieSettings } from './auth/session-cookie.ts';
import type { Store } from '../store/store.ts';
import type { VendorFactory } from '../sync/vendor-factory.ts';
import type { VendorHostPolicy } from '../config/vendor-hosts.ts';

export interface RouteDeps {
  store: Store;
  cookie: SessionCookieSettings;
  throttle: LoginThrottle;
  vendorFactory: VendorFactory;
  /** Where vendor-cloud credentials may be sent (PSA_BRIDGE_VENDOR_HOSTS). */
  vendorHosts: VendorHostPolicy;
  /** The loops' runner (schedules, run now); undefined in an app built without one (tests, tools). */
  jobRunner: JobRunner | undefined;
  /**
   * Where routes ask for background passes (src/sync/loop-queue.ts): the loops' runner, or in an app
   * built without one, a runner of the on-demand jobs alone. Always there, so map-to-new always runs.
   */
  loopQueue: LoopQueue;
  /**
   * The process's one runtime per integration, shared with the loops: the connectors' token caches,
   * Autotask's hourly budget and limiter live in it. Routes never build a vendor or target themselves;
   * a change to what a runtime is built from (credentials, connection) invalidates it.
   */
  runtimes: RuntimeProvider;
  version: string;
}
