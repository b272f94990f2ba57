/** One alert: planned (its key's link history + the tenant's mapping + the settings → `decideAlertEvent`), then applied (the write). */
import { alertKeyOf, alertKeyString, type AlertKey } from '../../domain/alert-identity.ts';
import { DomainError } from '../../domain/domain-error.ts';
import { applyDecision, decideAlertEvent, type AlertDecision, type CompanyMapping } from '../../domain/ticket-lifecycle.ts';
import type { TicketLink } from '../../domain/ticket-link.ts';
import { alertPlanEntry, isPlanWorthy, PLANNED_TICKET_ID } from '../../domain/ticket-plan.ts';
import { raisedBeforeStart } from '../../domain/ticket-start.ts';
import type { VendorAlert } from '../../domain/vendor-model.ts';
import type { TicketFieldBag } from '../../connectors/ports.ts';
import { isoAt } from '../../store/columns.ts';
import { saveLinkEvents } from '../ticket-link-writes.ts';
import { ALERTS_LOOP, crash, historyOf, type AlertsPassStats, type PassContext } from './pass-context.ts';
import { adoptOrphan, applyCreate } from './ticket-creation.ts';

export type Outcome = 'applied' | 'nothing' | 'waiting';

/** One alert's decision, and what applying it needs. */
export interface PlannedAlert {
  alert: VendorAlert;
  key: AlertKey | null;
  keyString: string | null;
  /** The alert tenant's mapping (the company the ticket is for). */
  mapping: CompanyMapping | null;
  /** The company's contract named in a new ticket, when billing is mapped. */
  contract: { id: string; name: string } | null;
  typeTitle: string | null;
  /** The key's links the decision was made on. */
  links: TicketLink[];
  decision: AlertDecision;
}

/**
 * Plans one alert, then applies it (or, in a dry run, only plans it). Its plan entry goes into the
 * pass's plan. Throws when the write failed (the caller counts the attempt).
 */
export async function handleAlert(ctx: PassContext, alert: VendorAlert): Promise<Outcome> {
  const planned = await planAlert(ctx, alert);
  if (planned === null) return 'nothing';
  if (isPlanWorthy(planned.decision)) ctx.plan.push(alertPlanEntry(planned.decision, { type: alert.type, tenantId: planned.key?.tenantId ?? null, typeName: planned.typeTitle }, planned.mapping));
  return ctx.env.dryRun ? assumeApplied(ctx, planned) : applyAlert(ctx, planned);
}

/**
 * The plan step: the key's link history + the tenant's mapping + the settings → `decideAlertEvent`.
 * Reads only, except in a real pass the adoption of a ticket an interrupted pass created but never
 * linked (a repair the decision depends on). Null: the alert was open before ticket creation started.
 */
export async function planAlert(ctx: PassContext, alert: VendorAlert): Promise<PlannedAlert | null> {
  const { env, stats } = ctx;
  const key = alertKeyOf(alert);
  const keyString = key === null ? null : alertKeyString(key);
  let history = keyString === null ? [] : await historyOf(ctx, keyString);
  // Whatever happens next may write this key's links: later alerts of the key read them afresh.
  if (keyString !== null) ctx.histories.delete(keyString);
  let links = (keyString === null ? undefined : ctx.plannedLinks.get(keyString)) ?? history.map((stored) => stored.link);
  const mapping = key === null ? null : await ctx.mappingOf(key.tenantId);
  const typeTitle = await ctx.typeTitle(alert.type);
  const input = {
    alert,
    links,
    mapping,
    alertMapping: ctx.alertMapping,
    settings: ctx.settings,
    now: isoAt(ctx.clock),
    consoleUrl: env.consoleUrl,
    alertTypeTitle: typeTitle,
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
    return null;
  }
  return { alert, key, keyString, mapping, contract, typeTitle, links, decision };
}

/**
 * A dry run's stand-in for the apply step: counts the decision as applied and keeps the links as it
 * would leave them (a new ticket under a placeholder id), so the key's next event is decided on them.
 */
function assumeApplied(ctx: PassContext, planned: PlannedAlert): Outcome {
  const { decision, keyString } = planned;
  countDecision(ctx.stats, decision);
  if (keyString !== null && decision.linkEvents.length > 0) ctx.plannedLinks.set(keyString, applyDecision(planned.links, decision, { ticketId: PLANNED_TICKET_ID }));
  return decision.kind === 'wait_unmapped' ? 'waiting' : decision.kind === 'nothing' ? 'nothing' : 'applied';
}

/** The apply step: the decision's write through the journal, then its link events. */
export async function applyAlert(ctx: PassContext, planned: PlannedAlert): Promise<Outcome> {
  const { env, stats } = ctx;
  const { alert, key, keyString, mapping, contract, decision } = planned;
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
