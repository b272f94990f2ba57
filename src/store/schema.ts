import type { Generated } from 'kysely';

/**
 * The database as Kysely sees it. Conventions, identical on SQLite and PostgreSQL:
 * - ids are text UUIDs made by the application (`crypto.randomUUID()`);
 * - timestamps are ISO-8601 UTC text with milliseconds (`2025-01-31T12:00:00.000Z`), which sorts
 *   and compares correctly as text;
 * - JSON values are text holding JSON, parsed by the repositories;
 * - booleans are integers 0/1.
 * Rows use snake_case; repositories map them to camelCase records.
 */
export interface Schema {
  users: UsersTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  connections: ConnectionsTable;
  integrations: IntegrationsTable;
  integration_connections: IntegrationConnectionsTable;
  integration_settings: IntegrationSettingsTable;
  mappings: MappingsTable;
  journal: JournalTable;
  cursors: CursorsTable;
  audit_log: AuditLogTable;
  loop_runs: LoopRunsTable;
  service_manager_registrations: ServiceManagerRegistrationsTable;
  service_manager_instances: ServiceManagerInstancesTable;
  service_manager_accounts: ServiceManagerAccountsTable;
  service_manager_subscriptions: ServiceManagerSubscriptionsTable;
  service_manager_usage_pulls: ServiceManagerUsagePullsTable;
  service_manager_failed_calls: ServiceManagerFailedCallsTable;
  vendor_tenants: VendorTenantsTable;
  target_contracts: TargetContractsTable;
  plan_problems: PlanProblemsTable;
  alert_ticket_links: AlertTicketLinksTable;
  alert_link_events: AlertLinkEventsTable;
  waiting_alerts: WaitingAlertsTable;
  usage_history: UsageHistoryTable;
  dirty_companies: DirtyCompaniesTable;
  login_throttle: LoginThrottleTable;
  callback_deliveries: CallbackDeliveriesTable;
  deprovisioning_countdowns: DeprovisioningCountdownsTable;
  health_signals: HealthSignalsTable;
  health_notices: HealthNoticesTable;
  notification_channels: NotificationChannelsTable;
  notification_deliveries: NotificationDeliveriesTable;
  change_approvals: ChangeApprovalsTable;
  ticket_starts: TicketStartsTable;
  billing_accounts: BillingAccountsTable;
  billing_services: BillingServicesTable;
  billing_counts: BillingCountsTable;
  billing_alerts: BillingAlertsTable;
}

export interface UsersTable {
  id: string;
  username: string;
  password_hash: string;
  created_at: string;
  last_login_at: string | null;
  /** When the user was disabled (migration 0009); null while enabled. */
  disabled_at: string | null;
  /** `admin` or `read_only` (migration 0011; src/domain/roles.ts). */
  role: Generated<string>;
}

export interface SessionsTable {
  /** sha256 (hex) of the session token; the token itself is only ever in the user's cookie. */
  id: string;
  user_id: string;
  expires_at: string;
  created_at: string;
}

export interface ApiTokensTable {
  id: string;
  user_id: string;
  name: string;
  token_hash: string;
  created_at: string;
  last_used_at: string | null;
  /** `admin` or `read_only` (migration 0016); the request acts with the lesser of this and the user's. */
  role: Generated<string>;
}

export interface ConnectionsTable {
  id: string;
  name: string;
  base_url: string;
  client_id: string;
  client_secret_encrypted: string;
  tenant_id: string | null;
  tenant_name: string | null;
  status: string;
  last_checked_at: string | null;
  last_error: string | null;
  created_at: string;
  updated_at: string;
}

export interface IntegrationsTable {
  id: string;
  name: string;
  connection_id: string;
  target: string;
  credentials_encrypted: string;
  enabled: number;
  features: string;
  created_at: string;
  updated_at: string;
}

/** Further partner connections of an integration (migration 0019); `integrations.connection_id` is the primary. */
export interface IntegrationConnectionsTable {
  integration_id: string;
  connection_id: string;
  /** 1 on the partner new customer tenants are created under (none = the primary). */
  new_tenants: Generated<number>;
  created_at: string;
}

export interface IntegrationSettingsTable {
  integration_id: string;
  key: string;
  value: string;
  updated_at: string;
}

export interface MappingsTable {
  id: string;
  integration_id: string;
  company_id: string;
  company_name: string;
  tenant_id: string | null;
  tenant_name: string | null;
  state: string;
  error: string | null;
  /** Set when a person unlinked the company; the automatic matching leaves such a company alone. */
  unlinked_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface JournalTable {
  id: string;
  integration_id: string;
  loop: string;
  operation: string;
  idempotency_key: string;
  payload: string;
  state: string;
  external_id: string | null;
  error: string | null;
  attempts: Generated<number>;
  lease_owner: string | null;
  lease_expires_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface CursorsTable {
  integration_id: string;
  loop: string;
  value: string;
  updated_at: string;
}

export interface AuditLogTable {
  id: string;
  at: string;
  actor: string;
  action: string;
  subject_type: string | null;
  subject_id: string | null;
  details: string;
}

export interface LoopRunsTable {
  id: string;
  integration_id: string;
  loop: string;
  started_at: string;
  finished_at: string | null;
  status: string;
  error: string | null;
  stats: string;
}

// ── the hub as a service manager a billing platform calls (migration 0012) ──

export interface ServiceManagerRegistrationsTable {
  id: string;
  /** The application id the platform sends (a GUID). */
  application_id: string;
  name: string;
  /** Which connector's inbound API the registration is for (its manifest id). */
  connector: string;
  key_sealed: string;
  created_at: string;
  last_used_at: string | null;
}

export interface ServiceManagerInstancesTable {
  id: string;
  registration_id: string;
  /** Identifies the instance among the registration's: a digest of its gateway and API client. */
  instance_key: string;
  integration_id: string;
  product_type_id: string;
  system_name: string;
  gateway: string;
  client_id: string;
  /** Decimal text (percent). */
  discount: string;
  currency: string;
  update_names: string;
  distributor_tenant_id: string;
  distributor_name: string;
  /** JSON: product id → the name it got on the first service-definition run. */
  first_names: string;
  /** JSON: the last service definition answered (products and prices), for people to read. */
  last_definition: string | null;
  last_definition_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface ServiceManagerAccountsTable {
  instance_id: string;
  account_id: string;
  tenant_id: string;
  name: string;
  admin_login: string | null;
  state: string;
  created_at: string;
  updated_at: string;
}

export interface ServiceManagerSubscriptionsTable {
  instance_id: string;
  subscription_id: string;
  account_id: string;
  product_id: string;
  state: string;
  /** JSON: the absolute set of services and quotas in force. */
  services: string;
  created_at: string;
  updated_at: string;
}

export interface ServiceManagerUsagePullsTable {
  id: string;
  instance_id: string;
  subscription_id: string;
  window_start: string;
  window_end: string;
  currency: string;
  closed: number;
  answer: string;
  items: number;
  cost_total: string;
  sell_total: string;
  pulls: number;
  pulled_at: string;
}

export interface ServiceManagerFailedCallsTable {
  id: string;
  registration_id: string | null;
  instance_id: string | null;
  track_id: string | null;
  route: string;
  code: number;
  message: string;
  at: string;
}

/** The last vendor tenants and target contracts a loop read (migration 0002). */
export interface VendorTenantsTable {
  integration_id: string;
  tenant_id: string;
  name: string;
  data: string;
  items: string | null;
  unmanageable: string | null;
  deleted: number;
  updated_at: string;
}

export interface TargetContractsTable {
  integration_id: string;
  contract_id: string;
  company_id: string;
  data: string;
  updated_at: string;
}

export interface PlanProblemsTable {
  id: string;
  integration_id: string;
  loop: string;
  company_id: string;
  code: string;
  severity: string;
  message: string;
  context: string;
  seen_at: string;
}

/** An alert and the ticket raised for it (migration 0003). */
export interface AlertTicketLinksTable {
  id: string;
  integration_id: string;
  key_string: string;
  episode: number;
  tenant_id: string;
  alert_type: string;
  resource: string | null;
  resource_name: string | null;
  ticket_id: string;
  ticket_number: string | null;
  ticket_title: string | null;
  external_ref: string;
  company_id: string;
  company_name: string | null;
  status: string;
  display_state: string;
  state: string;
  version: number;
  opened_at: string;
  closed_at: string | null;
  last_occurrence_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface AlertLinkEventsTable {
  id: string;
  link_id: string;
  integration_id: string;
  seq: number;
  at: string;
  type: string;
  source: string;
  event: string;
  recorded_at: string;
}

export interface WaitingAlertsTable {
  integration_id: string;
  alert_id: string;
  reason: string;
  tenant_id: string | null;
  alert_type: string;
  severity: string | null;
  alert: string;
  detail: string;
  attempts: number;
  last_error: string | null;
  next_attempt_at: string | null;
  first_seen_at: string;
  updated_at: string;
}

/** One row per (company, item, storage, UTC day) for the charts (migration 0004). */
export interface UsageHistoryTable {
  integration_id: string;
  company_id: string;
  item_key: string;
  infra_id: string;
  day: string;
  tenant_id: string;
  contracted: number | null;
  used: number | null;
  recorded_at: string;
}

export interface DirtyCompaniesTable {
  integration_id: string;
  loop: string;
  company_id: string;
  marked_at: string;
}

export interface LoginThrottleTable {
  key: string;
  failures: number;
  locked_until: string;
  last_attempt_at: string;
}

export interface CallbackDeliveriesTable {
  integration_id: string;
  digest: string;
  received_at: string;
}

export interface DeprovisioningCountdownsTable {
  integration_id: string;
  company_id: string;
  tenant_id: string;
  lapsed_at: string;
  updated_at: string;
}

export interface HealthSignalsTable {
  integration_id: string;
  source: string;
  level: string;
  message: string;
  seen_at: string;
}

export interface HealthNoticesTable {
  integration_id: string;
  status: string;
  reason: string | null;
  noticed_at: string;
}

export interface NotificationChannelsTable {
  id: string;
  name: string;
  kind: string;
  /** Sealed like every other secret. */
  config: string;
  enabled: Generated<number>;
  last_sent_at: string | null;
  last_error: string | null;
  created_at: string;
}

export interface NotificationDeliveriesTable {
  id: string;
  channel_id: string;
  /** Null for a test message. */
  integration_id: string | null;
  /** `transition` or `test`. */
  kind: string;
  from_status: string | null;
  to_status: string;
  subject: string;
  body: string;
  /** `pending`, `sent` or `failed` (gave up after the last attempt). */
  state: string;
  attempts: Generated<number>;
  last_error: string | null;
  claimed_until: string | null;
  created_at: string;
  sent_at: string | null;
}

export interface ChangeApprovalsTable {
  integration_id: string;
  change_key: string;
  company_id: string;
  approved_by: string;
  approved_at: string;
}

export interface TicketStartsTable {
  integration_id: string;
  raise_from: string | null;
  decided_by: string;
  decided_at: string;
}

/** What the hub pushed to a billing platform (migration 0013). */
export interface BillingAccountsTable {
  integration_id: string;
  account_id: string;
  name: string;
  deleted: number;
  pushed_at: string;
}

export interface BillingServicesTable {
  integration_id: string;
  service_key: string;
  external_id: string;
  name: string;
  unit: string;
  storage: number;
  pushed_at: string;
}

export interface BillingCountsTable {
  integration_id: string;
  account_id: string;
  service_key: string;
  quantity: number;
  state: string;
  counted_quantity: number | null;
  message: string | null;
  posted_at: string;
  counted_at: string | null;
}

export interface BillingAlertsTable {
  integration_id: string;
  alert_id: string;
  key_hash: string;
  episode: number;
  tenant_id: string;
  alert_type: string;
  title: string;
  priority: number;
  delivery_id: string | null;
  state: string;
  ticket_id: string | null;
  errors: string | null;
  checks: number;
  next_check_at: string | null;
  cleared_at: string | null;
  created_at: string;
  updated_at: string;
}
