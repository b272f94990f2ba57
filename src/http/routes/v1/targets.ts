// The targets an integration can connect to, as their connector manifests declare them: what the
// portal and the CLI need to offer a target, ask for its credentials, word its screens and show
// the tabs that apply (no secrets, no functions). Also "Test credentials" before saving.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ConnectorError } from '../../../connectors/kit/errors.ts';
import {
  billingPlatformCapabilitiesSchema,
  PORTAL_TABS,
  psaCapabilitiesSchema,
  serviceManagerCapabilitiesSchema,
  targetWordsSchema,
  ticketProfileSchema,
  type TargetManifest,
} from '../../../connectors/manifest-schema.ts';
import { manifestOf, TARGET_MANIFESTS, type TargetSystem } from '../../../connectors/registry.ts';
import { ApiError, errorResponses } from '../../api-error.ts';
import type { RouteDeps } from '../../route-deps.ts';
import { issuesMessage, requireAllowedEndpoints, targetCredentialSchemas, targetFieldsOf } from './integration-credentials.ts';
import { targetSchema } from './integration-view.ts';

const credentialFieldSchema = z.object({
  name: z.string(),
  label: z.string(),
  kind: z.enum(['text', 'secret', 'url']).describe('secret: masked, never shown again; url: an http(s) URL'),
  secret: z.boolean(),
  optional: z.boolean().describe('May be left empty: the connector default applies'),
  endpoint: z.boolean().describe('Says where the credentials are sent (URL, site): changing it requires the secrets again'),
  pattern: z.object({ regex: z.string(), message: z.string() }).optional(),
  help: z.string().optional(),
});

const targetInfoSchema = z.object({
  target: targetSchema.describe('The id, as an integration stores it'),
  label: z.string(),
  shortLabel: z.string(),
  kind: z.enum(['psa', 'billing-platform', 'service-manager']),
  fields: z.array(credentialFieldSchema).describe('The credential fields, in form order'),
  endpointSettings: z.array(z.string()).describe('Connector-setting keys that also say where credentials are sent'),
  canTest: z.boolean().describe('Whether credentials can be checked before saving (POST /integrations/test)'),
  capabilities: z.union([psaCapabilitiesSchema, billingPlatformCapabilitiesSchema, serviceManagerCapabilitiesSchema]),
  tickets: ticketProfileSchema.nullable().describe('Ticket fields (with the field each hangs under) and text limits; null without tickets'),
  words: targetWordsSchema,
  tabs: z.array(z.enum(PORTAL_TABS)).describe('The portal tabs that apply, in order'),
});
type TargetInfo = z.infer<typeof targetInfoSchema>;

function targetInfo(manifest: TargetManifest): TargetInfo {
  return {
    target: manifest.id as TargetInfo['target'],
    label: manifest.label,
    shortLabel: manifest.shortLabel,
    kind: manifest.kind,
    fields: manifest.credentials.map((field) => ({
      name: field.name,
      label: field.label,
      kind: field.secret === true ? 'secret' : field.format === 'url' ? 'url' : 'text',
      secret: field.secret === true,
      optional: field.optional === true,
      endpoint: field.endpoint === true,
      ...(field.pattern === undefined ? {} : { pattern: field.pattern }),
      ...(field.help === undefined ? {} : { help: field.help }),
    })),
    endpointSettings: [...(manifest.endpointSettings ?? [])],
    canTest: true,
    capabilities: manifest.capabilities,
    tickets: manifest.kind === 'service-manager' ? null : (manifest.tickets ?? null),
    words: manifest.words,
    tabs: [...manifest.tabs],
  };
}

const checkSchema = z.union([
  z.object({ ok: z.literal(true), displayName: z.string() }),
  z.object({ ok: z.literal(false), error: z.object({ code: z.string(), message: z.string() }) }),
]);

export const targetRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app, deps) => {
  const targetsResponse = { 200: z.object({ items: z.array(targetInfoSchema) }), ...errorResponses(401) };
  const listTargets = async () => ({ items: TARGET_MANIFESTS.map(targetInfo) });

  app.get(
    '/targets',
    {
      schema: {
        tags: ['targets'],
        summary: 'The targets an integration can connect to: credential fields, capabilities, ticket fields, words and tabs',
        response: targetsResponse,
      },
    },
    listTargets,
  );

  app.get(
    '/integrations/targets',
    { schema: { tags: ['integrations'], summary: 'Same as GET /targets', deprecated: true, response: targetsResponse } },
    listTargets,
  );

  app.post(
    '/integrations/test',
    {
      schema: {
        tags: ['integrations'],
        summary: "Check a target's credentials before saving them",
        body: z.object({ target: targetSchema, credentials: z.record(z.string(), z.string()) }),
        response: { 200: checkSchema, ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const { target } = request.body;
      const parsed = targetCredentialSchemas[target].safeParse(request.body.credentials);
      if (!parsed.success) throw new ApiError(400, 'invalid_request', issuesMessage('body.credentials', parsed.error));
      await requireAllowedEndpoints(target, parsed.data, deps.vendorHosts);
      try {
        const { displayName } = await manifestOf(target).checkCredentials({ credentials: targetFieldsOf(target, parsed.data) });
        return { ok: true as const, displayName };
      } catch (error) {
        if (error instanceof ConnectorError) return { ok: false as const, error: { code: error.code, message: error.message } };
        request.log.error({ err: error }, 'unexpected error while checking target credentials');
        return { ok: false as const, error: { code: 'internal_error', message: 'The check failed unexpectedly; the server log has the details' } };
      }
    },
  );
};
