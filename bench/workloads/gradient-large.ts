import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCallCounter, type CallRecord } from '../../src/connectors/kit/call-metrics.ts';
import { runAccountPush } from '../../src/sync/billing/account-push.ts';
import { runCountPush } from '../../src/sync/billing/count-push.ts';
import { startGradientHubHarness } from '../../test/gradient/harness.ts';
import type { TestDatabase } from '../../test/support/databases.ts';
import { measure, type Measurement } from '../measure.ts';
import { count, type BenchScale } from '../scale.ts';

/**
 * Gradient Synthesize at scale: 10,000 customer tenants pushed as accounts with their services and
 * unit counts, first pass and an unchanged pass — time, Gradient calls, peak memory, and the highest
 * number of Gradient requests in any one second (Gradient answers 429 above 100 per second, so it
 * must stay under). Both emulators run in this process; the store is SQLite in a temp dir.
 */
export async function gradientLarge(scale: BenchScale): Promise<Measurement[]> {
  const dir = mkdtempSync(join(tmpdir(), 'psa-bridge-bench-'));
  const sqlite: TestDatabase = { name: 'sqlite', open: async () => ({ url: `sqlite:${join(dir, 'bench.db')}`, cleanup: async () => {} }) };
  const h = await startGradientHubHarness(sqlite, { acronisSeed: 'large', gradientSeed: 'large', size: scale.customers });
  const calls = createCallCounter();
  const starts: number[] = [];
  const observe = (record: CallRecord) => {
    calls.observe(record);
    // The moment the request went out (the record is made when its answer came).
    starts.push(Date.now() - record.durationMs);
  };
  /** Most requests that went out within any one second, and the 429s Gradient answered. */
  const peak = (from: number) => {
    const window = starts.slice(from).sort((a, b) => a - b);
    let most = 0;
    for (let i = 0, j = 0; i < window.length; i++) {
      while (window[i]! - window[j]! >= 1000) j++;
      most = Math.max(most, i - j + 1);
    }
    return most;
  };
  const tooMany = () => calls.records().filter((r) => r.status === 429).length;
  try {
    const rt = await h.runtime({ onPlatformCall: observe });
    const results: Measurement[] = [];
    for (const pass of ['first', 'unchanged'] as const) {
      const from = starts.length;
      const before429 = tooMany();
      results.push(
        await measure(
          `${pass} pass: accounts, services and counts (${count(scale.customers)})`,
          async () => {
            const accounts = await runAccountPush(rt);
            const counts = await runCountPush(rt);
            return {
              accountsCreated: Number(accounts.stats.accountsCreated ?? 0),
              servicesCreated: Number(accounts.stats.servicesCreated ?? 0),
              countsPosted: Number(counts.stats.posted ?? 0),
              countsUnchanged: Number(counts.stats.unchanged ?? 0),
              countsWaitingForMapping: Number(counts.stats.waitingForMapping ?? 0),
              // Waiting pairs held back without a call (their account's or service's probe was not taken).
              countsNotAsked: Number(counts.stats.notAsked ?? 0),
              peakRequestsPerSecond: peak(from),
              http429: tooMany() - before429,
            };
          },
          () => calls.total(),
        ),
      );
    }
    return results;
  } finally {
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
