/**
 * Runs one workload and measures what the benchmarks report: wall time, API calls (counted by the
 * connector's call observer), and memory (peak RSS and peak heap, sampled every 10 ms, after a GC
 * so earlier workloads do not count against this one).
 */
export interface Measurement {
  name: string;
  ms: number;
  /** CPU seconds the bench's process spent (user + system): steadier than wall time on a shared machine. */
  cpuS?: number;
  calls: number;
  peakRssMiB: number;
  peakHeapMiB: number;
  heapGrowthMiB: number;
  figures: Record<string, number | string>;
}

const MiB = 1024 * 1024;

export async function measure(
  name: string,
  work: () => Promise<Record<string, number | string>>,
  calls: () => number,
): Promise<Measurement> {
  globalThis.gc?.();
  const before = process.memoryUsage();
  let peakRss = before.rss;
  let peakHeap = before.heapUsed;
  const sampler = setInterval(() => {
    const now = process.memoryUsage();
    peakRss = Math.max(peakRss, now.rss);
    peakHeap = Math.max(peakHeap, now.heapUsed);
  }, 10);
  const callsBefore = calls();
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  try {
    const figures = await work();
    const ms = performance.now() - started;
    const cpu = process.cpuUsage(cpuBefore);
    const after = process.memoryUsage();
    peakRss = Math.max(peakRss, after.rss);
    peakHeap = Math.max(peakHeap, after.heapUsed);
    globalThis.gc?.();
    return {
      name,
      ms,
      cpuS: (cpu.user + cpu.system) / 1e6,
      calls: calls() - callsBefore,
      peakRssMiB: peakRss / MiB,
      peakHeapMiB: peakHeap / MiB,
      heapGrowthMiB: (process.memoryUsage().heapUsed - before.heapUsed) / MiB,
      figures,
    };
  } finally {
    clearInterval(sampler);
  }
}

export function formatMeasurement(m: Measurement): string {
  const extra = Object.entries(m.figures)
    .map(([k, v]) => `${k}=${typeof v === 'number' ? Math.round(v * 100) / 100 : v}`)
    .join(' ');
  return `${m.name.padEnd(48)} ${(m.ms / 1000).toFixed(2).padStart(7)} s${m.cpuS === undefined ? '' : ` (cpu ${m.cpuS.toFixed(1)} s)`}  ${String(m.calls).padStart(6)} calls  peak RSS ${m.peakRssMiB.toFixed(0).padStart(4)} MiB  peak heap ${m.peakHeapMiB.toFixed(0).padStart(4)} MiB  retained ${m.heapGrowthMiB.toFixed(1).padStart(6)} MiB  ${extra}`;
}
