// Liveness/readiness for probes and load balancers: 200 when the database answers, 503 otherwise.
import { sql } from 'kysely';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Store } from '../../store/store.ts';

export const healthRoutes: FastifyPluginAsyncZod<{ store: Pick<Store, 'db'> }> = async (app, { store }) => {
  app.get(
    '/healthz',
    {
      config: { public: true },
      schema: {
        tags: ['operations'],
        summary: 'Health: whether the database is reachable',
        security: [],
        response: {
          200: z.object({ status: z.literal('ok') }),
          503: z.object({
            status: z.literal('unavailable'),
            error: z.object({ code: z.string(), message: z.string() }),
          }),
        },
      },
    },
    async (request, reply) => {
      try {
        await sql`select 1`.execute(store.db);
        return { status: 'ok' as const };
      } catch (err) {
        request.log.error({ err }, 'health check: database unreachable');
        return reply.code(503).send({
          status: 'unavailable' as const,
          error: { code: 'database_unreachable', message: 'The database does not answer' },
        });
      }
    },
  );
};
