/**
 * Gradient Synthesize behind the BillingPlatform port: accounts, services (with Gradient's category
 * and subcategory), counts, the integration status, and alerts to PSA tickets.
 */
import type {
  AlertDelivery, BillingAccount, BillingIntegrationState, BillingPlatform, BillingPlatformStatus, BillingService, BillingServiceKind,
} from '../billing-ports.ts';
import { createGradientClient, type GradientClient, type GradientClientOptions } from './client.ts';
import type { Integration, IntegrationStatus, ServiceCategory, ServiceSubcategory } from './wire.ts';

/** Gradient's enums for what the hub sells (the SDK's spellings). */
const CATEGORY: Record<BillingServiceKind, { category: ServiceCategory; subcategory: ServiceSubcategory }> = {
  workload_backup: { category: 'backup', subcategory: 'cloud backup' },
  cloud_storage: { category: 'backup', subcategory: 'cloud storage' },
  local_storage: { category: 'backup', subcategory: 'local backup' },
  saas_backup: { category: 'backup', subcategory: 'cloud backup' },
  disaster_recovery: { category: 'backup', subcategory: 'business continuity' },
  security: { category: 'security', subcategory: 'endpoint detection and response (EDR)' },
  email_security: { category: 'security', subcategory: 'email security' },
  management: { category: 'infrastructure', subcategory: 'desktop management and support' },
  data_loss_prevention: { category: 'security', subcategory: 'governance and compliance' },
  other: { category: 'other', subcategory: 'other' },
};

export function gradientCategory(kind: BillingServiceKind): { category: ServiceCategory; subcategory: ServiceSubcategory } {
  return CATEGORY[kind];
}

const STATUS: Record<IntegrationStatus, BillingPlatformStatus> = {
  inactive: 'inactive',
  pending: 'ready_for_mapping',
  active: 'active',
  disabled: 'disabled',
  error: 'error',
};

const stateOf = (i: Integration): BillingIntegrationState => ({
  organization: i.name,
  status: STATUS[i.status],
  platformStatus: i.status,
  lastSyncedAt: i.lastSyncedAt ?? null,
});

export function createGradientPlatform(options: GradientClientOptions | { client: GradientClient }): BillingPlatform & { readonly client: GradientClient } {
  const client = 'client' in options ? options.client : createGradientClient(options);
  return {
    system: 'gradient',
    client,
    async testConnection() {
      const i = await client.getIntegration();
      return {
        displayName: `Gradient partner organization "${i.name}" (integration ${i.status})`,
        warnings: i.status === 'disabled' || i.status === 'error' ? [`Gradient shows this integration as ${i.status}: the MSP may need to re-enable it in Gradient`] : [],
      };
    },
    state: async () => stateOf(await client.getIntegration()),
    async markReadyForMapping() {
      const current = await client.getIntegration();
      // Only the first step is the vendor's: Gradient itself turns a pending integration active.
      if (current.status !== 'inactive') return stateOf(current);
      return stateOf(await client.setStatus('pending'));
    },
    listAccounts: async (): Promise<BillingAccount[]> => (await client.listAccounts()).map((a) => ({ id: a.id, name: a.name, description: a.description })),
    async createAccounts(accounts) {
      if (accounts.length === 0) return;
      await client.createAccounts(accounts.map((a) => ({ id: a.id, name: a.name, ...(a.description === '' ? {} : { description: a.description }) })));
    },
    async updateAccount(id, patch) {
      await client.updateAccount(id, patch);
    },
    listServices: async (): Promise<BillingService[]> => (await client.getVendor()).skus.map((s) => ({ id: s.id, name: s.name, description: s.description })),
    async createService(service) {
      const vendor = await client.createService({ name: service.name, description: service.description, ...CATEGORY[service.kind] });
      // The answer lists every service; the one just made is the last of that name.
      const made = vendor.skus.filter((s) => s.name === service.name).at(-1);
      if (made === undefined) {
        const listed = (await client.getVendor()).skus.filter((s) => s.name === service.name).at(-1);
        if (listed === undefined) throw new Error(`Gradient did not list the service "${service.name}" it just created`);
        return { id: listed.id, name: listed.name, description: listed.description };
      }
      return { id: made.id, name: made.name, description: made.description };
    },
    async updateService(id, patch) {
      await client.updateService(id, patch);
    },
    setCount: (serviceId, accountId, quantity, { rebuild }) => client.postCount(serviceId, { accountId, unitCount: quantity }, { noBuild: !rebuild }),
    alerts: {
      raise: async (accountId, alert) => {
        const created = await client.createAlert(accountId, {
          title: alert.title,
          description: alert.description,
          alertId: alert.alertId,
          priority: alert.priority,
          status: 1,
          ...(alert.serviceId === undefined ? {} : { serviceId: alert.serviceId }),
        });
        return { deliveryId: created.messageId };
      },
      delivery: async (deliveryId): Promise<AlertDelivery> => {
        const d = await client.getAlertDelivery(deliveryId);
        return {
          state: d.status === 'success' ? 'delivered' : d.status,
          ticketId: d.ticketId,
          errors: d.errors,
          statusCode: d.statusCode ?? null,
        };
      },
    },
  };
}
