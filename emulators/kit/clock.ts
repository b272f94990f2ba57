// One clock per emulator, so the control API can move time forward (token expiry, "N days without
// backup") without the tests sleeping.

export interface Clock {
  /** Milliseconds since the epoch, real time plus any advance. */
  nowMs(): number;
  /**
   * Nanoseconds since the epoch, strictly increasing across calls: some APIs use a nanosecond
   * `updatedAt` as a polling cursor, and two changes must never share one.
   */
  nowNs(): bigint;
  advance(ms: number): void;
  /** Back to real time (used when an emulator is re-seeded). */
  reset(): void;
  readonly offsetMs: number;
}

export function createClock(): Clock {
  let offsetMs = 0;
  let lastNs = 0n;
  // hrtime gives sub-millisecond resolution; anchor it to the wall clock once.
  const anchorNs = BigInt(Date.now()) * 1_000_000n - process.hrtime.bigint();
  return {
    nowMs: () => Date.now() + offsetMs,
    nowNs: () => {
      let ns = anchorNs + process.hrtime.bigint() + BigInt(offsetMs) * 1_000_000n;
      if (ns <= lastNs) ns = lastNs + 1n;
      lastNs = ns;
      return ns;
    },
    advance: (ms) => {
      if (!Number.isFinite(ms) || ms < 0) throw new Error('the clock only moves forward');
      offsetMs += ms;
    },
    reset: () => {
      // Keep nanoseconds monotonic even when the offset goes back to 0.
      offsetMs = 0;
    },
    get offsetMs() {
      return offsetMs;
    },
  };
}

/** RFC 3339 with nine fractional digits, e.g. 2025-10-24T15:19:15.216375706Z */
export function formatNanos(ns: bigint): string {
  const ms = ns / 1_000_000n;
  const base = new Date(Number(ms)).toISOString().slice(0, 19);
  const frac = (ns % 1_000_000_000n).toString().padStart(9, '0');
  return `${base}.${frac}Z`;
}

/** RFC 3339 to whole seconds, e.g. 2025-10-24T15:19:15Z */
export function formatSeconds(ns: bigint): string {
  return new Date(Number(ns / 1_000_000n)).toISOString().slice(0, 19) + 'Z';
}
