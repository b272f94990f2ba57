// `GET /api/v1/integrations/:id/health` and `/problems`: the integration's health as the one rule
// computes it (src/domain/integration-health.ts) and its open plan problems with the company, the
// service and what to do.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { readIntegrationHealth } from '../../../sync/integration-health.ts';
import { listReadableProblems } from '../../../sync/plan-problems.ts';
import { errorResponses } from '../../api-error.ts';
import type { RouteDeps } from '../../route-deps.ts';
import { listPartners } from '../../../sync/integration-partners.ts';
import { companyPartners } from '../../../sync/tenant-partners.ts';
import { tenantPartnerSchema } from './integration-partners.ts';
import { integrationOrNotFound } from '../../integration-or-not-found.ts';

export const HEALTH_STATUSES = ['ok', 'degraded', 'failed', 'running', 'never_run', 'disabled'] as const;

export const healthReasonSchema = z.object({
  level: z.enum(['failed', 'degraded']),
  source: z.string().describe('A loop, `mappings`, or a signal such as `api-budget`'),
  count: z.number().int(),
  message: z.string(),
});

export const loopHealthSchema = z.object({
  loop: z.string(),
  status: z.enum(['running', 'succeeded', 'degraded', 'failed', 'cancelled']).describe('What the pass means: succeeded only when it left nothing failed or open'),
  runStatus: z.enum(['running', 'succeeded', 'failed', 'cancelled']).describe('As the job runner recorded it'),
  count: z.number().int(),
  reason: z.string().nullable(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
});

export const integrationHealthSchema = z.object({
  status: z.enum(HEALTH_STATUSES).describe('failed: a pass failed, companies are failed or errors are open; degraded: warnings or signals open'),
  count: z.number().int().describe('Things wrong in total'),
  reason: z.string().nullable().describe('The first reason, null when all is well'),
  reasons: z.array(healthReasonSchema),
  loops: z.array(loopHealthSchema),
});

export const readableProblemSchema = z.object({
  loop: z.string(),
  severity: z.string(),
  code: z.string(),
  company: z.object({ id: z.string(), name: z.string().nullable() }),
  service: z.string().nullable().describe('The service (offering item) the problem is about'),
  message: z.string(),
  advice: z.string().describe('What to do about it'),
  context: z.record(z.string(), z.unknown()),
  seenAt: z.string(),
  partner: tenantPartnerSchema.nullable().optional(),
});

export const integrationHealthRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app, deps) => {
  const store = deps.store;

  const requireIntegration = (id: string) => integrationOrNotFound(store.repos.integrations, id);

  app.get(
    '/integrations/:id/health',
    {
      schema: {
        tags: ['integrations'],
        summary: 'Health of an integration: ok, degraded or failed, with the count and the reasons',
        params: z.object({ id: z.string().min(1) }),
        response: { 200: integrationHealthSchema, ...errorResponses(401, 404) },
      },
    },
    async (request) => readIntegrationHealth(store, await requireIntegration(request.params.id)),
  );

  app.get(
    '/integrations/:id/problems',
    {
      schema: {
        tags: ['integrations'],
        summary: 'Open plan problems: the company, the service, the message and what to do',
        params: z.object({ id: z.string().min(1) }),
        querystring: z.object({
          loop: z.string().min(1).optional(),
          severity: z.enum(['error', 'warning', 'info']).optional(),
          companyId: z.string().min(1).optional(),
        }),
        response: { 200: z.object({ items: z.array(readableProblemSchema) }), ...errorResponses(400, 401, 404) },
      },
    },
    async (request) => {
      const integration = await requireIntegration(request.params.id);
      const { loop, severity, companyId } = request.query;
      const items = await listReadableProblems(store, integration.id, {
        ...(loop === undefined ? {} : { loop }),
        ...(severity === undefined ? {} : { severity }),
        ...(companyId === undefined ? {} : { companyId }),
      });
      // With several partner tenants each problem names the partner of its company's tenant; the
      // list never fails for it (a runtime that cannot be built leaves the field out).
      if (items.length === 0 || (await listPartners(store, integration.id)).length < 2) return { items };
      const partners = await deps.runtimes
        .get(integration.id)
        .then((rt) => companyPartners(rt, items.map((p) => p.company.id)))
        .catch(() => null);
      return { items: partners === null ? items : items.map((p) => ({ ...p, partner: partners.get(p.company.id) ?? null })) };
    },
  );
};
