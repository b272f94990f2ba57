// Suggested company ↔ customer tenant matches by name, each with a confidence (0–1) and what it rests
// on (exact name, normalised name, similar words), for the PSAs that offer them (Autotask,
// ConnectWise); and confirmation of the pairs a person ticked — only pairs suggested now are mapped.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { confirmNameMatches, proposeNameMatches } from '../../../sync/name-suggestions.ts';
import { errorResponses } from '../../api-error.ts';
import { principalOf } from '../../auth/authenticate.ts';
import { actorOf } from '../../auth/principal.ts';
import type { RouteDeps } from '../../route-deps.ts';
import { integrationOrNotFound } from '../../integration-or-not-found.ts';

const params = z.object({ id: z.string().min(1) });

const suggestionSchema = z.object({
  companyId: z.string(),
  companyName: z.string(),
  tenantId: z.string(),
  tenantName: z.string(),
  confidence: z.number().min(0).max(1).describe('1: the exact name; 0.95: the same once case, punctuation and legal suffixes are set aside; below 0.9: similar words'),
  basis: z.enum(['exact', 'normalised', 'similar']),
  preselected: z.boolean().describe('At least 0.9 and nothing to warn about'),
  warnings: z.array(z.string()),
});

export const nameSuggestionRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app, deps) => {
  const runtime = async (id: string) => {
    await integrationOrNotFound(deps.store.repos.integrations, id);
    return deps.runtimes.get(id);
  };

  app.get(
    '/integrations/:id/suggested-matches',
    {
      schema: {
        tags: ['mappings'],
        summary: 'Suggested company ↔ tenant pairs by name with a confidence, most confident first, and the ties left to a person',
        params,
        response: {
          200: z.object({
            suggestions: z.array(suggestionSchema),
            ambiguous: z.array(z.object({ companyId: z.string(), companyName: z.string(), tied: z.array(z.object({ id: z.string(), name: z.string() })), confidence: z.number(), message: z.string() })),
            compared: z.object({ companies: z.number().int(), tenants: z.number().int() }),
          }),
          ...errorResponses(400, 401, 404),
        },
      },
    },
    async (request) => {
      return await proposeNameMatches(await runtime(request.params.id));
    },
  );

  app.post(
    '/integrations/:id/suggested-matches',
    {
      schema: {
        tags: ['mappings'],
        summary: 'Confirm suggested pairs; only pairs suggested now are mapped, each on its own',
        params,
        body: z.object({ pairs: z.array(z.object({ companyId: z.string().min(1), tenantId: z.string().min(1) })).min(1, 'choose at least one pair').max(1000) }),
        response: {
          200: z.object({
            items: z.array(z.object({ companyId: z.string(), tenantId: z.string(), ok: z.boolean(), error: z.object({ code: z.string(), message: z.string() }).optional() })),
          }),
          ...errorResponses(400, 401, 403, 404),
        },
      },
    },
    async (request) => {
      const outcomes = await confirmNameMatches(await runtime(request.params.id), actorOf(principalOf(request)), request.body.pairs);
      return { items: outcomes.map(({ result: _result, ...rest }) => rest) };
    },
  );
};
