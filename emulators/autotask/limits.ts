// Autotask's two limits (reference §A.4), which the kit does not model:
// - the request threshold: 10,000 requests per rolling 60 minutes per database, shared by every
//   integration, with added latency at 50 % and 75 % of it and refusal past 100 %;
// - the thread limit: at most 3 concurrent requests per (API tracking identifier × endpoint).
// Both run on the emulator clock, so advancing it through the control API empties the window.

export interface LimitSettings {
  /** Requests per timeframe before refusal (10,000 on a real database). */
  threshold: number;
  /** Minutes (the API reports 60). */
  timeframeMinutes: number;
  /** Delay added per request once usage reaches 50 % / 75 % of the threshold. */
  latencyAt50Ms: number;
  latencyAt75Ms: number;
  /** Concurrent requests per integration code and endpoint. */
  threadLimit: number;
  /** Extra time every authenticated request holds its thread; lets tests overlap requests. */
  workDelayMs: number;
}

export const defaultLimits = (): LimitSettings => ({
  threshold: 10_000,
  timeframeMinutes: 60,
  latencyAt50Ms: 500,
  latencyAt75Ms: 1000,
  threadLimit: 3,
  workDelayMs: 0,
});

/** Request timestamps in arrival order; old ones fall off the front. Memory is bounded by the threshold. */
export class RollingWindow {
  #times: number[] = [];
  #head = 0;

  count(nowMs: number, windowMs: number): number {
    const cutoff = nowMs - windowMs;
    while (this.#head < this.#times.length && (this.#times[this.#head] as number) <= cutoff) this.#head++;
    if (this.#head > 4096 && this.#head * 2 > this.#times.length) {
      this.#times = this.#times.slice(this.#head);
      this.#head = 0;
    }
    return this.#times.length - this.#head;
  }

  add(nowMs: number): void {
    this.#times.push(nowMs);
  }

  /** When the oldest request in the window leaves it (for Retry-After). */
  oldest(): number | undefined {
    return this.#times[this.#head];
  }

  clear(): void {
    this.#times = [];
    this.#head = 0;
  }
}

export interface LimitStats {
  delayed: number;
  refusedThreshold: number;
  refusedThreads: number;
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
