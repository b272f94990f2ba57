import type { Kysely, Selectable, Updateable } from 'kysely';
import type { NotificationChannelsTable, NotificationDeliveriesTable, Schema } from '../schema.ts';
import { fromFlag, isoAt, newId, systemClock, toCount, toFlag, type Clock } from '../columns.ts';
import { open, seal } from '../../secrets/secret-box.ts';
import type { ChannelConfig } from '../../notifications/channel-config.ts';
import { HealthFactsRepository } from './health-facts.ts';

/**
 * Notification channels (their configuration sealed at rest, bound to its row) and the deliveries
 * owed to them: a health transition is recorded together with one pending delivery per enabled
 * channel, in one transaction, so the transition is announced exactly when it is recorded, once.
 */

export interface NotificationChannel {
  id: string;
  name: string;
  enabled: boolean;
  config: ChannelConfig;
  lastSentAt: string | null;
  lastError: string | null;
  createdAt: string;
}

export type DeliveryState = 'pending' | 'sent' | 'failed';

export interface NotificationDelivery {
  id: string;
  channelId: string;
  integrationId: string | null;
  kind: 'transition' | 'test';
  fromStatus: string | null;
  toStatus: string;
  subject: string;
  body: string;
  state: DeliveryState;
  attempts: number;
  lastError: string | null;
  createdAt: string;
  sentAt: string | null;
}

export interface NoticeMessage {
  from: string | null;
  to: string;
  subject: string;
  text: string;
}

const configAad = (id: string): string => `notification_channels.config:${id}`;

const toDelivery = (row: Selectable<NotificationDeliveriesTable>): NotificationDelivery => ({
  id: row.id,
  channelId: row.channel_id,
  integrationId: row.integration_id,
  kind: row.kind === 'test' ? 'test' : 'transition',
  fromStatus: row.from_status,
  toStatus: row.to_status,
  subject: row.subject,
  body: row.body,
  state: row.state as DeliveryState,
  attempts: toCount(row.attempts),
  lastError: row.last_error,
  createdAt: row.created_at,
  sentAt: row.sent_at,
});

export class NotificationsRepository {
  constructor(
    private readonly db: Kysely<Schema>,
    private readonly secretKey: Buffer,
    private readonly clock: Clock = systemClock,
  ) {}

  private toChannel(row: Selectable<NotificationChannelsTable>): NotificationChannel {
    const config = JSON.parse(open(row.config, this.secretKey, configAad(row.id))) as ChannelConfig;
    return { id: row.id, name: row.name, enabled: fromFlag(row.enabled), config, lastSentAt: row.last_sent_at, lastError: row.last_error, createdAt: row.created_at };
  }

  async listChannels(): Promise<NotificationChannel[]> {
    const rows = await this.db.selectFrom('notification_channels').selectAll().orderBy('name').execute();
    return rows.map((row) => this.toChannel(row));
  }

  async getChannel(id: string): Promise<NotificationChannel | undefined> {
    const row = await this.db.selectFrom('notification_channels').selectAll().where('id', '=', id).executeTakeFirst();
    return row && this.toChannel(row);
  }

  async getChannelByName(name: string): Promise<NotificationChannel | undefined> {
    const row = await this.db.selectFrom('notification_channels').selectAll().where('name', '=', name).executeTakeFirst();
    return row && this.toChannel(row);
  }

  async createChannel(input: { name: string; enabled: boolean; config: ChannelConfig }): Promise<NotificationChannel> {
    const id = newId();
    await this.db
      .insertInto('notification_channels')
      .values({
        id,
        name: input.name,
        kind: input.config.kind,
        config: seal(JSON.stringify(input.config), this.secretKey, configAad(id)),
        enabled: toFlag(input.enabled),
        created_at: isoAt(this.clock),
      })
      .execute();
    return (await this.getChannel(id))!;
  }

  async updateChannel(id: string, patch: { name?: string; enabled?: boolean; config?: ChannelConfig }): Promise<NotificationChannel | undefined> {
    const changes: Updateable<NotificationChannelsTable> = {};
    if (patch.name !== undefined) changes.name = patch.name;
    if (patch.enabled !== undefined) changes.enabled = toFlag(patch.enabled);
    if (patch.config !== undefined) {
      changes.config = seal(JSON.stringify(patch.config), this.secretKey, configAad(id));
      changes.kind = patch.config.kind;
    }
    if (Object.keys(changes).length > 0) await this.db.updateTable('notification_channels').set(changes).where('id', '=', id).execute();
    return this.getChannel(id);
  }

  async deleteChannel(id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('notification_channels').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  /**
   * Records the integration's newly announced health if the last one is still `expected` (compare
   * and set, like HealthFactsRepository.swapNotice), and with it one pending delivery of `message`
   * per enabled channel. False when another process recorded the change first: it owes the message.
   */
  async announce(integrationId: string, expected: string | null, next: { status: string; reason: string | null }, message: NoticeMessage | null): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const swapped = await new HealthFactsRepository(trx, this.clock).swapNotice(integrationId, expected, next);
      if (!swapped || message === null) return swapped;
      const channels = await trx.selectFrom('notification_channels').select('id').where('enabled', '=', 1).execute();
      const now = isoAt(this.clock);
      for (const channel of channels) {
        await trx
          .insertInto('notification_deliveries')
          .values({
            id: newId(),
            channel_id: channel.id,
            integration_id: integrationId,
            kind: 'transition',
            from_status: message.from,
            to_status: message.to,
            subject: message.subject,
            body: message.text,
            state: 'pending',
            created_at: now,
          })
          .execute();
      }
      return true;
    });
  }

  /** A test message to one channel, sent at once by the caller. */
  async enqueueTest(channelId: string, message: { subject: string; text: string }): Promise<NotificationDelivery> {
    const id = newId();
    await this.db
      .insertInto('notification_deliveries')
      .values({ id, channel_id: channelId, integration_id: null, kind: 'test', from_status: null, to_status: 'test', subject: message.subject, body: message.text, state: 'pending', created_at: isoAt(this.clock) })
      .execute();
    return (await this.getDelivery(id))!;
  }

  async getDelivery(id: string): Promise<NotificationDelivery | undefined> {
    const row = await this.db.selectFrom('notification_deliveries').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toDelivery(row);
  }

  /** Pending deliveries nobody holds now (oldest first), or only `onlyId`. */
  async duePending(limit: number, onlyId?: string): Promise<NotificationDelivery[]> {
    const now = isoAt(this.clock);
    let query = this.db
      .selectFrom('notification_deliveries')
      .selectAll()
      .where('state', '=', 'pending')
      .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', now)]));
    if (onlyId !== undefined) query = query.where('id', '=', onlyId);
    const rows = await query.orderBy('created_at').orderBy('id').limit(limit).execute();
    return rows.map(toDelivery);
  }

  /**
   * Takes a pending delivery for `leaseMs` (and counts the attempt); false when another process
   * holds it. A process killed while sending leaves the claim to expire, and the message is sent by
   * the next check: a crash can repeat a message whose send was under way, never lose it.
   */
  async claim(id: string, leaseMs: number): Promise<boolean> {
    const now = isoAt(this.clock);
    const result = await this.db
      .updateTable('notification_deliveries')
      .set((eb) => ({ claimed_until: isoAt(this.clock, leaseMs), attempts: eb('attempts', '+', 1) }))
      .where('id', '=', id)
      .where('state', '=', 'pending')
      .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', now)]))
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async markSent(delivery: Pick<NotificationDelivery, 'id' | 'channelId'>): Promise<void> {
    const now = isoAt(this.clock);
    await this.db.updateTable('notification_deliveries').set({ state: 'sent', sent_at: now, last_error: null, claimed_until: null }).where('id', '=', delivery.id).execute();
    await this.db.updateTable('notification_channels').set({ last_sent_at: now, last_error: null }).where('id', '=', delivery.channelId).execute();
  }

  /** Records a failed attempt: retried after `retryInMs`, or given up (`failed`) when that is null. */
  async markAttemptFailed(delivery: Pick<NotificationDelivery, 'id' | 'channelId'>, error: string, retryInMs: number | null): Promise<void> {
    await this.db
      .updateTable('notification_deliveries')
      .set({ state: retryInMs === null ? 'failed' : 'pending', last_error: error, claimed_until: retryInMs === null ? null : isoAt(this.clock, retryInMs) })
      .where('id', '=', delivery.id)
      .execute();
    await this.db.updateTable('notification_channels').set({ last_error: error }).where('id', '=', delivery.channelId).execute();
  }

  async listDeliveries(options: { channelId?: string; limit: number }): Promise<NotificationDelivery[]> {
    let query = this.db.selectFrom('notification_deliveries').selectAll();
    if (options.channelId !== undefined) query = query.where('channel_id', '=', options.channelId);
    const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(options.limit).execute();
    return rows.map(toDelivery);
  }
}
