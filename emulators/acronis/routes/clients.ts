// API clients (reference §1): how an integration finds its own tenant, and the one-off setup call
// that creates a client with an admin's login and password (HTTP Basic) or a token.
import { randomBytes, randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { EmulatorContext } from '../../kit/server.ts';
import { notFound } from '../errors.ts';
import type { AcronisState, ApiClient } from '../state.ts';
import { clientView } from '../views.ts';
import { basicUser, bearerCaller, callerOf, setCaller } from './auth.ts';
import { parseBody, visibleTenant } from './common.ts';
import { hashPassword } from './users.ts';

const createSchema = z.looseObject({
  type: z.literal('api_client'),
  tenant_id: z.string().min(1),
  token_endpoint_auth_method: z.literal('client_secret_basic').optional(),
  data: z.looseObject({ client_name: z.string().min(1).max(255) }),
});

export function newClient(state: AcronisState, tenantId: string, name: string, createdBy: string, nowMs: number): ApiClient {
  const client: ApiClient = {
    client_id: randomUUID(),
    client_secret: randomBytes(16).toString('hex'),
    tenant_id: tenantId,
    client_name: name,
    created_by: createdBy,
    created_at: nowMs,
    last_access_at: null,
    status: 'enabled',
  };
  state.clients.set(client.client_id, client);
  return client;
}

export function clientRoutes(app: FastifyInstance, ctx: EmulatorContext<AcronisState>): void {
  app.post('/clients', async (request, reply) => {
    // The scope's Bearer check skips this route when Basic credentials are sent.
    const user = basicUser(ctx, request, hashPassword);
    if (user) setCaller(request, { client_id: user.id, tenant_id: user.tenant_id, exp: Number.MAX_SAFE_INTEGER, revoked: false });
    else setCaller(request, bearerCaller(ctx, request));
    const body = parseBody(createSchema, request.body);
    const tenant = visibleTenant(ctx.state, request, body.tenant_id);
    const client = newClient(ctx.state, tenant.id, body.data.client_name, callerOf(request).client_id, ctx.clock.nowMs());
    return reply.code(201).send({ ...clientView(client), client_secret: client.client_secret, client_secret_expires_at: 0 });
  });

  const visibleClient = (request: Parameters<typeof visibleTenant>[1], id: string) => {
    const c = ctx.state.clients.get(id);
    if (!c || !ctx.state.isWithin(c.tenant_id, callerOf(request).tenant_id)) throw notFound('Client', id);
    return c;
  };

  app.get('/clients/:id', async (request) => {
    const { id } = request.params as { id: string };
    return clientView(visibleClient(request, id));
  });

  app.delete('/clients/:id', async (request, reply) => {
    const { id } = request.params as { id: string };
    const c = visibleClient(request, id);
    ctx.state.clients.delete(c.client_id);
    for (const [token, record] of ctx.state.tokens) if (record.client_id === c.client_id) ctx.state.tokens.delete(token);
    return reply.code(204).send();
  });
}
