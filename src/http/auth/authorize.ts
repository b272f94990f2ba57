// Authorization of /api/v1 by role, in one place: a read-only principal may call every GET (and
// HEAD), and nothing else unless the route's config says `readOnlyAllowed` with its reason. The hook
// runs for every route of the scope it is installed in, children included, so a route added later
// is guarded without a word in its file. `guardedRoutes` lists each route the scope registered with
// its policy, so a test can prove that none escapes (test/security/read-only-role.int.test.ts).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError } from '../api-error.ts';
import { ROLE_LABELS } from '../../domain/roles.ts';

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface GuardedRoute {
  method: string;
  url: string;
  /** 'read': any role; 'write': admins only; 'allowed': a non-GET a read-only principal may call; 'public': no sign-in (login). */
  policy: 'read' | 'write' | 'allowed' | 'public';
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The routes the role guard covers, as registered (authorize.ts). */
    guardedRoutes?: GuardedRoute[];
  }
}

function policyOf(method: string, readOnlyAllowed: string | undefined): GuardedRoute['policy'] {
  if (READ_METHODS.has(method)) return 'read';
  return readOnlyAllowed === undefined ? 'write' : 'allowed';
}

/** Refuses a read-only principal's change with 403 `read_only`. Runs after authentication. */
export async function authorize(request: FastifyRequest): Promise<void> {
  const principal = request.principal;
  if (principal === undefined || principal.role === 'admin') return;
  if (policyOf(request.method, request.routeOptions.config?.readOnlyAllowed) !== 'write') return;
  const who = principal.via === 'token' ? `The API token "${principal.tokenName ?? principal.tokenId}"` : `The user "${principal.username}"`;
  throw new ApiError(
    403,
    'read_only',
    `${who} is ${ROLE_LABELS.read_only.toLowerCase()}: it may read everything but change nothing (${request.method} ${request.routeOptions.url ?? request.url}). Ask an administrator to make the change, or to give you the administrator role`,
  );
}

/** Installs the guard on `scope` (after its authentication hook) and records the routes it covers. */
export function installRoleGuard(scope: FastifyInstance, registry: GuardedRoute[]): void {
  scope.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const config = route.config as { readOnlyAllowed?: string; public?: boolean } | undefined;
    for (const method of methods) {
      registry.push({ method, url: route.url, policy: config?.public === true ? 'public' : policyOf(method, config?.readOnlyAllowed) });
    }
  });
  scope.addHook('onRequest', authorize);
}
