// Alert mappings and ticket settings of an integration (seed 000 §5.5, 001 "Mapping Alerts to
// Tickets", 002 §7): every vendor alert type with its mapping and the target's picklists for the
// dropdowns; PUTs validate against those picklists and name each wrong field with the values allowed.
//
// The target and the vendor are the integration's runtime, shared with the loops (the picklists are
// read once per request however many fields use them).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { TicketProfile } from '../../../domain/alert-mapping.ts';
import { ticketProfileOf } from '../../../connectors/manifest-schema.ts';
import { manifestOf, TARGET_MANIFESTS } from '../../../connectors/registry.ts';
import { targetFeature, type TargetPicklists, type VendorCloud } from '../../../connectors/ports.ts';
import { PRIORITY_FIELD, priorityPicklist } from '../../../domain/billing-alert-policy.ts';
import { ALERTS_LOOP } from '../../../sync/alerts/pass-context.ts';
import { BILLING_ALERTS_CURSOR } from '../../../sync/billing/alert-push.ts';
import { existingOpenAlerts, existingOpenBillingAlerts, type OpenAlert } from '../../../sync/ticket-start.ts';
import type { Integration } from '../../../store/repositories/integrations.ts';
import { isSettingsError } from '../../../sync/settings/settings-error.ts';
import { picklistCache, TicketConfig, ticketSettingsOf, ticketProfileFor } from '../../../sync/settings/tickets.ts';
import { ApiError, errorResponses } from '../../api-error.ts';
import { principalOf } from '../../auth/authenticate.ts';
import { actorOf } from '../../auth/principal.ts';
import type { RouteDeps } from '../../route-deps.ts';
import { startTicketsNow } from '../../../sync/ticket-start.ts';
import { integrationOrNotFound } from '../../integration-or-not-found.ts';

const idParams = z.object({ id: z.string().min(1) });
const picklistsSchema = z.record(z.string(), z.array(z.object({ value: z.string(), label: z.string(), active: z.boolean().optional(), parent: z.union([z.string(), z.array(z.string())]).optional() })));
const fieldBagSchema = z.record(z.string(), z.string());

/** The labels of the targets with tickets, in words. */
function withTickets(): string {
  const labels = TARGET_MANIFESTS.filter((manifest) => ticketProfileOf(manifest) !== null).map((manifest) => manifest.label);
  return labels.length <= 1 ? labels.join('') : `${labels.slice(0, -1).join(', ')} and ${labels.at(-1)}`;
}

/**
 * One integration's ticket side for a request: the shared settings and mappings, the target's
 * ticket picklists, the vendor (for its alert types and open alerts). A PSA's picklists are read
 * from the PSA; a billing platform (Gradient) has no picklists to read, its one ticket field —
 * the priority — takes the values its manifest declares.
 */
export interface TicketSide {
  integration: Integration;
  ticketTarget: TicketProfile;
  picklists: () => Promise<TargetPicklists>;
  config: TicketConfig;
  vendor: () => Promise<VendorCloud>;
  /** The alerts already open for this integration's customers, raised before `before`. */
  openAlerts: (before: string) => Promise<OpenAlert[]>;
  /** The cursor of the integration's alert stream ("tickets from all open alerts" reads it again). */
  alertsCursor: string;
}

/** The integration's ticket side for one request; 400 when the target has no tickets. */
export async function ticketSideOf(deps: RouteDeps, id: string): Promise<TicketSide> {
  const { repos } = deps.store;
  const integration = await integrationOrNotFound(repos.integrations, id);
  const ticketTarget = ticketProfileFor(integration.target);
  if (ticketTarget === null) throw new ApiError(400, 'not_supported', `${integration.target} integrations have no tickets: alert mappings apply to ${withTickets()}`);
  const config = new TicketConfig(deps.store.repos.settings);
  const manifest = manifestOf(integration.target);
  if (manifest.kind === 'billing-platform') {
    const priorities = manifest.capabilities.alerts === false ? [] : manifest.capabilities.alerts.priorities;
    const billing = async () => {
      const rt = await deps.runtimes.billing(id);
      if (rt === null) throw new ApiError(400, 'not_supported', `${integration.target} is not a billing platform`);
      return rt;
    };
    return {
      integration,
      ticketTarget,
      picklists: async () => ({ [PRIORITY_FIELD]: priorityPicklist(priorities) }),
      config,
      vendor: async () => (await billing()).vendor,
      openAlerts: async (before) => existingOpenBillingAlerts(await billing(), before),
      alertsCursor: BILLING_ALERTS_CURSOR,
    };
  }
  // The process's runtime: the same target (limiter, Autotask budget, token cache) the loops use.
  const runtime = await deps.runtimes.get(id);
  return {
    integration,
    ticketTarget,
    picklists: picklistCache(targetFeature(runtime.target, 'tickets')),
    config,
    vendor: async () => runtime.vendor,
    openAlerts: (before) => existingOpenAlerts(runtime, before),
    alertsCursor: ALERTS_LOOP,
  };
}

function settingsProblem(error: unknown): never {
  if (isSettingsError(error)) throw new ApiError(400, 'invalid_settings', error.message, { details: error.issues });
  throw error;
}

export const alertMappingRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app, deps) => {
  app.get(
    '/integrations/:id/alert-mappings',
    {
      schema: {
        tags: ['tickets'],
        summary: 'Every vendor alert type with its mapping, the target ticket fields and their picklists',
        params: idParams,
        response: {
          200: z.object({
            target: z.string(),
            defaults: fieldBagSchema,
            alertTypes: z.array(
              z.object({
                id: z.string(),
                title: z.string().nullable(),
                category: z.string().nullable(),
                severity: z.string().nullable(),
                enabled: z.boolean(),
                fields: fieldBagSchema,
                minSeverity: z.string().nullable(),
                known: z.boolean(),
              }),
            ),
            fields: z.array(z.object({ name: z.string(), label: z.string(), required: z.boolean(), parent: z.string().optional() })),
            picklists: picklistsSchema,
          }),
          ...errorResponses(400, 401, 403, 404, 502),
        },
      },
    },
    async (request) => {
      const side = await ticketSideOf(deps, request.params.id);
      const [stored, picklists, types] = await Promise.all([side.config.readStoredMapping(side.integration.id), side.picklists(), (await side.vendor()).getAlertTypes()]);
      const listed = types.map((t) => {
        const setting = stored.types[t.id];
        return { id: t.id, title: t.title, category: t.category, severity: t.severity, enabled: setting?.enabled ?? false, fields: setting?.fields ?? {}, minSeverity: setting?.minSeverity ?? null, known: true };
      });
      // Types mapped earlier that the vendor no longer lists stay visible, so they can be turned off.
      for (const [id, setting] of Object.entries(stored.types)) {
        if (!types.some((t) => t.id === id)) listed.push({ id, title: null, category: null, severity: null, enabled: setting.enabled, fields: setting.fields, minSeverity: setting.minSeverity ?? null, known: false });
      }
      return {
        target: side.integration.target,
        defaults: stored.defaults,
        alertTypes: listed,
        fields: side.ticketTarget.fields.map((f) => ({ name: f.name, label: f.label, required: f.required, ...(f.parent === undefined ? {} : { parent: f.parent }) })),
        picklists: picklists as Record<string, NonNullable<TargetPicklists[string]>>,
      };
    },
  );

  app.put(
    '/integrations/:id/alert-mappings',
    {
      schema: {
        tags: ['tickets'],
        summary: 'Set alert mappings (types sent replace those types; defaults merge); validated against the target picklists',
        params: idParams,
        body: z.strictObject({
          defaults: fieldBagSchema.optional(),
          types: z.record(z.string(), z.strictObject({ enabled: z.boolean(), fields: fieldBagSchema.optional(), minSeverity: z.enum(['ok', 'information', 'warning', 'error', 'critical']).optional() })).optional(),
          replace: z.boolean().optional(),
        }),
        response: { 200: z.object({ defaults: fieldBagSchema, types: z.record(z.string(), z.object({ enabled: z.boolean(), fields: fieldBagSchema, minSeverity: z.string().optional() })) }), ...errorResponses(400, 401, 403, 404, 502) },
      },
    },
    async (request) => {
      const side = await ticketSideOf(deps, request.params.id);
      const { replace, ...value } = request.body;
      const saved = await side.config.saveMapping(side.integration.id, side.ticketTarget, value, await side.picklists(), { replace: replace === true }).catch(settingsProblem);
      await deps.store.repos.auditLog.record({
        actor: actorOf(principalOf(request)),
        action: 'integration.alert_mappings.update',
        subjectType: 'integration',
        subjectId: side.integration.id,
        details: { types: Object.keys(value.types ?? {}), defaults: Object.keys(value.defaults ?? {}), replace: replace === true },
      });
      return saved;
    },
  );

  const settingsResponse = z.object({
    settings: z.record(z.string(), z.unknown()),
    effective: z.record(z.string(), z.unknown()),
    statuses: z.array(z.object({ value: z.string(), label: z.string(), active: z.boolean().optional() })),
  });

  app.get(
    '/integrations/:id/ticket-settings',
    {
      schema: {
        tags: ['tickets'],
        summary: 'Ticket settings (feature switch, reopen / new after N days, reopen status, auto-close, clear-alert statuses) with the target statuses',
        params: idParams,
        response: { 200: settingsResponse, ...errorResponses(400, 401, 403, 404, 502) },
      },
    },
    async (request) => {
      const side = await ticketSideOf(deps, request.params.id);
      const stored = await side.config.readStoredSettings(side.integration.id);
      const statuses = ((await side.picklists())['status'] ?? []).map(({ value, label, active }) => ({ value, label, ...(active === undefined ? {} : { active }) }));
      return { settings: stored, effective: { ...ticketSettingsOf(side.ticketTarget, stored) }, statuses };
    },
  );

  app.put(
    '/integrations/:id/ticket-settings',
    {
      schema: {
        tags: ['tickets'],
        summary: 'Change ticket settings (objects merge; recurrence and lists replace); statuses are validated against the target',
        params: idParams,
        body: z.record(z.string(), z.unknown()),
        response: { 200: settingsResponse, ...errorResponses(400, 401, 403, 404, 502) },
      },
    },
    async (request) => {
      const side = await ticketSideOf(deps, request.params.id);
      const picklists = await side.picklists();
      const wasOn = ticketSettingsOf(side.ticketTarget, await side.config.readStoredSettings(side.integration.id)).enabled;
      const saved = await side.config.saveSettings(side.integration.id, side.ticketTarget, request.body, picklists).catch(settingsProblem);
      // Switched on here: tickets start from now (POST …/ticket-start switches on with a person's choice).
      if (!wasOn && ticketSettingsOf(side.ticketTarget, saved).enabled) await startTicketsNow(deps.store.repos.settings, side.integration.id, actorOf(principalOf(request)));
      await deps.store.repos.auditLog.record({
        actor: actorOf(principalOf(request)),
        action: 'integration.ticket_settings.update',
        subjectType: 'integration',
        subjectId: side.integration.id,
        details: { changed: Object.keys(request.body) },
      });
      const statuses = (picklists['status'] ?? []).map(({ value, label, active }) => ({ value, label, ...(active === undefined ? {} : { active }) }));
      return { settings: saved, effective: { ...ticketSettingsOf(side.ticketTarget, saved) }, statuses };
    },
  );
};
