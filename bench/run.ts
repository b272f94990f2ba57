/**
 * `npm run bench [-- [--quick] [--first-provisioning] [<filter>]]`: runs the named workloads and prints their figures
 * (time, API calls, memory). Benchmarks measure; they assert nothing. `--quick` runs every workload
 * on a smaller dataset (a few minutes in all) so a change can be checked before it lands. Results are
 * also written to bench/results/latest.json so a change can be compared with the last run.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { formatMeasurement, type Measurement } from './measure.ts';
import { BENCH_SCALES } from './scale.ts';
import { workloads } from './workloads/index.ts';

const args = process.argv.slice(2);
const scale = { ...(args.includes('--quick') ? BENCH_SCALES.quick : BENCH_SCALES.full), firstProvisioningOnly: args.includes('--first-provisioning') };
const filter = args.find((a) => !a.startsWith('--'));
const selected = Object.entries(workloads).filter(([name]) => !filter || name.includes(filter));
if (selected.length === 0) {
  console.error(`no workload matches "${filter}"; workloads: ${Object.keys(workloads).join(', ')}`);
  process.exit(2);
}
if (!globalThis.gc) console.warn('run with --expose-gc (npm run bench does) for steadier memory figures');

const all: Record<string, Measurement[]> = {};
for (const [name, run] of selected) {
  console.log(`\n${name} (${scale.name}: ${scale.customers.toLocaleString('en')} customers)`);
  const results = await run(scale);
  for (const result of results) console.log(`  ${formatMeasurement(result)}`);
  all[name] = results;
}
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(new URL('./results/latest.json', import.meta.url), `${JSON.stringify({ at: new Date().toISOString(), node: process.version, scale: scale.name, results: all }, null, 2)}\n`);
