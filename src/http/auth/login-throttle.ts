// Slows down password guessing. Failures are counted per (username, client IP); from the
// `freeAttempts`-th failure on, the pair is locked for a delay that doubles with each further
// failure (15 s, 30 s, 1 min … up to 15 min). While locked, login is refused with 429 without even
// checking the password, so a guesser learns nothing. A success clears the count.
// In memory, per process: enough for one `serve`; the map is bounded so a flood of usernames
// cannot grow it without limit.

export interface LoginThrottleOptions {
  freeAttempts?: number;
  baseLockMs?: number;
  maxLockMs?: number;
  /** Failures older than this are forgotten. */
  forgetAfterMs?: number;
  maxEntries?: number;
  now?: () => number;
}

interface Entry {
  failures: number;
  lockedUntil: number;
  lastFailureAt: number;
}

export class LoginThrottle {
  private readonly entries = new Map<string, Entry>();
  private readonly freeAttempts: number;
  private readonly baseLockMs: number;
  private readonly maxLockMs: number;
  private readonly forgetAfterMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(options: LoginThrottleOptions = {}) {
    this.freeAttempts = options.freeAttempts ?? 5;
    this.baseLockMs = options.baseLockMs ?? 15_000;
    this.maxLockMs = options.maxLockMs ?? 15 * 60_000;
    this.forgetAfterMs = options.forgetAfterMs ?? 60 * 60_000;
    this.maxEntries = options.maxEntries ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  private key(username: string, ip: string): string {
    return `${username.trim().toLowerCase()}\u0000${ip}`;
  }

  private live(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry && this.now() - entry.lastFailureAt > this.forgetAfterMs) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  /** Milliseconds the caller must wait before trying again; 0 when a try is allowed. */
  retryAfterMs(username: string, ip: string): number {
    const entry = this.live(this.key(username, ip));
    return entry ? Math.max(0, entry.lockedUntil - this.now()) : 0;
  }

  /** Records a wrong password; returns the lock now in force (0 when none). */
  fail(username: string, ip: string): number {
    const key = this.key(username, ip);
    const now = this.now();
    const entry = this.live(key) ?? { failures: 0, lockedUntil: 0, lastFailureAt: now };
    entry.failures += 1;
    entry.lastFailureAt = now;
    if (entry.failures >= this.freeAttempts) {
      const lockMs = Math.min(this.baseLockMs * 2 ** (entry.failures - this.freeAttempts), this.maxLockMs);
      entry.lockedUntil = now + lockMs;
    }
    // Re-insert so Map order is least-recently-failed first, then evict the oldest when full.
    this.entries.delete(key);
    this.entries.set(key, entry);
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
    return Math.max(0, entry.lockedUntil - now);
  }

  succeed(username: string, ip: string): void {
    this.entries.delete(this.key(username, ip));
  }
}
