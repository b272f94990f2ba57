import { randomUUID } from 'node:crypto';
import { StoreError } from '../store/errors.ts';
import { isoAt, systemClock, type Clock } from '../store/columns.ts';
import type { JournalEntry, JournalRepository, JournalState } from '../store/repositories/journal.ts';

/**
 * The journal: how every external write is applied so that a crash at any point leaves no duplicate
 * and loses nothing.
 *
 * 1. Before the call, the operation is written `pending` under its idempotency key. The key is
 *    unique per integration in the database, so of two workers racing on one key exactly one
 *    inserts; the other finds the entry.
 * 2. The call is made; on success the entry becomes `done` with the external id.
 * 3. An entry found `pending` (a crash between 1 and 2) or `failed` is not blindly retried: the
 *    target is first asked whether the write already happened (`lookup`, e.g. the ticket whose
 *    external reference holds the alert id), and only if not is it performed again.
 *
 * Leases. A pending entry is also "being worked on right now" while its lease lasts (default five
 * minutes, longer than any single call with its retries). A worker that meets someone else's live
 * lease does not wait: `run` throws `JournalInProgressError` (code `journal_in_progress`). Loops are
 * level-triggered, so the sensible reaction is to skip the operation and let the next pass see the
 * result; waiting would tie a worker to another's slow call. After a crash the lease runs out and the
 * next pass takes over (with a lookup first).
 *
 * Keys. The key names the effect, not the attempt: `create_tenant:<company id>`, `ticket:<alert id>`,
 * `usage:<contract line>:<period>:<quantity>`. A `done` entry answers for its key with no call at all,
 * so a write whose value matters must put the value in the key. Pruning done entries forgets them;
 * prune only well past the time a plan could still propose the same key.
 */
export interface JournalOp<P = unknown> {
  integrationId: string;
  loop: string;
  /** What kind of write, e.g. `create_tenant`, `set_quota`, `create_ticket`. */
  operation: string;
  idempotencyKey: string;
  /** What is being written, kept for people reading the journal; never secrets. */
  payload: P;
}

export interface JournalSteps {
  /** Finds the result of an earlier attempt on the target: its external id, or null when there is none. */
  lookup: () => Promise<string | null>;
  /** Performs the write and returns the external id of what it created or changed. */
  perform: () => Promise<string>;
}

export interface JournalResult {
  externalId: string;
  /** `journal`: done before, nothing called; `lookup`: an earlier attempt had succeeded; `perform`: written now. */
  via: 'journal' | 'lookup' | 'perform';
  entry: Pick<JournalEntry, 'id' | 'attempts'>;
}

export class JournalInProgressError extends StoreError {
  constructor(entry: JournalEntry) {
    super(
      'journal_in_progress',
      `operation ${entry.operation} (${entry.idempotencyKey}) is being applied by another worker until ${entry.leaseExpiresAt ?? 'its lease ends'}; it will be picked up by a later pass if that worker stops`,
      { integrationId: entry.integrationId, idempotencyKey: entry.idempotencyKey, leaseExpiresAt: entry.leaseExpiresAt },
    );
    this.name = 'JournalInProgressError';
  }
}

export interface JournalOptions {
  clock?: Clock;
  /** How long a claim holds before another worker may take over; default 5 minutes. */
  leaseMs?: number;
}

export class Journal {
  private readonly clock: Clock;
  private readonly leaseMs: number;

  constructor(
    private readonly repo: JournalRepository,
    options: JournalOptions = {},
  ) {
    this.clock = options.clock ?? systemClock;
    this.leaseMs = options.leaseMs ?? 5 * 60_000;
  }

  /**
   * Applies one external write at most once per idempotency key.
   *
   * @example
   *   const { externalId } = await journal.run(
   *     { integrationId, loop: 'alerts', operation: 'create_ticket', idempotencyKey: `ticket:${alert.id}`, payload: { alertId: alert.id } },
   *     { lookup: () => target.findTicketByExternalRef(alert.id), perform: () => target.createTicket(ticket) },
   *   );
   */
  async run<P>(op: JournalOp<P>, steps: JournalSteps): Promise<JournalResult> {
    const owner = randomUUID();
    let entry = await this.repo.insertPending(op, owner, this.leaseMs);
    let resumed = false;

    if (!entry) {
      const existing = await this.repo.getByKey(op.integrationId, op.idempotencyKey);
      if (!existing) {
        // Pruned between our insert and read: an unlikely race; the next pass starts it afresh.
        throw new StoreError('conflict', `journal entry ${op.idempotencyKey} vanished while being claimed; retry`, { ...op, payload: undefined });
      }
      if (existing.state === 'done') return done(existing, existing.externalId ?? '', 'journal');
      if (!(await this.repo.claim(existing.id, owner, this.leaseMs))) {
        const now = await this.repo.get(existing.id);
        if (now?.state === 'done') return done(now, now.externalId ?? '', 'journal');
        throw new JournalInProgressError(now ?? existing);
      }
      entry = { ...existing, attempts: existing.attempts + 1 };
      resumed = true;
    }

    try {
      if (resumed) {
        const found = await steps.lookup();
        if (found !== null) {
          await this.repo.markDone(entry.id, found);
          return done(entry, found, 'lookup');
        }
      }
      const externalId = await steps.perform();
      await this.repo.markDone(entry.id, externalId);
      return done(entry, externalId, 'perform');
    } catch (error) {
      await this.repo.markFailed(entry.id, owner, describe(error)).catch(() => {
        // The database is what failed; the lease will run out and a later pass will look up first.
      });
      throw error;
    }
  }

  /**
   * An open entry no plan asks for any more (see JOURNAL_STATES): marked superseded unless someone
   * holds a live lease on it. Answers whether it was marked.
   */
  supersede(entry: Pick<JournalEntry, 'id'>, reason: string): Promise<boolean> {
    return this.repo.markSuperseded(entry.id, reason);
  }

  /** An open entry whose effect was found on the target after all: done, with what was found. */
  recordFound(entry: Pick<JournalEntry, 'id'>, externalId: string): Promise<void> {
    return this.repo.markDone(entry.id, externalId);
  }

  /** Entries waiting or failing, oldest first, for the summary page. */
  listOpen(filter: { integrationId?: string; loop?: string; states?: Exclude<JournalState, 'done'>[]; limit?: number } = {}): Promise<JournalEntry[]> {
    return this.repo.list({ ...filter, states: filter.states ?? ['pending', 'failed'] });
  }

  counts(integrationId?: string): Promise<Record<JournalState, number>> {
    return this.repo.countByState(integrationId);
  }

  /** Forgets done entries older than `olderThanMs` (default 30 days); pending and failed ones stay. */
  prune(olderThanMs = 30 * 24 * 60 * 60_000): Promise<number> {
    return this.repo.pruneDone(isoAt(this.clock, -olderThanMs));
  }
}

function done(entry: Pick<JournalEntry, 'id' | 'attempts'>, externalId: string, via: JournalResult['via']): JournalResult {
  return { externalId, via, entry: { id: entry.id, attempts: entry.attempts } };
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}
