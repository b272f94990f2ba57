// Vendor-cloud connections: data-center URL + API client. The client secret goes in and never comes
// out: responses are built from the secret-free record and the zod response schema strips any
// field it does not name.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Connection } from '../../../store/repositories/connections.ts';
import { ApiError, errorResponses, notFound } from '../../api-error.ts';
import { principalOf } from '../../auth/authenticate.ts';
import { actorOf } from '../../auth/principal.ts';
import { checkConnection, type ConnectionCheck } from '../../../sync/connection-check.ts';
import type { RouteDeps } from '../../route-deps.ts';
import { baseUrlSchema } from '../../validation/base-url.ts';
import { checkVendorUrl } from '../../../config/vendor-hosts.ts';

const connectionSchema = z.object({
  id: z.string(),
  name: z.string(),
  baseUrl: z.string(),
  clientId: z.string(),
  hasSecret: z.literal(true).describe('The secret is stored (encrypted) and never returned'),
  tenant: z.object({ id: z.string(), name: z.string().nullable() }).nullable().describe('The tenant the API client belongs to, once checked'),
  status: z.enum(['unchecked', 'ok', 'error']),
  lastCheckedAt: z.string().nullable(),
  lastError: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

const nameSchema = z.string().trim().min(1, 'is required').max(100, 'must be at most 100 characters');
const clientIdSchema = z.string().trim().min(1, 'is required').max(200, 'must be at most 200 characters');
const clientSecretSchema = z.string().trim().min(1, 'is required').max(1000, 'must be at most 1000 characters');

const credentialsSchema = z.object({ baseUrl: baseUrlSchema, clientId: clientIdSchema, clientSecret: clientSecretSchema });

const checkSchema = z.union([
  z.object({ ok: z.literal(true), tenant: z.object({ id: z.string(), name: z.string(), kind: z.string() }) }),
  z.object({ ok: z.literal(false), error: z.object({ code: z.string(), message: z.string() }) }),
]);

const idParams = z.object({ id: z.string().min(1) });

function present(connection: Connection): z.infer<typeof connectionSchema> {
  return {
    id: connection.id,
    name: connection.name,
    baseUrl: connection.baseUrl,
    clientId: connection.clientId,
    hasSecret: true,
    tenant: connection.tenantId ? { id: connection.tenantId, name: connection.tenantName } : null,
    status: connection.status,
    lastCheckedAt: connection.lastCheckedAt,
    lastError: connection.lastError,
    createdAt: connection.createdAt,
    updatedAt: connection.updatedAt,
  };
}

export const connectionRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app, deps) => {
  const { connections, integrations, auditLog } = deps.store.repos;

  async function requireConnection(id: string): Promise<Connection> {
    const connection = await connections.get(id);
    if (!connection) throw notFound('connection', id);
    return connection;
  }

  // Credentials go only to the hosts the operator allows (PSA_BRIDGE_VENDOR_HOSTS): a token holder
  // cannot send the stored secret elsewhere, nor use the test to probe the hub's network.
  async function requireAllowedHost(url: string, field: string): Promise<void> {
    const checked = await checkVendorUrl(url, deps.vendorHosts);
    if (!checked.ok) {
      throw new ApiError(400, 'vendor_host_not_allowed', `${field}: ${checked.message}`, { details: [{ field, message: checked.message }] });
    }
  }

  async function refuseDuplicateName(name: string, exceptId?: string): Promise<void> {
    const existing = await connections.getByName(name);
    if (existing && existing.id !== exceptId) {
      throw new ApiError(409, 'name_taken', `A connection named "${name}" already exists; choose another name`);
    }
  }

  app.post(
    '/connections',
    {
      schema: {
        tags: ['connections'],
        summary: 'Add a vendor-cloud connection',
        body: credentialsSchema.extend({ name: nameSchema }),
        response: { 201: connectionSchema, ...errorResponses(400, 401, 403, 409) },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const { name, baseUrl, clientId, clientSecret } = request.body;
      await requireAllowedHost(baseUrl, 'body.baseUrl');
      await refuseDuplicateName(name);
      const connection = await connections.create({ name, baseUrl, clientId, clientSecret });
      await auditLog.record({
        actor: actorOf(principal),
        action: 'connection.create',
        subjectType: 'connection',
        subjectId: connection.id,
        details: { name, baseUrl, clientId },
      });
      return reply.code(201).send(present(connection));
    },
  );

  app.get(
    '/connections',
    {
      schema: {
        tags: ['connections'],
        summary: 'List connections (never their secrets)',
        response: { 200: z.object({ items: z.array(connectionSchema) }), ...errorResponses(401) },
      },
    },
    async () => ({ items: (await connections.list()).map(present) }),
  );

  app.get(
    '/connections/:id',
    {
      schema: {
        tags: ['connections'],
        summary: 'One connection (never its secret)',
        params: idParams,
        response: { 200: connectionSchema, ...errorResponses(401, 404) },
      },
    },
    async (request) => present(await requireConnection(request.params.id)),
  );

  app.patch(
    '/connections/:id',
    {
      schema: {
        tags: ['connections'],
        summary: 'Change a connection; a new clientSecret replaces the stored one',
        params: idParams,
        body: z
          .object({
            name: nameSchema.optional(),
            baseUrl: baseUrlSchema.optional(),
            clientId: clientIdSchema.optional(),
            clientSecret: clientSecretSchema.optional(),
          })
          .refine((patch) => Object.values(patch).some((v) => v !== undefined), {
            message: 'send at least one of name, baseUrl, clientId, clientSecret',
          }),
        response: { 200: connectionSchema, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const { id } = request.params;
      const current = await requireConnection(id);
      if (request.body.baseUrl !== undefined && request.body.baseUrl !== current.baseUrl) {
        await requireAllowedHost(request.body.baseUrl, 'body.baseUrl');
        // The stored secret was entered for the old host; it never follows the URL to a new one.
        if (request.body.clientSecret === undefined) {
          const message = 'is required when baseUrl changes: the stored secret is only ever sent to the host it was entered for; send the client secret for the new URL';
          throw new ApiError(400, 'secret_required', `body.clientSecret: ${message}`, { details: [{ field: 'body.clientSecret', message }] });
        }
      }
      if (request.body.name !== undefined) await refuseDuplicateName(request.body.name, id);
      const patch = Object.fromEntries(Object.entries(request.body).filter(([, v]) => v !== undefined));
      const updated = await connections.update(id, patch);
      // Every integration on the connection built its vendor client from these credentials.
      for (const integration of await integrations.list({ connectionId: id })) deps.runtimes.invalidate(integration.id);
      await auditLog.record({
        actor: actorOf(principal),
        action: 'connection.update',
        subjectType: 'connection',
        subjectId: id,
        details: {
          changed: Object.keys(patch),
          ...(request.body.name !== undefined ? { name: request.body.name } : {}),
          ...(request.body.baseUrl !== undefined ? { baseUrl: request.body.baseUrl } : {}),
          ...(request.body.clientId !== undefined ? { clientId: request.body.clientId } : {}),
        },
      });
      return present(updated);
    },
  );

  app.delete(
    '/connections/:id',
    {
      schema: {
        tags: ['connections'],
        summary: 'Delete a connection that no integration uses',
        params: idParams,
        response: { 204: z.null().describe('Deleted'), ...errorResponses(401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const connection = await requireConnection(request.params.id);
      const users = await integrations.list({ connectionId: connection.id });
      if (users.length > 0) {
        const names = users.map((i) => `"${i.name}"`).join(', ');
        throw new ApiError(
          409,
          'connection_in_use',
          `Connection "${connection.name}" is used by ${users.length === 1 ? 'integration' : 'integrations'} ${names}; delete ${users.length === 1 ? 'it' : 'them'} first`,
          { details: { integrations: users.map((i) => ({ id: i.id, name: i.name })) } },
        );
      }
      await connections.delete(connection.id);
      await auditLog.record({
        actor: actorOf(principal),
        action: 'connection.delete',
        subjectType: 'connection',
        subjectId: connection.id,
        details: { name: connection.name },
      });
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/connections/test',
    {
      schema: {
        tags: ['connections'],
        summary: 'Check credentials against the vendor cloud before saving them',
        body: credentialsSchema,
        response: { 200: checkSchema, ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => {
      await requireAllowedHost(request.body.baseUrl, 'body.baseUrl');
      return checkConnection(deps.vendorFactory, request.body, request.log);
    },
  );

  app.post(
    '/connections/:id/test',
    {
      schema: {
        tags: ['connections'],
        summary: "Check a saved connection's credentials and record the outcome on it",
        params: idParams,
        response: { 200: checkSchema, ...errorResponses(401, 403, 404) },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const connection = await requireConnection(request.params.id);
      const credentials = await connections.getCredentials(connection.id);
      // Saved before the operator narrowed the list: not tested, said why.
      const host = await checkVendorUrl(credentials.baseUrl, deps.vendorHosts);
      const result: ConnectionCheck = host.ok
        ? await checkConnection(deps.vendorFactory, credentials, request.log)
        : { ok: false, error: { code: 'vendor_host_not_allowed', message: `baseUrl: ${host.message}` } };
      await connections.recordCheck(
        connection.id,
        result.ok
          ? { ok: true, tenantId: result.tenant.id, tenantName: result.tenant.name }
          : { ok: false, error: `${result.error.code}: ${result.error.message}` },
      );
      await auditLog.record({
        actor: actorOf(principal),
        action: 'connection.test',
        subjectType: 'connection',
        subjectId: connection.id,
        details: result.ok ? { ok: true, tenantName: result.tenant.name } : { ok: false, code: result.error.code },
      });
      return result;
    },
  );
};
