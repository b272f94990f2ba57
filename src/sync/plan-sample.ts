/**
 * The plan entries a loop returns. A dry run returns all of them (a person reads that plan); an
 * applied pass has already written what it planned and stored its problems (plan_problems), so it
 * keeps the first `limit` entries as a sample and counts the rest. A first provisioning pass at
 * 10,000 companies otherwise held every company's plan, decisions and quota pairs to the end of the
 * pass: measured at 10,000 with a heap snapshot, most of the live heap (docs/performance.md).
 */
export interface PlanSample<T> {
  /** Keeps the entry if there is room; an entry already kept is not kept twice. */
  add(entry: T): void;
  /** The entries kept, in the order they were added. */
  readonly entries: T[];
  /** Entries offered but left out for want of room. */
  readonly omitted: number;
}

/** An applied pass's sample: enough for the run's CLI output and a person reading the last run. */
export const APPLIED_PLAN_SAMPLE = 100;

export function createPlanSample<T>(limit: number): PlanSample<T> {
  const kept = new Set<T>();
  let omitted = 0;
  return {
    add(entry) {
      if (kept.has(entry)) return;
      if (kept.size < limit) kept.add(entry);
      else omitted += 1;
    },
    get entries() {
      return [...kept];
    },
    get omitted() {
      return omitted;
    },
  };
}
