/**
 * Creating an alert's ticket through the journal, saving its link, and adopting a ticket an
 * interrupted pass created but never linked.
 */
import { alertDetail, alertKeyHash, alertResource, type AlertKey } from '../../domain/alert-identity.ts';
import { DomainError } from '../../domain/domain-error.ts';
import { applyLinkEvent, createLink, type LinkEvent, type TicketLink } from '../../domain/ticket-link.ts';
import type { CompanyMapping, CreateTicketDecision } from '../../domain/ticket-lifecycle.ts';
import type { VendorAlert } from '../../domain/vendor-model.ts';
import type { TargetTicket, TicketFieldBag } from '../../connectors/ports.ts';
import type { LinkLabels, StoredLink } from '../../store/repositories/alert-links.ts';
import { ALERTS_LOOP, crash, type PassContext } from './pass-context.ts';

/** The journal key of episode `episode`'s ticket creation, as the engine spells it. */
function createKeyOf(keyString: string, episode: number): string {
  return `tkt:${alertKeyHash(keyString)}:e${episode}:create`;
}

function resourceLabel(alert: VendorAlert, key: AlertKey): { resource: string | null; resourceName: string | null } {
  const resource = alertResource(alert);
  return {
    resource: resource.id === null ? null : `${resource.source}:${resource.id}`,
    resourceName: alertDetail(alert, 'resourceName') ?? alertDetail(alert, 'planName') ?? key.resource.id,
  };
}

export async function applyCreate(
  ctx: PassContext,
  decision: CreateTicketDecision,
  alert: VendorAlert,
  key: AlertKey,
  contract: { id: string; name: string } | null,
  mapping: CompanyMapping | null,
): Promise<void> {
  const { env } = ctx;
  let seen: TargetTicket | null = null;
  const result = await ctx.journal.run(
    {
      integrationId: env.integrationId,
      loop: ALERTS_LOOP,
      operation: 'create_ticket',
      idempotencyKey: decision.idempotencyKey,
      payload: { externalRef: decision.externalRef, companyId: decision.companyId, alertId: decision.alertId, episode: decision.episode, title: decision.title },
    },
    {
      // A resumed entry (the process died after the create, or the create's answer was lost):
      // the ticket is found by its exact external reference and not created again.
      lookup: async () => {
        const found = (await ctx.tickets.findTicketsByExternalRef({ exact: decision.externalRef }))[0];
        seen = found ?? null;
        return found?.id ?? null;
      },
      perform: async () => {
        const { ticket } = await ctx.tickets.createTicket({
          companyId: decision.companyId,
          title: decision.title,
          description: decision.description,
          externalRef: decision.externalRef,
          fields: decision.fields.fields as TicketFieldBag,
          ...(contract === null ? {} : { contractId: contract.id }),
        });
        seen = ticket;
        await crash(ctx, 'after_target_write', { alertId: decision.alertId, ticketId: ticket.id, operation: 'create_ticket' });
        return ticket.id;
      },
    },
  );
  await crash(ctx, 'after_journal', { alertId: decision.alertId, ticketId: result.externalId, operation: 'create_ticket' });
  const ticket = seen as TargetTicket | null;
  await recordCreated(ctx, decision.linkEvents, result.externalId, {
    tenantId: key.tenantId,
    alertType: key.alertType,
    ...resourceLabel(alert, key),
    ticketNumber: ticket?.number ?? null,
    ticketTitle: ticket?.title ?? decision.title,
    companyName: mapping?.companyName ?? null,
  });
  await crash(ctx, 'after_link_saved', { alertId: decision.alertId, ticketId: result.externalId, operation: 'create_ticket' });
}

/** Saves the link of a created ticket; a link another worker saved first for the same ticket is fine. */
export async function recordCreated(ctx: PassContext, events: readonly LinkEvent[], ticketId: string, labels: LinkLabels): Promise<void> {
  const [created, ...rest] = events;
  if (created?.type !== 'created') throw new DomainError('invalid_input', 'a create decision must start with its created event', {});
  let link: TicketLink = createLink(created, ticketId);
  for (const event of rest) link = applyLinkEvent(link, event);
  const inserted = await ctx.env.repos.alertLinks.insert(ctx.env.integrationId, link, labels, events, 'alerts');
  if (inserted !== undefined) return;
  const existing = (await ctx.env.repos.alertLinks.history(ctx.env.integrationId, created.keyString)).find((s) => s.link.episode === created.episode);
  if (existing?.link.ticketId !== ticketId) {
    throw new DomainError('link_mismatch', `episode ${created.episode} of alert key ${created.keyString} is already linked to ticket ${existing?.link.ticketId ?? '(none)'}, not ${ticketId}`, {
      keyString: created.keyString,
      episode: created.episode,
    });
  }
}

/**
 * A ticket whose creation reached the journal but whose link was never saved (the process died in
 * between, and the alert changed before the next pass, so the create decision is not made again):
 * found through the journal entry of the next episode's create and linked now, so the alert's later
 * events (a clear that closes it) find it.
 */
export async function adoptOrphan(ctx: PassContext, key: AlertKey, keyString: string, history: readonly StoredLink[]): Promise<boolean> {
  const episode = (history.at(-1)?.link.episode ?? 0) + 1;
  const entry = await ctx.env.repos.journal.getByKey(ctx.env.integrationId, createKeyOf(keyString, episode));
  if (entry === undefined) return false;
  const payload = entry.payload as { externalRef?: string; companyId?: string; alertId?: string; title?: string } | null;
  if (!payload?.externalRef || !payload.companyId || !payload.alertId) return false;
  let ticketId = entry.state === 'done' ? entry.externalId : null;
  let ticket: TargetTicket | null = null;
  if (ticketId === null) {
    ticket = (await ctx.tickets.findTicketsByExternalRef({ exact: payload.externalRef }))[0] ?? null;
    if (ticket === null) return false;
    ticketId = ticket.id;
    await ctx.env.repos.journal.markDone(entry.id, ticketId);
  }
  const created: LinkEvent = { type: 'created', keyString, episode, externalRef: payload.externalRef, companyId: payload.companyId, alertId: payload.alertId, at: entry.createdAt };
  const mapping = await ctx.mappingOf(key.tenantId);
  await recordCreated(ctx, [created], ticketId, {
    tenantId: key.tenantId,
    alertType: key.alertType,
    resource: key.resource.id === null ? null : `${key.resource.source}:${key.resource.id}`,
    resourceName: key.resource.id,
    ticketNumber: ticket?.number ?? null,
    ticketTitle: ticket?.title ?? payload.title ?? null,
    companyName: mapping?.companyName ?? null,
  });
  ctx.stats.adopted += 1;
  ctx.log.info({ ticketId, keyString, episode }, 'ticket created by an interrupted pass linked from the journal');
  return true;
}
