// `GET /api/v1/integrations/:id/customers/:companyId`: one customer as the portal's customer page
// shows it (src/sync/customer-view.ts): contracts with their lines named by service, quotas against
// usage, tickets, open problems and the mapping history from the audit log.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { tenantPartnerSchema } from './integration-partners.ts';
import { CustomerNotFoundError, readCustomer } from '../../../sync/customer-view.ts';
import { ApiError, errorResponses } from '../../api-error.ts';
import type { RouteDeps } from '../../route-deps.ts';
import { readableProblemSchema } from './integration-health.ts';
import { integrationOrNotFound } from '../../integration-or-not-found.ts';

const customerSchema = z.object({
  company: z.object({ id: z.string(), name: z.string(), state: z.string(), stateLabel: z.string(), error: z.string().nullable() }),
  tenant: z.object({ id: z.string(), name: z.string(), enabled: z.boolean().nullable(), partner: tenantPartnerSchema.nullable().optional() }).nullable(),
  contracts: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      billing: z.string(),
      active: z.boolean(),
      startDate: z.string().nullable(),
      endDate: z.string().nullable(),
      lines: z.array(z.object({ lineId: z.string(), service: z.string().nullable().describe('The service the line sells; null when its product is not mapped'), quantity: z.number(), billing: z.string(), active: z.boolean() })),
    }),
  ),
  quotas: z.array(z.object({ item: z.string(), enabled: z.boolean(), quota: z.number().nullable().describe('null = unlimited'), used: z.number().nullable(), unit: z.string(), over: z.boolean() })),
  quotasError: z.string().nullable(),
  tickets: z.array(
    z.object({ id: z.string(), ticketNumber: z.string().nullable(), title: z.string().nullable(), alertType: z.string(), resource: z.string().nullable(), state: z.string(), openedAt: z.string(), updatedAt: z.string() }),
  ),
  problems: z.array(readableProblemSchema),
  history: z.array(z.object({ at: z.string(), actor: z.string(), action: z.string(), details: z.record(z.string(), z.unknown()) })),
});

export const customerRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app, deps) => {
  app.get(
    '/integrations/:id/customers/:companyId',
    {
      schema: {
        tags: ['mappings'],
        summary: 'One customer: its contracts, quotas against usage, tickets, open problems and mapping history',
        params: z.object({ id: z.string().min(1), companyId: z.string().min(1) }),
        response: { 200: customerSchema, ...errorResponses(401, 404, 502) },
      },
    },
    async (request) => {
      const integration = await integrationOrNotFound(deps.store.repos.integrations, request.params.id);
      try {
        return await readCustomer(await deps.runtimes.get(integration.id), request.params.companyId);
      } catch (error) {
        if (error instanceof CustomerNotFoundError) throw new ApiError(404, 'not_found', error.message);
        throw error;
      }
    },
  );
};
