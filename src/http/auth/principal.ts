// Who is making a request, once authenticated, and how.
import type { Role } from '../../domain/roles.ts';

export interface Principal {
  userId: string;
  username: string;
  via: 'session' | 'token';
  /** What the request may do: the user's role, lowered to the token's (src/domain/roles.ts). */
  role: Role;
  /** The API token's id and name when `via` is 'token'. */
  tokenId?: string;
  tokenName?: string;
}

/** The actor written to the audit log: a username, or `token:<name>` for automation. */
export function actorOf(principal: Principal): string {
  return principal.via === 'token' ? `token:${principal.tokenName ?? principal.tokenId}` : principal.username;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
  interface FastifyContextConfig {
    /** Reachable without a session or token (only login). */
    public?: boolean;
    /**
     * A non-GET route a read-only principal may call, with the reason (it changes only the caller's
     * own sign-in, or it computes without storing anything). Everything else that is not a GET
     * answers 403 to them (auth/authorize.ts).
     */
    readOnlyAllowed?: string;
  }
}
