// Switching ticket creation on without flooding the PSA:
// - `GET /integrations/:id/ticket-start`: the alerts already open for this integration's customers
//   (names, not ids), with their count, and from when tickets are raised now;
// - `POST /integrations/:id/ticket-start {from: 'now' | 'all'}`: switches ticket creation on with the
//   person's choice: only alerts raised from now (the default), or the open ones too.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ticketSettingsOf } from '../../../sync/settings/tickets.ts';
import { readTicketStart, writeTicketStart } from '../../../sync/ticket-start.ts';
import { ApiError, errorResponses } from '../../api-error.ts';
import { principalOf } from '../../auth/authenticate.ts';
import { actorOf } from '../../auth/principal.ts';
import type { RouteDeps } from '../../route-deps.ts';
import { ticketSideOf } from './alert-mappings.ts';

const startSchema = z.object({ raiseFrom: z.string().nullable(), decidedBy: z.string(), decidedAt: z.string() }).nullable();
const openAlertSchema = z.object({
  id: z.string(),
  type: z.string(),
  typeTitle: z.string().nullable(),
  severity: z.string(),
  tenantId: z.string(),
  tenantName: z.string().nullable(),
  companyName: z.string().nullable(),
  createdAt: z.string().nullable(),
});
const SHOWN = 200;

export const ticketStartRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app, deps) => {
  app.get(
    '/integrations/:id/ticket-start',
    {
      schema: {
        tags: ['tickets'],
        summary: "Alerts already open for this integration's customers (count and the first ones), and from when tickets are raised",
        params: z.object({ id: z.string().min(1) }),
        response: { 200: z.object({ enabled: z.boolean(), start: startSchema, existing: z.object({ count: z.number().int(), alerts: z.array(openAlertSchema) }) }), ...errorResponses(400, 401, 404, 502) },
      },
    },
    async (request) => {
      const side = await ticketSideOf(deps, request.params.id);
      const settings = deps.store.repos.settings;
      const start = await readTicketStart(settings, side.integration.id);
      const enabled = ticketSettingsOf(side.ticketTarget, await side.config.readStoredSettings(side.integration.id)).enabled;
      const before = enabled && start?.raiseFrom ? start.raiseFrom : new Date().toISOString();
      const alerts = await side.openAlerts(before);
      return { enabled, start, existing: { count: alerts.length, alerts: alerts.slice(0, SHOWN) } };
    },
  );

  app.post(
    '/integrations/:id/ticket-start',
    {
      schema: {
        tags: ['tickets'],
        summary: "Switch ticket creation on: only alerts raised from now (from: 'now'), or the open ones too (from: 'all')",
        params: z.object({ id: z.string().min(1) }),
        body: z.object({ from: z.enum(['now', 'all'], { error: "choose 'now' (only new alerts) or 'all' (the open ones too)" }) }),
        response: { 200: z.object({ enabled: z.boolean(), start: startSchema }), ...errorResponses(400, 401, 404, 502) },
      },
    },
    async (request) => {
      const side = await ticketSideOf(deps, request.params.id);
      const settings = deps.store.repos.settings;
      const actor = actorOf(principalOf(request));
      const now = new Date().toISOString();
      const start = { raiseFrom: request.body.from === 'now' ? now : null, decidedBy: actor, decidedAt: now };
      await writeTicketStart(settings, side.integration.id, start);
      // "All": the alerts a pass already read past (while starting from now) are read again; their
      // links keep the ones already raised single.
      if (request.body.from === 'all') await deps.store.repos.cursors.delete(side.integration.id, side.alertsCursor);
      const saved = await side.config.saveSettings(side.integration.id, side.ticketTarget, { enabled: true }, await side.picklists()).catch((error: unknown) => {
        throw new ApiError(400, 'invalid_settings', error instanceof Error ? error.message : String(error));
      });
      await deps.store.repos.auditLog.record({
        actor,
        action: 'integration.tickets.start',
        subjectType: 'integration',
        subjectId: side.integration.id,
        details: { from: request.body.from },
      });
      return { enabled: ticketSettingsOf(side.ticketTarget, saved).enabled, start };
    },
  );
};
