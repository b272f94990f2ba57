// Target callbacks (ConnectWise system callbacks):
// - `POST /api/v1/callbacks/:target/:integrationId`: unauthenticated (the target cannot log in) but
//   verified: the connector checks the signature over the raw body with the key its own site serves;
//   an unsigned or wrongly signed delivery is refused with 401 (audit-logged once per integration and
//   minute, with the count), a replayed one with 409. A verified one is answered 202 at once and
//   applied by the loop it triggers (src/sync/callback-intake.ts). Answers name nothing of the hub.
// - `GET|PUT /api/v1/integrations/:id/callbacks` (authenticated): whether callbacks are on and where
//   they point; turning them on registers them at the hub's public URL, off removes them.
// One plugin registered outside the authenticated scope; it authenticates its own settings routes.
import type { FastifyInstance, FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { isConnectorError } from '../../../connectors/kit/errors.ts';
import { CallbackError, readCallbackSettings, receiveCallback, RefusalAudit, setCallbacks } from '../../../sync/callback-intake.ts';
import { ApiError, errorBody, errorResponses } from '../../api-error.ts';
import { createAuthenticator, principalOf } from '../../auth/authenticate.ts';
import { actorOf } from '../../auth/principal.ts';
import { installRoleGuard } from '../../auth/authorize.ts';
import type { RouteDeps } from '../../route-deps.ts';
import { integrationOrNotFound } from '../../integration-or-not-found.ts';

const lowerHeaders = (request: FastifyRequest): Record<string, string | undefined> =>
  Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v[0] : v]));

const settingsSchema = z.object({
  enabled: z.boolean(),
  publicUrl: z.string().nullable(),
  callbackUrl: z.string().nullable().describe('Where the target posts changes'),
  registrations: z.array(z.object({ id: z.string(), entity: z.enum(['company', 'contract', 'ticket']), url: z.string(), active: z.boolean() })),
});

export const callbackRoutes: FastifyPluginAsync<RouteDeps> = async (app, deps) => {
  const store = deps.store;
  const runtimes = deps.runtimes;
  const refusals = new RefusalAudit();

  // ── intake (no login; the signature is the proof) ──
  await app.register(async (intake: FastifyInstance) => {
    // The signature is over the bytes as sent: keep them.
    intake.removeContentTypeParser('application/json');
    intake.addContentTypeParser(['application/json', 'text/plain'], { parseAs: 'string', bodyLimit: 1024 * 1024 }, (_request, body, done) => done(null, body));
    intake.post<{ Params: { target: string; integrationId: string }; Querystring: Record<string, string | undefined> }>(
      '/api/v1/callbacks/:target/:integrationId',
      { schema: { hide: true } },
      async (request, reply) => {
        const { target, integrationId } = request.params;
        const rawBody = typeof request.body === 'string' ? request.body : '';
        try {
          const result = await receiveCallback({ store, runtimes, runner: deps.jobRunner, log: request.log, refusals }, target, integrationId, {
            rawBody,
            headers: lowerHeaders(request),
            query: request.query,
            remote: request.ip,
          });
          return reply.code(202).send({ accepted: true, entity: result.event.entity, action: result.event.action, id: result.event.id, loop: result.loop, triggered: result.triggered });
        } catch (error) {
          if (error instanceof CallbackError) return reply.code(error.status).send(errorBody(error.code, error.message));
          throw error;
        }
      },
    );
  });

  // ── settings (authenticated) ──
  await app.register(
    async (api: FastifyInstance) => {
      api.addHook('onRequest', createAuthenticator({ store: deps.store, cookie: deps.cookie }));
      // The same role guard as the rest of /api/v1 (app.ts decorates the shared record before this registers).
      installRoleGuard(api, app.guardedRoutes ?? []);
      const zapi = api.withTypeProvider<ZodTypeProvider>();
      const present = async (integrationId: string, registrations?: z.infer<typeof settingsSchema>['registrations']) => {
        const settings = await readCallbackSettings(store, integrationId);
        let list = registrations;
        if (list === undefined && settings.registeredUrl !== null) {
          const rt = await runtimes.get(integrationId);
          list = ((await rt.target.callbacks?.list(settings.registeredUrl)) ?? []).map((r) => ({ ...r }));
        }
        return { enabled: settings.enabled, publicUrl: settings.publicUrl, callbackUrl: settings.registeredUrl, registrations: list ?? [] };
      };
      const requireIntegration = (id: string) => integrationOrNotFound(store.repos.integrations, id);

      zapi.get(
        '/integrations/:id/callbacks',
        {
          schema: {
            tags: ['integrations'],
            summary: "Whether the target's callbacks are on for the integration, and where they point",
            params: z.object({ id: z.string().min(1) }),
            response: { 200: settingsSchema, ...errorResponses(401, 404, 502) },
          },
        },
        async (request) => {
          await requireIntegration(request.params.id);
          return present(request.params.id);
        },
      );

      zapi.put(
        '/integrations/:id/callbacks',
        {
          schema: {
            tags: ['integrations'],
            summary: 'Turn callbacks on (registered at the public URL) or off (removed)',
            params: z.object({ id: z.string().min(1) }),
            body: z.strictObject({ enabled: z.boolean(), publicUrl: z.string().trim().min(1).nullable().optional() }),
            response: { 200: settingsSchema, ...errorResponses(400, 401, 404, 409, 502) },
          },
        },
        async (request) => {
          const integration = await requireIntegration(request.params.id);
          const rt = await runtimes.get(integration.id);
          try {
            const { registrations } = await setCallbacks(rt, { enabled: request.body.enabled, ...(request.body.publicUrl === undefined ? {} : { publicUrl: request.body.publicUrl }) });
            await store.repos.auditLog.record({
              actor: actorOf(principalOf(request)),
              action: request.body.enabled ? 'integration.callbacks_enabled' : 'integration.callbacks_disabled',
              subjectType: 'integration',
              subjectId: integration.id,
              details: { registrations: registrations.length },
            });
            return await present(integration.id, registrations);
          } catch (error) {
            if (error instanceof CallbackError) throw new ApiError(error.status, error.code, error.message);
            if (isConnectorError(error)) throw new ApiError(502, `target_${error.code}`, error.message);
            throw error;
          }
        },
      );
    },
    { prefix: '/api/v1' },
  );
};
