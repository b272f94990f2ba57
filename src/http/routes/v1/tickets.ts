// Tickets that came from alerts (seed 000 §5.6, 002 §10) with their state, and the alerts the hub
// holds back (unmapped customers, alerts that kept failing). Read from the hub's own links: no call
// to the target or the vendor.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { StoredLink } from '../../../store/repositories/alert-links.ts';
import { WAITING_REASONS } from '../../../store/repositories/waiting-alerts.ts';
import { listWaitingAlerts } from '../../../sync/alerts/waiting-alerts-view.ts';
import { errorResponses } from '../../api-error.ts';
import type { RouteDeps } from '../../route-deps.ts';
import { integrationOrNotFound } from '../../integration-or-not-found.ts';

const idParams = z.object({ id: z.string().min(1) });
const STATES = ['open', 'closed', 'reopened', 'alert_cleared'] as const;

const ticketSchema = z.object({
  ticketId: z.string(),
  ticketNumber: z.string().nullable(),
  title: z.string().nullable(),
  state: z.enum(STATES),
  customer: z.object({ companyId: z.string(), companyName: z.string().nullable(), tenantId: z.string() }),
  alertType: z.string(),
  resource: z.string().nullable(),
  resourceName: z.string().nullable(),
  episode: z.number(),
  externalRef: z.string(),
  createdAt: z.string(),
  openedAt: z.string(),
  closedAt: z.string().nullable(),
  closedBy: z.string().nullable(),
  alertClearedAt: z.string().nullable(),
  lastOccurrenceAt: z.string().nullable(),
  repeats: z.number(),
  reopened: z.number(),
  activeAlerts: z.number(),
});

function present(stored: StoredLink): z.infer<typeof ticketSchema> {
  const { link, labels } = stored;
  return {
    ticketId: link.ticketId,
    ticketNumber: labels.ticketNumber,
    title: labels.ticketTitle,
    state: stored.displayState,
    customer: { companyId: link.companyId, companyName: labels.companyName, tenantId: labels.tenantId },
    alertType: labels.alertType,
    resource: labels.resource,
    resourceName: labels.resourceName,
    episode: link.episode,
    externalRef: link.externalRef,
    createdAt: link.createdAt,
    openedAt: link.openedAt,
    closedAt: link.closedAt,
    closedBy: link.closedBy,
    alertClearedAt: link.alertClearedAt,
    lastOccurrenceAt: link.lastOccurrenceAt,
    repeats: link.repeatCount,
    reopened: link.reopenCount,
    activeAlerts: link.activeAlertIds.length,
  };
}

export const ticketRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app, deps) => {
  const links = deps.store.repos.alertLinks;
  const requireIntegration = async (id: string): Promise<void> => {
    await integrationOrNotFound(deps.store.repos.integrations, id);
  };

  app.get(
    '/integrations/:id/tickets',
    {
      schema: {
        tags: ['tickets'],
        summary: 'Tickets raised from alerts, newest change first, with their state, customer, alert type and resource',
        params: idParams,
        querystring: z.object({
          state: z.enum(STATES).optional(),
          search: z.string().trim().min(1).max(200).optional(),
          limit: z.coerce.number().int().min(1).max(1000).default(100),
          offset: z.coerce.number().int().min(0).default(0),
        }),
        response: { 200: z.object({ items: z.array(ticketSchema), counts: z.record(z.enum(STATES), z.number()) }), ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const { id } = request.params;
      await requireIntegration(id);
      const q = request.query;
      const items = await links.list(id, { ...(q.state === undefined ? {} : { state: q.state }), ...(q.search === undefined ? {} : { search: q.search }), limit: q.limit, offset: q.offset });
      return { items: items.map(present), counts: await links.countByState(id) };
    },
  );

  app.get(
    '/integrations/:id/alerts/waiting',
    {
      schema: {
        tags: ['tickets'],
        summary: 'Alerts held back: customers not mapped yet (raised as tickets once mapped), and alerts that kept failing (retried with backoff)',
        params: idParams,
        querystring: z.object({
          reason: z.enum(WAITING_REASONS).optional(),
          tenantId: z.string().min(1).optional(),
          limit: z.coerce.number().int().min(1).max(1000).default(100),
          offset: z.coerce.number().int().min(0).default(0),
        }),
        response: {
          200: z.object({
            items: z.array(
              z.object({
                alertId: z.string(),
                reason: z.enum(WAITING_REASONS),
                tenantId: z.string().nullable(),
                tenantName: z.string().nullable().describe("The customer tenant's name, from the last directory pass"),
                alertType: z.string(),
                severity: z.string().nullable(),
                title: z.string().nullable(),
                detail: z.string(),
                attempts: z.number(),
                lastError: z.string().nullable(),
                nextAttemptAt: z.string().nullable(),
                firstSeenAt: z.string(),
                updatedAt: z.string(),
              }),
            ),
            counts: z.record(z.enum(WAITING_REASONS), z.number()),
          }),
          ...errorResponses(400, 401, 403, 404),
        },
      },
    },
    async (request) => {
      const { id } = request.params;
      const integration = await integrationOrNotFound(deps.store.repos.integrations, id);
      const q = request.query;
      // Without a reason: the unmapped queue, as the brief of this screen is "what waits for a mapping".
      const { items, counts } = await listWaitingAlerts(deps.store, id, { reason: q.reason ?? 'unmapped', ...(q.tenantId === undefined ? {} : { tenantId: q.tenantId }), limit: q.limit, offset: q.offset });
      return {
        items: items.map((w) => ({
          alertId: w.alertId,
          reason: w.reason,
          tenantId: w.tenantId,
          tenantName: w.tenantName,
          alertType: w.alertType,
          severity: w.severity,
          title: w.alert.title,
          detail: w.detail,
          attempts: w.attempts,
          lastError: w.lastError,
          nextAttemptAt: w.nextAttemptAt,
          firstSeenAt: w.firstSeenAt,
          updatedAt: w.updatedAt,
        })),
        counts,
      };
    },
  );
};

