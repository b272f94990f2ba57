// Integrations: one vendor-cloud connection × one target, with its features and the target's
// credentials. Credentials go in (validated per target) and never come out: responses name the
// credential fields that are stored, never their values. A PATCH may replace some fields only; the
// merged set is validated again as a whole.
//
// What the portal's "add integration" form shows per target is data (TARGET_FORMS below). When a
// connector lands, it gives its target a credential check in TARGET_CHECKS and the portal offers
// "Test credentials" for it (GET /integrations/targets says `canTest`).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Integration, IntegrationFeatures, TargetCredentials, TargetKind } from '../../../store/repositories/integrations.ts';
import { TARGETS } from '../../../store/repositories/integrations.ts';
import type { LoopRun } from '../../../store/repositories/loop-runs.ts';
import { ConnectorError } from '../../../connectors/kit/errors.ts';
import { connectWiseTargetFactory } from '../../../connectors/connectwise/factory.ts';
import { checkCloudBlueCredentials } from '../../../connectors/cloudblue/factory.ts';
import { AUTOTASK_DISCOVERY_URL } from '../../../connectors/autotask/client.ts';
import { createTarget } from '../../../connectors/registry.ts';
import { ApiError, errorResponses, notFound } from '../../api-error.ts';
import { principalOf } from '../../auth/authenticate.ts';
import { actorOf } from '../../auth/principal.ts';
import type { RouteDeps } from '../../route-deps.ts';

// ─── Targets as data ────────────────────────────────────────────────────────────────────────────

interface CredentialField {
  name: string;
  label: string;
  /** `secret`: masked in the portal; `url`: validated as an http(s) URL. */
  kind: 'text' | 'secret' | 'url';
  help?: string;
  /** May be left empty (the connector's default applies); an empty value clears a stored one. */
  optional?: boolean;
}

interface TargetForm {
  label: string;
  fields: CredentialField[];
}

export const TARGET_FORMS: Record<TargetKind, TargetForm> = {
  autotask: {
    label: 'Autotask',
    fields: [
      { name: 'username', label: 'API user name', kind: 'text', help: 'The API user (system) created for this integration' },
      { name: 'secret', label: 'Secret', kind: 'secret' },
      { name: 'integrationCode', label: 'Integration code', kind: 'secret', help: 'The API tracking identifier of the API user' },
      {
        name: 'discoveryUrl',
        label: 'Zone discovery URL (advanced)',
        kind: 'url',
        optional: true,
        help: `Leave empty for Autotask production (${AUTOTASK_DISCOVERY_URL}); set it for a sandbox or an emulator`,
      },
    ],
  },
  connectwise: {
    label: 'ConnectWise Manage',
    fields: [
      { name: 'site', label: 'Site', kind: 'text', help: 'e.g. api-na.myconnectwise.net' },
      { name: 'companyId', label: 'Company', kind: 'text', help: 'The company id you log in with' },
      { name: 'publicKey', label: 'Public key', kind: 'text' },
      { name: 'privateKey', label: 'Private key', kind: 'secret' },
      { name: 'clientId', label: 'Client id', kind: 'text', help: 'From the ConnectWise developer network' },
    ],
  },
  cloudblue: {
    label: 'CloudBlue PSA',
    fields: [
      { name: 'siteUrl', label: 'Site URL', kind: 'url', help: 'e.g. https://yourcompany.harmonypsa.com' },
      { name: 'apiKey', label: 'API key', kind: 'secret' },
    ],
  },
  gradient: {
    label: 'Gradient Synthesize',
    fields: [
      { name: 'vendorKey', label: 'Vendor API key', kind: 'secret' },
      { name: 'partnerKey', label: 'Partner API key', kind: 'secret' },
    ],
  },
  interworks: {
    label: 'interworks.cloud',
    fields: [
      { name: 'url', label: 'Platform URL', kind: 'url' },
      { name: 'clientId', label: 'Client id', kind: 'text' },
      { name: 'clientSecret', label: 'Client secret', kind: 'secret' },
      { name: 'username', label: 'User name', kind: 'text' },
      { name: 'password', label: 'Password', kind: 'secret' },
    ],
  },
};

type CredentialCheck = (credentials: TargetCredentials) => Promise<{ displayName: string }>;

/** A target's credential check, once its connector exists (its Target.testConnection). */
export const TARGET_CHECKS: Partial<Record<TargetKind, CredentialCheck>> = {
  cloudblue: checkCloudBlueCredentials,
  autotask: (credentials) => createTarget('autotask', { credentials: Object.fromEntries(Object.entries(credentials).flatMap(([k, v]) => (typeof v === 'string' ? [[k, v]] : []))) }).testConnection(),
  connectwise: (credentials) => connectWiseTargetFactory({ credentials: Object.fromEntries(Object.entries(credentials).flatMap(([k, v]) => (typeof v === 'string' ? [[k, v]] : []))) }).testConnection(),
};

function fieldSchema(field: CredentialField): z.ZodType<string | undefined> {
  const base = z.string().trim().min(1, 'is required').max(2000, 'must be at most 2000 characters');
  const value =
    field.kind !== 'url'
      ? base
      : base.refine((text) => {
          try {
            return ['http:', 'https:'].includes(new URL(text).protocol);
          } catch {
            return false;
          }
        }, 'must be an http(s) URL');
  // An optional field left empty is not stored, so the connector's default applies.
  return field.optional === true ? z.union([z.string().trim().length(0).transform(() => undefined), value]).optional() : value;
}

/**
 * The manual password of new admin accounts (seed 001 "Define manually"): a secret of every target,
 * kept sealed with the integration's credentials, where the mapping job and the provisioning loop
 * read it. Set through PUT /integrations/:id/settings/provisioning/admin-password; never returned.
 */
export const ADMIN_PASSWORD_CREDENTIAL = 'adminPassword';
export const adminPasswordSchema = z.string().min(8, 'must be at least 8 characters').max(128, 'must be at most 128 characters');

// Strict per target (an unknown field is refused, naming it), plus the shared admin password, so a
// PATCH of some fields validates the merged set even when a password is stored.
const credentialSchemaOf = (target: TargetKind) =>
  z.strictObject({
    ...Object.fromEntries(TARGET_FORMS[target].fields.map((field) => [field.name, fieldSchema(field)])),
    [ADMIN_PASSWORD_CREDENTIAL]: adminPasswordSchema.optional(),
  });
export const targetCredentialSchemas = Object.fromEntries(TARGETS.map((target) => [target, credentialSchemaOf(target)])) as Record<TargetKind, ReturnType<typeof credentialSchemaOf>>;

/** The features a person switches on the Integration settings tab. */
export const FEATURES = {
  provisioning: 'Product mapping and provisioning',
  tickets: 'Ticket creation',
} as const;

const featuresSchema = z.strictObject({
  provisioning: z.boolean().optional(),
  tickets: z.boolean().optional(),
});

// ─── Schemas ────────────────────────────────────────────────────────────────────────────────────

const targetSchema = z.enum(TARGETS);
const nameSchema = z.string().trim().min(1, 'is required').max(100, 'must be at most 100 characters');
const idParams = z.object({ id: z.string().min(1) });

const runSchema = z.object({
  id: z.string(),
  loop: z.string(),
  status: z.enum(['running', 'succeeded', 'failed', 'cancelled']),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  error: z.string().nullable(),
  stats: z.record(z.string(), z.unknown()),
});

const healthSchema = z.object({
  status: z
    .enum(['ok', 'failing', 'running', 'never_run', 'disabled'])
    .describe('disabled: loops are off; failing: the latest run of some loop failed; never_run: no loop ran yet'),
  loops: z.array(runSchema).describe('The latest run of each loop'),
});

const integrationSchema = z.object({
  id: z.string(),
  name: z.string(),
  target: targetSchema,
  connection: z.object({ id: z.string(), name: z.string().nullable() }),
  enabled: z.boolean(),
  features: z.object({ provisioning: z.boolean(), tickets: z.boolean() }),
  credentials: z
    .object({ stored: z.array(z.string()).describe('Names of the stored credential fields; their values are never returned') })
    .describe('Replace a field with PATCH { credentials: { field: value } }'),
  health: healthSchema,
  createdAt: z.string(),
  updatedAt: z.string(),
});

const createBodySchema = z.discriminatedUnion(
  'target',
  TARGETS.map((target) =>
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
  target: TargetKind;
  connectionId: string;
  credentials: Record<string, string>;
  enabled?: boolean | undefined;
  features?: z.infer<typeof featuresSchema> | undefined;
};

const checkSchema = z.union([
  z.object({ ok: z.literal(true), displayName: z.string() }),
  z.object({ ok: z.literal(false), error: z.object({ code: z.string(), message: z.string() }) }),
]);

const targetInfoSchema = z.object({
  target: targetSchema,
  label: z.string(),
  fields: z.array(z.object({ name: z.string(), label: z.string(), kind: z.enum(['text', 'secret', 'url']), help: z.string().optional(), optional: z.boolean().optional() })),
  canTest: z.boolean().describe('Whether credentials can be checked before saving (POST /integrations/test)'),
});

// ─── Presentation ───────────────────────────────────────────────────────────────────────────────

const presentRun = (run: LoopRun): z.infer<typeof runSchema> => ({
  id: run.id,
  loop: run.loop,
  status: run.status,
  startedAt: run.startedAt,
  finishedAt: run.finishedAt,
  error: run.error,
  stats: run.stats,
});

function healthOf(integration: Integration, latest: LoopRun[]): z.infer<typeof healthSchema> {
  const loops = latest.map(presentRun);
  let status: z.infer<typeof healthSchema>['status'];
  if (!integration.enabled) status = 'disabled';
  else if (latest.some((run) => run.status === 'failed')) status = 'failing';
  else if (latest.length === 0) status = 'never_run';
  else if (latest.some((run) => run.status === 'running')) status = 'running';
  else status = 'ok';
  return { status, loops };
}

function issuesMessage(where: string, error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const field = [where, ...issue.path.map(String)].join('.');
      const missing = issue.code === 'invalid_type' && /received undefined$/.test(issue.message);
      return `${field}: ${missing ? 'is required' : issue.message}`;
    })
    .join('; ');
}

// ─── Routes ─────────────────────────────────────────────────────────────────────────────────────

export const integrationRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app, deps) => {
  const { integrations, connections, auditLog, loopRuns } = deps.store.repos;

  async function present(integration: Integration, connectionNames?: Map<string, string>): Promise<z.infer<typeof integrationSchema>> {
    // Only the field names leave this function; a store that cannot decrypt them reports none.
    const [latest, stored] = await Promise.all([
      loopRuns.latestPerLoop(integration.id),
      integrations.getCredentials(integration.id).catch((): TargetCredentials => ({})),
    ]);
    const connectionName = connectionNames
      ? (connectionNames.get(integration.connectionId) ?? null)
      : ((await connections.get(integration.connectionId))?.name ?? null);
    return {
      id: integration.id,
      name: integration.name,
      target: integration.target,
      connection: { id: integration.connectionId, name: connectionName },
      enabled: integration.enabled,
      features: { provisioning: integration.features.provisioning === true, tickets: integration.features.tickets === true },
      credentials: { stored: Object.keys(stored).filter((key) => stored[key] !== undefined && stored[key] !== '') },
      health: healthOf(integration, latest),
      createdAt: integration.createdAt,
      updatedAt: integration.updatedAt,
    };
  }

  async function requireIntegration(id: string): Promise<Integration> {
    const integration = await integrations.get(id);
    if (!integration) throw notFound('integration', id);
    return integration;
  }

  async function refuseDuplicateName(name: string, exceptId?: string): Promise<void> {
    const existing = await integrations.getByName(name);
    if (existing && existing.id !== exceptId) {
      throw new ApiError(409, 'name_taken', `An integration named "${name}" already exists; choose another name`);
    }
  }

  app.get(
    '/integrations/targets',
    {
      schema: {
        tags: ['integrations'],
        summary: 'The targets an integration can connect to, with the credential fields each needs',
        response: { 200: z.object({ items: z.array(targetInfoSchema) }), ...errorResponses(401) },
      },
    },
    async () => ({
      items: TARGETS.map((target) => ({ target, ...TARGET_FORMS[target], canTest: TARGET_CHECKS[target] !== undefined })),
    }),
  );

  app.post(
    '/integrations/test',
    {
      schema: {
        tags: ['integrations'],
        summary: "Check a target's credentials before saving them",
        body: z.object({ target: targetSchema, credentials: z.record(z.string(), z.string()) }),
        response: { 200: checkSchema, ...errorResponses(400, 401, 403, 501) },
      },
    },
    async (request) => {
      const { target } = request.body;
      const check = TARGET_CHECKS[target];
      if (!check) {
        throw new ApiError(501, 'test_unavailable', `Checking ${TARGET_FORMS[target].label} credentials arrives with its connector`);
      }
      const parsed = targetCredentialSchemas[target].safeParse(request.body.credentials);
      if (!parsed.success) throw new ApiError(400, 'invalid_request', issuesMessage('body.credentials', parsed.error));
      try {
        const { displayName } = await check(parsed.data);
        return { ok: true as const, displayName };
      } catch (error) {
        if (error instanceof ConnectorError) return { ok: false as const, error: { code: error.code, message: error.message } };
        request.log.error({ err: error }, 'unexpected error while checking target credentials');
        return { ok: false as const, error: { code: 'internal_error', message: 'The check failed unexpectedly; the server log has the details' } };
      }
    },
  );

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
      const filter: { target?: TargetKind; connectionId?: string } = {};
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
        summary: 'Loop runs of an integration, newest first',
        params: idParams,
        querystring: z.object({
          loop: z.string().min(1).optional(),
          limit: z.coerce.number().int().min(1).max(500).default(50),
        }),
        response: { 200: z.object({ items: z.array(runSchema) }), ...errorResponses(400, 401, 404) },
      },
    },
    async (request) => {
      const integration = await requireIntegration(request.params.id);
      const filter: { loop?: string; limit: number } = { limit: request.query.limit };
      if (request.query.loop !== undefined) filter.loop = request.query.loop;
      return { items: (await loopRuns.list(integration.id, filter)).map(presentRun) };
    },
  );
};
