/**
 * `npm run bench [-- <filter>]`: runs the named workloads and prints their figures (time, API calls,
 * memory). Benchmarks measure; they assert nothing. Results are also written to
 * bench/results/latest.json so a change can be compared with the last run.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { formatMeasurement, type Measurement } from './measure.ts';
import { acronisLarge } from './workloads/acronis-large.ts';
import { alertsToTickets } from './workloads/alerts-to-tickets.ts';
import { connectwiseLarge } from './workloads/connectwise-large.ts';
import { syncLarge } from './workloads/sync-large.ts';

const workloads: Record<string, () => Promise<Measurement[]>> = {
  'acronis-large': acronisLarge,
  'alerts-to-tickets': alertsToTickets,
  'connectwise-large': connectwiseLarge,
  'sync-large': syncLarge,
};

const filter = process.argv[2];
const selected = Object.entries(workloads).filter(([name]) => !filter || name.includes(filter));
if (selected.length === 0) {
  console.error(`no workload matches "${filter}"; workloads: ${Object.keys(workloads).join(', ')}`);
  process.exit(2);
}
if (!globalThis.gc) console.warn('run with --expose-gc (npm run bench does) for steadier memory figures');

const all: Record<string, Measurement[]> = {};
for (const [name, run] of selected) {
  console.log(`\n${name}`);
  const results = await run();
  for (const result of results) console.log(`  ${formatMeasurement(result)}`);
  all[name] = results;
}
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(new URL('./results/latest.json', import.meta.url), `${JSON.stringify({ at: new Date().toISOString(), node: process.version, results: all }, null, 2)}\n`);
