/**
 * Reads what went wrong below HTTP from the error Node's fetch (undici) throws: `TypeError: fetch
 * failed` whose `cause` carries a system error code. The distinction that matters is whether the
 * request may have reached the server: a refused connection or unknown host did not, so even a
 * POST can safely be sent again; a reset after connecting might have.
 */
export interface NetworkFailure {
  kind: 'dns' | 'refused' | 'tls' | 'blocked_port' | 'reset' | 'other';
  /** False only when we are sure no byte of the request reached the server. */
  maybeSent: boolean;
  /** System code (ENOTFOUND, ECONNREFUSED, UND_ERR_SOCKET, …) when known. */
  sysCode: string | undefined;
  detail: string;
  /** Trying again cannot help (a port fetch refuses to use, a bad certificate). */
  permanent: boolean;
}

function codeOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  const errors = (error as { errors?: unknown }).errors;
  if (Array.isArray(errors)) {
    for (const inner of errors) {
      const c = codeOf(inner);
      if (c !== undefined) return c;
    }
  }
  return undefined;
}

export function classifyNetworkFailure(error: unknown): NetworkFailure {
  let sysCode: string | undefined;
  let detail = error instanceof Error ? error.message : String(error);
  // Walk the cause chain: fetch wraps the socket error once, sometimes twice.
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current !== undefined && current !== null; depth += 1) {
    const code = codeOf(current);
    if (code !== undefined) sysCode = code;
    // The innermost message is the specific one ("bad port", "getaddrinfo ENOTFOUND x").
    if (depth > 0 && current instanceof Error && current.message !== '') detail = current.message;
    current = current instanceof Error ? current.cause : undefined;
  }
  // fetch refuses some ports outright (1, 21, 25, …: the WHATWG "bad port" list) without a code.
  if (sysCode === undefined && /bad port/i.test(detail)) return { kind: 'blocked_port', maybeSent: false, sysCode, detail, permanent: true };
  switch (sysCode) {
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_FAIL':
    case 'EAI_NONAME':
      return { kind: 'dns', maybeSent: false, sysCode, detail, permanent: false };
    case 'ECONNREFUSED':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EADDRNOTAVAIL':
      return { kind: 'refused', maybeSent: false, sysCode, detail, permanent: false };
    case 'CERT_HAS_EXPIRED':
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
    case 'EPROTO':
      return { kind: 'tls', maybeSent: false, sysCode, detail, permanent: true };
    case 'ECONNRESET':
    case 'EPIPE':
    case 'UND_ERR_SOCKET':
    case 'UND_ERR_CLOSED':
      return { kind: 'reset', maybeSent: true, sysCode, detail, permanent: false };
    default:
      return { kind: 'other', maybeSent: true, sysCode, detail, permanent: false };
  }
}
