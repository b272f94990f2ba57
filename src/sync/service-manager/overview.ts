// Application registrations, and what a person wants to see of each service-manager instance:
// its settings (never the secret), the last service definition with its products and prices, the
// service providers with their subscriptions and states, recent usage pulls with totals, and the
// calls the hub refused, by track id, with the message the platform was given. Secrets (the
// application key, the instance's client secret) are never read here: only whether one is "set".
import { serviceManagerManifests } from '../../connectors/registry.ts';
import type { ServiceManagerStore } from './store.ts';

export interface NewRegistration {
  applicationId: string;
  /** Shown this once; the hub keeps it sealed. */
  applicationKey: string;
  /** What the platform's operator enters as the base URL. */
  baseUrl: string;
  connector: string;
}

/** Creates an application registration for a service manager's inbound API (the only one when `connector` is left out). */
export async function registerApplication(
  store: ServiceManagerStore,
  input: { name: string; hubUrl: string; connector?: string; applicationId?: string; applicationKey?: string },
): Promise<NewRegistration> {
  if (input.applicationId !== undefined && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(input.applicationId)) {
    throw new Error(`the application id "${input.applicationId}" is not a GUID: copy it as the platform shows it`);
  }
  if (input.applicationKey !== undefined && input.applicationKey.trim().length < 16) {
    throw new Error('the application key is shorter than 16 characters: copy the whole key the platform issued');
  }
  const manifests = serviceManagerManifests();
  const manifest = input.connector === undefined ? manifests[0] : manifests.find((m) => m.id === input.connector);
  if (manifest === undefined) {
    throw new Error(`there is no service manager "${input.connector ?? ''}": choose one of ${manifests.map((m) => m.id).join(', ')}`);
  }
  const { registration, applicationKey } = await store.repos.serviceManager.createRegistration({
    name: input.name,
    connector: manifest.id,
    ...(input.applicationId === undefined ? {} : { applicationId: input.applicationId.toLowerCase() }),
    ...(input.applicationKey === undefined ? {} : { applicationKey: input.applicationKey.trim() }),
  });
  return { applicationId: registration.applicationId, applicationKey, baseUrl: `${input.hubUrl.replace(/\/+$/, '')}${manifest.inbound.basePath}`, connector: manifest.id };
}

/** The instance's connection as the app shows connections (never with its secret). */
async function instanceConnection(store: ServiceManagerStore, integrationId: string) {
  const connectionId = (await store.repos.integrations.get(integrationId))?.connectionId;
  return connectionId === undefined ? undefined : store.repos.connections.get(connectionId);
}

export async function serviceManagerOverview(store: ServiceManagerStore, options: { pulls?: number; failures?: number } = {}) {
  const repo = store.repos.serviceManager;
  const registrations = await repo.listRegistrations();
  const instances = await repo.listInstances();
  const registrationNames = new Map(registrations.map((r) => [r.id, r.name]));
  return {
    // The key is sealed in a NOT NULL column: every registration has one.
    registrations: registrations.map((r) => ({ id: r.id, name: r.name, connector: r.connector, applicationId: r.applicationId, applicationKey: 'set' as const, createdAt: r.createdAt, lastUsedAt: r.lastUsedAt })),
    instances: await Promise.all(
      instances.map(async (i) => {
        const [accounts, subscriptions, pulls, failures, connection] = await Promise.all([
          repo.listAccounts(i.id),
          repo.listSubscriptions(i.id),
          repo.listPulls(i.id, options.pulls ?? 20),
          repo.listFailures({ instanceId: i.id, limit: options.failures ?? 20 }),
          instanceConnection(store, i.integrationId),
        ]);
        return {
          id: i.id,
          registrationId: i.registrationId,
          registrationName: registrationNames.get(i.registrationId) ?? null,
          integrationId: i.integrationId,
          productTypeId: i.productTypeId,
          settings: {
            systemName: i.systemName,
            gateway: i.gateway,
            clientId: i.clientId,
            // The secret lives sealed in the instance's connection (NOT NULL there): set when it exists.
            clientSecret: connection === undefined ? ('missing' as const) : ('set' as const),
            discountPercent: i.discount,
            currency: i.currency,
            updateNames: i.updateNames,
          },
          connection: connection === undefined ? null : { id: connection.id, status: connection.status, lastCheckedAt: connection.lastCheckedAt, lastError: connection.lastError },
          createdAt: i.createdAt,
          updatedAt: i.updatedAt,
          distributor: { tenantId: i.distributorTenantId, name: i.distributorName },
          lastDefinition: i.lastDefinition === null ? null : { at: i.lastDefinitionAt, ...(i.lastDefinition as object) },
          serviceProviders: accounts.map((a) => ({
            accountId: a.accountId,
            tenantId: a.tenantId,
            name: a.name,
            adminLogin: a.adminLogin,
            state: a.state,
            subscriptions: subscriptions
              .filter((s) => s.accountId === a.accountId)
              .map((s) => ({ subscriptionId: s.subscriptionId, productId: s.productId, state: s.state, tier: s.services.tier, services: s.services.items, updatedAt: s.updatedAt })),
          })),
          usagePulls: pulls.map((p) => ({ subscriptionId: p.subscriptionId, window: { start: p.windowStart, end: p.windowEnd }, currency: p.currency, closed: p.closed, items: p.items, cost: p.costTotal, sell: p.sellTotal, pulls: p.pulls, pulledAt: p.pulledAt })),
          failedCalls: failures.map((f) => ({ trackId: f.trackId, route: f.route, code: f.code, message: f.message, at: f.at })),
        };
      }),
    ),
    /** Refused calls that named no instance (unknown application, incomplete settings). */
    unattributedFailures: (await repo.listFailures({ limit: options.failures ?? 20 })).filter((f) => f.instanceId === null).map((f) => ({ trackId: f.trackId, route: f.route, code: f.code, message: f.message, at: f.at })),
  };
}

export type ServiceManagerOverview = Awaited<ReturnType<typeof serviceManagerOverview>>;
