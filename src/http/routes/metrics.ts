// Prometheus scrape endpoint. Behind an API token (or a session) unless the operator makes it
// public (PSA_BRIDGE_METRICS=public, for a scraper on a trusted network) or turns it off: the
// counters name integrations and loops, which is more than an anonymous caller should learn.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Registry } from 'prom-client';

export const metricsRoutes: FastifyPluginAsync<{
  registry: Registry;
  /** When given, runs before the handler (the API's authenticator). */
  authenticate?: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
}> = async (app, { registry, authenticate }) => {
  app.get(
    '/metrics',
    {
      ...(authenticate === undefined ? { config: { public: true } } : { onRequest: authenticate }),
      schema: { tags: ['operations'], summary: 'Prometheus metrics (send an API token unless PSA_BRIDGE_METRICS=public)', ...(authenticate === undefined ? { security: [] } : {}) },
    },
    async (_request, reply) => {
      reply.header('content-type', registry.contentType);
      return registry.metrics();
    },
  );
};
