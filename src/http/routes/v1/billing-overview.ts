// A billing-platform integration (Gradient) as a person checks it: the platform's integration
// status, accounts and services pushed with which are mapped there and which wait, the last count
// per account and service, alerts delivered and failed with the platform's errors.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { billingPlatformManifestOf, TARGET_MANIFESTS } from '../../../connectors/registry.ts';
import { readBillingOverview } from '../../../sync/billing/billing-overview.ts';
import { ApiError, errorResponses } from '../../api-error.ts';
import type { RouteDeps } from '../../route-deps.ts';
import { integrationOrNotFound } from '../../integration-or-not-found.ts';

const mapping = z.enum(['mapped', 'waiting', 'unknown']).describe('mapped: the platform took a count or an alert; waiting: it answered "not mapped"; unknown: nothing asked yet');

const overviewSchema = z.object({
  platform: z.object({ label: z.string(), shortLabel: z.string() }),
  status: z.union([
    z.object({
      ok: z.literal(true),
      organization: z.string(),
      status: z.enum(['inactive', 'ready_for_mapping', 'active', 'disabled', 'error']),
      platformStatus: z.string().describe("The platform's own word (Gradient: inactive, pending, active)"),
      lastSyncedAt: z.string().nullable(),
    }),
    z.object({ ok: z.literal(false), error: z.string() }),
  ]),
  storageNote: z.string(),
  accounts: z.object({
    pushed: z.number().int(),
    mapped: z.number().int(),
    waiting: z.number().int(),
    unknown: z.number().int(),
    deleted: z.number().int(),
    waitingNames: z.array(z.string()),
    items: z.array(z.object({ accountId: z.string(), name: z.string(), deleted: z.boolean(), mapping })),
  }),
  services: z.object({
    pushed: z.number().int(),
    mapped: z.number().int(),
    waiting: z.number().int(),
    items: z.array(
      z.object({ serviceKey: z.string(), externalId: z.string(), name: z.string(), unit: z.string(), storage: z.boolean(), mapping, accountsCounted: z.number().int(), accountsWaiting: z.number().int() }),
    ),
  }),
  counts: z.array(
    z.object({
      accountId: z.string(),
      account: z.string(),
      serviceKey: z.string(),
      service: z.string(),
      unit: z.string(),
      quantity: z.number().describe('The last quantity posted'),
      state: z.enum(['counted', 'waiting']),
      countedQuantity: z.number().nullable().describe('What the platform last took'),
      message: z.string().nullable(),
      postedAt: z.string(),
      countedAt: z.string().nullable(),
    }),
  ),
  alerts: z.object({
    delivered: z.number().int(),
    failed: z.number().int(),
    pending: z.number().int(),
    items: z.array(
      z.object({
        alertId: z.string(),
        tenantId: z.string(),
        account: z.string(),
        alertType: z.string(),
        title: z.string(),
        priority: z.number().int(),
        state: z.enum(['sending', 'pending', 'delivered', 'failed']),
        ticketId: z.string().nullable(),
        errors: z.array(z.string()),
        updatedAt: z.string(),
      }),
    ),
  }),
});

export const billingOverviewRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app, deps) => {
  app.get(
    '/integrations/:id/billing-overview',
    {
      schema: {
        tags: ['billing'],
        summary: "A billing platform's view: its integration status, accounts and services pushed (mapped there or waiting), last counts, alerts delivered and failed",
        params: z.object({ id: z.string().min(1) }),
        response: { 200: overviewSchema, ...errorResponses(400, 401, 404) },
      },
    },
    async (request) => {
      const integration = await integrationOrNotFound(deps.store.repos.integrations, request.params.id);
      if (billingPlatformManifestOf(integration.target) === null) {
        const platforms = TARGET_MANIFESTS.filter((m) => m.kind === 'billing-platform').map((m) => m.label);
        throw new ApiError(400, 'not_supported', `"${integration.name}" is a ${integration.target} integration: this view is for billing platforms (${platforms.join(', ')})`);
      }
      return readBillingOverview(deps.store, integration, async () => {
        const rt = await deps.runtimes.billing(integration.id);
        if (rt === null) throw new Error('no billing runtime');
        return rt.platform.state();
      });
    },
  );
};
