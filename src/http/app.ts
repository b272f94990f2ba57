// The hub's HTTP application: JSON API under /api/v1 (zod-validated, documented at /api/docs),
// /healthz and /metrics. `buildApp` returns the Fastify instance without listening (tests use
// `inject` or listen on port 0; server.ts listens for real).
import type { Retention } from '../config/config.ts';
import { createHousekeeping } from './housekeeping.ts';
import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import { createAcronisVendor } from '../connectors/acronis/vendor.ts';
import { onDemandLoopDefinitions } from '../jobs/hub-loops.ts';
import { createInProcessJobRunner } from '../jobs/in-process-runner.ts';
import type { JobRunner } from '../jobs/job-runner.ts';
import { createStoreRunRecorder } from '../jobs/store-run-recorder.ts';
import type { RuntimeProvider } from '../sync/integration-runtime.ts';
import { createAuthenticator } from './auth/authenticate.ts';
import { installRoleGuard, type GuardedRoute } from './auth/authorize.ts';
import { LoginThrottle, type LoginThrottleOptions } from './auth/login-throttle.ts';
import type { SecureCookieMode } from './auth/session-cookie.ts';
import './auth/principal.ts';
import { installErrorHandling } from './error-handler.ts';
import { ApiError } from './api-error.ts';
import { findIllFormedText } from './validation/well-formed-text.ts';
import { docsCsp, installSecurityHeaders } from './security-headers.ts';
import { parseVendorHosts, type VendorHostPolicy } from '../config/vendor-hosts.ts';
import type { Store } from '../store/store.ts';
import { createLogger } from './logger.ts';
import { createHubMetrics, registerHealthGauges, type HubMetrics } from './metrics.ts';
import type { RouteDeps } from './route-deps.ts';
import { healthRoutes } from './routes/health.ts';
import { metricsRoutes } from './routes/metrics.ts';
import { portalRoutes } from './portal.ts';
import { alertMappingRoutes } from './routes/v1/alert-mappings.ts';
import { authRoutes } from './routes/v1/auth.ts';
import { auditRoutes } from './routes/v1/audit.ts';
import { exportRoutes } from './routes/v1/exports.ts';
import { billingOverviewRoutes } from './routes/v1/billing-overview.ts';
import { callbackRoutes } from './routes/v1/callbacks.ts';
import { catalogRoutes } from './routes/v1/catalog.ts';
import { prepaidUsageRoutes } from './routes/v1/prepaid-usage.ts';
import { chartRoutes } from './routes/v1/charts.ts';
import { connectionRoutes } from './routes/v1/connections.ts';
import { integrationRoutes } from './routes/v1/integrations.ts';
import { integrationPartnerRoutes } from './routes/v1/integration-partners.ts';
import { integrationHealthRoutes } from './routes/v1/integration-health.ts';
import { serviceGuardRoutes } from './routes/v1/service-guards.ts';
import { ticketStartRoutes } from './routes/v1/ticket-start.ts';
import { customerRoutes } from './routes/v1/customer.ts';
import { mappingRoutes } from './routes/v1/mappings.ts';
import { marketplaceRoutes } from './routes/v1/marketplace.ts';
import { nameSuggestionRoutes } from './routes/v1/name-suggestions.ts';
import { serviceManagerRoutes } from './routes/v1/service-managers.ts';
import { settingsRoutes } from './routes/v1/settings.ts';
import { statusRoutes } from './routes/v1/status.ts';
import { targetRoutes } from './routes/v1/targets.ts';
import { summaryRoutes } from './routes/v1/summary.ts';
import { ticketRoutes } from './routes/v1/tickets.ts';
import { tokenRoutes } from './routes/v1/tokens.ts';
import { userRoutes } from './routes/v1/users.ts';
import { notificationRoutes } from './routes/v1/notifications.ts';
import type { VendorFactory } from '../sync/vendor-factory.ts';
import { serviceManagerManifests } from '../connectors/registry.ts';
import type { ServiceManagerHub } from '../connectors/service-manager-port.ts';
import { createServiceManagerHub } from '../sync/service-manager/hub.ts';

export interface BuildAppOptions {
  store: Store;
  /** Defaults to a pino logger with secret redaction (see logger.ts). */
  logger?: Logger;
  /** Builds the vendor client used to test connections. */
  vendorFactory?: VendorFactory;
  /** Present when this process runs loops; the status route reports its schedules. */
  jobRunner?: JobRunner;
  /**
   * Where the on-demand jobs (the `mappings` job: map-to-new, the wizard's first run) are asked for
   * when there is no `jobRunner`: a runner with onDemandLoopDefinitions registered, started. Default:
   * an in-process one made here and stopped with the app.
   */
  onDemandRunner?: JobRunner;
  /** The process's runtimes, the same provider the loops use (startHub builds it once). */
  runtimes: RuntimeProvider;
  version: string;
  /** Defaults to a fresh registry with default process metrics. */
  metrics?: HubMetrics;
  /** Hosts vendor-cloud credentials may be sent to (default: the vendor's data centers; tests and the demo add 127.0.0.1). */
  vendorHosts?: VendorHostPolicy;
  /** Serve the OpenAPI document and its viewer at /api/docs (default off; the demo turns it on). */
  apiDocs?: boolean;
  /** /metrics: 'token' (default) needs an API token or a session, 'public' serves anyone, 'off' serves nothing. */
  metricsAccess?: 'token' | 'public' | 'off';
  /** How long the run history and the audit trail are kept (default: 90 and 400 days). */
  retention?: Retention;
  /** Trust X-Forwarded-* from a reverse proxy (for the client IP and https detection). */
  trustProxy?: boolean | string | string[];
  /** Session lifetime; sliding (renewed when half of it has passed). Default 12 h. */
  sessionTtlMs?: number;
  /** 'auto' (default): Secure when the request came over https. */
  secureCookies?: SecureCookieMode;
  loginThrottle?: LoginThrottleOptions;
  /** Answers the inbound APIs of service managers; default: the store's, with the Acronis vendor. */
  serviceManagerHub?: ServiceManagerHub;
}

/**
 * An app embedded without the loops' runner (a test, a tool) still answers map-to-new in the
 * background: through a runner of the on-demand jobs alone, with the same one-run-per-job rule
 * and run history as a hub's.
 */
async function startOnDemandRunner(options: BuildAppOptions, logger: Logger): Promise<JobRunner> {
  const runner = createInProcessJobRunner({ recorder: createStoreRunRecorder(options.store.repos.loopRuns), logger });
  for (const definition of onDemandLoopDefinitions(options.runtimes)) runner.register(definition);
  await runner.start();
  return runner;
}

const DEFAULT_SESSION_TTL_MS = 12 * 60 * 60 * 1000;
const PRUNE_INTERVAL_MS = 60 * 60 * 1000;

// A person waits on a connection test: one retry at most, not the loops' patient policy.
const defaultVendorFactory: VendorFactory = (credentials) => createAcronisVendor({ ...credentials, retry: { maxAttempts: 2 } });

export async function buildApp(options: BuildAppOptions): Promise<FastifyInstance> {
  const logger = options.logger ?? createLogger();
  const metrics = options.metrics ?? createHubMetrics();
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    trustProxy: options.trustProxy ?? false,
    bodyLimit: 1024 * 1024,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandling(app);
  installSecurityHeaders(app);
  app.addHook('preValidation', async (request) => {
    for (const [where, value] of [['body', request.body], ['querystring', request.query], ['params', request.params]] as const) {
      const field = findIllFormedText(value, where);
      if (field !== undefined) {
        const message = 'contains a broken character (an unpaired UTF-16 surrogate, e.g. half of an emoji); send whole characters';
        throw new ApiError(400, 'invalid_request', `${field}: ${message}`, { details: [{ field, message }] });
      }
    }
  });

  app.addHook('onResponse', async (request, reply) => {
    metrics.httpRequestDuration.observe(
      { method: request.method, route: request.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });

  await app.register(cookie);
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'psa-bridge API',
        description: 'Integration hub between Acronis Cyber Protect Cloud and PSA / billing systems',
        version: options.version,
      },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'psa_bridge_session' },
          token: { type: 'http', scheme: 'bearer', description: 'An API token from POST /api/v1/tokens' },
        },
      },
      security: [{ session: [] }, { token: [] }],
    },
    transform: jsonSchemaTransform,
  });
  // The document is always built (tests and tools read app.swagger()); it is served only when asked for.
  if (options.apiDocs === true) await app.register(swaggerUi, { routePrefix: '/api/docs', staticCSP: true, transformStaticCSP: docsCsp });

  const onDemand = options.jobRunner ?? options.onDemandRunner ?? (await startOnDemandRunner(options, logger));
  if (options.jobRunner === undefined && options.onDemandRunner === undefined) app.addHook('onClose', async () => void (await onDemand.stop()));

  const deps: RouteDeps = {
    store: options.store,
    cookie: { ttlMs: options.sessionTtlMs ?? DEFAULT_SESSION_TTL_MS, secure: options.secureCookies ?? 'auto' },
    throttle: new LoginThrottle(options.store.repos.loginThrottle, options.loginThrottle),
    vendorFactory: options.vendorFactory ?? defaultVendorFactory,
    vendorHosts: options.vendorHosts ?? parseVendorHosts(undefined),
    jobRunner: options.jobRunner,
    loopQueue: onDemand,
    runtimes: options.runtimes,
    version: options.version,
  };

  await app.register(healthRoutes, { store: options.store });
  registerHealthGauges(metrics, options.store);
  const authenticate = createAuthenticator({ store: options.store, cookie: deps.cookie });
  const metricsAccess = options.metricsAccess ?? 'token';
  if (metricsAccess !== 'off') {
    await app.register(metricsRoutes, { registry: metrics.registry, ...(metricsAccess === 'token' ? { authenticate } : {}) });
  }

  const guardedRoutes: GuardedRoute[] = [];
  app.decorate('guardedRoutes', guardedRoutes);
  await app.register(
    async (api) => {
      api.addHook('onRequest', authenticate);
      installRoleGuard(api, guardedRoutes);
      const zodApi = api.withTypeProvider<ZodTypeProvider>();
      await zodApi.register(authRoutes, deps);
      await zodApi.register(tokenRoutes, deps);
      await zodApi.register(userRoutes, deps);
      await zodApi.register(notificationRoutes, deps);
      await zodApi.register(connectionRoutes, deps);
      await zodApi.register(integrationRoutes, deps);
      await zodApi.register(integrationPartnerRoutes, deps);
      await zodApi.register(targetRoutes, deps);
      await zodApi.register(mappingRoutes, deps);
      await zodApi.register(marketplaceRoutes, deps);
      await zodApi.register(nameSuggestionRoutes, deps);
      await zodApi.register(statusRoutes, deps);
      await zodApi.register(summaryRoutes, deps);
      await zodApi.register(integrationHealthRoutes, deps);
      await zodApi.register(serviceGuardRoutes, deps);
      await zodApi.register(ticketStartRoutes, deps);
      await zodApi.register(customerRoutes, deps);
      await zodApi.register(alertMappingRoutes, deps);
      await zodApi.register(ticketRoutes, deps);
      await zodApi.register(settingsRoutes, deps);
      await zodApi.register(serviceManagerRoutes, deps);
      await zodApi.register(catalogRoutes, deps);
      await zodApi.register(prepaidUsageRoutes, deps);
      await zodApi.register(chartRoutes, deps);
      await zodApi.register(auditRoutes, deps);
      await zodApi.register(exportRoutes, deps);
      await zodApi.register(billingOverviewRoutes, deps);
    },
    { prefix: '/api/v1' },
  );
  // Outside the authenticated scope: targets post callbacks without a login (they are signed).
  await app.register(callbackRoutes, deps);
  // Inbound APIs of service managers (a BSS calling the hub): they authorize with their own
  // application registration, so they sit outside the session/token scope too.
  const serviceManagerHub = options.serviceManagerHub ?? createServiceManagerHub({ store: options.store, log: logger });
  for (const manifest of serviceManagerManifests()) {
    await app.register(async (scope) => manifest.inbound.register(scope, { hub: serviceManagerHub }), { prefix: manifest.inbound.basePath });
  }
  await app.register(portalRoutes);

  // Expired sessions are refused on read already; pruning only keeps the tables small.
  const housekeeping = createHousekeeping({
    store: options.store,
    log: app.log,
    pruneThrottle: () => deps.throttle.prune(),
    ...(options.retention === undefined ? {} : { retention: options.retention }),
  });
  const pruning = setInterval(() => void housekeeping.run(), PRUNE_INTERVAL_MS);
  pruning.unref();
  app.addHook('onClose', async () => clearInterval(pruning));

  return app;
}
