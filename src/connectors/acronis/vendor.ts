import type { AccessPolicy, OfferingItem, OfferingItemChange, TenantUsages, VendorAlert, VendorTenant } from '../../domain/vendor-model.ts';
import { ConnectorError, isConnectorError, isTransient } from '../kit/errors.ts';
import { chunk, pageByCursor } from '../kit/paging.ts';
import type {
  ListAlertsQuery,
  ListCustomerTenantsQuery,
  NewCustomerTenant,
  NewVendorUser,
  PricingMode,
  TenantPatch,
  VendorCloud,
  WriteOptions,
} from '../ports.ts';
import { ACCOUNT_API, ALERT_API, createAcronisClient, type AcronisClientOptions } from './client.ts';
import { createDistributorReads, type DistributorReadOptions } from './distributor-reads.ts';
import { createAcronisTenantEvents } from './tenant-events.ts';
import { fromContact, toAlert, toOfferingItem, toOfferingItemsUpdate, toStorage, toTenant, toUsage, toUser } from './mapping.ts';
import { QuotaVersions } from './quota-versions.ts';
import * as wire from './wire.ts';

export interface AcronisVendorOptions extends AcronisClientOptions, Pick<DistributorReadOptions, 'reportPollMs' | 'reportPolls'> {
  /** Page size of tenant and alert listings (Acronis accepts `limit`). */
  pageSize?: number;
}

/** Re-reads after a version conflict at most this many times before giving up. */
const MAX_VERSION_RETRIES = 4;
/** Usages are read for this many tenants per call (as the WHMCS module does). */
const USAGE_BATCH = 100;
/** Items per page of the subtree listing: a customer has a few dozen items, so ~30 tenants a page. */
const OFFERING_ITEM_PAGE = 1000;
/** Lookup-then-create rounds when the create itself fails transiently. */
const CREATE_ROUNDS = 3;

/**
 * A path segment. encodeURIComponent throws a bare URIError on a lone surrogate (text cut in the
 * middle of a character); say which value cannot go into a URL instead.
 */
function enc(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    throw new ConnectorError({
      code: 'bad_request',
      system: 'acronis',
      message: `The value ${JSON.stringify(value.slice(0, 40))} contains a broken character (an unpaired UTF-16 surrogate) and cannot be sent to Acronis; type it again`,
    });
  }
}

/** The Acronis Cyber Protect Cloud implementation of the VendorCloud port. */
export function createAcronisVendor(options: AcronisVendorOptions): VendorCloud {
  const client = createAcronisClient(options);
  const pageSize = options.pageSize ?? 100;
  const distributorReads = createDistributorReads(client, {
    ...(options.reportPollMs === undefined ? {} : { reportPollMs: options.reportPollMs }),
    ...(options.reportPolls === undefined ? {} : { reportPolls: options.reportPolls }),
    ...(options.sleep === undefined ? {} : { sleep: options.sleep }),
  });

  const readTenantWire = (id: string) =>
    client.requestJson({ method: 'GET', path: `${ACCOUNT_API}/tenants/${enc(id)}`, operation: 'read tenant' }, wire.tenant);

  /** One page-walk of `GET /tenants` with the given filter. */
  function listTenantsWire(query: Record<string, string | number | boolean | undefined>, operation: string) {
    return pageByCursor(
      async (after) => {
        const page = await client.requestJson(
          { method: 'GET', path: `${ACCOUNT_API}/tenants`, query: { ...query, limit: pageSize, after }, operation },
          wire.tenantPage,
        );
        return { items: page.items, next: page.paging?.cursors?.after ?? undefined };
      },
      { system: 'acronis', what: operation },
    );
  }

  /**
   * Full pass: walk `parent_id` listings from the partner down through folders. Sub-partners are
   * not entered: their customers belong to the sub-partner's own connection.
   */
  async function* walkCustomers(parentId: string, includeDeleted: boolean): AsyncGenerator<VendorTenant> {
    const folders = [parentId];
    const visited = new Set<string>();
    for (let next = folders.shift(); next !== undefined; next = folders.shift()) {
      if (visited.has(next)) continue;
      visited.add(next);
      for await (const t of listTenantsWire(
        { parent_id: next, lod: 'full', with_contacts: true, ...(includeDeleted ? { allow_deleted: true } : {}) },
        'list customer tenants',
      )) {
        if (t.kind === 'customer') yield toTenant(t);
        else if (t.kind === 'folder') folders.push(t.id);
      }
    }
  }

  /**
   * Incremental pass: `subtree_root_id` + `updated_since` returns changes at any depth; a change
   * counts when the path from the partner to it runs through folders only. Parents are read once
   * per pass, so cost grows with the number of changes, not of tenants.
   */
  async function* changedCustomers(parentId: string, updatedSince: string, includeDeleted: boolean): AsyncGenerator<VendorTenant> {
    const known = new Map<string, { kind: string; parentId: string | null }>();
    const underPartnerViaFolders = async (id: string | null, depth = 0): Promise<boolean> => {
      if (id === null || depth > 32) return false;
      if (id === parentId) return true;
      let node = known.get(id);
      if (node === undefined) {
        try {
          const t = await readTenantWire(id);
          node = { kind: t.kind, parentId: t.parent_id ?? null };
        } catch (error) {
          if (isConnectorError(error, 'not_found')) return false;
          throw error;
        }
        known.set(id, node);
      }
      return node.kind === 'folder' && underPartnerViaFolders(node.parentId, depth + 1);
    };
    for await (const t of listTenantsWire(
      { subtree_root_id: parentId, updated_since: updatedSince, lod: 'full', with_contacts: true, ...(includeDeleted ? { allow_deleted: true } : {}) },
      'list changed customer tenants',
    )) {
      known.set(t.id, { kind: t.kind, parentId: t.parent_id ?? null });
      if (t.kind === 'customer' && (await underPartnerViaFolders(t.parent_id ?? null))) yield toTenant(t);
    }
  }

  async function findChildByTag(parentId: string, tag: string): Promise<VendorTenant | null> {
    for await (const t of listTenantsWire({ parent_id: parentId, lod: 'full' }, 'find tenant by idempotency key')) {
      if (t.internal_tag === tag) return toTenant(t);
    }
    return null;
  }

  /** PUT with the latest version, re-reading on a version conflict. */
  async function updateTenant(id: string, patch: TenantPatch): Promise<VendorTenant> {
    const body: Record<string, unknown> = {};
    if (patch.name !== undefined) body.name = patch.name;
    if (patch.customerId !== undefined) body.customer_id = patch.customerId;
    if (patch.internalTag !== undefined) body.internal_tag = patch.internalTag;
    if (patch.contact !== undefined) body.contact = fromContact(patch.contact);
    if (patch.enabled !== undefined) body.enabled = patch.enabled;
    if (patch.language !== undefined) body.language = patch.language;
    for (let attempt = 1; ; attempt += 1) {
      const current = await readTenantWire(id);
      try {
        const updated = await client.requestJson(
          { method: 'PUT', path: `${ACCOUNT_API}/tenants/${enc(id)}`, json: { ...body, version: current.version }, operation: 'update tenant' },
          wire.tenant,
        );
        return toTenant(updated);
      } catch (error) {
        if (isConnectorError(error, 'version_conflict') && attempt < MAX_VERSION_RETRIES) continue;
        throw error;
      }
    }
  }

  const readPricing = (tenantId: string) =>
    client.requestJson({ method: 'GET', path: `${ACCOUNT_API}/tenants/${enc(tenantId)}/pricing`, operation: 'read tenant pricing mode' }, wire.pricing);

  async function setPricingMode(tenantId: string, mode: PricingMode): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      const current = await readPricing(tenantId);
      if (current.mode === mode) return;
      if (mode === 'trial') {
        throw new ConnectorError({
          code: 'conflict',
          system: 'acronis',
          message: `Tenant ${tenantId} is in ${current.mode} mode; the vendor never switches a tenant back to trial.`,
          context: { operation: 'set tenant pricing mode', tenantId },
        });
      }
      try {
        await client.request({
          method: 'PUT',
          path: `${ACCOUNT_API}/tenants/${enc(tenantId)}/pricing`,
          json: { mode, version: current.version },
          operation: 'set tenant pricing mode',
        });
        return;
      } catch (error) {
        if (isConnectorError(error, 'version_conflict') && attempt < MAX_VERSION_RETRIES) continue;
        throw error;
      }
    }
  }

  // What the hub read and wrote of the quotas' versions, so a quota write needs no read first.
  const quotaVersions = new QuotaVersions();
  const readOfferingItemsWire = async (tenantId: string) => {
    const { items } = await client.requestJson(
      { method: 'GET', path: `${ACCOUNT_API}/tenants/${enc(tenantId)}/offering_items`, query: { edition: '*' }, operation: 'read offering items' },
      wire.offeringItemList,
    );
    quotaVersions.rememberTenant(tenantId, items);
    return items;
  };

  const readUser = async (id: string) =>
    toUser(await client.requestJson({ method: 'GET', path: `${ACCOUNT_API}/users/${enc(id)}`, operation: 'read user' }, wire.user));

  const vendor: VendorCloud = {
    system: 'acronis',

    async whoAmI() {
      const me = await client.requestJson(
        { method: 'GET', path: `${ACCOUNT_API}/clients/${enc(options.clientId)}`, operation: 'read API client' },
        wire.apiClient,
      );
      const tenant = await readTenantWire(me.tenant_id);
      return { clientId: options.clientId, tenantId: tenant.id, tenantName: tenant.name, tenantKind: tenant.kind };
    },

    listCustomerTenants(query: ListCustomerTenantsQuery) {
      const includeDeleted = query.includeDeleted ?? false;
      return query.updatedSince === undefined
        ? walkCustomers(query.parentId, includeDeleted)
        : changedCustomers(query.parentId, query.updatedSince, includeDeleted);
    },

    async getTenant(id) {
      return toTenant(await readTenantWire(id));
    },

    async findTenantsByCustomerId(parentId, customerId) {
      const found: VendorTenant[] = [];
      for await (const t of walkCustomers(parentId, false)) if (t.customerId === customerId) found.push(t);
      return found;
    },

    findTenantByIdempotencyKey: findChildByTag,

    async createCustomerTenant(input: NewCustomerTenant, { idempotencyKey, knownAbsent = false }: WriteOptions) {
      const body: Record<string, unknown> = {
        name: input.name,
        kind: input.kind ?? 'customer',
        parent_id: input.parentId,
        internal_tag: idempotencyKey,
      };
      if (input.customerId !== undefined) body.customer_id = input.customerId;
      if (input.language !== undefined) body.language = input.language;
      if (input.contact !== undefined) body.contact = fromContact(input.contact);
      const settle = async (result: { tenant: VendorTenant; created: boolean }) => {
        // After the create, and also when an earlier attempt created it: a crash between the two
        // calls must still leave the tenant in the mode asked for.
        if (input.pricingMode === 'production' && result.tenant.pricingMode !== 'production') {
          await setPricingMode(result.tenant.id, 'production');
          return { ...result, tenant: { ...result.tenant, pricingMode: 'production' } };
        }
        return result;
      };
      // Look up before every attempt: a create that failed in transit may have happened, and the
      // POST itself is never blindly repeated. The lookup lists the parent's children (there is no
      // filter by tag), so it grows with them: a caller that knows the key is new skips the first.
      for (let round = 1; ; round += 1) {
        const existing = round === 1 && knownAbsent ? null : await findChildByTag(input.parentId, idempotencyKey);
        if (existing !== null) return settle({ tenant: existing, created: false });
        try {
          const created = await client.requestJson(
            { method: 'POST', path: `${ACCOUNT_API}/tenants`, json: body, operation: 'create customer tenant' },
            wire.tenant,
          );
          return settle({ tenant: toTenant(created), created: true });
        } catch (error) {
          if (isTransient(error) && round < CREATE_ROUNDS) continue;
          throw error;
        }
      }
    },

    updateTenant,
    disableTenant: (id) => updateTenant(id, { enabled: false }),
    enableTenant: (id) => updateTenant(id, { enabled: true }),

    async deleteTenant(id) {
      for (let attempt = 1; ; attempt += 1) {
        let current: wire.WireTenant;
        try {
          current = await readTenantWire(id);
        } catch (error) {
          if (isConnectorError(error, 'not_found')) return;
          throw error;
        }
        let version = current.version;
        if (current.enabled !== false) version = (await updateTenant(id, { enabled: false })).version;
        try {
          await client.request({ method: 'DELETE', path: `${ACCOUNT_API}/tenants/${enc(id)}`, query: { version }, operation: 'delete tenant' });
          return;
        } catch (error) {
          if (isConnectorError(error, 'not_found')) return;
          if (isConnectorError(error, 'version_conflict') && attempt < MAX_VERSION_RETRIES) continue;
          throw error;
        }
      }
    },

    async setMfa(tenantId, enabled) {
      await client.request({ method: 'PUT', path: `${ACCOUNT_API}/tenants/${enc(tenantId)}/mfa/status`, json: { enabled }, operation: 'set tenant MFA' });
    },

    async getPricingMode(tenantId) {
      return (await readPricing(tenantId)).mode;
    },

    setPricingMode,

    async getOfferingItems(tenantId) {
      return (await readOfferingItemsWire(tenantId)).map(toOfferingItem);
    },

    listOfferingItems({ subtreeRootId, updatedSince }) {
      return {
        async *[Symbol.asyncIterator]() {
          const pages = pageByCursor(
            async (after) => {
              const page = await client.requestJson(
                {
                  method: 'GET',
                  path: `${ACCOUNT_API}/tenants/offering_items`,
                  query: { subtree_root_tenant_id: subtreeRootId, updated_since: updatedSince, limit: OFFERING_ITEM_PAGE, after },
                  operation: 'list offering items of a subtree',
                },
                wire.offeringItemPage,
              );
              return { items: page.items, next: page.paging?.cursors?.after ?? undefined };
            },
            { system: 'acronis', what: 'list offering items of a subtree' },
          );
          // A full listing makes each tenant it lists known (once it went to its end); an
          // incremental one only updates tenants already known.
          const listing = updatedSince === undefined ? quotaVersions.startListing() : undefined;
          for await (const item of pages) {
            if (listing === undefined) quotaVersions.rememberItems(item.tenant_id, [item]);
            else listing.add(item.tenant_id, item);
            yield { tenantId: item.tenant_id, item: toOfferingItem(item) };
          }
          listing?.finish();
        },
      };
    },

    async getAvailableForChild(parentId, kind = 'customer') {
      const list = await client.requestJson(
        {
          method: 'GET',
          path: `${ACCOUNT_API}/tenants/${enc(parentId)}/offering_items/available_for_child`,
          query: { kind, edition: '*' },
          operation: 'read offering items available for a child',
        },
        wire.offeringItemList,
      );
      return list.items.map(toOfferingItem);
    },

    async setOfferingItems(tenantId, changes: readonly OfferingItemChange[]): Promise<OfferingItem[]> {
      if (changes.length === 0) return [];
      for (let attempt = 1; ; attempt += 1) {
        // Quota changes carry the quota's version: known from the pass's listing or the last write,
        // else read now. A stale one is refused (version conflict): forget it, read, retry.
        if (changes.some((c) => c.quota !== undefined) && !quotaVersions.knows(tenantId)) await readOfferingItemsWire(tenantId);
        try {
          const updated = await client.requestJson(
            {
              method: 'PUT',
              path: `${ACCOUNT_API}/tenants/${enc(tenantId)}/offering_items`,
              json: toOfferingItemsUpdate(changes, (item) => quotaVersions.versionOf(tenantId, item) ?? 0),
              operation: 'update offering items',
            },
            wire.offeringItemList,
          );
          quotaVersions.rememberItems(tenantId, updated.items);
          return updated.items.map(toOfferingItem);
        } catch (error) {
          if (isConnectorError(error, 'version_conflict') && attempt < MAX_VERSION_RETRIES) {
            quotaVersions.forget(tenantId);
            continue;
          }
          throw error;
        }
      }
    },

    async getApplications() {
      const list = await client.requestJson({ method: 'GET', path: `${ACCOUNT_API}/applications`, operation: 'list applications' }, wire.applicationList);
      return list.items.map((a) => ({ id: a.id, name: a.name, type: a.type, usages: a.usages ?? [] }));
    },

    async *getUsages(tenantIds): AsyncGenerator<TenantUsages> {
      for (const batch of chunk([...new Set(tenantIds)], USAGE_BATCH)) {
        const result = await client.requestJson(
          { method: 'GET', path: `${ACCOUNT_API}/tenants/usages`, query: { tenants: batch }, operation: 'read usages' },
          wire.batchUsages,
        );
        for (const entry of result.items) yield { tenantId: entry.tenant, usages: entry.usages.map((u) => toUsage(entry.tenant, u)) };
      }
    },

    async isLoginAvailable(login) {
      const res = await client.request({
        method: 'GET',
        path: `${ACCOUNT_API}/users/check_login`,
        query: { username: login },
        acceptStatus: [409],
        operation: 'check login',
      });
      return res.status !== 409;
    },

    async createUser(user: NewVendorUser) {
      const contact: Record<string, unknown> = { email: user.email };
      if (user.firstName !== undefined) contact.firstname = user.firstName;
      if (user.lastName !== undefined) contact.lastname = user.lastName;
      const created = await client.requestJson(
        {
          method: 'POST',
          path: `${ACCOUNT_API}/users`,
          json: { tenant_id: user.tenantId, login: user.login, contact, ...(user.language === undefined ? {} : { language: user.language }) },
          operation: 'create user',
        },
        wire.user,
      );
      return toUser(created);
    },

    async findUserByLogin(tenantId, login) {
      const ids = await client.requestJson(
        { method: 'GET', path: `${ACCOUNT_API}/tenants/${enc(tenantId)}/users`, operation: 'list tenant users' },
        wire.uuidList,
      );
      for (const id of ids.items) {
        const user = await readUser(id);
        if (user.login.toLowerCase() === login.toLowerCase()) return user;
      }
      return null;
    },

    async sendActivationEmail(userId) {
      await client.request({
        method: 'POST',
        path: `${ACCOUNT_API}/users/${enc(userId)}/send-activation-email`,
        json: {},
        // A second activation e-mail is harmless; a lost one is not.
        repeatable: true,
        operation: 'send activation e-mail',
      });
    },

    async setPassword(userId, password) {
      await client.request({
        method: 'POST',
        path: `${ACCOUNT_API}/users/${enc(userId)}/password`,
        json: { password },
        repeatable: true,
        operation: 'set user password',
      });
    },

    async setAccessPolicies(userId, policies: readonly AccessPolicy[]) {
      const zero = '00000000-0000-0000-0000-000000000000';
      await client.request({
        method: 'PUT',
        path: `${ACCOUNT_API}/users/${enc(userId)}/access_policies`,
        json: {
          items: policies.map((p) => ({
            id: zero,
            issuer_id: zero,
            role_id: p.roleId,
            tenant_id: p.tenantId,
            trustee_id: userId,
            trustee_type: 'user',
            version: 0,
          })),
        },
        operation: 'set user roles',
      });
    },

    async setUserMfa(userId, enabled) {
      await client.request({ method: 'PUT', path: `${ACCOUNT_API}/users/${enc(userId)}/mfa/status`, json: { enabled }, operation: 'set user MFA' });
    },

    listAlerts(query: ListAlertsQuery = {}): AsyncIterable<VendorAlert> {
      const filter: Record<string, string | boolean | number> = {
        show_deleted: true,
        order: 'asc(updated_at)',
        limit: pageSize,
      };
      if (query.updatedAfterNs !== undefined) filter.updated_at = `gt(${BigInt(query.updatedAfterNs).toString()})`;
      const anyOf = (values: readonly string[]): string => (values.length === 1 ? (values[0] ?? '') : `or(${values.join(',')})`);
      if (query.tenantIds !== undefined && query.tenantIds.length > 0) filter.tenant = anyOf(query.tenantIds);
      if (query.types !== undefined && query.types.length > 0) filter.type = anyOf(query.types);
      const pages = pageByCursor(
        async (after) => {
          const page = await client.requestJson(
            { method: 'GET', path: `${ALERT_API}/alerts`, query: { ...filter, after }, operation: 'list alerts' },
            wire.alertPage,
          );
          return { items: page.items.map(toAlert), next: page.paging?.cursors?.after ?? undefined };
        },
        { system: 'acronis', what: 'list alerts' },
      );
      return pages;
    },

    async dismissAlert(id) {
      try {
        await client.request({ method: 'DELETE', path: `${ALERT_API}/alerts/${enc(id)}`, operation: 'dismiss alert' });
      } catch (error) {
        if (isConnectorError(error, 'not_found')) return;
        throw error;
      }
    },

    async getAlertTypes() {
      const list = await client.requestJson({ method: 'GET', path: `${ALERT_API}/types`, operation: 'list alert types' }, wire.alertTypeList);
      return list.items.map((t) => ({ id: t.id, category: t.category ?? null, severity: t.severity ?? null, title: t.title ?? null }));
    },

    async listStorages(tenantId) {
      const ids = await client.requestJson(
        { method: 'GET', path: `${ACCOUNT_API}/tenants/${enc(tenantId)}/infra`, operation: 'list tenant storages' },
        wire.infraIds,
      );
      if (ids.infras.length === 0) return [];
      const storages = [];
      for (const batch of chunk(ids.infras, 100)) {
        const list = await client.requestJson(
          { method: 'GET', path: `${ACCOUNT_API}/infra`, query: { uuids: batch }, operation: 'read storages' },
          wire.infraList,
        );
        storages.push(...list.items.map(toStorage));
      }
      return storages;
    },

    getPriceList: distributorReads.getPriceList,
    getPeriodUsage: distributorReads.getPeriodUsage,
    async listLocations(tenantId) {
      const ids = await client.requestJson(
        { method: 'GET', path: `${ACCOUNT_API}/tenants/${enc(tenantId)}/locations`, operation: 'list tenant locations' },
        wire.locationIds,
      );
      const locations = [];
      for (const batch of chunk(ids.locations, 100)) {
        const list = await client.requestJson({ method: 'GET', path: `${ACCOUNT_API}/locations`, query: { uuids: batch }, operation: 'read locations' }, wire.locationList);
        locations.push(...list.items.map((l) => ({ id: l.id, name: l.name, platformOwned: l.platform_owned ?? null })));
      }
      return locations;
    },

    tenantEvents: createAcronisTenantEvents(client),
  };
  return vendor;
}
