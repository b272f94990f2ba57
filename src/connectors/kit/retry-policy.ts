import type { ConnectorErrorCode } from './errors.ts';

/**
 * Retry settings are data so each connector (and each integration's settings) can tune them
 * without code: Autotask wants patience on its hourly threshold, Acronis says "retry 5xx twice".
 */
export interface RetryPolicy {
  /** Total attempts, the first included. 1 = never retry. */
  maxAttempts: number;
  /** Backoff base: attempt n (1-based) waits a random time in [0, min(maxDelayMs, baseDelayMs·2^(n-1))]. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Error codes worth another attempt. */
  retryOn: readonly ConnectorErrorCode[];
  /**
   * The longest Retry-After we are willing to sleep through inside one call. A longer one fails the
   * call at once with `rate_limited` and `retryAfterMs`, so the job scheduler (not a sleeping
   * request) waits; Autotask's hourly threshold can ask for many minutes.
   */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 4,
  baseDelayMs: 250,
  maxDelayMs: 8_000,
  retryOn: ['rate_limited', 'unavailable', 'timeout', 'unreachable'],
  maxRetryAfterMs: 60_000,
};

export const NO_RETRY: RetryPolicy = { ...DEFAULT_RETRY_POLICY, maxAttempts: 1 };

/** Full jitter (AWS architecture blog): spreads retrying clients evenly instead of in waves. */
export function backoffDelayMs(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}

/**
 * Retry-After is either delta-seconds or an HTTP date (RFC 9110 §10.2.3). Returns milliseconds
 * from `nowMs`, never negative, or undefined when absent or unreadable.
 */
export function parseRetryAfter(value: string | null | undefined, nowMs: number = Date.now()): number | undefined {
  if (value === null || value === undefined) return undefined;
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}
