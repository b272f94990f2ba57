// Concurrency limits per key with refusal (not queueing), as APIs with a thread limit behave:
// Autotask allows 3 requests in flight per (integration code × endpoint) and refuses the 4th.

export interface LimitStats {
  /** Requests slowed down by a throttling tier. */
  delayed: number;
  /** Requests refused because a request threshold / rate was exceeded. */
  refusedThreshold: number;
  /** Requests refused because the key already had its limit in flight. */
  refusedThreads: number;
  /** Highest number in flight seen per key. */
  peakThreads: Record<string, number>;
}

export class ThreadGate {
  readonly #inFlight = new Map<string, number>();
  readonly stats: LimitStats = { delayed: 0, refusedThreshold: 0, refusedThreads: 0, peakThreads: {} };

  tryEnter(key: string, limit: number): boolean {
    const n = this.#inFlight.get(key) ?? 0;
    if (n >= limit) return false;
    this.#inFlight.set(key, n + 1);
    if ((this.stats.peakThreads[key] ?? 0) < n + 1) this.stats.peakThreads[key] = n + 1;
    return true;
  }

  leave(key: string): void {
    const n = (this.#inFlight.get(key) ?? 1) - 1;
    if (n <= 0) this.#inFlight.delete(key);
    else this.#inFlight.set(key, n);
  }

  inFlight(): Record<string, number> {
    return Object.fromEntries(this.#inFlight);
  }
}
