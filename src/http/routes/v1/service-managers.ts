// GET /api/v1/service-managers: the instances of billing platforms that call the hub, for the
// portal (settings without the secret, last service definition, service providers, pulls, refusals).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { serviceManagerOverview } from '../../../sync/service-manager/overview.ts';
import type { RouteDeps } from '../../route-deps.ts';

export const serviceManagerRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app, deps) => {
  app.get(
    '/service-managers',
    {
      schema: {
        summary: 'Service-manager instances (billing platforms calling the hub)',
        tags: ['service managers'],
        querystring: z.object({ pulls: z.coerce.number().int().min(1).max(500).optional(), failures: z.coerce.number().int().min(1).max(500).optional() }),
      },
    },
    async (request) => serviceManagerOverview(deps.store, { ...(request.query.pulls === undefined ? {} : { pulls: request.query.pulls }), ...(request.query.failures === undefined ? {} : { failures: request.query.failures }) }),
  );
};
