// The Acronis Cyber Protect Cloud emulator: Account Management API v2, Alert Manager v1 and the
// Event Manager v1 (tenant topic) as reference/acronis.md describes them, on top of the emulator kit.
import type { FastifyError, FastifyInstance } from 'fastify';
import { partnerControlRoutes } from './routes/partner-control.ts';
import { startEmulatorServer, type EmulatorContext, type EmulatorDefinition } from '../kit/server.ts';
import type { EmulatorOptions, RunningEmulator } from '../kit/types.ts';
import { buildDataset } from './datasets.ts';
import { ApiError, DOMAIN, OAuthError } from './errors.ts';
import { alertRoutes } from './routes/alerts.ts';
import { applicationRoutes } from './routes/applications.ts';
import { authRoutes, requireBearer } from './routes/auth.ts';
import { clientRoutes } from './routes/clients.ts';
import { acronisControlRoutes } from './routes/control.ts';
import { infraRoutes } from './routes/infra.ts';
import { distributorInfo } from './distributor-dataset.ts';
import { distributorControlRoutes } from './routes/distributor-control.ts';
import { eventControlRoutes } from './routes/event-control.ts';
import { eventManagerRoutes } from './routes/event-manager.ts';
import { offeringItemRoutes } from './routes/offering-items.ts';
import { pricingRoutes } from './routes/pricing.ts';
import { reportRoutes } from './routes/reports.ts';
import { tenantRoutes } from './routes/tenants.ts';
import { usageRoutes } from './routes/usages.ts';
import { userRoutes } from './routes/users.ts';
import type { AcronisState } from './state.ts';

export const ACRONIS_SYSTEM = 'acronis';

export interface AcronisCredentials {
  client_id: string;
  client_secret: string;
  [key: string]: string;
}

export interface AcronisEmulator extends RunningEmulator {
  credentials: AcronisCredentials;
  /** Live state, for tests that want to look or poke directly (re-read after a re-seed). */
  readonly state: AcronisState;
  readonly context: EmulatorContext<AcronisState>;
  readonly app: FastifyInstance;
  /** The tenant the seeded API client belongs to. */
  readonly partnerId: string;
}

const errorBody = (status: number, message: string) =>
  status === 404 ? { error: { code: 404, message } } : { error: { code: status, message, domain: DOMAIN } };

function errorHandler(error: FastifyError | ApiError | OAuthError, _request: unknown, reply: { code(n: number): { send(b: unknown): unknown } }) {
  if (error instanceof ApiError) return reply.code(error.status).send(error.body());
  if (error instanceof OAuthError) return reply.code(error.status).send(error.body());
  const status = 'statusCode' in error && typeof error.statusCode === 'number' ? error.statusCode : 500;
  if (status === 415) return reply.code(415).send(errorBody(415, 'Unsupported media type: send application/json.'));
  if (status >= 400 && status < 500) return reply.code(status).send(errorBody(status, error.message));
  return reply.code(500).send(errorBody(500, 'Internal server error.'));
}

const isJson = (contentType: string | undefined) => /^application\/([\w.+-]+\+)?json\b/i.test(contentType ?? '');

async function routes(app: FastifyInstance, ctx: EmulatorContext<AcronisState>): Promise<void> {
  app.setErrorHandler(errorHandler);
  // The IdP takes form bodies; every other route takes JSON only (415 otherwise).
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(typeof body === 'string' ? body : body.toString('utf8'))));
  });
  const jsonOnly = async (request: { body: unknown; headers: Record<string, string | string[] | undefined> }) => {
    if (request.body !== undefined && !isJson(request.headers['content-type'] as string | undefined)) {
      throw new ApiError(415, 415, 'Unsupported media type: send application/json.');
    }
  };

  await app.register(async (idp) => authRoutes(idp, ctx));

  await app.register(
    async (api) => {
      const bearer = requireBearer(ctx);
      api.addHook('onRequest', async (request) => {
        // POST /clients may authenticate with an admin's Basic credentials instead.
        if (request.method === 'POST' && request.url.split('?')[0] === '/api/2/clients' && /^basic /i.test(request.headers.authorization ?? '')) return;
        await bearer(request);
      });
      api.addHook('preValidation', jsonOnly);
      tenantRoutes(api, ctx);
      pricingRoutes(api, ctx);
      offeringItemRoutes(api, ctx);
      usageRoutes(api, ctx);
      reportRoutes(api, ctx);
      applicationRoutes(api, ctx);
      infraRoutes(api, ctx);
      userRoutes(api, ctx);
      clientRoutes(api, ctx);
    },
    { prefix: '/api/2' },
  );

  await app.register(
    async (am) => {
      am.addHook('onRequest', requireBearer(ctx));
      am.addHook('preValidation', jsonOnly);
      alertRoutes(am, ctx);
    },
    { prefix: '/api/alert_manager/v1' },
  );

  await app.register(
    async (em) => {
      em.addHook('onRequest', requireBearer(ctx));
      em.addHook('preValidation', jsonOnly);
      eventManagerRoutes(em, ctx);
    },
    { prefix: '/api/event_manager/v1' },
  );
}

/** The seeded API client; the distributor dataset adds the second distributor's client. */
function credentialsOf(state: AcronisState): AcronisCredentials {
  const second = distributorInfo(state);
  return {
    client_id: state.info.clientId,
    client_secret: state.info.clientSecret,
    ...(second === undefined ? {} : { second_client_id: second.secondClientId, second_client_secret: second.secondClientSecret }),
  };
}

export const acronisDefinition: EmulatorDefinition<AcronisState> = {
  system: ACRONIS_SYSTEM,
  seed: (dataset, _clock, { size }) => buildDataset(dataset, size),
  credentials: (state) => credentialsOf(state),
  errorBody,
  routes,
  controlRoutes: (app, ctx) => {
    acronisControlRoutes(app, ctx);
    distributorControlRoutes(app, ctx);
    eventControlRoutes(app, ctx);
    partnerControlRoutes(app, ctx);
  },
  inspect: (state) => ({
    root_id: state.info.rootId,
    partner_id: state.info.partnerId,
    tenants: state.tenants.size,
    live_tenants: [...state.tenants.values()].filter((t) => t.deleted_at === null).length,
    users: state.users.size,
    alerts: state.alerts.size,
    clients: state.clients.size,
    tokens: state.tokens.size,
    activation_emails: state.activationEmails.length,
    tenant_events: state.events.latest,
  }),
};

export async function startAcronisEmulator(options: EmulatorOptions = {}): Promise<AcronisEmulator> {
  const server = await startEmulatorServer(acronisDefinition, options);
  return {
    system: server.system,
    url: server.url,
    get credentials(): AcronisCredentials {
      return credentialsOf(server.context.state);
    },
    get state() {
      return server.context.state;
    },
    get partnerId() {
      return server.context.state.info.partnerId;
    },
    context: server.context,
    app: server.app,
    close: () => server.close(),
  };
}
