import type { Kysely } from 'kysely';
import { fromFlag, isoAt, systemClock, toFlag, type Clock } from '../columns.ts';
import type { Schema } from '../schema.ts';

/**
 * What the hub pushed to a billing platform (migration 0013): accounts, services with the
 * platform's ids, the last count per account × service, and alerts sent as tickets. The tables are
 * typed here, with their only user, as the snapshot tables are.
 */

export interface PushedAccount {
  accountId: string;
  name: string;
  deleted: boolean;
  pushedAt: string;
}

export interface PushedService {
  serviceKey: string;
  externalId: string;
  name: string;
  unit: string;
  storage: boolean;
  pushedAt: string;
}

export type CountState = 'counted' | 'waiting';

export interface PushedCount {
  accountId: string;
  serviceKey: string;
  quantity: number;
  state: CountState;
  countedQuantity: number | null;
  message: string | null;
  postedAt: string;
  countedAt: string | null;
}

export type AlertState = 'sending' | 'pending' | 'delivered' | 'failed';

export interface PushedAlert {
  alertId: string;
  keyHash: string;
  episode: number;
  /** When the vendor cleared the alert: the next one of its key is a new episode (a new ticket). */
  clearedAt: string | null;
  tenantId: string;
  alertType: string;
  title: string;
  priority: number;
  deliveryId: string | null;
  state: AlertState;
  ticketId: string | null;
  errors: string[];
  checks: number;
  nextCheckAt: string | null;
  createdAt: string;
  updatedAt: string;
}

const BATCH = 200;

export class BillingPushRepository {
  private readonly db: Kysely<Schema>;

  constructor(
    db: Kysely<Schema>,
    private readonly clock: Clock = systemClock,
  ) {
    this.db = db;
  }

  async accounts(integrationId: string): Promise<PushedAccount[]> {
    const rows = await this.db.selectFrom('billing_accounts').selectAll().where('integration_id', '=', integrationId).orderBy('account_id').execute();
    return rows.map((r) => ({ accountId: r.account_id, name: r.name, deleted: fromFlag(r.deleted), pushedAt: r.pushed_at }));
  }

  async putAccounts(integrationId: string, accounts: readonly { accountId: string; name: string; deleted: boolean }[]): Promise<void> {
    const now = isoAt(this.clock);
    for (let i = 0; i < accounts.length; i += BATCH) {
      await this.db
        .insertInto('billing_accounts')
        .values(accounts.slice(i, i + BATCH).map((a) => ({ integration_id: integrationId, account_id: a.accountId, name: a.name, deleted: toFlag(a.deleted), pushed_at: now })))
        .onConflict((oc) => oc.columns(['integration_id', 'account_id']).doUpdateSet((eb) => ({ name: eb.ref('excluded.name'), deleted: eb.ref('excluded.deleted'), pushed_at: eb.ref('excluded.pushed_at') })))
        .execute();
    }
  }

  async services(integrationId: string): Promise<PushedService[]> {
    const rows = await this.db.selectFrom('billing_services').selectAll().where('integration_id', '=', integrationId).orderBy('name').execute();
    return rows.map((r) => ({ serviceKey: r.service_key, externalId: r.external_id, name: r.name, unit: r.unit, storage: fromFlag(r.storage), pushedAt: r.pushed_at }));
  }

  async putServices(integrationId: string, services: readonly Omit<PushedService, 'pushedAt'>[]): Promise<void> {
    const now = isoAt(this.clock);
    for (const s of services) {
      await this.db
        .insertInto('billing_services')
        .values({ integration_id: integrationId, service_key: s.serviceKey, external_id: s.externalId, name: s.name, unit: s.unit, storage: toFlag(s.storage), pushed_at: now })
        .onConflict((oc) =>
          oc.columns(['integration_id', 'service_key']).doUpdateSet((eb) => ({ external_id: eb.ref('excluded.external_id'), name: eb.ref('excluded.name'), unit: eb.ref('excluded.unit'), storage: eb.ref('excluded.storage'), pushed_at: eb.ref('excluded.pushed_at') })),
        )
        .execute();
    }
  }

  async counts(integrationId: string): Promise<PushedCount[]> {
    const rows = await this.db.selectFrom('billing_counts').selectAll().where('integration_id', '=', integrationId).orderBy('account_id').orderBy('service_key').execute();
    return rows.map((r) => ({
      accountId: r.account_id,
      serviceKey: r.service_key,
      quantity: Number(r.quantity),
      state: r.state as CountState,
      countedQuantity: r.counted_quantity === null ? null : Number(r.counted_quantity),
      message: r.message,
      postedAt: r.posted_at,
      countedAt: r.counted_at,
    }));
  }

  /** Records what a post answered: counted (the platform took `quantity`) or waiting (not mapped there). */
  async recordCount(integrationId: string, count: { accountId: string; serviceKey: string; quantity: number; state: CountState; message: string | null }): Promise<void> {
    const now = isoAt(this.clock);
    const counted = count.state === 'counted';
    await this.db
      .insertInto('billing_counts')
      .values({
        integration_id: integrationId,
        account_id: count.accountId,
        service_key: count.serviceKey,
        quantity: count.quantity,
        state: count.state,
        counted_quantity: counted ? count.quantity : null,
        message: count.message,
        posted_at: now,
        counted_at: counted ? now : null,
      })
      .onConflict((oc) =>
        oc.columns(['integration_id', 'account_id', 'service_key']).doUpdateSet((eb) => ({
          quantity: eb.ref('excluded.quantity'),
          state: eb.ref('excluded.state'),
          message: eb.ref('excluded.message'),
          posted_at: eb.ref('excluded.posted_at'),
          // A "not mapped" answer keeps what the platform took before.
          ...(counted ? { counted_quantity: eb.ref('excluded.counted_quantity'), counted_at: eb.ref('excluded.counted_at') } : {}),
        })),
      )
      .execute();
  }

  /**
   * Pairs a pass held back because their account or service waits for a mapping on the platform
   * (src/domain/mapping-probe.ts): recorded as waiting with the quantity they would have had, so
   * the overview lists them and the next pass plans them again. What the platform took before and
   * when it was last asked stay as they were; a pair never asked gets this pass's time.
   */
  async recordNotAsked(integrationId: string, pairs: readonly { accountId: string; serviceKey: string; quantity: number; message: string }[]): Promise<void> {
    const now = isoAt(this.clock);
    for (let i = 0; i < pairs.length; i += BATCH) {
      await this.db
        .insertInto('billing_counts')
        .values(
          pairs.slice(i, i + BATCH).map((p) => ({
            integration_id: integrationId,
            account_id: p.accountId,
            service_key: p.serviceKey,
            quantity: p.quantity,
            state: 'waiting',
            counted_quantity: null,
            message: p.message,
            posted_at: now,
            counted_at: null,
          })),
        )
        .onConflict((oc) =>
          oc.columns(['integration_id', 'account_id', 'service_key']).doUpdateSet((eb) => ({ quantity: eb.ref('excluded.quantity'), state: eb.ref('excluded.state'), message: eb.ref('excluded.message') })),
        )
        .execute();
    }
  }

  async alerts(integrationId: string, options: { states?: readonly AlertState[]; limit?: number } = {}): Promise<PushedAlert[]> {
    let q = this.db.selectFrom('billing_alerts').selectAll().where('integration_id', '=', integrationId);
    if (options.states !== undefined && options.states.length > 0) q = q.where('state', 'in', [...options.states]);
    const rows = await q.orderBy('created_at', 'desc').orderBy('alert_id').limit(options.limit ?? 10_000).execute();
    return rows.map((r) => ({
      alertId: r.alert_id,
      keyHash: r.key_hash,
      episode: r.episode,
      clearedAt: r.cleared_at,
      tenantId: r.tenant_id,
      alertType: r.alert_type,
      title: r.title,
      priority: r.priority,
      deliveryId: r.delivery_id,
      state: r.state as AlertState,
      ticketId: r.ticket_id,
      errors: r.errors === null ? [] : (JSON.parse(r.errors) as string[]),
      checks: r.checks,
      nextCheckAt: r.next_check_at,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
    }));
  }

  /** Records an alert before it is sent (state `sending`); a second call for the same alertId changes nothing. */
  async clearAlert(integrationId: string, alertId: string): Promise<void> {
    await this.db.updateTable('billing_alerts').set({ cleared_at: isoAt(this.clock) }).where('integration_id', '=', integrationId).where('alert_id', '=', alertId).where('cleared_at', 'is', null).execute();
  }

  async claimAlert(integrationId: string, alert: { alertId: string; keyHash: string; episode: number; tenantId: string; alertType: string; title: string; priority: number }): Promise<boolean> {
    const now = isoAt(this.clock);
    const result = await this.db
      .insertInto('billing_alerts')
      .values({ integration_id: integrationId, alert_id: alert.alertId, key_hash: alert.keyHash, episode: alert.episode, cleared_at: null, tenant_id: alert.tenantId, alert_type: alert.alertType, title: alert.title, priority: alert.priority, delivery_id: null, state: 'sending', ticket_id: null, errors: null, checks: 0, next_check_at: null, created_at: now, updated_at: now })
      .onConflict((oc) => oc.columns(['integration_id', 'alert_id']).doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
  }

  async updateAlert(integrationId: string, alertId: string, patch: Partial<Pick<PushedAlert, 'deliveryId' | 'state' | 'ticketId' | 'errors' | 'checks' | 'nextCheckAt'>>): Promise<void> {
    await this.db
      .updateTable('billing_alerts')
      .set({
        updated_at: isoAt(this.clock),
        ...(patch.deliveryId === undefined ? {} : { delivery_id: patch.deliveryId }),
        ...(patch.state === undefined ? {} : { state: patch.state }),
        ...(patch.ticketId === undefined ? {} : { ticket_id: patch.ticketId }),
        ...(patch.errors === undefined ? {} : { errors: JSON.stringify(patch.errors) }),
        ...(patch.checks === undefined ? {} : { checks: patch.checks }),
        ...(patch.nextCheckAt === undefined ? {} : { next_check_at: patch.nextCheckAt }),
      })
      .where('integration_id', '=', integrationId)
      .where('alert_id', '=', alertId)
      .execute();
  }
}
