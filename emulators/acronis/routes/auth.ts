// OAuth2 token endpoint (reference §1) and the Bearer check in front of every other API route.
import { randomBytes, randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { EmulatorContext } from '../../kit/server.ts';
import { ApiError, OAuthError, unauthorized } from '../errors.ts';
import type { AcronisState, TokenRecord } from '../state.ts';

export const TOKEN_TTL_SECONDS = 2 * 60 * 60;

const callers = new WeakMap<FastifyRequest, TokenRecord>();

/** The token record of an authenticated request. */
export function callerOf(request: FastifyRequest): TokenRecord {
  const caller = callers.get(request);
  if (!caller) throw unauthorized('Not authenticated.');
  return caller;
}

export function setCaller(request: FastifyRequest, caller: TokenRecord): void {
  callers.set(request, caller);
}

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** JWT-shaped but opaque to us: the emulator only trusts its own token table. */
function mintJwt(issuer: string, claims: Record<string, unknown>): string {
  return `${b64url({ alg: 'RS256', typ: 'JWT', kid: 'emulator' })}.${b64url({ iss: issuer, jti: randomUUID(), ...claims })}.${randomBytes(32).toString('base64url')}`;
}

export function issueToken(ctx: EmulatorContext<AcronisState>, clientId: string, tenantId: string) {
  const nowSec = Math.floor(ctx.clock.nowMs() / 1000);
  const exp = nowSec + TOKEN_TTL_SECONDS;
  const claims = { sub: clientId, sub_type: 'api_client', tenant_id: tenantId, iat: nowSec, exp };
  const accessToken = mintJwt(ctx.url, claims);
  ctx.state.tokens.set(accessToken, { client_id: clientId, tenant_id: tenantId, exp, revoked: false });
  return { access_token: accessToken, token_type: 'bearer', expires_on: exp, id_token: mintJwt(ctx.url, { ...claims, aud: clientId }) };
}

function basicCredentials(request: FastifyRequest): { user: string; password: string } | undefined {
  const header = request.headers.authorization;
  if (!header || !/^basic /i.test(header)) return undefined;
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  // Clients URL-encode per RFC 6749 §2.3.1; ids and hex secrets are unaffected either way.
  return { user: decodeURIComponent(decoded.slice(0, colon)), password: decodeURIComponent(decoded.slice(colon + 1)) };
}

/** The live token a Bearer header carries, or a 401. */
export function bearerCaller(ctx: EmulatorContext<AcronisState>, request: FastifyRequest): TokenRecord {
  const header = request.headers.authorization;
  if (!header) throw unauthorized('Authorization header is missing.');
  const match = /^bearer\s+(.+)$/i.exec(header);
  if (!match) throw unauthorized('Unsupported authorization scheme; use a Bearer token.');
  const token = ctx.state.tokens.get((match[1] as string).trim());
  if (!token || token.revoked) throw unauthorized('The access token is invalid.');
  if (token.exp * 1000 <= ctx.clock.nowMs()) throw unauthorized('The access token has expired.');
  const client = ctx.state.clients.get(token.client_id);
  if (client && client.status !== 'enabled') throw unauthorized('The API client is disabled.');
  if (!ctx.state.liveTenant(token.tenant_id)) throw unauthorized('The tenant of this token no longer exists.');
  return token;
}

export function authRoutes(app: FastifyInstance, ctx: EmulatorContext<AcronisState>): void {
  app.post('/api/2/idp/token', async (request, reply) => {
    const contentType = request.headers['content-type'] ?? '';
    if (!contentType.toLowerCase().startsWith('application/x-www-form-urlencoded')) {
      throw new OAuthError(400, 'invalid_request', 'InvalidRequest', 'The token request must be application/x-www-form-urlencoded.');
    }
    const form = (request.body ?? {}) as Record<string, string>;
    const grantType = form.grant_type;
    if (!grantType) throw new OAuthError(400, 'invalid_request', 'InvalidRequest', 'grant_type is required.');

    if (grantType === 'client_credentials') {
      const basic = basicCredentials(request);
      const client = basic ? ctx.state.clients.get(basic.user) : undefined;
      if (!basic || !client || client.client_secret !== basic.password || client.status !== 'enabled') {
        throw new OAuthError(401, 'invalid_client', 'InvalidClient', 'Client authentication failed.');
      }
      if (!ctx.state.liveTenant(client.tenant_id)) throw new OAuthError(401, 'invalid_client', 'InvalidClient', 'The client tenant no longer exists.');
      client.last_access_at = ctx.clock.nowMs();
      return reply.send(issueToken(ctx, client.client_id, client.tenant_id));
    }

    if (grantType === 'urn:ietf:params:oauth:grant-type:jwt-bearer') {
      // Customer-scoped token: exchange a token for one limited to a tenant below its own.
      const assertion = ctx.state.tokens.get(form.assertion ?? '');
      if (!assertion || assertion.revoked || assertion.exp * 1000 <= ctx.clock.nowMs()) {
        throw new OAuthError(400, 'invalid_grant', 'InvalidGrant', 'The assertion is not a valid access token.');
      }
      const scope = /urn:acronis\.com:tenant-id:([0-9a-fA-F-]{36})/.exec(form.scope ?? '');
      const target = scope ? ctx.state.liveTenant(scope[1] as string) : undefined;
      if (!target || !ctx.state.isWithin(target.id, assertion.tenant_id)) {
        throw new OAuthError(400, 'invalid_scope', 'InvalidScope', 'scope must be urn:acronis.com:tenant-id:<uuid> of a tenant in your subtree.');
      }
      return reply.send(issueToken(ctx, assertion.client_id, target.id));
    }

    throw new OAuthError(400, 'unsupported_grant_type', 'UnsupportedGrantType', `Grant type '${grantType}' is not supported by the emulator.`);
  });
}

/** onRequest hook for a Bearer-protected scope. */
export function requireBearer(ctx: EmulatorContext<AcronisState>) {
  return async (request: FastifyRequest) => {
    setCaller(request, bearerCaller(ctx, request));
  };
}

/** For routes that also take HTTP Basic with an activated user's login and password (POST /clients). */
export function basicUser(ctx: EmulatorContext<AcronisState>, request: FastifyRequest, hash: (p: string) => string) {
  const basic = basicCredentials(request);
  if (!basic) return undefined;
  const user = ctx.state.usersByLogin.get(basic.user.toLowerCase());
  if (!user || !user.activated || !user.enabled || user.passwordHash !== hash(basic.password)) {
    throw new ApiError(401, 401, 'Invalid login or password.');
  }
  return user;
}
