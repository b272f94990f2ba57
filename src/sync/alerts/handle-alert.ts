/** One alert: its key's link history + the tenant's mapping + the settings → `decideAlertEvent` → the write. */
import { alertKeyOf, alertKeyString, type AlertKey } from '../../domain/alert-identity.ts';
import { DomainError } from '../../domain/domain-error.ts';
import { decideAlertEvent, type AlertDecision } from '../../domain/ticket-lifecycle.ts';
import { raisedBeforeStart } from '../../domain/ticket-start.ts';
import type { VendorAlert } from '../../domain/vendor-model.ts';
import type { TicketFieldBag } from '../../connectors/ports.ts';
import { isoAt } from '../../store/columns.ts';
import { saveLinkEvents } from '../ticket-link-writes.ts';
import { ALERTS_LOOP, crash, historyOf, type AlertsPassStats, type PassContext } from './pass-context.ts';
import { adoptOrphan, applyCreate } from './ticket-creation.ts';

export type Outcome = 'applied' | 'nothing' | 'waiting';

/** Decides and applies one alert. Throws when the write failed (the caller counts the attempt). */
export async function handleAlert(ctx: PassContext, alert: VendorAlert): Promise<Outcome> {
  const { env, stats } = ctx;
  const key = alertKeyOf(alert);
  const keyString = key === null ? null : alertKeyString(key);
  let history = keyString === null ? [] : await historyOf(ctx, keyString);
  // Whatever happens next may write this key's links: later alerts of the key read them afresh.
  if (keyString !== null) ctx.histories.delete(keyString);
  let links = history.map((stored) => stored.link);
  const mapping = key === null ? null : await ctx.mappingOf(key.tenantId);
  const input = {
    alert,
    links,
    mapping,
    alertMapping: ctx.alertMapping,
    settings: ctx.settings,
    now: isoAt(ctx.clock),
    consoleUrl: env.consoleUrl,
    alertTypeTitle: await ctx.typeTitle(alert.type),
  };
  let decision = decideAlertEvent(input);
  if (decision.kind === 'nothing' && decision.reason === 'not_linked' && key !== null && keyString !== null && !env.dryRun) {
    // The alert is unknown to every link: maybe its ticket was created by a pass that died before
    // saving the link (and the alert changed since, so no create is decided again). Adopt it.
    if (await adoptOrphan(ctx, key, keyString, history)) {
      history = await env.repos.alertLinks.history(env.integrationId, keyString);
      links = history.map((stored) => stored.link);
      input.links = links;
      decision = decideAlertEvent(input);
    }
  }
  let contract: { id: string; name: string } | null = null;
  if (decision.kind === 'create_ticket' && mapping?.companyId) {
    contract = await ctx.contractOf(mapping.companyId);
    if (contract !== null) decision = decideAlertEvent({ ...input, mapping: { ...mapping, contractName: contract.name } });
  }
  // Alerts open before ticket creation was switched on are not raised, unless a person chose so.
  if ((decision.kind === 'create_ticket' || decision.kind === 'wait_unmapped') && links.length === 0 && raisedBeforeStart(alert.createdAt, ctx.ticketStart ?? null)) {
    stats.beforeStart = Number(stats.beforeStart ?? 0) + 1;
    return 'nothing';
  }
  if (env.dryRun) {
    countDecision(stats, decision);
    return decision.kind === 'wait_unmapped' ? 'waiting' : decision.kind === 'nothing' ? 'nothing' : 'applied';
  }

  switch (decision.kind) {
    case 'nothing':
      if (decision.linkEvents.length > 0 && keyString !== null && decision.episode !== null) {
        await saveLinkEvents(env.repos, env.integrationId, keyString, decision.episode, decision.linkEvents, 'alerts', {}, ctx.log);
      }
      stats.nothing += 1;
      return 'nothing';
    case 'wait_unmapped':
      await env.repos.waitingAlerts.putUnmapped(env.integrationId, decision.alertId, alert, decision.tenantId, decision.detail);
      stats.waiting += 1;
      return 'waiting';
    case 'create_ticket':
      await applyCreate(ctx, decision, alert, key as AlertKey, contract, mapping);
      stats.created += 1;
      return 'applied';
    case 'add_note': {
      await ctx.journal.run(
        { integrationId: env.integrationId, loop: ALERTS_LOOP, operation: 'add_ticket_note', idempotencyKey: decision.idempotencyKey, payload: { ticketId: decision.ticketId, alertId: decision.alertId, occurrences: decision.occurrences } },
        {
          lookup: async () => null,
          perform: async () => {
            const { noteId } = await ctx.tickets.addTicketNote(decision.ticketId, { ...decision.note, fields: decision.fields.fields as TicketFieldBag }, { idempotencyKey: decision.idempotencyKey });
            await crash(ctx, 'after_target_write', { alertId: decision.alertId, ticketId: decision.ticketId, operation: 'add_ticket_note' });
            return noteId;
          },
        },
      );
      await crash(ctx, 'after_journal', { alertId: decision.alertId, ticketId: decision.ticketId, operation: 'add_ticket_note' });
      await saveLinkEvents(env.repos, env.integrationId, keyString as string, decision.episode, decision.linkEvents, 'alerts', {}, ctx.log);
      await crash(ctx, 'after_link_saved', { alertId: decision.alertId, ticketId: decision.ticketId, operation: 'add_ticket_note' });
      stats.noted += 1;
      return 'applied';
    }
    case 'reopen_ticket':
    case 'close_ticket': {
      const operation = decision.kind === 'reopen_ticket' ? 'reopen_ticket' : 'close_ticket';
      const status = decision.status;
      if (status === null) {
        throw new DomainError(
          'invalid_input',
          decision.kind === 'reopen_ticket'
            ? `Ticket ${decision.ticketId} should be reopened but no status is set: choose a reopen status in the ticket settings, or a status for alert type "${alert.type}"`
            : `Ticket ${decision.ticketId} should be closed but auto-closing has no status: choose one in the ticket settings`,
          { ticketId: decision.ticketId },
        );
      }
      let number: string | null = null;
      await ctx.journal.run(
        { integrationId: env.integrationId, loop: ALERTS_LOOP, operation, idempotencyKey: decision.idempotencyKey, payload: { ticketId: decision.ticketId, alertId: decision.alertId, status } },
        {
          lookup: async () => null,
          perform: async () => {
            const ticket = await ctx.tickets.setTicketStatus(decision.ticketId, status, {
              idempotencyKey: decision.idempotencyKey,
              note: { ...decision.note, fields: decision.fields.fields as TicketFieldBag },
            });
            number = ticket.number;
            await crash(ctx, 'after_target_write', { alertId: decision.alertId, ticketId: decision.ticketId, operation });
            return ticket.id;
          },
        },
      );
      await crash(ctx, 'after_journal', { alertId: decision.alertId, ticketId: decision.ticketId, operation });
      await saveLinkEvents(env.repos, env.integrationId, keyString as string, decision.episode, decision.linkEvents, 'alerts', number === null ? {} : { ticketNumber: number }, ctx.log);
      await crash(ctx, 'after_link_saved', { alertId: decision.alertId, ticketId: decision.ticketId, operation });
      if (decision.kind === 'reopen_ticket') stats.reopened += 1;
      else stats.closed += 1;
      return 'applied';
    }
  }
}

function countDecision(stats: AlertsPassStats, decision: AlertDecision): void {
  const field = { create_ticket: 'created', add_note: 'noted', reopen_ticket: 'reopened', close_ticket: 'closed', wait_unmapped: 'waiting', nothing: 'nothing' } as const;
  stats[field[decision.kind]] = (stats[field[decision.kind]] as number) + 1;
}
