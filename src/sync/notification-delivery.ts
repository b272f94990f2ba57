/**
 * Sends the deliveries owed to notification channels (src/store/repositories/notifications.ts):
 * each is claimed first so one process sends it, then sent by email or webhook. A failure is
 * recorded on the delivery and the channel for a person to read, retried a few times with a
 * growing pause, then given up; it never throws into the pass that triggered it.
 */
import type { Logger } from 'pino';
import type { VendorHostPolicy } from '../config/vendor-hosts.ts';
import { sendEmail } from '../notifications/email-sender.ts';
import { sendWebhook } from '../notifications/webhook-sender.ts';
import type { NotificationDelivery } from '../store/repositories/notifications.ts';
import type { Store } from '../store/store.ts';

/** Attempts per delivery; the pause after the n-th failed one is n minutes. */
export const MAX_ATTEMPTS = 3;
const LEASE_MS = 60_000;
const BATCH = 50;

export interface DeliveryContext {
  store: Pick<Store, 'repos'>;
  /** Where a webhook may be called: the target host policy (PSA_BRIDGE_VENDOR_HOSTS). */
  webhookHosts: VendorHostPolicy;
  logger?: Logger;
}

async function sendOne(context: DeliveryContext, delivery: NotificationDelivery): Promise<void> {
  const repo = context.store.repos.notifications;
  const channel = await repo.getChannel(delivery.channelId);
  if (channel === undefined) return;
  if (!channel.enabled && delivery.kind !== 'test') {
    // Switched off after the message was owed: a person chose not to hear from it.
    await repo.markAttemptFailed(delivery, 'not sent: the channel was switched off', null);
    return;
  }
  try {
    if (channel.config.kind === 'email') {
      await sendEmail(channel.config.email, { deliveryId: delivery.id, subject: delivery.subject, text: delivery.body });
    } else {
      await sendWebhook(channel.config.webhook.url, `*${delivery.subject}*\n${delivery.body}`, context.webhookHosts);
    }
    await repo.markSent(delivery);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const attempts = delivery.attempts + 1;
    // A test message is a person waiting for the answer now: one attempt.
    const retryInMs = delivery.kind === 'test' || attempts >= MAX_ATTEMPTS ? null : attempts * 60_000;
    await repo.markAttemptFailed(delivery, message, retryInMs);
    context.logger?.warn({ channel: channel.name, delivery: delivery.id, attempts, error: message }, 'a notification could not be delivered');
  }
}

/** Sends every pending delivery that is due (or only `onlyId`); returns how many were attempted. */
export async function deliverPending(context: DeliveryContext, onlyId?: string): Promise<number> {
  const repo = context.store.repos.notifications;
  let attempted = 0;
  for (const delivery of await repo.duePending(BATCH, onlyId)) {
    if (!(await repo.claim(delivery.id, LEASE_MS))) continue;
    attempted += 1;
    await sendOne(context, delivery);
  }
  return attempted;
}
