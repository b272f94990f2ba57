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
