import { type Kysely } from 'kysely';

/**
 * Alert ↔ ticket links and the alerts the hub holds back.
 *
 * - `alert_ticket_links`: one row per ticket the hub raised for an alert key (tenant, alert type,
 *   resource) and episode (a new ticket after N days is the next episode). The whole link state
 *   (src/domain/ticket-link.ts `TicketLink`) is kept as JSON in `state`; the columns beside it are
 *   copies for filtering and listing. `version` is bumped on every write: the alerts and tickets
 *   loops both change links, and a compare-and-set on it keeps one from overwriting the other.
 *   Unique per (integration, key, episode): two workers racing to record one ticket cannot both win.
 * - `alert_link_events`: the history of each link (every LinkEvent applied, with the loop that
 *   applied it), for a person asking "why is this ticket closed".
 * - `waiting_alerts`: alerts observed but not turned into tickets yet: `unmapped` (the tenant has no
 *   company; asked again once it has one, never sent to a default company) and `failed` (the alert
 *   failed repeatedly; retried with backoff, shown with its last error so one bad alert does not
 *   hold the cursor back forever). Keyed by (integration, alert id).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('alert_ticket_links')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('integration_id', 'text', (c) => c.notNull().references('integrations.id').onDelete('cascade'))
    .addColumn('key_string', 'text', (c) => c.notNull())
    .addColumn('episode', 'integer', (c) => c.notNull())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('alert_type', 'text', (c) => c.notNull())
    .addColumn('resource', 'text')
    .addColumn('resource_name', 'text')
    .addColumn('ticket_id', 'text', (c) => c.notNull())
    .addColumn('ticket_number', 'text')
    .addColumn('ticket_title', 'text')
    .addColumn('external_ref', 'text', (c) => c.notNull())
    .addColumn('company_id', 'text', (c) => c.notNull())
    .addColumn('company_name', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('display_state', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('opened_at', 'text', (c) => c.notNull())
    .addColumn('closed_at', 'text')
    .addColumn('last_occurrence_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('alert_ticket_links_episode_unique', ['integration_id', 'key_string', 'episode'])
    .execute();
  await db.schema.createIndex('alert_ticket_links_ticket_idx').on('alert_ticket_links').columns(['integration_id', 'ticket_id']).execute();
  await db.schema
    .createIndex('alert_ticket_links_state_idx')
    .on('alert_ticket_links')
    .columns(['integration_id', 'display_state', 'updated_at'])
    .execute();

  await db.schema
    .createTable('alert_link_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('link_id', 'text', (c) => c.notNull().references('alert_ticket_links.id').onDelete('cascade'))
    .addColumn('integration_id', 'text', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('event', 'text', (c) => c.notNull())
    .addColumn('recorded_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('alert_link_events_seq_unique', ['link_id', 'seq'])
    .execute();

  await db.schema
    .createTable('waiting_alerts')
    .addColumn('integration_id', 'text', (c) => c.notNull().references('integrations.id').onDelete('cascade'))
    .addColumn('alert_id', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('tenant_id', 'text')
    .addColumn('alert_type', 'text', (c) => c.notNull())
    .addColumn('severity', 'text')
    .addColumn('alert', 'text', (c) => c.notNull())
    .addColumn('detail', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('next_attempt_at', 'text')
    .addColumn('first_seen_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('waiting_alerts_pk', ['integration_id', 'alert_id'])
    .execute();
  await db.schema.createIndex('waiting_alerts_reason_idx').on('waiting_alerts').columns(['integration_id', 'reason', 'tenant_id']).execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['waiting_alerts', 'alert_link_events', 'alert_ticket_links']) await db.schema.dropTable(table).ifExists().execute();
}
