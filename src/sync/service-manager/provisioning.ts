// Service providers and their subscriptions, applied through the journal: every vendor write is
// keyed by the platform's ids (account id, subscription id and the revision of its services), so
// a repeated or re-sent call finds the earlier write instead of making a second tenant or
// applying quotas again. Services are absolute: the plan compares what the tenant holds with what
// the subscription says and writes only the difference.
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import { planServiceProviderServices, servicesInForce } from '../../domain/service-provider-plan.ts';
import { ConnectorError, isConnectorError } from '../../connectors/kit/errors.ts';
import {
  ServiceManagerError,
  type InboundCall,
  type ServiceProviderAccount,
  type SubscriptionOrder,
} from '../../connectors/service-manager-port.ts';
import type { ProvisionedAccount, ProvisionedSubscription } from '../../store/repositories/service-manager.ts';
import type { ServiceManagerStore as Store } from './store.ts';
import { JournalInProgressError, type Journal } from '../journal.ts';
import type { ResolvedInstance } from './instances.ts';

const LOOP = 'service-manager';
const digest = (value: unknown): string => createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 16);

export interface ProvisioningDeps {
  store: Store;
  journal: Journal;
  log: Logger;
  /** Who the audit trail names (`service-manager:<registration>`). */
  actor: (call: InboundCall) => string;
}

/** Vendor failures and journal conflicts in the words the platform's operator sees. */
export function asServiceManagerError(error: unknown, what: string, call: InboundCall): Error {
  if (error instanceof ServiceManagerError) return error;
  if (error instanceof JournalInProgressError) {
    return new ServiceManagerError('in_progress', `${what} is still being applied from an earlier call${call.trackId === null ? '' : ` (track id ${call.trackId})`}: send it again in a minute`);
  }
  if (isConnectorError(error, 'conflict')) return new ServiceManagerError('conflict', `${what} was refused by Acronis: ${error.message}`);
  if (error instanceof ConnectorError) return new ServiceManagerError('vendor_failed', `${what} did not complete at Acronis (${error.message}); nothing was left half-done: send the call again`);
  return error instanceof Error ? error : new Error(String(error));
}

export class Provisioning {
  constructor(private readonly deps: ProvisioningDeps) {}

  private async audit(call: InboundCall, action: string, subjectId: string, details: Record<string, unknown>): Promise<void> {
    await this.deps.store.repos.auditLog.record({ actor: this.deps.actor(call), action, subjectType: 'service_provider', subjectId, details: { trackId: call.trackId, route: call.route, ...details } });
  }

  async accountExists(r: ResolvedInstance, accountId: string): Promise<string | null> {
    const stored = await this.deps.store.repos.serviceManager.getAccount(r.instance.id, accountId);
    if (stored !== undefined && stored.state === 'active') return stored.tenantId;
    const tenant = await r.vendor.findTenantByIdempotencyKey(r.ref.distributorTenantId, accountKey(accountId));
    return tenant === null || tenant.deletedAt !== null ? null : tenant.id;
  }

  async synchronize(call: InboundCall, r: ResolvedInstance, account: ServiceProviderAccount): Promise<{ tenantId: string; created: boolean }> {
    const { store, journal, log } = this.deps;
    const integrationId = r.instance.integrationId;
    const contact = {
      email: account.contact.email ?? account.email,
      firstName: account.contact.firstName,
      lastName: account.contact.lastName,
      phone: account.contact.phone ?? account.phone,
      types: ['legal', 'billing'],
      address1: account.address.address1,
      address2: account.address.address2,
      city: account.address.city,
      zipcode: account.address.zipcode,
      state: account.address.state,
      country: account.address.country,
    };
    try {
      const key = accountKey(account.accountId);
      // The journal runs `perform` only when this instance never completed the create: then the
      // tenant is either one another instance of the same distributor made (the stored accounts
      // say so, found by the account id) or none at all, and the vendor need not list every
      // service provider of the distributor to look for its tag. A resumed attempt still lists.
      const known = await store.repos.serviceManager.findAccountUnderDistributor(r.ref.distributorTenantId, account.accountId);
      let adopted = false;
      const result = await journal.run(
        { integrationId, loop: LOOP, operation: 'create_service_provider', idempotencyKey: key, payload: { accountId: account.accountId, name: account.name, trackId: call.trackId } },
        {
          lookup: async () => (await r.vendor.findTenantByIdempotencyKey(r.ref.distributorTenantId, key))?.id ?? null,
          perform: async () => {
            if (known !== undefined) {
              const tenant = await r.vendor.getTenant(known.tenantId).catch((error: unknown) => {
                if (isConnectorError(error, 'not_found')) return null;
                throw error;
              });
              if (tenant !== null && tenant.deletedAt === null) {
                adopted = true;
                return tenant.id;
              }
            }
            return (await r.vendor.createCustomerTenant(
              { parentId: r.ref.distributorTenantId, name: account.name, kind: 'partner', customerId: account.accountId, contact },
              { idempotencyKey: key, knownAbsent: known === undefined },
            )).tenant.id;
          },
        },
      );
      const tenantId = result.externalId;
      const created = result.via === 'perform' && !adopted;
      // Later synchronizations carry changed names and contacts: compare and write the difference.
      if (!created) {
        const tenant = await r.vendor.getTenant(tenantId);
        const contactChanged = tenant.contact === null || tenant.contact.email !== contact.email || tenant.contact.firstName !== contact.firstName || tenant.contact.lastName !== contact.lastName || (tenant.contact.phone ?? null) !== (contact.phone ?? null) || (tenant.contact.city ?? null) !== (contact.city ?? null);
        if (tenant.name !== account.name || contactChanged) {
          await r.vendor.updateTenant(tenantId, { name: account.name, contact });
          await this.audit(call, 'service_provider.updated', tenantId, { accountId: account.accountId, instanceId: r.instance.id });
        }
      }
      const adminLogin = await this.ensureAdmin(call, r, account, tenantId);
      await store.repos.serviceManager.saveAccount({ instanceId: r.instance.id, accountId: account.accountId, tenantId, name: account.name, adminLogin, state: 'active' });
      if (created) await this.audit(call, 'service_provider.created', tenantId, { accountId: account.accountId, instanceId: r.instance.id, name: account.name });
      log.info({ trackId: call.trackId, route: call.route, instanceId: r.instance.id, accountId: account.accountId, tenantId, created }, 'service manager: account synchronized');
      return { tenantId, created };
    } catch (error) {
      throw asServiceManagerError(error, `Synchronizing account ${account.accountId} (${account.name})`, call);
    }
  }

  /** The service provider's administrator: created once (found by login on a retry), a partner admin, invited by e-mail. */
  private async ensureAdmin(call: InboundCall, r: ResolvedInstance, account: ServiceProviderAccount, tenantId: string): Promise<string | null> {
    const email = account.contact.email ?? account.email;
    const login = (account.adminLogin ?? email)?.trim() ?? '';
    if (email === null || login === '') return null;
    const { journal } = this.deps;
    const integrationId = r.instance.integrationId;
    const userId = (
      await journal.run(
        { integrationId, loop: LOOP, operation: 'create_service_provider_admin', idempotencyKey: `admin:${account.accountId}`, payload: { accountId: account.accountId, login, trackId: call.trackId } },
        {
          lookup: async () => (await r.vendor.findUserByLogin(tenantId, login))?.id ?? null,
          perform: async () => {
            const existing = await r.vendor.findUserByLogin(tenantId, login);
            if (existing !== null) return existing.id;
            if (!(await r.vendor.isLoginAvailable(login))) {
              throw new ServiceManagerError('conflict', `The login '${login}' is taken in Acronis by another user: set another username in the account's sync options`);
            }
            const user = await r.vendor.createUser({
              tenantId,
              login,
              email,
              ...(account.contact.firstName === null ? {} : { firstName: account.contact.firstName }),
              ...(account.contact.lastName === null ? {} : { lastName: account.contact.lastName }),
            });
            return user.id;
          },
        },
      )
    ).externalId;
    await journal.run(
      { integrationId, loop: LOOP, operation: 'invite_service_provider_admin', idempotencyKey: `admin-invite:${account.accountId}:${userId}`, payload: { accountId: account.accountId, userId, trackId: call.trackId } },
      {
        lookup: async () => null,
        perform: async () => {
          await r.vendor.setAccessPolicies(userId, [{ roleId: 'partner_admin', tenantId }]);
          await r.vendor.sendActivationEmail(userId);
          return userId;
        },
      },
    );
    return login;
  }

  /**
   * Accounts/Delete: the service provider's tenant is disabled, not deleted (deleting it would
   * erase its customers' backups); a person deletes it in Acronis when the data may go.
   */
  async deleteAccount(call: InboundCall, r: ResolvedInstance, accountId: string): Promise<{ tenantId: string | null }> {
    const stored = await this.deps.store.repos.serviceManager.getAccount(r.instance.id, accountId);
    const tenantId = stored?.tenantId ?? (await this.accountExists(r, accountId));
    if (tenantId === null) return { tenantId: null };
    try {
      const tenant = await r.vendor.getTenant(tenantId);
      if (tenant.enabled) await r.vendor.disableTenant(tenantId);
    } catch (error) {
      if (!isConnectorError(error, 'not_found')) throw asServiceManagerError(error, `Deleting account ${accountId}`, call);
    }
    await this.deps.store.repos.serviceManager.saveAccount({ instanceId: r.instance.id, accountId, tenantId, name: stored?.name ?? accountId, adminLogin: stored?.adminLogin ?? null, state: 'deleted' });
    await this.audit(call, 'service_provider.disabled', tenantId, { accountId, instanceId: r.instance.id, reason: 'account deleted' });
    return { tenantId };
  }

  private async accountOf(r: ResolvedInstance, accountId: string): Promise<ProvisionedAccount> {
    const account = await this.deps.store.repos.serviceManager.getAccount(r.instance.id, accountId);
    if (account === undefined || account.state !== 'active') {
      throw new ServiceManagerError(
        'not_synchronized',
        `Account ${accountId} was never synchronized with ${r.ref.systemName}${account?.state === 'deleted' ? ' (it was deleted)' : ''}: run Accounts/Synchronize for it before ordering`,
      );
    }
    return account;
  }

  async applySubscription(call: InboundCall, r: ResolvedInstance, order: SubscriptionOrder): Promise<{ externalId: string }> {
    const { store, journal, log } = this.deps;
    const repo = store.repos.serviceManager;
    if (order.productTypeId !== r.ref.productTypeId) {
      const other = await repo.getInstanceByProductType(order.productTypeId);
      throw new ServiceManagerError(
        'wrong_product_type',
        other !== undefined
          ? `Product type ${order.productTypeId} belongs to the instance '${other.systemName}', not to '${r.ref.systemName}': order it with that instance's products`
          : `Product type ${order.productTypeId} is not one of '${r.ref.systemName}' (its product type is ${r.ref.productTypeId}): run Get Services Definition and order its products`,
      );
    }
    const account = await this.accountOf(r, order.accountId);
    const previous = await repo.getSubscription(r.instance.id, order.subscriptionId);
    if (previous === undefined && order.action !== 'create' && order.action !== 'update') {
      throw new ServiceManagerError('unknown_subscription', `Subscription ${order.subscriptionId} was never created with ${r.ref.systemName}: create it first`);
    }
    if (previous !== undefined && previous.accountId !== order.accountId) {
      throw new ServiceManagerError('conflict', `Subscription ${order.subscriptionId} belongs to account ${previous.accountId}, not ${order.accountId}`);
    }
    const what = `${order.action} of subscription ${order.subscriptionId}`;
    try {
      const available = await r.vendor.getAvailableForChild(r.ref.distributorTenantId, 'partner');
      const desired = order.action === 'cancel' ? {} : order.services;
      const granted = Object.keys(previous?.services.items ?? {});
      const current = await r.vendor.getOfferingItems(account.tenantId);
      const plan = planServiceProviderServices({ current, available, desired, previouslyGranted: granted });
      if (plan.unavailable.length > 0) {
        throw new ServiceManagerError('unavailable_services', `${r.ref.distributorName} cannot give a service provider ${plan.unavailable.join(', ')}: remove them from the order, or ask Acronis to enable them for the distributor`);
      }
      if (order.checkOnly) return { externalId: order.subscriptionId };

      const state: ProvisionedSubscription['state'] =
        order.action === 'suspend' ? 'suspended' : order.action === 'cancel' ? 'cancelled' : order.action === 'activate' ? 'active' : (previous?.state === 'suspended' ? 'suspended' : 'active');
      // The intent is stored before the write, with a revision that moves only when the services
      // change: a re-sent call has the same revision, so the journal finds its earlier write.
      const servicesDigest = digest({ tier: order.tier, items: desired });
      const sameServices = previous !== undefined && digest({ tier: previous.services.tier, items: previous.services.items }) === servicesDigest;
      const revision = sameServices ? (previous?.services as { revision?: number }).revision ?? 1 : ((previous?.services as { revision?: number } | undefined)?.revision ?? 0) + 1;
      const services = { tier: order.tier, items: { ...desired }, revision, granted: [...new Set([...granted, ...Object.keys(desired)])] };
      await repo.saveSubscription({ instanceId: r.instance.id, subscriptionId: order.subscriptionId, accountId: order.accountId, productId: order.productId, state: previous?.state ?? 'active', services });

      if (plan.changes.length > 0) {
        await journal.run(
          {
            integrationId: r.instance.integrationId,
            loop: LOOP,
            operation: 'set_service_provider_services',
            idempotencyKey: `services:${order.subscriptionId}:r${revision}`,
            payload: { subscriptionId: order.subscriptionId, accountId: order.accountId, tenantId: account.tenantId, services: desired, trackId: call.trackId },
          },
          {
            lookup: async () => (servicesInForce(await r.vendor.getOfferingItems(account.tenantId), desired, granted) ? account.tenantId : null),
            perform: async () => {
              // Re-planned on the latest read: an earlier attempt may have applied part of it.
              const now = await r.vendor.getOfferingItems(account.tenantId);
              const again = planServiceProviderServices({ current: now, available, desired, previouslyGranted: granted });
              if (again.changes.length > 0) await r.vendor.setOfferingItems(account.tenantId, again.changes);
              return account.tenantId;
            },
          },
        );
        await this.audit(call, 'service_provider.services_set', account.tenantId, { subscriptionId: order.subscriptionId, instanceId: r.instance.id, services: desired, changes: plan.changes.length });
      }
      if (order.action === 'suspend' || order.action === 'activate') {
        const tenant = await r.vendor.getTenant(account.tenantId);
        const enable = order.action === 'activate';
        if (tenant.enabled !== enable) {
          await (enable ? r.vendor.enableTenant(account.tenantId) : r.vendor.disableTenant(account.tenantId));
          await this.audit(call, enable ? 'service_provider.enabled' : 'service_provider.disabled', account.tenantId, { subscriptionId: order.subscriptionId, instanceId: r.instance.id });
        }
      }
      await repo.saveSubscription({ instanceId: r.instance.id, subscriptionId: order.subscriptionId, accountId: order.accountId, productId: order.productId, state, services });
      log.info({ trackId: call.trackId, route: call.route, instanceId: r.instance.id, subscriptionId: order.subscriptionId, changes: plan.changes.length, state }, 'service manager: subscription applied');
      return { externalId: order.subscriptionId };
    } catch (error) {
      throw asServiceManagerError(error, what, call);
    }
  }
}

export const accountKey = (accountId: string): string => `account:${accountId}`;
