// Customer mapping of an integration (seed 001 "Customer Mapping", seed 002 "apply mapping"):
// the list with the company's PSA status, the mapping state and the linked tenant, with search,
// filters and paging; map to an existing tenant, map to a new one (answers at once: the tenant is
// created by the mapping job), unlink, apply a ready pair, and bulk versions for multi-select.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { tenantPartnerSchema } from './integration-partners.ts';
import { MAPPING_STATES } from '../../../domain/mapping-state.ts';
import { applyMapping, bulk, mapToExisting, mapToNew, unlink } from '../../../sync/mapping-actions.ts';
import { listMappings } from '../../../sync/mapping-list.ts';
import { kickMappingJob } from '../../../sync/mapping-job.ts';
import { FIRST_RUN_CURSOR } from '../../../sync/marketplace-wizard.ts';
import { ApiError, errorResponses } from '../../api-error.ts';
import { principalOf } from '../../auth/authenticate.ts';
import { actorOf } from '../../auth/principal.ts';
import type { RouteDeps } from '../../route-deps.ts';
import { integrationOrNotFound } from '../../integration-or-not-found.ts';

const stateSchema = z.enum(MAPPING_STATES);
const list = (s: string | undefined) => (s === undefined || s.trim() === '' ? undefined : s.split(',').map((x) => x.trim()).filter((x) => x !== ''));

const rowSchema = z.object({
  companyId: z.string(),
  companyName: z.string(),
  companyStatus: z.string().nullable(),
  companyActive: z.boolean().nullable(),
  state: stateSchema,
  stateLabel: z.string(),
  error: z.string().nullable(),
  tenantId: z.string().nullable(),
  tenantName: z.string().nullable(),
  tenantManageable: z.boolean().nullable(),
  tenantUnmanageableReason: z.string().nullable(),
  tenantEnabled: z.boolean().nullable(),
  pending: z.boolean(),
  tenantPricingMode: z.string().nullable(),
  deprovisioning: z.object({ action: z.enum(['disable', 'delete']), dueAt: z.string(), daysLeft: z.number(), lapsedAt: z.string() }).nullable(),
  partner: tenantPartnerSchema.nullable().optional(),
  updatedAt: z.string(),
});

const resultSchema = z.object({
  companyId: z.string(),
  companyName: z.string(),
  state: stateSchema,
  tenantId: z.string().nullable(),
  tenantName: z.string().nullable(),
  message: z.string(),
  pending: z.boolean().optional(),
});

const params = z.object({ id: z.string().min(1) });
const companyParams = z.object({ id: z.string().min(1), companyId: z.string().min(1) });

export const mappingRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app, deps) => {
  const runtimes = deps.runtimes;
  const runtime = async (id: string) => {
    const integration = await integrationOrNotFound(deps.store.repos.integrations, id);
    return runtimes.get(id);
  };
  const actor = (request: Parameters<typeof principalOf>[0]) => actorOf(principalOf(request));

  app.get(
    '/integrations/:id/mappings',
    {
      schema: {
        tags: ['mappings'],
        summary: "Companies of the target with their PSA status, mapping state and tenant; search, filters, paging. reload=true re-reads the PSA and clears errors whose cause is gone",
        params,
        querystring: z.object({
          search: z.string().max(200).optional(),
          state: z.string().optional().describe('comma-separated: not_mapped,ready,mapped,failed'),
          status: z.enum(['active', 'inactive']).optional(),
          type: z.string().optional().describe('comma-separated company types/status labels'),
          limit: z.coerce.number().int().min(1).max(1000).default(50),
          offset: z.coerce.number().int().min(0).default(0),
          reload: z.enum(['true', 'false']).optional(),
        }),
        response: {
          200: z.object({ total: z.number(), items: z.array(rowSchema), counts: z.record(z.string(), z.number()), types: z.array(z.string()) }),
          ...errorResponses(400, 401, 404),
        },
      },
    },
    async (request) => {
      const q = request.query;
      const states = list(q.state);
      const bad = (states ?? []).filter((s) => !(MAPPING_STATES as readonly string[]).includes(s));
      if (bad.length > 0) throw new ApiError(400, 'invalid_request', `querystring.state: ${bad.join(', ')} is not one of ${MAPPING_STATES.join(', ')}`);
      const rt = await runtime(request.params.id);
      // The marketplace wizard runs by itself once after setup: the first time the mapping screen opens.
      if ((await rt.cursors.get(rt.integration.id, FIRST_RUN_CURSOR)) === undefined) {
        kickMappingJob(deps.loopQueue, request.params.id, (err) => request.log.warn({ err }, 'mapping job failed'));
      }
      const types = list(q.type);
      return listMappings(rt, {
        ...(q.search === undefined ? {} : { search: q.search }),
        ...(states === undefined ? {} : { states: states as (typeof MAPPING_STATES)[number][] }),
        ...(q.status === undefined ? {} : { status: q.status }),
        ...(types === undefined ? {} : { types }),
        limit: q.limit,
        offset: q.offset,
        reload: q.reload === 'true',
      });
    },
  );

  app.post(
    '/integrations/:id/mappings/:companyId/map',
    {
      schema: {
        tags: ['mappings'],
        summary: 'Map the company to an existing customer tenant (a tenant maps to one company only: 409 names the holder)',
        params: companyParams,
        body: z.object({ tenantId: z.string().min(1) }),
        response: { 200: resultSchema, ...errorResponses(400, 401, 404, 409) },
      },
    },
    async (request) => mapToExisting(await runtime(request.params.id), actor(request), request.params.companyId, request.body.tenantId),
  );

  app.post(
    '/integrations/:id/mappings/:companyId/map-new',
    {
      schema: {
        tags: ['mappings'],
        summary: 'Map the company to a new customer tenant: "The mapping has been saved"; the tenant and its admin are created in the background',
        params: companyParams,
        response: { 202: resultSchema, ...errorResponses(401, 404, 409) },
      },
    },
    async (request, reply) => {
      const result = await mapToNew(await runtime(request.params.id), actor(request), request.params.companyId);
      kickMappingJob(deps.loopQueue, request.params.id, (err) => request.log.warn({ err }, 'mapping job failed'));
      return reply.code(202).send(result);
    },
  );

  app.post(
    '/integrations/:id/mappings/:companyId/unlink',
    {
      schema: { tags: ['mappings'], summary: 'Unlink the company from its tenant; tickets already created are not touched', params: companyParams, response: { 200: resultSchema, ...errorResponses(401, 404) } },
    },
    async (request) => unlink(await runtime(request.params.id), actor(request), request.params.companyId),
  );

  app.post(
    '/integrations/:id/mappings/:companyId/apply',
    {
      schema: { tags: ['mappings'], summary: 'Apply a proposed (ready) pair: it becomes mapped', params: companyParams, response: { 200: resultSchema, ...errorResponses(401, 404, 409) } },
    },
    async (request) => applyMapping(await runtime(request.params.id), actor(request), request.params.companyId),
  );

  app.post(
    '/integrations/:id/mappings/bulk',
    {
      schema: {
        tags: ['mappings'],
        summary: 'Several actions at once (multi-select); each item succeeds or fails on its own',
        params,
        body: z.object({
          items: z
            .array(
              z.discriminatedUnion('action', [
                z.object({ action: z.literal('map'), companyId: z.string().min(1), tenantId: z.string().min(1) }),
                z.object({ action: z.enum(['map_new', 'unlink', 'apply']), companyId: z.string().min(1) }),
              ]),
            )
            .min(1)
            .max(1000),
        }),
        response: {
          200: z.object({
            items: z.array(z.object({ companyId: z.string(), ok: z.boolean(), result: resultSchema.optional(), error: z.object({ code: z.string(), message: z.string() }).optional() })),
          }),
          ...errorResponses(400, 401, 404),
        },
      },
    },
    async (request) => {
      const items = await bulk(await runtime(request.params.id), actor(request), request.body.items);
      if (items.some((i) => i.ok && i.result?.pending === true)) kickMappingJob(deps.loopQueue, request.params.id, (err) => request.log.warn({ err }, 'mapping job failed'));
      return { items };
    },
  );
};
