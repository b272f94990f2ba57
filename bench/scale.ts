/**
 * How big a benchmark run is. `full` is what the figures in docs/performance.md are measured at
 * (10,000 customers); `quick` (`npm run bench -- --quick`) checks a change in a few minutes; `smoke`
 * is the smallest size, run by test/bench.int.test.ts so that a change which breaks a workload fails
 * CI instead of being found at the next measurement.
 */
export interface BenchScale {
  name: 'full' | 'quick' | 'smoke';
  /**
   * `--first-provisioning`: the sync workloads stop after the first provisioning pass (directory,
   * mapping, provisioning), the figure the 10,000 goal is about; the usage write-back that follows
   * takes minutes more under Autotask's threshold and measures something else.
   */
  firstProvisioningOnly?: boolean;
  /** Customers of the emulators' `large` datasets (tenants, companies). */
  customers: number;
  alerts: {
    perMinute: number;
    minutes: number;
    /** Mapped customers the alerts are spread over. */
    customers: number;
    /** The alerts loop's schedule (the default is a pass a minute). */
    scheduleMs: number;
    /** The watch's poll between passes (the default is 3 s). */
    watchMs: number;
    /** How long the feed is watched with no alerts, to count what a quiet day costs. */
    quietMs: number;
  };
}

export const BENCH_SCALES: Record<BenchScale['name'], BenchScale> = {
  full: { name: 'full', customers: 10_000, alerts: { perMinute: 1000, minutes: 1, customers: 200, scheduleMs: 60_000, watchMs: 3_000, quietMs: 30_000 } },
  quick: { name: 'quick', customers: 1000, alerts: { perMinute: 600, minutes: 0.5, customers: 50, scheduleMs: 60_000, watchMs: 3_000, quietMs: 15_000 } },
  smoke: { name: 'smoke', customers: 20, alerts: { perMinute: 300, minutes: 0.05, customers: 5, scheduleMs: 6_000, watchMs: 1_000, quietMs: 3_000 } },
};

/** The emulator CLI arguments of a `large` dataset at this scale. */
export function largeSeedArgs(scale: BenchScale): string[] {
  return ['--seed', 'large', '--size', String(scale.customers)];
}

/** `10,000` for names of measurements. */
export function count(n: number): string {
  return n.toLocaleString('en');
}

export type Workload = (scale: BenchScale) => Promise<import('./measure.ts').Measurement[]>;
