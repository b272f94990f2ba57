// A summary of the hub for the CLI's `status` command and the portal's header.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorResponses } from '../../api-error.ts';
import type { RouteDeps } from '../../route-deps.ts';

export const statusRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app, deps) => {
  const { users, connections, integrations } = deps.store.repos;

  app.get(
    '/status',
    {
      schema: {
        tags: ['status'],
        summary: 'Version, database and counts',
        response: {
          200: z.object({
            version: z.string(),
            database: z.object({ dialect: z.enum(['sqlite', 'postgres']) }),
            counts: z.object({
              users: z.number().int(),
              connections: z.number().int(),
              integrations: z.number().int(),
              enabledIntegrations: z.number().int(),
            }),
            jobs: z.object({ enabled: z.boolean(), schedules: z.number().int() }),
          }),
          ...errorResponses(401),
        },
      },
    },
    async () => {
      const [userCount, connectionList, integrationList, schedules] = await Promise.all([
        users.count(),
        connections.list(),
        integrations.list(),
        deps.jobRunner?.schedules() ?? [],
      ]);
      return {
        version: deps.version,
        database: { dialect: deps.store.dialect },
        counts: {
          users: userCount,
          connections: connectionList.length,
          integrations: integrationList.length,
          enabledIntegrations: integrationList.filter((i) => i.enabled).length,
        },
        jobs: { enabled: deps.jobRunner !== undefined, schedules: schedules.length },
      };
    },
  );
};
