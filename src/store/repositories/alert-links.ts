import type { Kysely, Selectable } from 'kysely';
import type { AlertTicketLinksTable, Schema } from '../schema.ts';
import { fromRequiredJsonText, isoAt, newId, systemClock, toCount, toJsonText, type Clock } from '../columns.ts';
import { StoreError, isUniqueViolation } from '../errors.ts';
import { containsIgnoringCase } from './like-pattern.ts';
import type { LinkDisplayState, LinkEvent, TicketLink } from '../../domain/ticket-link.ts';
import { linkDisplayState } from '../../domain/ticket-link.ts';




/** Who applied a link event: the alerts loop (hub decisions) or the tickets loop (a technician's change). */
export type LinkEventSource = 'alerts' | 'tickets';

/** What is shown beside a link and kept for listing: the ticket and the alert's words. */
export interface LinkLabels {
  tenantId: string;
  alertType: string;
  resource: string | null;
  resourceName: string | null;
  ticketNumber: string | null;
  ticketTitle: string | null;
  companyName: string | null;
}

export interface StoredLink {
  id: string;
  integrationId: string;
  version: number;
  link: TicketLink;
  labels: LinkLabels;
  displayState: LinkDisplayState;
  createdAt: string;
  updatedAt: string;
}

export interface StoredLinkEvent {
  seq: number;
  at: string;
  source: LinkEventSource;
  event: LinkEvent;
  recordedAt: string;
}

const toStored = (row: Selectable<AlertTicketLinksTable>): StoredLink => ({
  id: row.id,
  integrationId: row.integration_id,
  version: Number(row.version),
  link: fromRequiredJsonText<TicketLink>(row.state),
  labels: {
    tenantId: row.tenant_id,
    alertType: row.alert_type,
    resource: row.resource,
    resourceName: row.resource_name,
    ticketNumber: row.ticket_number,
    ticketTitle: row.ticket_title,
    companyName: row.company_name,
  },
  displayState: row.display_state as LinkDisplayState,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

export interface ListLinksFilter {
  state?: LinkDisplayState | LinkDisplayState[];
  /** Contains, case-insensitive: company, ticket number or title, alert type, resource; or an exact tenant / ticket id. */
  search?: string;
  limit?: number;
  offset?: number;
}

/**
 * Alert ↔ ticket links and their history. Every write of a link is a compare-and-set on `version`
 * (`update` returns false when someone else wrote first): the caller re-reads and re-applies.
 */
export class AlertLinksRepository {
  private readonly db: Kysely<Schema>;

  constructor(
    db: Kysely<Schema>,
    private readonly clock: Clock = systemClock,
  ) {
    this.db = db;
  }

  /** Every link of one alert key, by episode. */
  async history(integrationId: string, keyString: string): Promise<StoredLink[]> {
    const rows = await this.db
      .selectFrom('alert_ticket_links')
      .selectAll()
      .where('integration_id', '=', integrationId)
      .where('key_string', '=', keyString)
      .orderBy('episode')
      .execute();
    return rows.map(toStored);
  }

  /** The histories of many keys at once (a page of alerts), keyed by key string. */
  async histories(integrationId: string, keyStrings: readonly string[]): Promise<Map<string, StoredLink[]>> {
    const out = new Map<string, StoredLink[]>();
    const unique = [...new Set(keyStrings)];
    for (let i = 0; i < unique.length; i += 200) {
      const rows = await this.db
        .selectFrom('alert_ticket_links')
        .selectAll()
        .where('integration_id', '=', integrationId)
        .where('key_string', 'in', unique.slice(i, i + 200))
        .orderBy('episode')
        .execute();
      for (const row of rows) {
        const list = out.get(row.key_string) ?? [];
        list.push(toStored(row));
        out.set(row.key_string, list);
      }
    }
    return out;
  }

  async byTicket(integrationId: string, ticketId: string): Promise<StoredLink | undefined> {
    const row = await this.db
      .selectFrom('alert_ticket_links')
      .selectAll()
      .where('integration_id', '=', integrationId)
      .where('ticket_id', '=', ticketId)
      .orderBy('episode', 'desc')
      .executeTakeFirst();
    return row && toStored(row);
  }

  async get(id: string): Promise<StoredLink | undefined> {
    const row = await this.db.selectFrom('alert_ticket_links').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toStored(row);
  }

  /**
   * Records the link of a ticket just created. Returns undefined when the episode already has a link
   * (another worker recorded it first): the caller re-reads the history.
   */
  async insert(integrationId: string, link: TicketLink, labels: LinkLabels, events: readonly LinkEvent[], source: LinkEventSource): Promise<StoredLink | undefined> {
    const now = isoAt(this.clock);
    const id = newId();
    const row: AlertTicketLinksTable = { id, integration_id: integrationId, ...this.columns(link, labels), version: 1, created_at: now, updated_at: now };
    try {
      await this.db.transaction().execute(async (trx) => {
        await trx.insertInto('alert_ticket_links').values(row).execute();
        await this.appendEvents(trx, id, integrationId, 0, events, source, now);
      });
    } catch (error) {
      if (isUniqueViolation(error)) return undefined;
      throw error;
    }
    return toStored(row);
  }

  /** Replaces the link state if nobody wrote since `expectedVersion`; false otherwise. */
  async update(stored: StoredLink, next: TicketLink, events: readonly LinkEvent[], source: LinkEventSource, labels: Partial<LinkLabels> = {}): Promise<boolean> {
    const now = isoAt(this.clock);
    const merged = { ...stored.labels, ...Object.fromEntries(Object.entries(labels).filter(([, v]) => v !== undefined)) } as LinkLabels;
    return this.db.transaction().execute(async (trx) => {
      const result = await trx
        .updateTable('alert_ticket_links')
        .set({ ...this.columns(next, merged), version: stored.version + 1, updated_at: now })
        .where('id', '=', stored.id)
        .where('version', '=', stored.version)
        .executeTakeFirst();
      if (result.numUpdatedRows === 0n) return false;
      const last = await trx.selectFrom('alert_link_events').select((eb) => eb.fn.max('seq').as('seq')).where('link_id', '=', stored.id).executeTakeFirst();
      await this.appendEvents(trx, stored.id, stored.integrationId, toCount(last?.seq as number | null), events, source, now);
      return true;
    });
  }

  async events(linkId: string): Promise<StoredLinkEvent[]> {
    const rows = await this.db.selectFrom('alert_link_events').selectAll().where('link_id', '=', linkId).orderBy('seq').execute();
    return rows.map((row) => ({ seq: Number(row.seq), at: row.at, source: row.source as LinkEventSource, event: fromRequiredJsonText<LinkEvent>(row.event), recordedAt: row.recorded_at }));
  }

  async list(integrationId: string, filter: ListLinksFilter = {}): Promise<StoredLink[]> {
    let query = this.db.selectFrom('alert_ticket_links').selectAll().where('integration_id', '=', integrationId);
    if (filter.state !== undefined) query = query.where('display_state', 'in', Array.isArray(filter.state) ? filter.state : [filter.state]);
    if (filter.search) {
      const s = filter.search;
      query = query.where((eb) =>
        eb.or([
          containsIgnoringCase('company_name', s),
          containsIgnoringCase('ticket_number', s),
          containsIgnoringCase('ticket_title', s),
          containsIgnoringCase('alert_type', s),
          containsIgnoringCase('resource_name', s),
          containsIgnoringCase('resource', s),
          eb('tenant_id', '=', s.toLowerCase()),
          eb('ticket_id', '=', s),
        ]),
      );
    }
    query = query.orderBy('updated_at', 'desc').orderBy('id').limit(filter.limit ?? 100);
    if (filter.offset !== undefined) query = query.offset(filter.offset);
    return (await query.execute()).map(toStored);
  }

  async countByState(integrationId: string): Promise<Record<LinkDisplayState, number>> {
    const rows = await this.db
      .selectFrom('alert_ticket_links')
      .select((eb) => ['display_state', eb.fn.countAll<string | number>().as('n')])
      .where('integration_id', '=', integrationId)
      .groupBy('display_state')
      .execute();
    const counts: Record<LinkDisplayState, number> = { open: 0, reopened: 0, closed: 0, alert_cleared: 0 };
    for (const row of rows) counts[row.display_state as LinkDisplayState] = toCount(row.n);
    return counts;
  }

  private columns(link: TicketLink, labels: LinkLabels) {
    return {
      key_string: link.keyString,
      episode: link.episode,
      tenant_id: labels.tenantId,
      alert_type: labels.alertType,
      resource: labels.resource,
      resource_name: labels.resourceName,
      ticket_id: link.ticketId,
      ticket_number: labels.ticketNumber,
      ticket_title: labels.ticketTitle,
      external_ref: link.externalRef,
      company_id: link.companyId,
      company_name: labels.companyName,
      status: link.status,
      display_state: linkDisplayState(link),
      state: toJsonText(link),
      opened_at: link.openedAt,
      closed_at: link.closedAt,
      last_occurrence_at: link.lastOccurrenceAt,
    };
  }

  private async appendEvents(
    trx: Kysely<Schema>,
    linkId: string,
    integrationId: string,
    afterSeq: number,
    events: readonly LinkEvent[],
    source: LinkEventSource,
    now: string,
  ): Promise<void> {
    if (events.length === 0) return;
    const rows = events.map((event, index) => ({
      id: newId(),
      link_id: linkId,
      integration_id: integrationId,
      seq: afterSeq + index + 1,
      at: event.at,
      type: event.type,
      source,
      event: toJsonText(event),
      recorded_at: now,
    }));
    await trx.insertInto('alert_link_events').values(rows).execute();
  }
}

export function linkConflict(integrationId: string, keyString: string): StoreError {
  return new StoreError('conflict', `the ticket link of alert key ${keyString} kept changing while being saved: another worker is handling the same alert`, { integrationId, keyString });
}
