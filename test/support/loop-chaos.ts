// Test-only: the kill/fault pattern of the ticket-loop reliability runs, shared by every target.
//
// A "kill" is what a dead process leaves: the crash hook throws `LoopAborted` and, from that
// moment, the journal's storage refuses every write (so the entry stays pending with its lease,
// exactly as after a crash); the next pass is a fresh "process" with a working journal.
import { LoopAborted, type AlertsPassStats, type CrashPoint } from '../../src/sync/alerts-loop.ts';
import type { JournalRepository } from '../../src/store/repositories/journal.ts';

/** A small deterministic PRNG, so a chaotic run is the same run every time. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Chaos {
  random: () => number;
  /** Share of crash points at which the loop is killed. */
  killShare: number;
  kills: number;
  killsByPoint: Record<string, number>;
}

export function createChaos(seed: number, killShare: number): Chaos {
  return { random: mulberry32(seed), killShare, kills: 0, killsByPoint: {} };
}

/** A journal repository that dies with the "process". */
export function mortalJournal(repo: JournalRepository, state: { dead: boolean }): JournalRepository {
  return new Proxy(repo, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        if (state.dead) return Promise.reject(new Error('the process is dead'));
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

/** What one pass of a ticket loop is run with in a chaos run. */
export interface ChaosPassOptions {
  crashPoint?: ((point: CrashPoint, context: { alertId?: string; ticketId?: string; operation: string }) => void | Promise<void>) | undefined;
  journalRepo: JournalRepository;
  journalLeaseMs: number;
  maxStreamAttempts: number;
}

export interface TicketLoopPasses {
  /** The store's journal repository (each pass gets a mortal view of it). */
  journal: JournalRepository;
  alertsPass(options: ChaosPassOptions): Promise<AlertsPassStats>;
  ticketsPass(options: ChaosPassOptions): Promise<unknown>;
}

/**
 * Passes (alerts, then tickets) until one full alerts pass ends with nothing failed or deferred.
 * With `chaos`, each pass is a process that may be killed at any crash point of the alerts loop.
 */
export async function settleTicketLoops(loops: TicketLoopPasses, chaos: Chaos | null, maxPasses = 300): Promise<{ passes: number }> {
  for (let passes = 1; passes <= maxPasses; passes += 1) {
    const process = { dead: false };
    const options: ChaosPassOptions = { journalLeaseMs: 1, maxStreamAttempts: 1000, journalRepo: mortalJournal(loops.journal, process) };
    if (chaos !== null) {
      options.crashPoint = (point) => {
        if (chaos.random() < chaos.killShare) {
          process.dead = true;
          chaos.kills += 1;
          chaos.killsByPoint[point] = (chaos.killsByPoint[point] ?? 0) + 1;
          throw new LoopAborted(point);
        }
      };
    }
    let stats: AlertsPassStats;
    try {
      stats = await loops.alertsPass(options);
      await loops.ticketsPass({ ...options, crashPoint: undefined });
    } catch {
      // A kill (LoopAborted), or a listing that failed all its retries: the pass fails, as a real
      // run would, and the next one starts as a fresh process.
      continue;
    }
    if (stats.failed === 0 && stats.deferred === 0) return { passes };
  }
  throw new Error(`the loops did not settle in ${maxPasses} passes`);
}

/** Injected faults fired so far on an emulator, from its control API's fault list. */
export function faultsFired(list: { items?: Array<{ fired: number }> }): number {
  return (list.items ?? []).reduce((n, r) => n + r.fired, 0);
}
