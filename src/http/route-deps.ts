// What route plugins are given by buildApp.
import type { JobRunner } from '../jobs/job-runner.ts';
import type { LoginThrottle } from './auth/login-throttle.ts';
import type { SessionCookieSettings } from './auth/session-cookie.ts';
import type { HubStore } from './hub-store.ts';
import type { VendorFactory } from './vendor-factory.ts';

export interface RouteDeps {
  store: HubStore;
  cookie: SessionCookieSettings;
  throttle: LoginThrottle;
  vendorFactory: VendorFactory;
  jobRunner: JobRunner | undefined;
  version: string;
}
