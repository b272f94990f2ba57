// The figures of a "change → applied" workload: median, p95 and max of its latencies, next to what a
// change waited before (a pass on a schedule: it lands uniformly within the interval).
import type { Measurement } from '../measure.ts';

export const quantile = (sorted: number[], q: number): number => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? 0;

export function latencyFigure(name: string, latencies: number[], extra: Record<string, number | string>, scheduleMs: number): Measurement {
  const sorted = [...latencies].sort((a, b) => a - b);
  const median = quantile(sorted, 0.5);
  return {
    name,
    ms: median,
    calls: 0,
    peakRssMiB: process.memoryUsage().rss / 1024 / 1024,
    peakHeapMiB: process.memoryUsage().heapUsed / 1024 / 1024,
    heapGrowthMiB: 0,
    figures: {
      samples: sorted.length,
      medianMs: Math.round(median),
      p95Ms: Math.round(quantile(sorted, 0.95)),
      maxMs: Math.round(sorted[sorted.length - 1] ?? 0),
      ...extra,
      beforeMedianMs: scheduleMs / 2,
      beforeP95Ms: Math.round(scheduleMs * 0.95),
    },
  };
}
