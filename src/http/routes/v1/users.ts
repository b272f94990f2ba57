// The hub's users (portal and API): list, add, disable/enable, delete, reset a password; and a
// person's own password (`POST /auth/password`). The rules (nobody locks the hub out, sessions end
// with a disable or a new password) live in src/sync/hub-users.ts, shared with the CLI.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { User } from '../../../store/repositories/users.ts';
import { ROLES } from '../../../domain/roles.ts';
import {
  addUser,
  changeOwnPassword,
  deleteUser,
  generatePassword,
  HubUserError,
  MAX_PASSWORD_LENGTH,
  MIN_PASSWORD_LENGTH,
  resetPassword,
  setUserDisabled,
  setUserRole,
  type Actor,
} from '../../../sync/hub-users.ts';
import { ApiError, errorResponses, notFound } from '../../api-error.ts';
import { principalOf } from '../../auth/authenticate.ts';
import { actorOf, type Principal } from '../../auth/principal.ts';
import { SESSION_COOKIE } from '../../auth/session-cookie.ts';
import type { RouteDeps } from '../../route-deps.ts';

const userSchema = z.object({
  id: z.string(),
  username: z.string(),
  createdAt: z.string(),
  lastLoginAt: z.string().nullable(),
  disabled: z.boolean(),
  disabledAt: z.string().nullable(),
  role: z.enum(ROLES).describe('admin: everything; read_only: may read everything and change nothing'),
});
const roleSchema = z.enum(ROLES, { message: 'must be "admin" or "read_only"' });

const usernameSchema = z
  .string()
  .trim()
  .min(1, 'is required')
  .max(200, 'must be at most 200 characters')
  .regex(/^[^\s\u0000-\u001f]+$/u, 'must not contain spaces or control characters');
const passwordSchema = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `must have at least ${MIN_PASSWORD_LENGTH} characters`)
  .max(MAX_PASSWORD_LENGTH, `must be at most ${MAX_PASSWORD_LENGTH} characters`);
const idParams = z.object({ id: z.string().min(1) });

const present = (user: User): z.infer<typeof userSchema> => ({
  id: user.id,
  username: user.username,
  createdAt: user.createdAt,
  lastLoginAt: user.lastLoginAt,
  disabled: user.disabledAt !== null,
  disabledAt: user.disabledAt,
  role: user.role,
});

const actor = (principal: Principal): Extract<Actor, { kind: 'user' }> => ({ kind: 'user', userId: principal.userId, label: actorOf(principal) });

export const userRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app, deps) => {
  const repos = deps.store.repos;

  app.get(
    '/users',
    {
      schema: {
        tags: ['users'],
        summary: 'List the users who can sign in to the hub (never their passwords)',
        response: { 200: z.object({ items: z.array(userSchema) }), ...errorResponses(401) },
      },
    },
    async () => ({ items: (await repos.users.list()).map(present) }),
  );

  app.get(
    '/users/:id',
    {
      schema: { tags: ['users'], summary: 'One user', params: idParams, response: { 200: userSchema, ...errorResponses(401, 404) } },
    },
    async (request) => {
      const user = await repos.users.get(request.params.id);
      if (user === undefined) throw notFound('user', request.params.id);
      return present(user);
    },
  );

  app.post(
    '/users',
    {
      schema: {
        tags: ['users'],
        summary: 'Add a user (default role admin); without a password one is generated and returned in this response only',
        body: z.strictObject({ username: usernameSchema, password: passwordSchema.optional(), role: roleSchema.default('admin') }),
        response: {
          201: userSchema.extend({ generatedPassword: z.string().optional().describe('Only when no password was sent; not shown again') }),
          ...errorResponses(400, 401, 403, 409),
        },
      },
    },
    async (request, reply) => {
      const generated = request.body.password === undefined ? generatePassword() : undefined;
      const user = await addUser(repos, actor(principalOf(request)), { ...request.body, password: request.body.password ?? generated! });
      return reply.code(201).send({ ...present(user), ...(generated === undefined ? {} : { generatedPassword: generated }) });
    },
  );

  app.patch(
    '/users/:id',
    {
      schema: {
        tags: ['users'],
        summary: "Disable or enable a user, change their role, or set another user's password (their sessions end)",
        params: idParams,
        body: z
          .strictObject({ disabled: z.boolean().optional(), password: passwordSchema.optional(), role: roleSchema.optional() })
          .refine((patch) => patch.disabled !== undefined || patch.password !== undefined || patch.role !== undefined, {
            message: 'send disabled, role or password',
          }),
        response: { 200: userSchema, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const who = actor(principalOf(request));
      const { id } = request.params;
      if (request.body.password !== undefined) {
        // Your own password needs the current one: POST /auth/password.
        if (id === who.userId) throw new HubUserError('cannot_change_self', 'Change your own password with POST /api/v1/auth/password, giving the current one');
        await resetPassword(repos, who, id, request.body.password);
      }
      if (request.body.role !== undefined) await setUserRole(repos, who, id, request.body.role);
      const user = request.body.disabled === undefined ? await repos.users.get(id) : await setUserDisabled(repos, who, id, request.body.disabled);
      if (user === undefined) throw notFound('user', id);
      return present(user);
    },
  );

  app.delete(
    '/users/:id',
    {
      schema: {
        tags: ['users'],
        summary: 'Delete a user (their sessions and API tokens go with them; the audit trail keeps their name)',
        params: idParams,
        response: { 204: z.null().describe('Deleted'), ...errorResponses(401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      await deleteUser(repos, actor(principalOf(request)), request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/auth/password',
    {
      config: { readOnlyAllowed: 'changes only the caller’s own password, with the current one' },
      schema: {
        tags: ['auth'],
        summary: 'Change your own password: the current one first; your other sessions end, this one stays',
        body: z.strictObject({ currentPassword: z.string().min(1, 'is required').max(MAX_PASSWORD_LENGTH), newPassword: passwordSchema }),
        response: { 204: z.null().describe('Changed'), ...errorResponses(400, 401, 403, 429) },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      // The current password is a guess like a login's: the same throttle counts it.
      const { retryAfterMs } = await deps.throttle.reserve(principal.username, request.ip);
      if (retryAfterMs > 0) {
        const seconds = Math.ceil(retryAfterMs / 1000);
        throw new ApiError(429, 'too_many_attempts', `Too many wrong passwords; try again in ${seconds} s`, { headers: { 'retry-after': String(seconds) } });
      }
      const keep = principal.via === 'session' ? request.cookies[SESSION_COOKIE] : undefined;
      await changeOwnPassword(repos, actor(principal), {
        currentPassword: request.body.currentPassword,
        newPassword: request.body.newPassword,
        ...(keep === undefined ? {} : { keepSessionToken: keep }),
      });
      await deps.throttle.succeed(principal.username, request.ip);
      return reply.code(204).send(null);
    },
  );
};
