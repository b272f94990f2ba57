// What the service manager needs of the store (a structural part of what `openStore` returns).
import type { AuditLogRepository } from '../../store/repositories/audit-log.ts';
import type { ConnectionsRepository } from '../../store/repositories/connections.ts';
import type { IntegrationsRepository } from '../../store/repositories/integrations.ts';
import type { JournalRepository } from '../../store/repositories/journal.ts';
import type { ServiceManagerRepository } from '../../store/repositories/service-manager.ts';

export interface ServiceManagerStore {
  repos: {
    serviceManager: ServiceManagerRepository;
    journal: JournalRepository;
    auditLog: AuditLogRepository;
    connections: ConnectionsRepository;
    integrations: IntegrationsRepository;
  };
}
