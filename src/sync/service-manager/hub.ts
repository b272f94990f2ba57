// The hub as a service manager: answers the requests of an inbound connector (the platform's
// wire lives there) with the store, the journal and the vendor of each instance.
import type { Logger } from 'pino';
import { createAcronisVendor } from '../../connectors/acronis/vendor.ts';
import type { ServiceManagerHub } from '../../connectors/service-manager-port.ts';
import type { ServiceManagerStore } from './store.ts';
import { Journal } from '../journal.ts';
import { instanceKeyOf, Instances, type InstanceVendorFactory } from './instances.ts';
import { Provisioning } from './provisioning.ts';
import { pullUsage } from './usage.ts';

export interface ServiceManagerHubOptions {
  store: ServiceManagerStore;
  log: Logger;
  vendorFactory?: InstanceVendorFactory;
  /**
   * How long a call's journal claim holds before a re-sent call may take over (default 2 min): a
   * platform re-sends after its own timeout, and the first attempt may still be running.
   */
  leaseMs?: number;
  now?: () => Date;
}

// The platform waits on these calls (a reseller at checkout): a short, patient-enough policy.
const defaultVendorFactory: InstanceVendorFactory = (c) => createAcronisVendor({ ...c, retry: { maxAttempts: 4 } });

export function createServiceManagerHub(options: ServiceManagerHubOptions): ServiceManagerHub {
  const { store, log } = options;
  const now = options.now ?? (() => new Date());
  const instances = new Instances(store, options.vendorFactory ?? defaultVendorFactory, log);
  const journal = new Journal(store.repos.journal, { leaseMs: options.leaseMs ?? 120_000 });
  const names = new Map<string, string>();
  // When each registration was last marked used: at most one write a minute, not one per call.
  const touched = new Map<string, number>();
  const provisioning = new Provisioning({ store, journal, log, actor: (call) => `service-manager:${names.get(call.registrationId) ?? call.registrationId}` });

  return {
    async authorize(applicationId, presentedKeys) {
      const registration = await store.repos.serviceManager.verify(applicationId, presentedKeys);
      if (registration === null) return null;
      names.set(registration.id, registration.name);
      const at = now().getTime();
      if (at - (touched.get(registration.id) ?? -Infinity) >= 60_000) {
        touched.set(registration.id, at);
        await store.repos.serviceManager.touchRegistration(registration.id);
      }
      return { registrationId: registration.id, name: registration.name };
    },
    async validateSettings(call, settings) {
      return (await instances.validate(call, settings)).problems;
    },
    async catalogue(call, settings) {
      const r = await instances.resolve(call, settings);
      const [prices, offered, applications] = await Promise.all([
        r.vendor.getPriceList(r.ref.distributorTenantId, r.ref.currency),
        r.vendor.getAvailableForChild(r.ref.distributorTenantId, 'partner'),
        r.vendor.getApplications(),
      ]);
      return {
        instance: r.ref,
        prices: prices.items,
        offeredItems: [...new Set(offered.map((i) => i.name))],
        applications: Object.fromEntries(applications.map((a) => [a.id, a.name])),
      };
    },
    async recordDefinition(instance, definition, firstNames) {
      await store.repos.serviceManager.recordDefinition(instance.instanceId, definition, { ...firstNames });
    },
    async accountExists(call, settings, accountId) {
      return provisioning.accountExists(await instances.resolve(call, settings), accountId);
    },
    async synchronizeAccount(call, settings, account) {
      return provisioning.synchronize(call, await instances.resolve(call, settings), account);
    },
    async deleteAccount(call, settings, accountId) {
      return provisioning.deleteAccount(call, await instances.resolve(call, settings), accountId);
    },
    async applySubscription(call, settings, order) {
      return provisioning.applySubscription(call, await instances.resolve(call, settings), order);
    },
    async usage(call, settings, request) {
      return pullUsage(store, call, await instances.resolve(call, settings), request, now());
    },
    async recordFailure(call, settings, code, message) {
      const registrationId = call.registrationId === '' ? null : call.registrationId;
      const instance = registrationId === null || settings === null ? undefined : await store.repos.serviceManager.getInstanceByKey(registrationId, instanceKeyOf(settings));
      await store.repos.serviceManager.recordFailure({ registrationId, instanceId: instance?.id ?? null, trackId: call.trackId, route: call.route, code, message });
    },
  };
}
