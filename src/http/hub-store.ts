// What the HTTP layer needs of the store: a structural subset of what `openStore` returns, so the
// app can be built on a real store or on a test double that has only these parts.
import type { Kysely } from 'kysely';
import type { Schema } from '../store/schema.ts';
import type { Dialect } from '../store/database.ts';
import type { UsersRepository } from '../store/repositories/users.ts';
import type { SessionsRepository } from '../store/repositories/sessions.ts';
import type { ApiTokensRepository } from '../store/repositories/api-tokens.ts';
import type { ConnectionsRepository } from '../store/repositories/connections.ts';
import type { IntegrationsRepository } from '../store/repositories/integrations.ts';
import type { AuditLogRepository } from '../store/repositories/audit-log.ts';
import type { LoopRunsRepository } from '../store/repositories/loop-runs.ts';
import type { JournalRepository } from '../store/repositories/journal.ts';
import type { ServiceManagerRepository } from '../store/repositories/service-manager.ts';

export interface HubStore {
  db: Kysely<Schema>;
  dialect: Dialect;
  repos: {
    users: UsersRepository;
    sessions: SessionsRepository;
    apiTokens: ApiTokensRepository;
    connections: ConnectionsRepository;
    integrations: IntegrationsRepository;
    auditLog: AuditLogRepository;
    loopRuns: LoopRunsRepository;
    journal: JournalRepository;
    serviceManager: ServiceManagerRepository;
  };
}
