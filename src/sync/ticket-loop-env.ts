/**
 * What both ticket loops (alerts → tickets, tickets → alerts) run with for one integration, and the
 * ways a pass is stopped: a crash hook (tests, chaos runs) or the runner's abort signal.
 */
import type { Target, VendorCloud } from '../connectors/ports.ts';
import type { Clock } from '../store/columns.ts';
import type { Repositories } from '../store/store.ts';
import type { Journal } from './journal.ts';

/** Where a test (or a chaos run) may stop the loop dead, as a killed process would. */
export type CrashPoint = 'after_target_write' | 'after_journal' | 'after_link_saved';

/** Thrown to stop a pass at once (a crash hook, or the runner's abort signal): nothing is caught or recorded. */
export class LoopAborted extends Error {
  override readonly name = 'LoopAborted';
  readonly code = 'aborted';
  constructor(readonly point: string) {
    super(`the loop was stopped at ${point}`);
  }
}

export type TicketLoopRepos = Pick<Repositories, 'settings' | 'mappings' | 'alertLinks' | 'waitingAlerts' | 'journal' | 'cursors'>;

export interface TicketLoopLog {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

/** What both ticket loops run with for one integration. */
export interface TicketLoopEnv {
  integrationId: string;
  vendor: Pick<VendorCloud, 'listAlerts' | 'dismissAlert' | 'getAlertTypes'>;
  target: Target;
  /** The vendor management console of the connection's data center, printed in tickets. */
  consoleUrl: string;
  repos: TicketLoopRepos;
  clock?: Clock;
  /** Default: a journal over `repos.journal` with `journalLeaseMs`. */
  journal?: Journal;
  /** Lease of a pending journal entry (default 5 min): after a crash, the next pass may take over once it ends. */
  journalLeaseMs?: number;
  /** Called at each crash point; throwing `LoopAborted` simulates a killed process. */
  crashPoint?: (point: CrashPoint, context: { alertId?: string; ticketId?: string; operation: string }) => void | Promise<void>;
  signal?: AbortSignal;
  dryRun?: boolean;
  log?: TicketLoopLog;
  /** Passes an alert may fail while holding the cursor before it is parked (default 3). */
  maxStreamAttempts?: number;
  /** Failures in a row after which a pass stops early (default 5). */
  maxConsecutiveFailures?: number;
  /** Alerts read per pass at most (default 10,000); the rest wait for the next pass. */
  maxAlertsPerPass?: number;
}

export const noopLog: TicketLoopLog = { info: () => {}, warn: () => {} };

export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new LoopAborted('the runner asked the loop to stop');
}

// ─── On an integration runtime (the loop registry, the CLI) ─────────────────────────────────────

/** What the loops take from an integration runtime (src/sync/integration-runtime.ts). */
export interface TicketRuntime {
  integration: { id: string; connectionId: string };
  vendor: TicketLoopEnv['vendor'];
  target: Target;
  store: { repos: TicketLoopRepos & Pick<Repositories, 'connections'> };
  journal: Journal;
  clock: Clock;
}

export async function ticketLoopEnvOf(rt: TicketRuntime, options: { dryRun?: boolean; signal?: AbortSignal; log?: TicketLoopLog } = {}): Promise<TicketLoopEnv> {
  const connection = await rt.store.repos.connections.get(rt.integration.connectionId);
  return {
    integrationId: rt.integration.id,
    vendor: rt.vendor,
    target: rt.target,
    consoleUrl: connection?.baseUrl ?? '',
    repos: rt.store.repos,
    clock: rt.clock,
    journal: rt.journal,
    ...(options.dryRun === undefined ? {} : { dryRun: options.dryRun }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    ...(options.log === undefined ? {} : { log: options.log }),
  };
}
