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

/** Where an alert storm is raised: the customers' tenants and the vendor emulator's alert controls. */
export interface StormWorld {
  tenants: readonly string[];
  raise(tenantId: string, type: string, details?: Record<string, unknown>): Promise<string>;
  clear(alertId: string): Promise<void>;
  advanceDays(days: number): Promise<void>;
}

/**
 * The alert storm of the reliability runs, settled after each step: per customer two machines'
 * BackupFailed (m1, m2) and one customer-wide NoBackupForXDays raised; m1 and the customer-wide
 * alert raised again after the note window; then every m1 and the even customers' m2 cleared.
 * `machineDetails` are added to the machines' alerts.
 */
export async function raiseAlertStorm(
  w: StormWorld,
  customers: number,
  settle: () => Promise<{ passes: number }>,
  machineDetails: Record<string, unknown> = {},
): Promise<{ passes: number; alerts: number }> {
  let passes = 0;
  let alerts = 0;
  const ids = new Map<string, string[]>();
  const raise = async (i: number, key: 'm1' | 'm2' | 'tenant') => {
    const tenant = w.tenants[i] as string;
    const id = key === 'tenant' ? await w.raise(tenant, 'NoBackupForXDays', {}) : await w.raise(tenant, 'BackupFailed', { resourceId: key, resourceName: `${key}-host`, ...machineDetails });
    ids.set(`${i}|${key}`, [...(ids.get(`${i}|${key}`) ?? []), id]);
    alerts += 1;
  };
  for (let i = 0; i < customers; i += 1) for (const key of ['m1', 'm2', 'tenant'] as const) await raise(i, key);
  passes += (await settle()).passes;
  await w.advanceDays(2 / 1440);
  for (let i = 0; i < customers; i += 1) for (const key of ['m1', 'tenant'] as const) await raise(i, key);
  passes += (await settle()).passes;
  for (let i = 0; i < customers; i += 1) {
    for (const id of ids.get(`${i}|m1`) ?? []) await w.clear(id);
    if (i % 2 === 0) for (const id of ids.get(`${i}|m2`) ?? []) await w.clear(id);
  }
  passes += (await settle()).passes;
  return { passes, alerts };
}

/** The faults of the storm runs: 10 % 500s, 4 % 503s, 4 % rate limits and 2 % dropped connections. */
export function stormFaults(seed: number) {
  return {
    seed,
    rules: [
      { kind: 'status', status: 500, share: 0.1 },
      { kind: 'status', status: 503, share: 0.04 },
      { kind: 'rate_limit', retryAfterSeconds: 0, share: 0.04 },
      { kind: 'drop', share: 0.02 },
    ],
  };
}
