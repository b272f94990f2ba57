import type { Kysely } from 'kysely';
import type { Schema } from './schema.ts';
import { systemClock, type Clock } from './columns.ts';
import { openDatabase, type Dialect } from './database.ts';
import { migrateToLatest } from './migrate.ts';
import { AlertLinksRepository } from './repositories/alert-links.ts';
import { ApiTokensRepository } from './repositories/api-tokens.ts';
import { AuditLogRepository } from './repositories/audit-log.ts';
import { ConnectionsRepository } from './repositories/connections.ts';
import { CursorsRepository } from './repositories/cursors.ts';
import { IntegrationsRepository } from './repositories/integrations.ts';
import { JournalRepository } from './repositories/journal.ts';
import { LoopRunsRepository } from './repositories/loop-runs.ts';
import { MappingsRepository } from './repositories/mappings.ts';
import { ServiceManagerRepository } from './repositories/service-manager.ts';
import { SessionsRepository } from './repositories/sessions.ts';
import { SettingsRepository } from './repositories/settings.ts';
import { UsersRepository } from './repositories/users.ts';
import { WaitingAlertsRepository } from './repositories/waiting-alerts.ts';
import { BillingPushRepository } from './repositories/billing-push.ts';
import { CallbackDeliveriesRepository } from './repositories/callback-deliveries.ts';
import { ChangeApprovalsRepository } from './repositories/change-approvals.ts';
import { DeprovisioningCountdownsRepository } from './repositories/deprovisioning-countdowns.ts';
import { DirtyCompaniesRepository } from './repositories/dirty-companies.ts';
import { HealthFactsRepository } from './repositories/health-facts.ts';
import { NotificationsRepository } from './repositories/notifications.ts';
import { LoginThrottleRepository } from './repositories/login-throttle.ts';
import { SyncSnapshotsRepository } from './repositories/sync-snapshots.ts';
import { UsageHistoryRepository } from './repositories/usage-history.ts';
import { IntegrationPartnersRepository } from './repositories/integration-partners.ts';

export interface Repositories {
  users: UsersRepository;
  sessions: SessionsRepository;
  apiTokens: ApiTokensRepository;
  connections: ConnectionsRepository;
  integrations: IntegrationsRepository;
  settings: SettingsRepository;
  mappings: MappingsRepository;
  journal: JournalRepository;
  cursors: CursorsRepository;
  auditLog: AuditLogRepository;
  loopRuns: LoopRunsRepository;
  alertLinks: AlertLinksRepository;
  waitingAlerts: WaitingAlertsRepository;
  serviceManager: ServiceManagerRepository;
  syncSnapshots: SyncSnapshotsRepository;
  usageHistory: UsageHistoryRepository;
  dirtyCompanies: DirtyCompaniesRepository;
  deprovisioningCountdowns: DeprovisioningCountdownsRepository;
  changeApprovals: ChangeApprovalsRepository;
  healthFacts: HealthFactsRepository;
  notifications: NotificationsRepository;
  callbackDeliveries: CallbackDeliveriesRepository;
  loginThrottle: LoginThrottleRepository;
  billingPush: BillingPushRepository;
  integrationPartners: IntegrationPartnersRepository;
}

export interface Store {
  db: Kysely<Schema>;
  dialect: Dialect;
  /** Where the data lives, without any password; safe to log. */
  location: string;
  repos: Repositories;
  /**
   * The same repositories on another clock: an integration runtime's, which tests move in time.
   * Every repository is made by createRepositories, here and nowhere else.
   */
  reposAt(clock: Clock): Repositories;
  close(): Promise<void>;
}

export function createRepositories(db: Kysely<Schema>, secretKey: Buffer, clock: Clock = systemClock): Repositories {
  return {
    users: new UsersRepository(db, clock),
    sessions: new SessionsRepository(db, clock),
    apiTokens: new ApiTokensRepository(db, clock),
    connections: new ConnectionsRepository(db, secretKey, clock),
    integrations: new IntegrationsRepository(db, secretKey, clock),
    settings: new SettingsRepository(db, clock),
    mappings: new MappingsRepository(db, clock),
    journal: new JournalRepository(db, clock),
    cursors: new CursorsRepository(db, clock),
    auditLog: new AuditLogRepository(db, clock),
    loopRuns: new LoopRunsRepository(db, clock),
    alertLinks: new AlertLinksRepository(db, clock),
    waitingAlerts: new WaitingAlertsRepository(db, clock),
    serviceManager: new ServiceManagerRepository(db, secretKey, clock),
    syncSnapshots: new SyncSnapshotsRepository(db, clock),
    usageHistory: new UsageHistoryRepository(db, clock),
    dirtyCompanies: new DirtyCompaniesRepository(db, clock),
    deprovisioningCountdowns: new DeprovisioningCountdownsRepository(db, clock),
    changeApprovals: new ChangeApprovalsRepository(db, clock),
    healthFacts: new HealthFactsRepository(db, clock),
    notifications: new NotificationsRepository(db, secretKey, clock),
    callbackDeliveries: new CallbackDeliveriesRepository(db),
    loginThrottle: new LoginThrottleRepository(db),
    billingPush: new BillingPushRepository(db, clock),
    integrationPartners: new IntegrationPartnersRepository(db, clock),
  };
}

/**
 * Opens the database named by `url` (DATABASE_URL; SQLite under ./data when absent), brings the
 * schema to the latest migration and returns the repositories.
 *
 * @example
 *   const store = await openStore({ url: process.env.DATABASE_URL, secretKey: loadSecretKey({ env: process.env, dataDir: './data' }).key });
 *   const connection = await store.repos.connections.getByName('eu2');
 *   await store.close();
 */
export async function openStore(options: { url?: string; secretKey: Buffer; clock?: Clock; migrate?: boolean }): Promise<Store> {
  const opened = await openDatabase(options.url === undefined ? {} : { url: options.url });
  try {
    if (options.migrate !== false) await migrateToLatest(opened.db);
  } catch (error) {
    await opened.close();
    throw error;
  }
  return {
    db: opened.db,
    dialect: opened.dialect,
    location: opened.location,
    repos: createRepositories(opened.db, options.secretKey, options.clock ?? systemClock),
    reposAt: (clock) => createRepositories(opened.db, options.secretKey, clock),
    close: opened.close,
  };
}
