// Authentication of /api/v1: an API token (`Authorization: Bearer psab_…`) for automation, or the
// portal's session cookie. Every route is protected unless its config says `public: true`.
//
// CSRF: a request authenticated by the cookie with an unsafe method (POST, PUT, PATCH, DELETE) must
// carry the header `X-Requested-With` (any value; the portal sends `psa-bridge`). A cross-site page
// cannot add a custom header without a CORS preflight, which this server never grants, so the header
// proves the request came from our own origin. SameSite=Lax already keeps the cookie off cross-site
// POSTs in current browsers; the header covers older ones and same-site subdomains. Token requests
// are exempt: browsers never attach a bearer token on their own.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../api-error.ts';
import type { Store } from '../../store/store.ts';
import { effectiveRole } from '../../domain/roles.ts';
import type { Principal } from './principal.ts';
import { clearSessionCookie, SESSION_COOKIE, setSessionCookie, type SessionCookieSettings } from './session-cookie.ts';

export const CSRF_HEADER = 'x-requested-with';
const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

const HOW_TO_AUTHENTICATE =
  'log in with POST /api/v1/auth/login, or send an API token as "Authorization: Bearer <token>"';

export function createAuthenticator(options: { store: Pick<Store, 'repos'>; cookie: SessionCookieSettings }) {
  const { users, sessions, apiTokens } = options.store.repos;

  async function byToken(header: string): Promise<Principal> {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) {
      throw new ApiError(401, 'unauthenticated', 'The Authorization header must have the form "Bearer <token>"');
    }
    const apiToken = await apiTokens.verify(match[1]!);
    const user = apiToken && (await users.get(apiToken.userId));
    if (!apiToken || !user) {
      throw new ApiError(401, 'invalid_token', 'The API token is not valid: it was revoked or mistyped. Create a new one with POST /api/v1/tokens');
    }
    if (user.disabledAt !== null) {
      throw new ApiError(401, 'user_disabled', `The API token belongs to the user "${user.username}", who is disabled; an administrator can enable the user again`);
    }
    return {
      userId: user.id,
      username: user.username,
      via: 'token',
      role: effectiveRole(user.role, apiToken.role),
      tokenId: apiToken.id,
      tokenName: apiToken.name,
    };
  }

  return async function authenticate(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    if (request.routeOptions.config?.public) return;

    const authorization = request.headers.authorization;
    if (authorization !== undefined) {
      request.principal = await byToken(authorization);
      return;
    }

    const token = request.cookies[SESSION_COOKIE];
    if (!token) throw new ApiError(401, 'unauthenticated', `Authentication required: ${HOW_TO_AUTHENTICATE}`);
    const session = await sessions.findByToken(token);
    const user = session && (await users.get(session.userId));
    if (!session || !user) {
      clearSessionCookie(request, reply, options.cookie);
      throw new ApiError(401, 'session_expired', 'Your session has expired or was ended; log in again');
    }
    if (user.disabledAt !== null) {
      clearSessionCookie(request, reply, options.cookie);
      throw new ApiError(401, 'user_disabled', `The user "${user.username}" is disabled; an administrator can enable it again`);
    }
    if (UNSAFE_METHODS.has(request.method) && !request.headers[CSRF_HEADER]) {
      throw new ApiError(
        403,
        'csrf_header_missing',
        `Requests authenticated by the session cookie that change data must send the header "X-Requested-With: psa-bridge" (or use an API token)`,
      );
    }
    // Sliding expiry, written at most once per half-lifetime rather than on every request.
    const remainingMs = Date.parse(session.expiresAt) - Date.now();
    if (remainingMs < options.cookie.ttlMs / 2) {
      await sessions.extend(token, options.cookie.ttlMs);
      setSessionCookie(request, reply, token, options.cookie);
    }
    request.principal = { userId: user.id, username: user.username, via: 'session', role: user.role };
  };
}

/** The authenticated principal of a protected route (the hook guarantees it). */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new ApiError(401, 'unauthenticated', `Authentication required: ${HOW_TO_AUTHENTICATE}`);
  return request.principal;
}
