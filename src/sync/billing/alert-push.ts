/**
 * Vendor alerts → tickets in the MSP's PSA, through the billing platform (the "alerts" loop of a
 * billing-platform integration), configured through the shared ticket engine's settings like every
 * target's: ticket creation on or off, the alert types a person enabled with a priority each (the
 * manifest's `priority` ticket field), the minimum severity, the ticket start. The platform only
 * creates tickets: no close, no reopen, no clearing (the manifest's capabilities say so, and the
 * ticket settings refuse those options for it). One ticket per (tenant, alert type, resource, episode): the alertId the platform
 * receives is the shared ticket reference of src/domain/alert-identity.ts, so an alert storm on one
 * machine is one ticket, and a retry after a crash or a lost answer sends the same alertId again
 * (the platform answers the first delivery). A new episode starts once the vendor cleared the alert.
 * Delivery is followed on the platform with backoff until it says delivered or failed, with its errors.
 */

import { alertKeyHash, alertKeyOf, ticketExternalRef } from '../../domain/alert-identity.ts';
import { billingAlertDecision, nextDeliveryCheckMs, type Priority } from '../../domain/billing-alert-policy.ts';
import { isTransient } from '../../connectors/kit/errors.ts';
import type { PushedAlert } from '../../store/repositories/billing-push.ts';
import { TicketConfig, ticketProfileFor } from '../settings/tickets.ts';
import { readTicketStart } from '../ticket-start.ts';
import { raisedBeforeStart } from '../../domain/ticket-start.ts';
import type { LoopOutcome, LoopRunOptions } from '../loop-result.ts';
import type { BillingRuntime } from './billing-runtime.ts';

const LOOP = 'alerts';
/** The alert stream's cursor; "tickets from all open alerts" (POST …/ticket-start) deletes it. */
export const BILLING_ALERTS_CURSOR = 'billing-alerts';
const CURSOR = BILLING_ALERTS_CURSOR;

/**
 * A decision of the pass, computed before anything is written: `clear` ends the open episode of a
 * key the vendor dismissed (its next alert starts a new ticket), `raise` sends a ticket, `follow`
 * asks the platform how a delivery went. A dry run returns the clears and raises and writes nothing.
 */
export interface AlertPlanItem {
  operation: 'clear' | 'raise' | 'follow';
  alertId: string;
  what: string;
}

export async function runAlertPush(rt: BillingRuntime, options: LoopRunOptions = {}): Promise<LoopOutcome<AlertPlanItem>> {
  const integrationId = rt.integration.id;
  const alerts = rt.platform.alerts;
  const stats = { seen: 0, raised: 0, delivered: 0, failed: 0, pending: 0, skipped: 0, beforeStart: 0, off: false };
  const profile = ticketProfileFor(rt.integration.target);
  if (alerts === undefined || rt.capabilities.alerts === false || profile === null) return { loop: LOOP, dryRun: options.dryRun === true, stats, plan: [] };
  // The shared ticket engine's settings: the feature switch, the alert types a person enabled with
  // their priority, the minimum severity, and from when alerts are raised (the ticket start).
  const config = new TicketConfig(rt.store.repos.settings);
  const settings = await config.readSettings(integrationId, profile);
  const mapping = await config.readMapping(integrationId, profile);
  const start = await readTicketStart(rt.store.repos.settings, integrationId);
  const accounts = new Map((await rt.pushed.accounts(integrationId)).filter((a) => !a.deleted).map((a) => [a.accountId, a]));
  const known = await rt.pushed.alerts(integrationId);
  const latest = new Map<string, PushedAlert>();
  for (const a of known) if ((latest.get(a.keyHash)?.episode ?? 0) < a.episode) latest.set(a.keyHash, a);

  const cursor = await rt.store.repos.cursors.get(integrationId, CURSOR);
  let maxNs = cursor?.value ?? '0';
  const plan: AlertPlanItem[] = [];
  const toClear: string[] = [];
  const toRaise: { alertId: string; keyHash: string; episode: number; tenantId: string; type: string; title: string; description: string; priority: Priority }[] = [];
  // Off: nothing new is read (the cursor stays), deliveries already queued are still followed.
  stats.off = !settings.enabled;
  for await (const alert of settings.enabled ? rt.vendor.listAlerts({ updatedAfterNs: maxNs }) : []) {
    options.signal?.throwIfAborted();
    stats.seen++;
    if (BigInt(alert.updatedAtNs) > BigInt(maxNs)) maxNs = alert.updatedAtNs;
    const key = alertKeyOf(alert);
    if (key === null) continue;
    const keyHash = alertKeyHash(key);
    const current = latest.get(keyHash);
    if (alert.dismissed) {
      if (current !== undefined && current.clearedAt === null) {
        toClear.push(current.alertId);
        plan.push({ operation: 'clear', alertId: current.alertId, what: `episode ${current.episode} of "${current.title}" ended (the vendor dismissed its alert)` });
      }
      if (current !== undefined) latest.set(keyHash, { ...current, clearedAt: current.clearedAt ?? 'now' });
      continue;
    }
    const decision = billingAlertDecision(mapping, settings, alert);
    if (!decision.raise || !accounts.has(key.tenantId)) {
      stats.skipped++;
      continue;
    }
    // Alerts open before ticket creation was switched on are not raised, unless a person chose so.
    if (raisedBeforeStart(alert.createdAt, start)) {
      stats.beforeStart++;
      continue;
    }
    // The open episode of the key already has its ticket: a storm is one ticket.
    if (current !== undefined && current.clearedAt === null) continue;
    if (toRaise.some((r) => r.keyHash === keyHash)) continue;
    const episode = (current?.episode ?? 0) + 1;
    const alertId = ticketExternalRef(key, episode);
    const title = `${alert.type}: ${String(alert.details.resourceName ?? accounts.get(key.tenantId)?.name ?? key.tenantId)}`.slice(0, 250);
    const description = [`Acronis alert ${alert.type} (${alert.severity}) for ${accounts.get(key.tenantId)?.name ?? key.tenantId}.`, ...Object.entries(alert.details).map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)].join('\n');
    toRaise.push({ alertId, keyHash, episode, tenantId: key.tenantId, type: alert.type, title, description, priority: decision.priority });
    plan.push({ operation: 'raise', alertId, what: `ticket "${title}" (priority ${decision.priority})` });
  }
  if (options.dryRun === true) return { loop: LOOP, dryRun: true, stats, plan };

  // Applying the plan: the clears first, as the vendor dismissed those alerts before the ones raised.
  for (const alertId of toClear) await rt.pushed.clearAlert(integrationId, alertId);

  // Claimed before the call: a crash after it leaves a `sending` row, sent again with the same alertId.
  for (const r of toRaise) await rt.pushed.claimAlert(integrationId, { alertId: r.alertId, keyHash: r.keyHash, episode: r.episode, tenantId: r.tenantId, alertType: r.type, title: r.title, priority: r.priority });
  const sending = [...(await rt.pushed.alerts(integrationId, { states: ['sending'] }))];
  const bodies = new Map(toRaise.map((r) => [r.alertId, r]));
  let firstError: string | null = null;
  for (const a of sending) {
    options.signal?.throwIfAborted();
    const body = bodies.get(a.alertId);
    try {
      const { deliveryId } = await alerts.raise(a.tenantId, {
        alertId: a.alertId,
        title: a.title,
        description: body?.description ?? a.title,
        priority: a.priority as Priority,
      });
      await rt.pushed.updateAlert(integrationId, a.alertId, { deliveryId, state: 'pending', nextCheckAt: rt.clock().toISOString() });
      stats.raised++;
    } catch (error) {
      firstError ??= error instanceof Error ? error.message : String(error);
      if (!isTransient(error)) {
        await rt.pushed.updateAlert(integrationId, a.alertId, { state: 'failed', errors: [firstError] });
        stats.failed++;
      }
    }
  }
  if (firstError === null && settings.enabled) await rt.store.repos.cursors.put(integrationId, CURSOR, maxNs);

  // Follow deliveries that are due, with backoff.
  const now = rt.clock().getTime();
  for (const a of await rt.pushed.alerts(integrationId, { states: ['pending'] })) {
    if (a.deliveryId === null || (a.nextCheckAt !== null && Date.parse(a.nextCheckAt) > now)) {
      stats.pending++;
      continue;
    }
    plan.push({ operation: 'follow', alertId: a.alertId, what: `delivery of "${a.title}"` });
    try {
      const d = await alerts.delivery(a.deliveryId);
      const checks = a.checks + 1;
      if (d.state === 'pending') {
        stats.pending++;
        await rt.pushed.updateAlert(integrationId, a.alertId, { checks, nextCheckAt: new Date(now + nextDeliveryCheckMs(checks)).toISOString() });
      } else {
        if (d.state === 'delivered') stats.delivered++;
        else stats.failed++;
        const errors = d.state === 'failed' ? (d.errors.length > 0 ? d.errors : [`failed with HTTP ${d.statusCode ?? '?'}`]) : [];
        await rt.pushed.updateAlert(integrationId, a.alertId, { checks, state: d.state, ticketId: d.ticketId, errors, nextCheckAt: null });
      }
    } catch (error) {
      if (!isTransient(error)) throw error;
      stats.pending++;
    }
  }
  if (firstError !== null) throw Object.assign(new Error(`Some alerts could not be sent to ${rt.platformLabel} (first: ${firstError}); the next pass sends them again`), { stats });
  return { loop: LOOP, dryRun: false, stats, plan };
}
