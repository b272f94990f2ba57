// Integrations: one vendor-cloud connection × one target, with its features and the target's
// credentials. Credentials go in (validated per target, integration-credentials.ts) and never come
// out: responses name the credential fields that are stored, never their values
// (integration-view.ts). A PATCH may replace some fields only; the merged set is validated again
// as a whole. What each target asks for is its connector manifest's (GET /targets, targets.ts).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { TARGET_SYSTEMS, type TargetSystem } from '../../../connectors/registry.ts';
import type { Integration, IntegrationFeatures, TargetCredentials } from '../../../store/repositories/integrations.ts';
import { ApiError, errorResponses } from '../../api-error.ts';
import { principalOf } from '../../auth/authenticate.ts';
import { actorOf } from '../../auth/principal.ts';
import type { RouteDeps } from '../../route-deps.ts';
import { endpointChange, endpointFieldsOf, issuesMessage, requireAllowedEndpoints, secretsRequiredMessage, targetCredentialSchemas } from './integration-credentials.ts';
import { integrationPresenter, integrationSchema, presentRun, runSchema, targetSchema } from './integration-view.ts';
import { runVerdict } from '../../../domain/integration-health.ts';
import { integrationOrNotFound } from '../../integration-or-not-found.ts';

const runWithVerdictSchema = runSchema.extend({
  verdict: z.object({ status: z.enum(['running', 'succeeded', 'degraded', 'failed', 'cancelled']), count: z.number().int(), reason: z.string().nullable() }),
});

export { ADMIN_PASSWORD_CREDENTIAL, adminPasswordSchema, targetCredentialSchemas } from './integration-credentials.ts';

/** The features a person switches on the Integration settings tab. */
export const FEATURES = {
  provisioning: 'Product mapping and provisioning',
  tickets: 'Ticket creation',
} as const;

const featuresSchema = z.strictObject({
  provisioning: z.boolean().optional(),
  tickets: z.boolean().optional(),
});

const nameSchema = z.string().trim().min(1, 'is required').max(100, 'must be at most 100 characters');
const idParams = z.object({ id: z.string().min(1) });

const createBodySchema = z.discriminatedUnion(
  'target',
  TARGET_SYSTEMS.map((target) =>
    z.object({
      name: nameSchema,
      target: z.literal(target),
      connectionId: z.string().min(1, 'is required'),
      credentials: targetCredentialSchemas[target],
      enabled: z.boolean().optional(),
      features: featuresSchema.optional(),
    }),
  ) as unknown as [z.ZodObject, ...z.ZodObject[]],
);
type CreateBody = {
  name: string;
  target: TargetSystem;
  connectionId: string;
  credentials: Record<string, string>;
  enabled?: boolean | undefined;
  features?: z.infer<typeof featuresSchema> | undefined;
};

// ─── Routes ─────────────────────────────────────────────────────────────────────────────────────

export const integrationRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app, deps) => {
  const { integrations, connections, auditLog, loopRuns } = deps.store.repos;

  const present = integrationPresenter(deps.store);

  const requireIntegration = (id: string) => integrationOrNotFound(integrations, id);

  async function refuseDuplicateName(name: string, exceptId?: string): Promise<void> {
    const existing = await integrations.getByName(name);
    if (existing && existing.id !== exceptId) {
      throw new ApiError(409, 'name_taken', `An integration named "${name}" already exists; choose another name`);
    }
  }

  app.get(
    '/integrations',
    {
      schema: {
        tags: ['integrations'],
        summary: 'List integrations with their health (the latest run of each loop); never their credentials',
        querystring: z.object({ target: targetSchema.optional(), connectionId: z.string().optional() }),
        response: { 200: z.object({ items: z.array(integrationSchema) }), ...errorResponses(400, 401) },
      },
    },
    async (request) => {
      const filter: { target?: TargetSystem; connectionId?: string } = {};
      if (request.query.target) filter.target = request.query.target;
      if (request.query.connectionId) filter.connectionId = request.query.connectionId;
      const [list, connectionList] = await Promise.all([integrations.list(filter), connections.list()]);
      const names = new Map(connectionList.map((c) => [c.id, c.name]));
      return { items: await Promise.all(list.map((integration) => present(integration, names))) };
    },
  );

  app.post(
    '/integrations',
    {
      schema: {
        tags: ['integrations'],
        summary: 'Add an integration: a connection, a target and its credentials',
        body: createBodySchema,
        response: { 201: integrationSchema, ...errorResponses(400, 401, 403, 409) },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const body = request.body as CreateBody;
      if (!(await connections.get(body.connectionId))) {
        throw new ApiError(400, 'invalid_request', `body.connectionId: no connection with id "${body.connectionId}"`);
      }
      await refuseDuplicateName(body.name);
      await requireAllowedEndpoints(body.target, body.credentials, deps.vendorHosts);
      const features: IntegrationFeatures = { provisioning: body.features?.provisioning ?? false, tickets: body.features?.tickets ?? false };
      const integration = await integrations.create({
        name: body.name,
        target: body.target,
        connectionId: body.connectionId,
        credentials: body.credentials,
        enabled: body.enabled ?? true,
        features,
      });
      await auditLog.record({
        actor: actorOf(principal),
        action: 'integration.create',
        subjectType: 'integration',
        subjectId: integration.id,
        details: { name: body.name, target: body.target, connectionId: body.connectionId, features, enabled: integration.enabled },
      });
      return reply.code(201).send(await present(integration));
    },
  );

  app.get(
    '/integrations/:id',
    {
      schema: {
        tags: ['integrations'],
        summary: 'One integration with its health (never its credentials)',
        params: idParams,
        response: { 200: integrationSchema, ...errorResponses(401, 404) },
      },
    },
    async (request) => present(await requireIntegration(request.params.id)),
  );

  app.patch(
    '/integrations/:id',
    {
      schema: {
        tags: ['integrations'],
        summary: 'Change name, enabled, features; credential fields sent replace the stored ones (others are kept)',
        params: idParams,
        body: z
          .strictObject({
            name: nameSchema.optional(),
            enabled: z.boolean().optional(),
            features: featuresSchema.optional(),
            credentials: z.record(z.string(), z.string()).optional(),
          })
          .refine((patch) => Object.values(patch).some((v) => v !== undefined), {
            message: 'send at least one of name, enabled, features, credentials',
          }),
        response: { 200: integrationSchema, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const integration = await requireIntegration(request.params.id);
      const body = request.body;
      if (body.name !== undefined) await refuseDuplicateName(body.name, integration.id);

      const patch: { name?: string; enabled?: boolean; features?: IntegrationFeatures; credentials?: TargetCredentials } = {};
      const details: Record<string, unknown> = {};
      if (body.name !== undefined) details.name = patch.name = body.name;
      if (body.enabled !== undefined) details.enabled = patch.enabled = body.enabled;
      if (body.features !== undefined) {
        const defined = Object.fromEntries(Object.entries(body.features).filter(([, v]) => v !== undefined)) as IntegrationFeatures;
        details.features = defined;
        patch.features = { ...integration.features, ...defined };
      }
      if (body.credentials !== undefined) {
        const stored = await integrations.getCredentials(integration.id);
        const parsed = targetCredentialSchemas[integration.target].safeParse({ ...stored, ...body.credentials });
        if (!parsed.success) throw new ApiError(400, 'invalid_request', issuesMessage('body.credentials', parsed.error));
        const endpoint = endpointChange(integration.target, stored, parsed.data, endpointFieldsOf(integration.target), body.credentials);
        if (endpoint.missing.length > 0) {
          const { message, details } = secretsRequiredMessage('body.credentials', endpoint.changed, endpoint.missing);
          throw new ApiError(400, 'secrets_required', message, { details });
        }
        if (endpoint.changed.length > 0) await requireAllowedEndpoints(integration.target, parsed.data, deps.vendorHosts);
        patch.credentials = parsed.data;
        details.replacedFields = Object.keys(body.credentials);
      }
      const updated = await integrations.update(integration.id, patch);
      // The runtime holds the integration and connectors built from its credentials and name: rebuild it.
      deps.runtimes.invalidate(integration.id);
      await auditLog.record({
        actor: actorOf(principal),
        action: 'integration.update',
        subjectType: 'integration',
        subjectId: integration.id,
        details: { changed: Object.keys(patch), ...details },
      });
      return present(updated);
    },
  );

  app.delete(
    '/integrations/:id',
    {
      schema: {
        tags: ['integrations'],
        summary: 'Delete an integration with its settings, mappings, journal and runs',
        params: idParams,
        response: { 204: z.null().describe('Deleted'), ...errorResponses(401, 403, 404) },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const integration = await requireIntegration(request.params.id);
      await integrations.delete(integration.id);
      deps.runtimes.invalidate(integration.id);
      await auditLog.record({
        actor: actorOf(principal),
        action: 'integration.delete',
        subjectType: 'integration',
        subjectId: integration.id,
        details: { name: integration.name, target: integration.target },
      });
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/integrations/:id/runs',
    {
      schema: {
        tags: ['integrations'],
        summary: 'Loop runs of an integration, newest first, a page at a time (every pass: scheduled, run now, the demo\'s and `psa-bridge sync`\'s)',
        params: idParams,
        querystring: z.object({
          loop: z.string().min(1).optional(),
          status: z.enum(['running', 'succeeded', 'failed', 'cancelled']).optional(),
          limit: z.coerce.number().int().min(1).max(500).default(50),
          offset: z.coerce.number().int().min(0).default(0),
        }),
        response: {
          200: z.object({ items: z.array(runWithVerdictSchema), total: z.number().int(), limit: z.number().int(), offset: z.number().int() }),
          ...errorResponses(400, 401, 404),
        },
      },
    },
    async (request) => {
      const integration = await requireIntegration(request.params.id);
      const { loop, status, limit, offset } = request.query;
      const where = { ...(loop === undefined ? {} : { loop }), ...(status === undefined ? {} : { status }) };
      const [runs, total] = await Promise.all([loopRuns.list(integration.id, { ...where, limit, offset }), loopRuns.count(integration.id, where)]);
      // Each run with what it means (a pass that left companies failed did not succeed).
      return { items: runs.map((run) => ({ ...presentRun(run), verdict: runVerdict(run) })), total, limit, offset };
    },
  );
};
