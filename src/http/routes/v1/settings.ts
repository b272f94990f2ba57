// Integration settings by section (seed 000 §5.1–5.3, seed 002 §5): the portal's Product mapping and
// Provisioning tabs and the sync schedule. Sections are the settings registry's (src/sync/settings);
// a PUT replaces the section, a PATCH merges into it, both validated as a whole with errors that
// name the field (`provisioning.adminAccount.activationEmail: is required when …`).
//
// The ticket sections have routes of their own that validate against the target's picklists
// (alert-mappings.ts). The connector section (the target's API layout and options, not secrets) is
// validated by the schema the integration's target connector exports; saving it drops the cached
// runtime so the next run builds its connector from the new settings.
//
// Also here: "run now" for a loop, so a person (and the portal's Summary) need not wait for the
// schedule after changing a setting.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { runVerdict } from '../../../domain/integration-health.ts';
import { JobError } from '../../../jobs/job-runner.ts';
import type { RuntimeProvider } from '../../../sync/integration-runtime.ts';
import { scheduleIntegration } from '../../../jobs/hub-loops.ts';
import { isSyncLoopName, SYNC_LOOP_NAMES } from '../../../sync/loops.ts';
import { defaultSettings, integrationSettings, isSettingsError, type SettingsSectionName } from '../../../sync/settings/index.ts';
import { ApiError, errorResponses } from '../../api-error.ts';
import { principalOf } from '../../auth/authenticate.ts';
import { actorOf } from '../../auth/principal.ts';
import type { RouteDeps } from '../../route-deps.ts';
import { adminPasswordSchema, ADMIN_PASSWORD_CREDENTIAL, endpointChange, issuesMessage, secretsRequiredMessage, targetCredentialSchemas } from './integration-credentials.ts';
import { manifestOf } from '../../../connectors/registry.ts';
import { integrationOrNotFound } from '../../integration-or-not-found.ts';

/** The sections this route serves. */
export const HTTP_SETTINGS_SECTIONS = ['provisioning', 'product-mapping', 'schedule', 'connector'] as const satisfies readonly SettingsSectionName[];
type HttpSection = (typeof HTTP_SETTINGS_SECTIONS)[number];

const OTHER_ROUTES: Record<string, string> = {
  tickets: 'GET/PUT /api/v1/integrations/:id/ticket-settings',
  'alert-mappings': 'GET/PUT /api/v1/integrations/:id/alert-mappings',
};

const sectionParams = z.object({ id: z.string().min(1), section: z.string().min(1) });
const sectionResponse = z.object({ section: z.string(), value: z.record(z.string(), z.unknown()), defaults: z.record(z.string(), z.unknown()) });

function sectionOf(name: string): HttpSection {
  if ((HTTP_SETTINGS_SECTIONS as readonly string[]).includes(name)) return name as HttpSection;
  // Own keys only: "constructor" or "toString" must not find Object.prototype's.
  const other = Object.hasOwn(OTHER_ROUTES, name) ? OTHER_ROUTES[name] : undefined;
  if (other !== undefined) throw new ApiError(400, 'not_supported', `The ${name} settings are changed through ${other}`);
  throw new ApiError(404, 'not_found', `No settings section "${name}"; the sections are ${HTTP_SETTINGS_SECTIONS.join(', ')}`);
}

/** The settings error as the API's: 400 with one { field, message } per issue, the field dotted from the section. */
function settingsProblem(error: unknown): never {
  if (isSettingsError(error)) throw new ApiError(400, 'invalid_settings', error.message, { details: error.issues.map((i) => ({ field: i.field, message: i.message, ...(i.text === undefined ? {} : { text: i.text }) })) });
  throw error;
}

export const settingsRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app, deps) => {
  const store = deps.store;
  const settings = integrationSettings(store.repos.settings, { targetOf: async (id) => (await store.repos.integrations.get(id))?.target });
  // The process's shared runtimes, where the hub provides them (connectors are built from the connector settings).
  const runtimes = (deps as RouteDeps & { runtimes?: Pick<RuntimeProvider, 'invalidate'> }).runtimes;
  const requireIntegration = (id: string) => integrationOrNotFound(store.repos.integrations, id);

  const save = async (request: { params: { id: string; section: string }; body: Record<string, unknown> } & Parameters<typeof principalOf>[0], mode: 'replace' | 'merge') => {
    const integration = await requireIntegration(request.params.id);
    const section = sectionOf(request.params.section);
    let body = request.body;
    if (section === 'connector') {
      // Some connector settings say where the credentials go (Autotask's zoneUrl): changing one needs
      // the secrets again, sent alongside as `credentials`, and stored with the change.
      const { credentials: given, ...rest } = body;
      body = rest;
      const secrets = given !== undefined && given !== null && typeof given === 'object' ? (given as Record<string, unknown>) : {};
      const keys = manifestOf(integration.target).endpointSettings ?? [];
      const before = (await settings.read(integration.id, 'connector').catch(() => ({}))) as Record<string, unknown>;
      const after = mode === 'replace' ? rest : { ...before, ...rest };
      const endpoint = endpointChange(integration.target, before, after, keys, secrets);
      if (endpoint.missing.length > 0) {
        const { message, details } = secretsRequiredMessage('body.credentials', endpoint.changed, endpoint.missing);
        throw new ApiError(400, 'secrets_required', message, { details });
      }
      if (given !== undefined) {
        const stored = await store.repos.integrations.getCredentials(integration.id);
        const parsed = targetCredentialSchemas[integration.target].safeParse({ ...stored, ...secrets });
        if (!parsed.success) throw new ApiError(400, 'invalid_request', issuesMessage('body.credentials', parsed.error));
        await store.repos.integrations.update(integration.id, { credentials: parsed.data });
      }
    }
    const value = (mode === 'replace' ? await settings.write(integration.id, section, body) : await settings.patch(integration.id, section, body)).valueOf();
    await store.repos.auditLog.record({
      actor: actorOf(principalOf(request)),
      action: `integration.settings.${section}.update`,
      subjectType: 'integration',
      subjectId: integration.id,
      // Which settings, not their values: a manual password may be among them one day.
      details: { changed: Object.keys(body), mode, ...(body !== request.body ? { credentialsReplaced: true } : {}) },
    });
    // Loops read their settings on every pass; only the schedule needs the runner told, and the
    // connector settings a rebuilt connector.
    if (section === 'schedule' && deps.jobRunner !== undefined) await scheduleIntegration(deps.jobRunner, store, integration.id);
    if (section === 'connector') runtimes?.invalidate(integration.id);
    return { section, value: value as Record<string, unknown>, defaults: defaultSettings(section) as Record<string, unknown> };
  };

  app.get(
    '/integrations/:id/settings/:section',
    {
      schema: {
        tags: ['settings'],
        summary: `One settings section (${HTTP_SETTINGS_SECTIONS.join(', ')}) as the loops run with it (defaults filled in), and its defaults`,
        params: sectionParams,
        response: { 200: sectionResponse, ...errorResponses(400, 401, 404) },
      },
    },
    async (request) => {
      const integration = await requireIntegration(request.params.id);
      const section = sectionOf(request.params.section);
      const value = await settings.read(integration.id, section).catch(settingsProblem);
      return { section, value: value as Record<string, unknown>, defaults: defaultSettings(section) as Record<string, unknown> };
    },
  );

  const body = z.record(z.string(), z.unknown());
  app.put(
    '/integrations/:id/settings/:section',
    {
      schema: {
        tags: ['settings'],
        summary: 'Replace a settings section; 400 invalid_settings lists each wrong field with what to do. Saving the schedule reschedules the loops',
        params: sectionParams,
        body,
        response: { 200: sectionResponse, ...errorResponses(400, 401, 404) },
      },
    },
    async (request) => save(request, 'replace').catch(settingsProblem),
  );

  app.patch(
    '/integrations/:id/settings/:section',
    {
      schema: {
        tags: ['settings'],
        summary: 'Merge into a settings section (objects merge, arrays and values replace), then validate the whole',
        params: sectionParams,
        body,
        response: { 200: sectionResponse, ...errorResponses(400, 401, 404) },
      },
    },
    async (request) => save(request, 'merge').catch(settingsProblem),
  );

  // The manual password of new admin accounts (seed 001 "Define manually"): one for every new account,
  // sealed with the integration's credentials (where the mapping job and provisioning loop read it),
  // never returned. Empty or null removes it.
  const passwordResponse = z.object({ stored: z.boolean() });
  app.get(
    '/integrations/:id/settings/provisioning/admin-password',
    { schema: { tags: ['settings'], summary: 'Whether a manual admin password is stored (never the password)', params: z.object({ id: z.string().min(1) }), response: { 200: passwordResponse, ...errorResponses(401, 404) } } },
    async (request) => {
      const integration = await requireIntegration(request.params.id);
      const stored = (await store.repos.integrations.getCredentials(integration.id))[ADMIN_PASSWORD_CREDENTIAL];
      return { stored: typeof stored === 'string' && stored !== '' };
    },
  );
  app.put(
    '/integrations/:id/settings/provisioning/admin-password',
    {
      schema: {
        tags: ['settings'],
        summary: 'Set (or, with null, remove) the password new admin accounts get when passwords are defined manually',
        params: z.object({ id: z.string().min(1) }),
        body: z.strictObject({ password: adminPasswordSchema.nullable() }),
        response: { 200: passwordResponse, ...errorResponses(400, 401, 404) },
      },
    },
    async (request) => {
      const integration = await requireIntegration(request.params.id);
      const { [ADMIN_PASSWORD_CREDENTIAL]: _old, ...credentials } = await store.repos.integrations.getCredentials(integration.id);
      const { password } = request.body;
      await store.repos.integrations.update(integration.id, { credentials: password === null ? credentials : { ...credentials, [ADMIN_PASSWORD_CREDENTIAL]: password } });
      await store.repos.auditLog.record({
        actor: actorOf(principalOf(request)),
        action: password === null ? 'integration.admin_password.remove' : 'integration.admin_password.set',
        subjectType: 'integration',
        subjectId: integration.id,
        details: {},
      });
      return { stored: password !== null };
    },
  );

  app.post(
    '/integrations/:id/loops/:loop/run',
    {
      schema: {
        tags: ['settings'],
        summary: `Run a loop now (${SYNC_LOOP_NAMES.join(', ')}) and answer with its run; a run already going is followed by exactly one more`,
        params: z.object({ id: z.string().min(1), loop: z.string().min(1) }),
        querystring: z.object({ dryRun: z.enum(['true', 'false']).optional() }),
        response: {
          200: z.object({
            runId: z.string().nullable(),
            loop: z.string(),
            status: z.string().describe("The job runner's outcome: ok, failed or cancelled (ok only means the pass returned)"),
            verdict: z
              .object({ status: z.enum(['running', 'succeeded', 'degraded', 'failed', 'cancelled']), count: z.number().int(), reason: z.string().nullable() })
              .describe('What the pass means: succeeded only when it left nothing failed or open (src/domain/integration-health.ts)'),
            dryRun: z.boolean(),
            error: z.string().nullable(),
            stats: z.record(z.string(), z.unknown()),
          }),
          ...errorResponses(400, 401, 404, 409, 503),
        },
      },
    },
    async (request) => {
      const integration = await requireIntegration(request.params.id);
      const { loop } = request.params;
      if (!isSyncLoopName(loop)) throw new ApiError(404, 'not_found', `No loop "${loop}"; the loops are ${SYNC_LOOP_NAMES.join(', ')}`);
      if (deps.jobRunner === undefined) throw new ApiError(503, 'no_runner', 'This hub process runs no loops (serve --no-loops); run the loop from a worker or psa-bridge sync');
      if (!integration.enabled) throw new ApiError(409, 'integration_disabled', `"${integration.name}" is disabled; enable it on the Integration settings tab first`);
      try {
        const result = await deps.jobRunner.runNow(integration.id, loop, { dryRun: request.query.dryRun === 'true' });
        const error = result.error?.message ?? null;
        const recorded = result.status === 'ok' ? 'succeeded' : result.status;
        const verdict = runVerdict({ status: recorded, error, stats: result.stats });
        return { runId: result.runId ?? null, loop, status: result.status, verdict, dryRun: result.dryRun, error, stats: { ...result.stats } };
      } catch (error) {
        if (error instanceof JobError) throw new ApiError(409, error.code, error.message);
        throw error;
      }
    },
  );
};
