// API tokens for automation. The token value is returned once, at creation, and stored only hashed.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ApiError, errorResponses, notFound } from '../../api-error.ts';
import { principalOf } from '../../auth/authenticate.ts';
import { actorOf } from '../../auth/principal.ts';
import type { RouteDeps } from '../../route-deps.ts';
import { ROLES } from '../../../domain/roles.ts';

const tokenSchema = z.object({
  id: z.string(),
  name: z.string(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  role: z.enum(ROLES).describe('admin or read_only; the token acts with the lesser of this and its user’s role'),
});

const listedTokenSchema = tokenSchema.extend({
  owner: z.object({ id: z.string(), username: z.string() }).describe('The user the token belongs to and acts for'),
});

export const tokenRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app, deps) => {
  const { apiTokens, auditLog } = deps.store.repos;

  app.post(
    '/tokens',
    {
      schema: {
        tags: ['tokens'],
        summary: 'Create an API token; its value is shown in this response only',
        body: z.object({
          name: z.string().trim().min(1, 'is required').max(100, 'must be at most 100 characters'),
          role: z.enum(ROLES, { message: 'must be "admin" or "read_only"' }).default('admin'),
        }),
        response: {
          201: tokenSchema.extend({ token: z.string().describe('Send as "Authorization: Bearer <token>"; not shown again') }),
          ...errorResponses(400, 401, 403),
        },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const { token, apiToken } = await apiTokens.create(principal.userId, request.body.name, request.body.role);
      await auditLog.record({
        actor: actorOf(principal),
        action: 'api_token.create',
        subjectType: 'api_token',
        subjectId: apiToken.id,
        details: { name: apiToken.name, role: apiToken.role },
      });
      return reply.code(201).send({ ...apiToken, token });
    },
  );

  app.get(
    '/tokens',
    {
      schema: {
        tags: ['tokens'],
        summary: "List the caller's API tokens, or with owner=all (administrators) every user's (never their values)",
        querystring: z.object({
          owner: z.enum(['me', 'all'], { message: 'must be "me" or "all"' }).default('me'),
        }),
        response: { 200: z.object({ items: z.array(listedTokenSchema) }), ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const all = request.query.owner === 'all';
      // Other users' tokens are an administrator's to see: knowing a token's name and age helps no
      // one else, and a read-only user could not revoke it anyway.
      if (all && principal.role !== 'admin') {
        throw new ApiError(403, 'read_only', "Only an administrator may list other users' API tokens; ask for owner=me or sign in as an administrator");
      }
      const [tokens, users] = await Promise.all([apiTokens.list(all ? undefined : principal.userId), deps.store.repos.users.list()]);
      const usernames = new Map(users.map((u) => [u.id, u.username]));
      return { items: tokens.map(({ userId, ...t }) => ({ ...t, owner: { id: userId, username: usernames.get(userId) ?? userId } })) };
    },
  );

  app.delete(
    '/tokens/:id',
    {
      schema: {
        tags: ['tokens'],
        summary: "Revoke an API token: the caller's own, or any user's by an administrator",
        params: z.object({ id: z.string().min(1) }),
        response: { 204: z.null().describe('Revoked'), ...errorResponses(401, 403, 404) },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      // An administrator may revoke anyone's token (a leaked one must not wait for its owner).
      const mine = principal.role === 'admin' ? undefined : principal.userId;
      const owned = (await apiTokens.list(mine)).find((t) => t.id === request.params.id);
      if (!owned) throw notFound('API token', request.params.id);
      await apiTokens.revoke(owned.id);
      await auditLog.record({
        actor: actorOf(principal),
        action: 'api_token.revoke',
        subjectType: 'api_token',
        subjectId: owned.id,
        details: { name: owned.name, ownerId: owned.userId },
      });
      return reply.code(204).send(null);
    },
  );
};
