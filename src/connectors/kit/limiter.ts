/**
 * Caps concurrency and request rate towards one remote system. Autotask allows 3 concurrent
 * threads per integration, Gradient 100 requests per second; Acronis publishes no limit, so its
 * client runs without one unless configured. Hand-written because it is 60 lines and the
 * behaviour (FIFO, sliding window) must be obvious when reading a rate-limit incident.
 */
export interface LimiterOptions {
  /** At most this many `run` callbacks at once. */
  maxConcurrent?: number;
  /** At most `maxPerInterval` starts in any window of `intervalMs` (sliding window). */
  maxPerInterval?: number;
  intervalMs?: number;
  now?: () => number;
}

export interface Limiter {
  run<T>(task: () => Promise<T>): Promise<T>;
  /** Tasks waiting for a slot. */
  readonly pending: number;
  readonly active: number;
}

export function createLimiter(options: LimiterOptions = {}): Limiter {
  const maxConcurrent = options.maxConcurrent ?? Number.POSITIVE_INFINITY;
  const maxPerInterval = options.maxPerInterval ?? Number.POSITIVE_INFINITY;
  const intervalMs = options.intervalMs ?? 1000;
  const now = options.now ?? Date.now;
  const queue: (() => void)[] = [];
  const starts: number[] = [];
  let active = 0;
  let timer: NodeJS.Timeout | undefined;

  const pump = (): void => {
    while (queue.length > 0 && active < maxConcurrent) {
      const t = now();
      while (starts.length > 0 && (starts[0] ?? 0) <= t - intervalMs) starts.shift();
      if (starts.length >= maxPerInterval) {
        if (timer === undefined) {
          const wait = Math.max(1, (starts[0] ?? t) + intervalMs - t);
          timer = setTimeout(() => {
            timer = undefined;
            pump();
          }, wait);
        }
        return;
      }
      starts.push(t);
      active += 1;
      queue.shift()?.();
    }
  };

  return {
    run: <T>(task: () => Promise<T>): Promise<T> =>
      new Promise<T>((resolve, reject) => {
        queue.push(() => {
          task()
            .then(resolve, reject)
            .finally(() => {
              active -= 1;
              pump();
            });
        });
        pump();
      }),
    get pending() {
      return queue.length;
    },
    get active() {
      return active;
    },
  };
}
