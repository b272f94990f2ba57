// Request timestamps in a rolling window (emulator clock), for request thresholds and rate limits:
// Autotask's 10,000 per hour, ConnectWise's 429 + Retry-After. Memory is bounded by what the window holds.

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

  /** When the oldest request in the window entered it (for Retry-After). Call count() first. */
  oldest(): number | undefined {
    return this.#times[this.#head];
  }

  clear(): void {
    this.#times = [];
    this.#head = 0;
  }
}
