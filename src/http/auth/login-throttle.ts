// Slows down password guessing. Attempts are counted per (username, client IP); from the
// `freeAttempts`-th attempt without a success on, the pair is locked for a delay that doubles with
// each further one (15 s, 30 s, 1 min … up to 15 min). While locked, login is refused with 429
// without checking the password, so a guesser learns nothing. A success clears the count.
//
// An attempt is *reserved* (counted) before the password is checked, in one serialised database
// step, and the count lives in the database: concurrent guesses cannot all slip in between a read
// and a write (at most `freeAttempts` of any burst are checked), a restart does not reset the count,
// and every process of a scaled-out hub sees the same one.
import { createHash } from 'node:crypto';
import type { LoginThrottleRepository, ThrottleEntry } from '../../store/repositories/login-throttle.ts';

export interface LoginThrottlePolicy {
  freeAttempts: number;
  baseLockMs: number;
  maxLockMs: number;
  /** Attempts older than this are forgotten. */
  forgetAfterMs: number;
}

export interface LoginThrottleOptions extends Partial<LoginThrottlePolicy> {
  now?: () => number;
}

export const DEFAULT_LOGIN_THROTTLE: LoginThrottlePolicy = {
  freeAttempts: 5,
  baseLockMs: 15_000,
  maxLockMs: 15 * 60_000,
  forgetAfterMs: 60 * 60_000,
};

export type AttemptDecision = { allowed: true; entry: ThrottleEntry } | { allowed: false; retryAfterMs: number; entry?: undefined };

/**
 * Pure: whether one more attempt may be checked given what is recorded, and what to record if so.
 * The attempt is counted as a failure up front; a success clears it afterwards.
 */
export function reserveAttempt(recorded: ThrottleEntry | undefined, now: number, policy: LoginThrottlePolicy): AttemptDecision {
  const live = recorded !== undefined && now - recorded.lastAttemptAt <= policy.forgetAfterMs ? recorded : undefined;
  if (live !== undefined && live.lockedUntil > now) return { allowed: false, retryAfterMs: live.lockedUntil - now };
  const failures = (live?.failures ?? 0) + 1;
  const lockedUntil =
    failures >= policy.freeAttempts ? now + Math.min(policy.baseLockMs * 2 ** (failures - policy.freeAttempts), policy.maxLockMs) : 0;
  return { allowed: true, entry: { failures, lockedUntil, lastAttemptAt: now } };
}

export class LoginThrottle {
  private readonly policy: LoginThrottlePolicy;
  private readonly now: () => number;

  constructor(
    private readonly repository: LoginThrottleRepository,
    options: LoginThrottleOptions = {},
  ) {
    const { now, ...policy } = options;
    this.policy = { ...DEFAULT_LOGIN_THROTTLE, ...Object.fromEntries(Object.entries(policy).filter(([, v]) => v !== undefined)) };
    this.now = now ?? Date.now;
  }

  // Hashed: the table need not hold what people typed as a username.
  private key(username: string, ip: string): string {
    return createHash('sha256').update(`${username.trim().toLowerCase()}\u0000${ip}`, 'utf8').digest('hex');
  }

  /** Counts one attempt; `retryAfterMs` > 0 means refuse it without checking the password. */
  async reserve(username: string, ip: string): Promise<{ retryAfterMs: number }> {
    const decision = await this.repository.update(this.key(username, ip), (recorded) => reserveAttempt(recorded, this.now(), this.policy));
    return { retryAfterMs: decision.allowed ? 0 : decision.retryAfterMs };
  }

  /** The right password: the count starts again. */
  async succeed(username: string, ip: string): Promise<void> {
    await this.repository.clear(this.key(username, ip));
  }

  /** Drops counts nobody has added to for longer than they are remembered. */
  async prune(): Promise<number> {
    return this.repository.deleteIdleSince(this.now() - this.policy.forgetAfterMs);
  }
}
