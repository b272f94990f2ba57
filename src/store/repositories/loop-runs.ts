import type { Kysely, Selectable } from 'kysely';
import type { LoopRunsTable, Schema } from '../schema.ts';
import { fromJsonText, isoAt, newId, systemClock, toJsonText, type Clock } from '../columns.ts';

/** The error of a run whose process died before it finished. */
export const INTERRUPTED = 'interrupted: the process running this loop stopped before it finished; the next pass picks up its work';

export type LoopRunStatus = 'running' | 'succeeded' | 'failed' | 'cancelled';

/** One run of one loop for one integration: what the summary page and the job runner report. */
export interface LoopRun {
  id: string;
  integrationId: string;
  loop: string;
  startedAt: string;
  finishedAt: string | null;
  status: LoopRunStatus;
  error: string | null;
  /** Counters the loop chose to report (observed, planned, applied, failed…). */
  stats: Record<string, unknown>;
}

const toRun = (row: Selectable<LoopRunsTable>): LoopRun => ({
  id: row.id,
  integrationId: row.integration_id,
  loop: row.loop,
  startedAt: row.started_at,
  finishedAt: row.finished_at,
  status: row.status as LoopRunStatus,
  error: row.error,
  stats: fromJsonText<Record<string, unknown>>(row.stats, {}),
});

export class LoopRunsRepository {
  constructor(
    private readonly db: Kysely<Schema>,
    private readonly clock: Clock = systemClock,
  ) {}

  async start(integrationId: string, loop: string): Promise<LoopRun> {
    const row = {
      id: newId(),
      integration_id: integrationId,
      loop,
      started_at: isoAt(this.clock),
      finished_at: null,
      status: 'running',
      error: null,
      stats: '{}',
    };
    await this.db.insertInto('loop_runs').values(row).execute();
    return toRun(row);
  }

  async finish(id: string, outcome: { status: Exclude<LoopRunStatus, 'running'>; error?: string | null; stats?: Record<string, unknown> }): Promise<void> {
    await this.db
      .updateTable('loop_runs')
      .set({ finished_at: isoAt(this.clock), status: outcome.status, error: outcome.error ?? null, stats: toJsonText(outcome.stats ?? {}) })
      .where('id', '=', id)
      .execute();
  }

  async get(id: string): Promise<LoopRun | undefined> {
    const row = await this.db.selectFrom('loop_runs').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toRun(row);
  }

  /** Newest first. */
  async list(integrationId: string, filter: { loop?: string; status?: LoopRunStatus; limit?: number; offset?: number } = {}): Promise<LoopRun[]> {
    let query = this.db.selectFrom('loop_runs').selectAll().where('integration_id', '=', integrationId);
    if (filter.loop !== undefined) query = query.where('loop', '=', filter.loop);
    if (filter.status !== undefined) query = query.where('status', '=', filter.status);
    const rows = await query
      .orderBy('started_at', 'desc')
      .orderBy('id', 'desc')
      .limit(filter.limit ?? 50)
      .offset(filter.offset ?? 0)
      .execute();
    return rows.map(toRun);
  }

  /** How many runs `list` pages through with the same filter. */
  async count(integrationId: string, filter: { loop?: string; status?: LoopRunStatus } = {}): Promise<number> {
    let query = this.db.selectFrom('loop_runs').select((eb) => eb.fn.countAll<number | string | bigint>().as('n')).where('integration_id', '=', integrationId);
    if (filter.loop !== undefined) query = query.where('loop', '=', filter.loop);
    if (filter.status !== undefined) query = query.where('status', '=', filter.status);
    const row = await query.executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  /** The latest run of each loop of an integration, for the summary page. */
  async latestPerLoop(integrationId: string): Promise<LoopRun[]> {
    const rows = await this.db
      .selectFrom('loop_runs as r')
      .selectAll('r')
      .where('r.integration_id', '=', integrationId)
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('loop_runs as later')
              .select('later.id')
              .whereRef('later.integration_id', '=', 'r.integration_id')
              .whereRef('later.loop', '=', 'r.loop')
              .where((inner) =>
                inner.or([
                  inner('later.started_at', '>', inner.ref('r.started_at')),
                  inner.and([inner('later.started_at', '=', inner.ref('r.started_at')), inner('later.id', '>', inner.ref('r.id'))]),
                ]),
              ),
          ),
        ),
      )
      .orderBy('r.loop')
      .execute();
    return rows.map(toRun);
  }

  /**
   * Closes the runs of one integration × loop still marked `running`: the runners allow one run per
   * integration × loop at a time, so when the next one starts, any earlier `running` row belongs to a
   * process that died mid-run. Returns how many were closed.
   */
  async closeInterrupted(integrationId: string, loop: string, reason = INTERRUPTED): Promise<number> {
    const result = await this.db
      .updateTable('loop_runs')
      .set({ status: 'failed', error: reason, finished_at: isoAt(this.clock) })
      .where('integration_id', '=', integrationId)
      .where('loop', '=', loop)
      .where('status', '=', 'running')
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  /** The integration × loop pairs with a run marked `running` (a distributed runner checks whether each still has a live worker). */
  async runningLoops(): Promise<{ integrationId: string; loop: string }[]> {
    const rows = await this.db.selectFrom('loop_runs').select(['integration_id', 'loop']).where('status', '=', 'running').distinct().execute();
    return rows.map((r) => ({ integrationId: r.integration_id, loop: r.loop }));
  }

  /** Marks runs left `running` by a process that died as failed (call at startup of the sole runner). */
  async failAbandoned(startedBefore: string, reason = INTERRUPTED): Promise<number> {
    const result = await this.db
      .updateTable('loop_runs')
      .set({ status: 'failed', error: reason, finished_at: isoAt(this.clock) })
      .where('status', '=', 'running')
      .where('started_at', '<', startedBefore)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  async pruneOlderThan(isoTime: string): Promise<number> {
    const result = await this.db.deleteFrom('loop_runs').where('started_at', '<', isoTime).where('status', '!=', 'running').executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
