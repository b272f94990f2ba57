// Portal sessions: login, logout, who am I.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ApiError, errorResponses } from '../../api-error.ts';
import { principalOf } from '../../auth/authenticate.ts';
import { clearSessionCookie, SESSION_COOKIE, setSessionCookie } from '../../auth/session-cookie.ts';
import type { RouteDeps } from '../../route-deps.ts';
import { ROLES } from '../../../domain/roles.ts';

const userSchema = z.object({ id: z.string(), username: z.string(), role: z.enum(ROLES).describe('admin: everything; read_only: reads only') });

export const authRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app, deps) => {
  const { users, sessions, auditLog } = deps.store.repos;

  app.post(
    '/auth/login',
    {
      config: { public: true },
      schema: {
        tags: ['auth'],
        summary: 'Log in to the portal: sets an httpOnly session cookie',
        security: [],
        body: z.object({
          username: z.string().trim().min(1, 'is required').max(200),
          password: z.string().min(1, 'is required').max(1000),
        }),
        response: { 200: z.object({ user: userSchema }), ...errorResponses(400, 401, 403, 429) },
      },
    },
    async (request, reply) => {
      const { username, password } = request.body;
      // Counted before the password is checked, so a burst of guesses cannot all be checked.
      const { retryAfterMs } = await deps.throttle.reserve(username, request.ip);
      if (retryAfterMs > 0) {
        const seconds = Math.ceil(retryAfterMs / 1000);
        throw new ApiError(429, 'too_many_attempts', `Too many failed logins for "${username}"; try again in ${seconds} s`, {
          headers: { 'retry-after': String(seconds) },
        });
      }
      const user = await users.verifyPassword(username, password);
      if (!user) {
        request.log.warn({ username, ip: request.ip }, 'failed login');
        throw new ApiError(401, 'invalid_credentials', 'Wrong username or password');
      }
      if (user.disabledAt !== null) {
        // Said only to someone who knows the password; the attempt stays counted.
        request.log.warn({ username, ip: request.ip }, 'login of a disabled user');
        throw new ApiError(403, 'account_disabled', `The user "${user.username}" is disabled; an administrator can enable it again`);
      }
      await deps.throttle.succeed(username, request.ip);
      const { token } = await sessions.create(user.id, deps.cookie.ttlMs);
      await users.recordLogin(user.id);
      await auditLog.record({ actor: user.username, action: 'auth.login', subjectType: 'user', subjectId: user.id, details: { ip: request.ip } });
      setSessionCookie(request, reply, token, deps.cookie);
      return { user: { id: user.id, username: user.username, role: user.role } };
    },
  );

  app.post(
    '/auth/logout',
    {
      config: { readOnlyAllowed: 'ends only the caller’s own session' },
      schema: {
        tags: ['auth'],
        summary: 'End the current session',
        response: { 204: z.null().describe('Logged out'), ...errorResponses(401, 403) },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const token = request.cookies[SESSION_COOKIE];
      if (principal.via === 'session' && token) {
        await sessions.deleteByToken(token);
        await auditLog.record({ actor: principal.username, action: 'auth.logout', subjectType: 'user', subjectId: principal.userId });
      }
      clearSessionCookie(request, reply, deps.cookie);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/auth/me',
    {
      schema: {
        tags: ['auth'],
        summary: 'The authenticated user with the role this request acts with, and whether a session or an API token authenticated it',
        response: { 200: z.object({ user: userSchema, via: z.enum(['session', 'token']) }), ...errorResponses(401) },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      return { user: { id: principal.userId, username: principal.username, role: principal.role }, via: principal.via };
    },
  );
};
