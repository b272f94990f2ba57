// The Ingram Cloud Marketplace matching wizard (seed 001): proposals by marketplace account id, and
// confirmation of the pairs a person ticked.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { confirmMarketplaceMatches, proposeMarketplaceMatches } from '../../../sync/marketplace-wizard.ts';
import { errorResponses } from '../../api-error.ts';
import { principalOf } from '../../auth/authenticate.ts';
import { actorOf } from '../../auth/principal.ts';
import type { RouteDeps } from '../../route-deps.ts';
import { integrationOrNotFound } from '../../integration-or-not-found.ts';

const params = z.object({ id: z.string().min(1) });

export const marketplaceRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app, deps) => {
  const runtimes = deps.runtimes;
  const runtime = async (id: string) => {
    await integrationOrNotFound(deps.store.repos.integrations, id);
    return runtimes.get(id);
  };

  app.get(
    '/integrations/:id/marketplace-matches',
    {
      schema: {
        tags: ['mappings'],
        summary: 'Proposed customer ↔ tenant pairs by Ingram Cloud Marketplace account id (osa_account_id), with the issues found',
        params,
        response: {
          200: z.object({
            proposals: z.array(
              z.object({ accountId: z.string(), companyId: z.string(), companyName: z.string(), tenantId: z.string(), tenantName: z.string(), preselected: z.boolean(), warnings: z.array(z.string()) }),
            ),
            issues: z.array(z.object({ code: z.string(), severity: z.string(), accountId: z.string().nullable(), companyIds: z.array(z.string()), tenantIds: z.array(z.string()), message: z.string() })),
            alreadyMapped: z.number(),
            firstRunAt: z.string().nullable(),
          }),
          ...errorResponses(401, 404),
        },
      },
    },
    async (request) => {
      return await proposeMarketplaceMatches(await runtime(request.params.id));
    },
  );

  app.post(
    '/integrations/:id/marketplace-matches',
    {
      schema: {
        tags: ['mappings'],
        summary: 'Confirm proposed pairs; only pairs the wizard proposes now are mapped',
        params,
        body: z.object({ pairs: z.array(z.object({ companyId: z.string().min(1), tenantId: z.string().min(1) })).min(1).max(1000) }),
        response: {
          200: z.object({
            items: z.array(z.object({ companyId: z.string(), tenantId: z.string(), ok: z.boolean(), error: z.object({ code: z.string(), message: z.string() }).optional() })),
          }),
          ...errorResponses(400, 401, 404),
        },
      },
    },
    async (request) => {
      const outcomes = await confirmMarketplaceMatches(await runtime(request.params.id), actorOf(principalOf(request)), request.body.pairs);
      return { items: outcomes.map(({ result: _result, ...rest }) => rest) };
    },
  );
};
