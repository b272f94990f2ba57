// Prepaid usage against the contract, per customer (the vendor's PREPAID rule: compared, never
// written): what each customer uses of what it bought prepaid, and who is over — a list to bill from.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { tenantPartnerSchema } from './integration-partners.ts';
import { listPrepaidUsage } from '../../../sync/prepaid-usage.ts';
import { errorResponses } from '../../api-error.ts';
import type { RouteDeps } from '../../route-deps.ts';
import { integrationOrNotFound } from '../../integration-or-not-found.ts';

const rowSchema = z.object({
  itemKey: z.string(),
  infraId: z.string().nullable(),
  label: z.string(),
  billingUnit: z.enum(['quantity', 'GB']),
  lineIds: z.array(z.string()),
  productIds: z.array(z.string()),
  contracted: z.number(),
  usage: z.number().nullable(),
  quotaValue: z.number().nullable(),
  quotaOverage: z.number().nullable(),
  overage: z.number(),
  over: z.boolean(),
});

export const prepaidUsageRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app, deps) => {
  app.get(
    '/integrations/:id/prepaid-usage',
    {
      schema: {
        tags: ['billing'],
        summary: 'Prepaid usage per customer: usage now against the contracted quantity and the quota, the overage, and who is over (nothing is written to the PSA)',
        params: z.object({ id: z.string().min(1) }),
        querystring: z.object({ over: z.enum(['true', 'false']).optional().describe('true: only customers over their contracted quantity') }),
        response: {
          200: z.object({
            generatedAt: z.string(),
            overCount: z.number().int(),
            customers: z.array(
              z.object({
                companyId: z.string(),
                companyName: z.string(),
                tenantId: z.string(),
                tenantName: z.string().nullable(),
                partner: tenantPartnerSchema.nullable().optional(),
                over: z.boolean(),
                totalOverage: z.number(),
                usageUnavailable: z.boolean(),
                rows: z.array(rowSchema),
              }),
            ),
          }),
          ...errorResponses(401, 404, 502, 504),
        },
      },
    },
    async (request) => {
      const integration = await integrationOrNotFound(deps.store.repos.integrations, request.params.id);
      const rt = await deps.runtimes.get(integration.id);
      return listPrepaidUsage(rt, { onlyOver: request.query.over === 'true' });
    },
  );
};
