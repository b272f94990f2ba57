import { sql, type ExpressionBuilder, type Kysely, type Selectable } from 'kysely';
import type { Schema, WaitingAlertsTable } from '../schema.ts';
import { fromRequiredJsonText, isoAt, systemClock, toCount, toJsonText, type Clock } from '../columns.ts';
import type { VendorAlert } from '../../domain/vendor-model.ts';


/**
 * A waiting alert whose customer this integration does not map but another integration of the same
 * Acronis connection does is that integration's alert: `notMappedElsewhere` keeps the others.
 */
const notMappedElsewhere = (eb: ExpressionBuilder<Schema, 'waiting_alerts'>) =>
  eb.or([
    eb('waiting_alerts.tenant_id', 'is', null),
    eb.exists(
      eb
        .selectFrom('mappings as here')
        .select(sql.lit(1).as('one'))
        .whereRef('here.integration_id', '=', 'waiting_alerts.integration_id')
        .whereRef('here.tenant_id', '=', 'waiting_alerts.tenant_id')
        .where('here.state', '=', 'mapped'),
    ),
    eb.not(
      eb.exists(
        eb
          .selectFrom('mappings as other')
          .innerJoin('integrations as other_integration', 'other_integration.id', 'other.integration_id')
          .innerJoin('integrations as this_integration', 'this_integration.connection_id', 'other_integration.connection_id')
          .select(sql.lit(1).as('one'))
          .whereRef('this_integration.id', '=', 'waiting_alerts.integration_id')
          .whereRef('other.integration_id', '<>', 'waiting_alerts.integration_id')
          .whereRef('other.tenant_id', '=', 'waiting_alerts.tenant_id')
          .where('other.state', '=', 'mapped'),
      ),
    ),
  ]);

export const WAITING_REASONS = ['unmapped', 'failed', 'deferred'] as const;
/**
 * `unmapped`: the tenant has no company yet; `failed`: the alert failed repeatedly and is retried with
 * backoff; `deferred`: an alert storm spent the hour's PSA budget before this (less severe) alert's
 * turn, and the next pass with budget takes it up, most severe first.
 */
export type WaitingReason = (typeof WAITING_REASONS)[number];

export interface WaitingAlert {
  integrationId: string;
  alertId: string;
  reason: WaitingReason;
  tenantId: string | null;
  alertType: string;
  severity: string | null;
  /** The alert as last observed. */
  alert: VendorAlert;
  /** Why it waits, in words. */
  detail: string;
  /** Failed attempts (for `failed`; kept while an alert is still retried from the stream). */
  attempts: number;
  lastError: string | null;
  nextAttemptAt: string | null;
  firstSeenAt: string;
  updatedAt: string;
}

const toWaiting = (row: Selectable<WaitingAlertsTable>): WaitingAlert => ({
  integrationId: row.integration_id,
  alertId: row.alert_id,
  reason: row.reason as WaitingReason,
  tenantId: row.tenant_id,
  alertType: row.alert_type,
  severity: row.severity,
  alert: fromRequiredJsonText<VendorAlert>(row.alert),
  detail: row.detail,
  attempts: Number(row.attempts),
  lastError: row.last_error,
  nextAttemptAt: row.next_attempt_at,
  firstSeenAt: row.first_seen_at,
  updatedAt: row.updated_at,
});

const MAX_ERROR_LENGTH = 2000;

/** The alerts the alerts loop holds back, with why (see migration 0003). */
export class WaitingAlertsRepository {
  private readonly db: Kysely<Schema>;

  constructor(
    db: Kysely<Schema>,
    private readonly clock: Clock = systemClock,
  ) {
    this.db = db;
  }

  async get(integrationId: string, alertId: string): Promise<WaitingAlert | undefined> {
    const row = await this.db.selectFrom('waiting_alerts').selectAll().where('integration_id', '=', integrationId).where('alert_id', '=', alertId).executeTakeFirst();
    return row && toWaiting(row);
  }

  /** Many at once, by alert id. */
  async getMany(integrationId: string, alertIds: readonly string[]): Promise<Map<string, WaitingAlert>> {
    const out = new Map<string, WaitingAlert>();
    const unique = [...new Set(alertIds)];
    for (let i = 0; i < unique.length; i += 200) {
      const rows = await this.db.selectFrom('waiting_alerts').selectAll().where('integration_id', '=', integrationId).where('alert_id', 'in', unique.slice(i, i + 200)).execute();
      for (const row of rows) out.set(row.alert_id, toWaiting(row));
    }
    return out;
  }

  /** Puts the alert in the unmapped queue (or refreshes its snapshot); attempts are kept. */
  async putUnmapped(integrationId: string, alertId: string, alert: VendorAlert, tenantId: string | null, detail: string): Promise<void> {
    await this.hold('unmapped', integrationId, alertId, alert, tenantId, detail);
  }

  /** Keeps an alert the pass had no PSA budget for (or refreshes its snapshot); failed attempts are kept. */
  async putDeferred(integrationId: string, alertId: string, alert: VendorAlert, tenantId: string | null, detail: string): Promise<void> {
    await this.hold('deferred', integrationId, alertId, alert, tenantId, detail);
  }

  /** Holds the alert for `reason` (or refreshes its snapshot and why); attempts are kept, no retry time. */
  private async hold(reason: 'unmapped' | 'deferred', integrationId: string, alertId: string, alert: VendorAlert, tenantId: string | null, detail: string): Promise<void> {
    const now = isoAt(this.clock);
    await this.db
      .insertInto('waiting_alerts')
      .values({
        integration_id: integrationId,
        alert_id: alertId,
        reason,
        tenant_id: tenantId,
        alert_type: alert.type,
        severity: alert.severity,
        alert: toJsonText(alert),
        detail,
        attempts: 0,
        last_error: null,
        next_attempt_at: null,
        first_seen_at: now,
        updated_at: now,
      })
      .onConflict((oc) =>
        oc.columns(['integration_id', 'alert_id']).doUpdateSet((eb) => ({
          reason: eb.ref('excluded.reason'),
          tenant_id: eb.ref('excluded.tenant_id'),
          severity: eb.ref('excluded.severity'),
          alert: eb.ref('excluded.alert'),
          detail: eb.ref('excluded.detail'),
          last_error: null,
          next_attempt_at: null,
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .execute();
  }

  /**
   * Counts a failed attempt and returns the count. `park` moves the alert to the `failed` queue
   * (retried from there at `nextAttemptAt`); otherwise the row only remembers the count for the
   * stream's next try, with reason `failed` too but no retry time (the cursor holds it).
   */
  async recordFailure(
    integrationId: string,
    alertId: string,
    alert: VendorAlert,
    tenantId: string | null,
    error: string,
    nextAttemptAt: string | null,
  ): Promise<number> {
    const now = isoAt(this.clock);
    const lastError = error.length > MAX_ERROR_LENGTH ? `${error.slice(0, MAX_ERROR_LENGTH)}…` : error;
    await this.db
      .insertInto('waiting_alerts')
      .values({
        integration_id: integrationId,
        alert_id: alertId,
        reason: 'failed',
        tenant_id: tenantId,
        alert_type: alert.type,
        severity: alert.severity,
        alert: toJsonText(alert),
        detail: `Raising a ticket for this alert failed: ${lastError}`,
        attempts: 1,
        last_error: lastError,
        next_attempt_at: nextAttemptAt,
        first_seen_at: now,
        updated_at: now,
      })
      .onConflict((oc) =>
        oc.columns(['integration_id', 'alert_id']).doUpdateSet((eb) => ({
          reason: eb.ref('excluded.reason'),
          alert: eb.ref('excluded.alert'),
          detail: eb.ref('excluded.detail'),
          attempts: eb('waiting_alerts.attempts', '+', 1),
          last_error: eb.ref('excluded.last_error'),
          next_attempt_at: eb.ref('excluded.next_attempt_at'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .execute();
    return (await this.get(integrationId, alertId))?.attempts ?? 1;
  }

  async setNextAttempt(integrationId: string, alertId: string, nextAttemptAt: string): Promise<void> {
    await this.db
      .updateTable('waiting_alerts')
      .set({ next_attempt_at: nextAttemptAt, updated_at: isoAt(this.clock) })
      .where('integration_id', '=', integrationId)
      .where('alert_id', '=', alertId)
      .execute();
  }

  async remove(integrationId: string, alertId: string): Promise<boolean> {
    const result = await this.db.deleteFrom('waiting_alerts').where('integration_id', '=', integrationId).where('alert_id', '=', alertId).executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  /** Unmapped alerts of these tenants (lower-case ids), oldest first. */
  async unmappedOf(integrationId: string, tenantIds: readonly string[]): Promise<WaitingAlert[]> {
    const out: WaitingAlert[] = [];
    const unique = [...new Set(tenantIds)];
    for (let i = 0; i < unique.length; i += 200) {
      const rows = await this.db
        .selectFrom('waiting_alerts')
        .selectAll()
        .where('integration_id', '=', integrationId)
        .where('reason', '=', 'unmapped')
        .where('tenant_id', 'in', unique.slice(i, i + 200))
        .execute();
      out.push(...rows.map(toWaiting));
    }
    return out.sort((a, b) => (a.firstSeenAt < b.firstSeenAt ? -1 : a.firstSeenAt > b.firstSeenAt ? 1 : 0));
  }

  /** Tenants with unmapped alerts waiting. */
  async unmappedTenants(integrationId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('waiting_alerts')
      .select('tenant_id')
      .distinct()
      .where('integration_id', '=', integrationId)
      .where('reason', '=', 'unmapped')
      .where('tenant_id', 'is not', null)
      .execute();
    return rows.map((row) => row.tenant_id as string);
  }

  /**
   * Alerts a storm deferred for want of PSA budget, most severe first (the order the next pass takes
   * them up in; src/domain/alert-storm-order.ts ranks the same way), oldest first within a severity.
   */
  async deferred(integrationId: string, limit: number): Promise<WaitingAlert[]> {
    const rows = await this.db
      .selectFrom('waiting_alerts')
      .selectAll()
      .where('integration_id', '=', integrationId)
      .where('reason', '=', 'deferred')
      .orderBy(sql`case lower(coalesce(severity, '')) when 'critical' then 0 when 'error' then 1 when 'warning' then 2 else 3 end`)
      .orderBy('first_seen_at')
      .orderBy('alert_id')
      .limit(limit)
      .execute();
    return rows.map(toWaiting);
  }

  /** Parked failed alerts whose retry time has come by `now` (ISO; the loop's clock, default this repository's). */
  async dueFailures(integrationId: string, now: string = isoAt(this.clock), limit = 100): Promise<WaitingAlert[]> {
    const rows = await this.db
      .selectFrom('waiting_alerts')
      .selectAll()
      .where('integration_id', '=', integrationId)
      .where('reason', '=', 'failed')
      .where('next_attempt_at', 'is not', null)
      .where('next_attempt_at', '<=', now)
      .orderBy('next_attempt_at')
      .limit(limit)
      .execute();
    return rows.map(toWaiting);
  }

  /**
   * `shownHere`: leave out the alerts of customers another integration of the same Acronis
   * connection maps (the alert is that integration's to raise, not waiting here), in SQL so that
   * paging and counts agree with what is shown.
   */
  async list(integrationId: string, filter: { reason?: WaitingReason; tenantId?: string; limit?: number; offset?: number; shownHere?: boolean } = {}): Promise<WaitingAlert[]> {
    let query = this.db.selectFrom('waiting_alerts').selectAll().where('integration_id', '=', integrationId);
    if (filter.reason !== undefined) query = query.where('reason', '=', filter.reason);
    if (filter.tenantId !== undefined) query = query.where('tenant_id', '=', filter.tenantId.toLowerCase());
    if (filter.shownHere === true) query = query.where(notMappedElsewhere);
    query = query.orderBy('first_seen_at').orderBy('alert_id').limit(filter.limit ?? 100);
    if (filter.offset !== undefined) query = query.offset(filter.offset);
    return (await query.execute()).map(toWaiting);
  }

  async countByReason(integrationId: string, filter: { shownHere?: boolean } = {}): Promise<Record<WaitingReason, number>> {
    let query = this.db
      .selectFrom('waiting_alerts')
      .select((eb) => ['reason', eb.fn.countAll<string | number>().as('n')])
      .where('integration_id', '=', integrationId);
    if (filter.shownHere === true) query = query.where(notMappedElsewhere);
    const rows = await query.groupBy('reason').execute();
    const counts: Record<WaitingReason, number> = { unmapped: 0, failed: 0, deferred: 0 };
    for (const row of rows) counts[row.reason as WaitingReason] = toCount(row.n);
    return counts;
  }
}
