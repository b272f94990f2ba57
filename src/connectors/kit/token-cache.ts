export interface IssuedToken {
  token: string;
  /** Absolute expiry, epoch milliseconds. */
  expiresAtMs: number;
}

export interface TokenCacheOptions {
  fetchToken: () => Promise<IssuedToken>;
  /**
   * Renew when less than this remains (Acronis samples use 900 s). For tokens that live shorter
   * than twice this margin we renew at half-life instead, so a short-lived token is still reused.
   */
  renewBeforeMs?: number;
  now?: () => number;
}

export interface TokenCache {
  /** A valid token; concurrent callers share one renewal (single flight). */
  get(): Promise<string>;
  /**
   * Called after the remote system answered 401 with `token`: forget it so the next `get()`
   * renews. A token other than the current one is ignored, so N concurrent 401s cause one renewal.
   */
  invalidate(token: string): void;
  clear(): void;
}

export function createTokenCache(options: TokenCacheOptions): TokenCache {
  const renewBeforeMs = options.renewBeforeMs ?? 900_000;
  const now = options.now ?? Date.now;
  let current: { token: string; renewAtMs: number } | undefined;
  let inFlight: Promise<string> | undefined;

  const renew = (): Promise<string> => {
    inFlight ??= (async () => {
      try {
        const issuedAt = now();
        const issued = await options.fetchToken();
        const lifetime = Math.max(0, issued.expiresAtMs - issuedAt);
        const margin = Math.min(renewBeforeMs, lifetime / 2);
        current = { token: issued.token, renewAtMs: issued.expiresAtMs - margin };
        return issued.token;
      } finally {
        inFlight = undefined;
      }
    })();
    return inFlight;
  };

  return {
    get: async () => {
      if (current !== undefined && now() < current.renewAtMs) return current.token;
      return renew();
    },
    invalidate: (token) => {
      if (current?.token === token) current = undefined;
    },
    clear: () => {
      current = undefined;
    },
  };
}
