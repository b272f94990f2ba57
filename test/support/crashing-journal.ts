// Test-only: the process "crashing" at random points between journal steps, for the reliability
// tests of every loop. The repository throws (recording nothing more) after the pending record and
// before the external call, or after the call and before its record; a dead process records no
// failure either. `runCrashingPasses` runs loops pass after pass, counting the crashes.
import { createRng } from '../../emulators/kit/prng.ts';
import { JournalRepository } from '../../src/store/repositories/journal.ts';
import type { Store } from '../../src/store/store.ts';
import type { LoopOutcome, LoopRunOptions } from '../../src/sync/loop-result.ts';

export class SimulatedCrash extends Error {
  override readonly name = 'SimulatedCrash';
}

/** A journal repository that dies at random between the steps (`share`: the chance per step, seeded). */
export function crashingJournal(store: Store, seed: string, share: number): JournalRepository {
  const rng = createRng(seed);
  const repo = new JournalRepository(store.db);
  return Object.assign(Object.create(repo) as JournalRepository, {
    insertPending: async (...args: Parameters<JournalRepository['insertPending']>) => {
      const entry = await repo.insertPending(...args);
      if (entry !== undefined && rng.chance(share / 2)) throw new SimulatedCrash('crash after the pending record, before the call');
      return entry;
    },
    markDone: async (...args: Parameters<JournalRepository['markDone']>) => {
      if (rng.chance(share)) throw new SimulatedCrash('crash after the call, before its record');
      return repo.markDone(...args);
    },
    markFailed: async (...args: Parameters<JournalRepository['markFailed']>) => repo.markFailed(...args),
  });
}

/**
 * `passes` rounds of `loops` on one runtime (the first incremental, the rest full), as a scheduler
 * would run them after restarts: a crash or a pass cut short by a fault is counted, and the next goes on.
 */
export async function runCrashingPasses<R>(rt: R, loops: readonly ((rt: R, options?: LoopRunOptions) => Promise<LoopOutcome>)[], passes: number): Promise<{ crashes: number; failures: number }> {
  let crashes = 0;
  let failures = 0;
  for (let pass = 0; pass < passes; pass++) {
    for (const loop of loops) {
      try {
        const outcome = await loop(rt, pass === 0 ? {} : { full: true });
        failures += Number(outcome.stats.failedOperations ?? 0) + Number(outcome.stats.failed ?? 0);
      } catch (error) {
        if (error instanceof SimulatedCrash) crashes += 1;
        else failures += 1;
      }
    }
  }
  return { crashes, failures };
}
