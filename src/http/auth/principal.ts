// Who is making a request, once authenticated, and how.
export interface Principal {
  userId: string;
  username: string;
  via: 'session' | 'token';
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
  }
}
