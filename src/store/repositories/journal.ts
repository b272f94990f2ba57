import type { Kysely, Selectable } from 'kysely';
import type { JournalTable, Schema } from '../schema.ts';
import { fromJsonText, isoAt, newId, systemClock, toCount, toJsonText, type Clock } from '../columns.ts';

/**
 * `superseded`: a pending or failed entry its company's plan no longer asks for (the contract changed,
 * the company was mapped elsewhere): finished work, kept as history, not retried and not shown as
 * unfinished. Proposed again, it is resumed like a failed one (looked up first).
 */
export const JOURNAL_STATES = ['pending', 'done', 'failed', 'superseded'] as const;
export type JournalState = (typeof JOURNAL_STATES)[number];

/** One external write, keyed by its idempotency key. The rules that use it are in src/sync/journal.ts. */
export interface JournalEntry {
  id: string;
  integrationId: string;
  loop: string;
  operation: string;
  idempotencyKey: string;
  payload: unknown;
  state: JournalState;
  externalId: string | null;
  error: string | null;
  attempts: number;
  /** Who is working on it and until when; past `leaseExpiresAt` another worker may take over. */
  leaseOwner: string | null;
  leaseExpiresAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface JournalOperation {
  integrationId: string;
  loop: string;
  operation: string;
  idempotencyKey: string;
  payload: unknown;
}

const toEntry = (row: Selectable<JournalTable>): JournalEntry => ({
  id: row.id,
  integrationId: row.integration_id,
  loop: row.loop,
  operation: row.operation,
  idempotencyKey: row.idempotency_key,
  payload: fromJsonText(row.payload, null),
  state: row.state as JournalState,
  externalId: row.external_id,
  error: row.error,
  attempts: Number(row.attempts),
  leaseOwner: row.lease_owner,
  leaseExpiresAt: row.lease_expires_at,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

/** Errors are kept for a person to read, not whole response bodies. */
const MAX_ERROR_LENGTH = 2000;

export class JournalRepository {
  constructor(
    private readonly db: Kysely<Schema>,
    private readonly clock: Clock = systemClock,
  ) {}

  /**
   * Writes a new pending entry leased to `owner`. Returns undefined when an entry with this key
   * exists already: the unique constraint decides, so of two racing workers exactly one inserts.
   */
  async insertPending(op: JournalOperation, owner: string, leaseMs: number): Promise<JournalEntry | undefined> {
    const now = isoAt(this.clock);
    const row = {
      id: newId(),
      integration_id: op.integrationId,
      loop: op.loop,
      operation: op.operation,
      idempotency_key: op.idempotencyKey,
      payload: toJsonText(op.payload),
      state: 'pending',
      external_id: null,
      error: null,
      attempts: 1,
      lease_owner: owner,
      lease_expires_at: isoAt(this.clock, leaseMs),
      created_at: now,
      updated_at: now,
    };
    const result = await this.db
      .insertInto('journal')
      .values(row)
      .onConflict((oc) => oc.columns(['integration_id', 'idempotency_key']).doNothing())
      .executeTakeFirst();
    return (result.numInsertedOrUpdatedRows ?? 0n) > 0n ? toEntry(row) : undefined;
  }

  async getByKey(integrationId: string, idempotencyKey: string): Promise<JournalEntry | undefined> {
    const row = await this.db
      .selectFrom('journal')
      .selectAll()
      .where('integration_id', '=', integrationId)
      .where('idempotency_key', '=', idempotencyKey)
      .executeTakeFirst();
    return row && toEntry(row);
  }

  async get(id: string): Promise<JournalEntry | undefined> {
    const row = await this.db.selectFrom('journal').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toEntry(row);
  }

  /**
   * Ends the leases of pending entries last touched before `before`: for the sole runner (SQLite
   * serve) at startup, whose leases can only be a killed process's. Their work is picked up at once
   * instead of after the lease (minutes). Returns how many were released.
   */
  async releaseLeases(before: string): Promise<number> {
    const result = await this.db
      .updateTable('journal')
      .set({ lease_owner: null, lease_expires_at: null })
      .where('state', '=', 'pending')
      .where('lease_expires_at', 'is not', null)
      .where('updated_at', '<', before)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  /**
   * Takes over an unfinished entry (pending after a crash, or failed) for `owner`, counting an
   * attempt. A compare-and-set: it succeeds only while nobody else holds a live lease, so it needs no
   * row locks and behaves the same on SQLite and PostgreSQL.
   */
  async claim(id: string, owner: string, leaseMs: number): Promise<boolean> {
    const now = isoAt(this.clock);
    const result = await this.db
      .updateTable('journal')
      .set((eb) => ({
        state: 'pending',
        lease_owner: owner,
        lease_expires_at: isoAt(this.clock, leaseMs),
        attempts: eb('attempts', '+', 1),
        updated_at: now,
      }))
      .where('id', '=', id)
      .where('state', '!=', 'done')
      .where((eb) => eb.or([eb('lease_expires_at', 'is', null), eb('lease_expires_at', '<=', now)]))
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  /**
   * Records the external id. Not conditional on the lease: the write happened, so its id is the
   * truth even if this worker's lease ran out meanwhile.
   */
  async markDone(id: string, externalId: string): Promise<void> {
    await this.db
      .updateTable('journal')
      .set({ state: 'done', external_id: externalId, error: null, lease_owner: null, lease_expires_at: null, updated_at: isoAt(this.clock) })
      .where('id', '=', id)
      .where('state', '!=', 'done')
      .execute();
  }

  /** Records a failure and releases the lease, unless another worker has taken the entry over. */
  async markFailed(id: string, owner: string, error: string): Promise<void> {
    await this.db
      .updateTable('journal')
      .set({
        state: 'failed',
        error: error.length > MAX_ERROR_LENGTH ? error.slice(0, MAX_ERROR_LENGTH) + '…' : error,
        lease_owner: null,
        lease_expires_at: null,
        updated_at: isoAt(this.clock),
      })
      .where('id', '=', id)
      .where('lease_owner', '=', owner)
      .where('state', '=', 'pending')
      .execute();
  }

  /**
   * Marks an open entry superseded, unless someone holds a live lease on it (it is being written
   * right now) or it is done meanwhile. Answers whether it was marked.
   */
  async markSuperseded(id: string, reason: string): Promise<boolean> {
    const now = isoAt(this.clock);
    const result = await this.db
      .updateTable('journal')
      .set({ state: 'superseded', error: reason.length > MAX_ERROR_LENGTH ? reason.slice(0, MAX_ERROR_LENGTH) + '…' : reason, lease_owner: null, lease_expires_at: null, updated_at: now })
      .where('id', '=', id)
      .where('state', 'in', ['pending', 'failed'])
      .where((eb) => eb.or([eb('lease_expires_at', 'is', null), eb('lease_expires_at', '<=', now)]))
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  /** Completed steps (what the passes wrote), newest first; `before` (an ISO time) pages backwards. */
  async listDone(filter: { integrationId?: string; before?: string; beforeId?: string; limit?: number } = {}): Promise<JournalEntry[]> {
    let query = this.db.selectFrom('journal').selectAll().where('state', '=', 'done');
    if (filter.integrationId !== undefined) query = query.where('integration_id', '=', filter.integrationId);
    if (filter.before !== undefined) {
      const { before, beforeId } = filter;
      query = query.where((eb) =>
        beforeId === undefined
          ? eb('updated_at', '<', before)
          : eb.or([eb('updated_at', '<', before), eb.and([eb('updated_at', '=', before), eb('id', '<', beforeId)])]),
      );
    }
    const rows = await query.orderBy('updated_at', 'desc').orderBy('id', 'desc').limit(filter.limit ?? 100).execute();
    return rows.map(toEntry);
  }

  /** Entries in the given states, oldest first (what the summary shows as waiting or failing). */
  async list(filter: { integrationId?: string; loop?: string; states?: JournalState[]; limit?: number } = {}): Promise<JournalEntry[]> {
    let query = this.db.selectFrom('journal').selectAll();
    if (filter.integrationId !== undefined) query = query.where('integration_id', '=', filter.integrationId);
    if (filter.loop !== undefined) query = query.where('loop', '=', filter.loop);
    if (filter.states !== undefined && filter.states.length > 0) query = query.where('state', 'in', filter.states);
    const rows = await query.orderBy('updated_at').orderBy('id').limit(filter.limit ?? 100).execute();
    return rows.map(toEntry);
  }

  async countByState(integrationId?: string): Promise<Record<JournalState, number>> {
    let query = this.db.selectFrom('journal').select((eb) => ['state', eb.fn.countAll<string | number>().as('n')]);
    if (integrationId !== undefined) query = query.where('integration_id', '=', integrationId);
    const rows = await query.groupBy('state').execute();
    const counts: Record<JournalState, number> = { pending: 0, done: 0, failed: 0, superseded: 0 };
    for (const row of rows) counts[row.state as JournalState] = toCount(row.n);
    return counts;
  }

  /** Deletes done and superseded entries last touched before `isoTime`; pending and failed ones are never pruned. */
  async pruneDone(isoTime: string): Promise<number> {
    const result = await this.db.deleteFrom('journal').where('state', 'in', ['done', 'superseded']).where('updated_at', '<', isoTime).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}

/** Which of `keys` have a done entry (batched; for loops that check many operations at once). */
export async function doneJournalKeys(db: Kysely<Schema>, integrationId: string, keys: readonly string[]): Promise<Set<string>> {
  const out = new Set<string>();
  for (let i = 0; i < keys.length; i += 200) {
    const rows = await db
      .selectFrom('journal')
      .select('idempotency_key')
      .where('integration_id', '=', integrationId)
      .where('state', '=', 'done')
      .where('idempotency_key', 'in', keys.slice(i, i + 200))
      .execute();
    for (const row of rows) out.add(row.idempotency_key);
  }
  return out;
}
