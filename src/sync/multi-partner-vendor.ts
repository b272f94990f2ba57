/**
 * One VendorCloud over the several partner tenants of an integration (the vendor's multi-mapping:
 * an MSP with several partner accounts, each its own data center + API client). The loops keep
 * talking to one vendor:
 *
 * - a listing rooted at the primary partner (customer tenants, offering items, customers by Custom
 *   ID) is the union of every partner's, each tenant tagged with the partner connection it came from;
 * - every per-tenant call goes to the partner the tenant belongs to (known from listings, then from
 *   the snapshots, then by asking each partner), a call naming a partner tenant to that partner;
 * - usage and alerts are read from each partner, alerts merged oldest change first.
 *
 * Tenant ids are UUIDs the vendor makes, unique across data centers, so they key the routing alone.
 *
 * A partner that cannot be read does not stop the others: a union listing goes on without it and
 * the failure is kept (`failuresSince`), so the pass that read it can say which partner failed and
 * not pass for succeeded, while the other partners' companies are still processed. An alert cursor
 * moved past a partner that was down would skip its alerts: the partner's own "behind" point is
 * kept and its alerts are read from there until it answers again (re-reading is harmless: alerts
 * are matched to tickets by identity).
 */
import { ConnectorError, isConnectorError } from '../connectors/kit/errors.ts';
import type { ListAlertsQuery, TenantOfferingItem, TenantUsages, VendorAlert, VendorCloud, VendorTenant } from '../connectors/ports.ts';

export interface PartnerMember {
  connectionId: string;
  /** The connection's name, as a person knows the partner. */
  name: string;
  partnerTenantId: string;
  vendor: VendorCloud;
}

export interface PartnerFailure {
  connectionId: string;
  name: string;
  at: string;
  message: string;
}

/** Where a partner's alerts must be read from again (Unix ns), kept across passes and restarts. */
export interface AlertsBehindStore {
  get(connectionId: string): Promise<string | undefined>;
  set(connectionId: string, ns: string): Promise<void>;
  clear(connectionId: string): Promise<void>;
}

export interface MultiPartnerOptions {
  /** The primary partner first. */
  members: readonly PartnerMember[];
  clock: () => Date;
  /** The partner connection of known tenants (the snapshots), for tenants this process has not listed yet. */
  locate(tenantIds: readonly string[]): Promise<Map<string, string>>;
  alertsBehind: AlertsBehindStore;
}

export interface MultiPartnerVendor extends VendorCloud {
  readonly members: readonly PartnerMember[];
  /** The partner the tenant belongs to; throws `not_found` when no partner knows it. */
  memberOf(tenantId: string): Promise<PartnerMember>;
  /** Partners a read failed for since `at` (the latest failure of each). */
  failuresSince(at: Date): PartnerFailure[];
}

const minNs = (a: string | undefined, b: string | undefined): string | undefined =>
  a === undefined || b === undefined ? undefined : BigInt(a) <= BigInt(b) ? a : b;

const isNotFound = (error: unknown): boolean => isConnectorError(error) && error.code === 'not_found';

/** Codes that say the partner's API could not be used, not that the caller asked wrongly. */
const DOWN_CODES = new Set(['auth_failed', 'forbidden', 'rate_limited', 'unavailable', 'timeout', 'unreachable', 'unexpected_response', 'bad_payload']);

/**
 * An error of a call to one partner that could not be made (credentials revoked, data center down):
 * it names the partner, so a loop fails that partner's company for this pass and goes on with the
 * others, instead of taking it for the whole vendor cloud being unusable.
 */
export function unreadPartnerOf(error: unknown): string | null {
  if (!isConnectorError(error) || !DOWN_CODES.has(error.code)) return null;
  const partner = error.context.partner;
  return typeof partner === 'string' ? partner : null;
}

export function createMultiPartnerVendor(options: MultiPartnerOptions): MultiPartnerVendor {
  const failures = new Map<string, PartnerFailure>();
  const failed = (m: PartnerMember, error: unknown): void => {
    failures.set(m.connectionId, { connectionId: m.connectionId, name: m.name, at: options.clock().toISOString(), message: error instanceof Error ? error.message : String(error) });
  };
  const tag = (m: PartnerMember, error: unknown): unknown => {
    if (!isConnectorError(error) || error.context.partner !== undefined) return error;
    if (DOWN_CODES.has(error.code)) failed(m, error);
    return error.with({ message: `partner "${m.name}": ${error.message}`, context: { ...error.context, partner: m.name } });
  };
  // Each partner's connector, its errors naming the partner (and a partner down remembered as failed).
  const members = options.members.map((m): PartnerMember => {
    const vendor = new Proxy(m.vendor, {
      get(target, prop, receiver) {
        const value: unknown = Reflect.get(target, prop, receiver);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          const result: unknown = (value as (...a: unknown[]) => unknown).apply(target, args);
          if (result instanceof Promise) return result.catch((error: unknown) => Promise.reject(tag(m, error)));
          if (result !== null && typeof result === 'object' && Symbol.asyncIterator in result) {
            return (async function* () {
              try {
                yield* result as AsyncIterable<unknown>;
              } catch (error) {
                throw tag(m, error);
              }
            })();
          }
          return result;
        };
      },
    });
    return { ...m, vendor };
  });
  const primary = members[0];
  if (primary === undefined) throw new Error('a multi-partner vendor needs at least one partner');
  const byConnection = new Map(members.map((m) => [m.connectionId, m]));
  const byPartnerTenant = new Map(members.map((m) => [m.partnerTenantId, m]));
  const tenantPartner = new Map<string, PartnerMember>();
  const userPartner = new Map<string, PartnerMember>();
  const alertPartner = new Map<string, PartnerMember>();
  /** Failures worth going on without: the partner's API, not the caller (an abort stops everything). */
  const partnerDown = (error: unknown): boolean => isConnectorError(error) && error.code !== 'cancelled' && error.code !== 'bad_request';
  const remember = (m: PartnerMember, tenant: VendorTenant): VendorTenant => {
    tenantPartner.set(tenant.id, m);
    return { ...tenant, partnerConnectionId: m.connectionId };
  };

  async function memberOf(tenantId: string): Promise<PartnerMember> {
    const direct = byPartnerTenant.get(tenantId) ?? tenantPartner.get(tenantId);
    if (direct !== undefined) return direct;
    const located = byConnection.get((await options.locate([tenantId])).get(tenantId) ?? '');
    if (located !== undefined) {
      tenantPartner.set(tenantId, located);
      return located;
    }
    // Not listed yet (a tenant mapped by id a moment ago): ask each partner.
    let lastNotFound: unknown;
    let down: unknown;
    for (const m of members) {
      try {
        remember(m, await m.vendor.getTenant(tenantId));
        return m;
      } catch (error) {
        if (unreadPartnerOf(error) !== null) down ??= error;
        else if (!isNotFound(error)) throw error;
        else lastNotFound = error;
      }
    }
    // A partner that could not be asked may hold it: that is no proof the tenant is gone.
    if (down !== undefined) throw down;
    throw lastNotFound ?? new ConnectorError({ code: 'not_found', system: 'acronis', message: `no partner of the integration has a tenant ${tenantId}`, context: { tenantId } });
  }

  /** The members a listing rooted at `rootId` reads: all for the primary partner, else the one holding it. */
  async function rootedAt(rootId: string): Promise<Array<{ m: PartnerMember; root: string }>> {
    if (rootId === primary!.partnerTenantId) return members.map((m) => ({ m, root: m.partnerTenantId }));
    return [{ m: await memberOf(rootId), root: rootId }];
  }

  async function* union<T>(parts: ReadonlyArray<{ m: PartnerMember; root: string }>, read: (m: PartnerMember, root: string) => AsyncIterable<T>, seen: (m: PartnerMember, item: T) => T): AsyncGenerator<T> {
    for (const { m, root } of parts) {
      try {
        for await (const item of read(m, root)) yield seen(m, item);
        failures.delete(m.connectionId);
      } catch (error) {
        if (parts.length === 1 || !partnerDown(error)) throw error;
        failed(m, error);
      }
    }
  }

  const userCall = async (userId: string, call: (v: VendorCloud) => Promise<void>): Promise<void> => {
    const known = userPartner.get(userId);
    if (known !== undefined) return call(known.vendor);
    let lastNotFound: unknown;
    for (const m of members) {
      try {
        await call(m.vendor);
        userPartner.set(userId, m);
        return;
      } catch (error) {
        if (!isNotFound(error)) throw error;
        lastNotFound = error;
      }
    }
    throw lastNotFound;
  };

  async function* mergedAlerts(query: ListAlertsQuery): AsyncGenerator<VendorAlert> {
    const given = query.updatedAfterNs === undefined ? undefined : String(query.updatedAfterNs);
    const streams: Array<{ m: PartnerMember; it: AsyncIterator<VendorAlert>; head: VendorAlert | null; from: string | undefined }> = [];
    const advance = async (s: (typeof streams)[number]): Promise<void> => {
      try {
        const next = await s.it.next();
        s.head = next.done === true ? null : next.value;
        if (next.done === true) {
          failures.delete(s.m.connectionId);
          await options.alertsBehind.clear(s.m.connectionId);
        }
      } catch (error) {
        if (members.length === 1 || !partnerDown(error)) throw error;
        s.head = null;
        failed(s.m, error);
        // Read this partner's alerts from where it fell behind once it answers again.
        await options.alertsBehind.set(s.m.connectionId, s.from ?? '0');
      }
    };
    for (const m of members) {
      const behind = await options.alertsBehind.get(m.connectionId);
      const from = behind === undefined ? given : given === undefined ? undefined : minNs(behind, given);
      const it = m.vendor.listAlerts({ ...query, ...(from === undefined ? {} : { updatedAfterNs: from }) })[Symbol.asyncIterator]();
      const s = { m, it, head: null as VendorAlert | null, from };
      await advance(s);
      streams.push(s);
    }
    try {
      for (;;) {
        let pick: (typeof streams)[number] | undefined;
        for (const s of streams) if (s.head !== null && (pick === undefined || BigInt(s.head.updatedAtNs) < BigInt(pick.head!.updatedAtNs))) pick = s;
        if (pick === undefined) return;
        const alert = pick.head!;
        alertPartner.set(alert.id, pick.m);
        yield alert;
        await advance(pick);
      }
    } finally {
      for (const s of streams) if (s.head !== null) await s.it.return?.();
    }
  }

  return {
    system: 'acronis',
    members,
    memberOf,
    failuresSince(at) {
      return [...failures.values()].filter((f) => Date.parse(f.at) >= at.getTime());
    },

    whoAmI: () => primary.vendor.whoAmI(),

    listCustomerTenants(query) {
      return (async function* () {
        yield* union(await rootedAt(query.parentId), (m, root) => m.vendor.listCustomerTenants({ ...query, parentId: root }), remember);
      })();
    },
    getTenant: async (id) => {
      const m = await memberOf(id);
      return remember(m, await m.vendor.getTenant(id));
    },
    async findTenantsByCustomerId(parentId, customerId) {
      const found: VendorTenant[] = [];
      for await (const t of union(
        await rootedAt(parentId),
        (m, root) => (async function* () { yield* await m.vendor.findTenantsByCustomerId(root, customerId); })(),
        remember,
      )) found.push(t);
      return found;
    },
    async findTenantByIdempotencyKey(parentId, key) {
      const m = await memberOf(parentId);
      const t = await m.vendor.findTenantByIdempotencyKey(parentId, key);
      return t === null ? null : remember(m, t);
    },
    async createCustomerTenant(tenant, writeOptions) {
      const m = await memberOf(tenant.parentId);
      const made = await m.vendor.createCustomerTenant(tenant, writeOptions);
      return { ...made, tenant: remember(m, made.tenant) };
    },
    updateTenant: async (id, patch) => {
      const m = await memberOf(id);
      return remember(m, await m.vendor.updateTenant(id, patch));
    },
    disableTenant: async (id) => {
      const m = await memberOf(id);
      return remember(m, await m.vendor.disableTenant(id));
    },
    enableTenant: async (id) => {
      const m = await memberOf(id);
      return remember(m, await m.vendor.enableTenant(id));
    },
    async deleteTenant(id) {
      // Deleting a tenant that is already gone succeeds, on every partner.
      const m = await memberOf(id).catch((error: unknown) => (isNotFound(error) ? null : Promise.reject(error)));
      if (m !== null) await m.vendor.deleteTenant(id);
    },
    setMfa: async (tenantId, enabled) => (await memberOf(tenantId)).vendor.setMfa(tenantId, enabled),
    getPricingMode: async (tenantId) => (await memberOf(tenantId)).vendor.getPricingMode(tenantId),
    setPricingMode: async (tenantId, mode) => (await memberOf(tenantId)).vendor.setPricingMode(tenantId, mode),

    getOfferingItems: async (tenantId) => (await memberOf(tenantId)).vendor.getOfferingItems(tenantId),
    listOfferingItems(query) {
      return (async function* () {
        yield* union(
          await rootedAt(query.subtreeRootId),
          (m, root) => m.vendor.listOfferingItems({ ...query, subtreeRootId: root }),
          (m, entry: TenantOfferingItem) => {
            if (!byPartnerTenant.has(entry.tenantId)) tenantPartner.set(entry.tenantId, m);
            return entry;
          },
        );
      })();
    },
    getAvailableForChild: async (parentId, kind) => (await memberOf(parentId)).vendor.getAvailableForChild(parentId, kind),
    setOfferingItems: async (tenantId, changes) => (await memberOf(tenantId)).vendor.setOfferingItems(tenantId, changes),
    getApplications: () => primary.vendor.getApplications(),

    getUsages(tenantIds) {
      return (async function* (): AsyncGenerator<TenantUsages> {
        const groups = new Map<PartnerMember, string[]>();
        const unknown = tenantIds.filter((id) => !tenantPartner.has(id) && !byPartnerTenant.has(id));
        if (unknown.length > 0) {
          for (const [id, connectionId] of await options.locate(unknown)) {
            const m = byConnection.get(connectionId);
            if (m !== undefined) tenantPartner.set(id, m);
          }
        }
        for (const id of tenantIds) {
          const m = await memberOf(id).catch((error: unknown) => (isNotFound(error) ? null : Promise.reject(error)));
          if (m === null) continue; // no partner has it: the vendor answers for none such either
          groups.set(m, [...(groups.get(m) ?? []), id]);
        }
        yield* union([...groups].map(([m]) => ({ m, root: m.partnerTenantId })), (m) => m.vendor.getUsages(groups.get(m) ?? []), (_m, entry) => entry);
      })();
    },

    async isLoginAvailable(login) {
      for (const m of members) if (!(await m.vendor.isLoginAvailable(login))) return false;
      return true;
    },
    async createUser(user) {
      const m = await memberOf(user.tenantId);
      const made = await m.vendor.createUser(user);
      userPartner.set(made.id, m);
      return made;
    },
    async findUserByLogin(tenantId, login) {
      const m = await memberOf(tenantId);
      const found = await m.vendor.findUserByLogin(tenantId, login);
      if (found !== null) userPartner.set(found.id, m);
      return found;
    },
    sendActivationEmail: (userId) => userCall(userId, (v) => v.sendActivationEmail(userId)),
    setPassword: (userId, password) => userCall(userId, (v) => v.setPassword(userId, password)),
    setAccessPolicies: (userId, policies) => userCall(userId, (v) => v.setAccessPolicies(userId, policies)),
    setUserMfa: (userId, enabled) => userCall(userId, (v) => v.setUserMfa(userId, enabled)),

    listAlerts: (query = {}) => mergedAlerts(query),
    async dismissAlert(id) {
      const known = alertPartner.get(id);
      // Dismissing an alert that is gone succeeds, so an alert of unknown origin is dismissed everywhere.
      for (const m of known === undefined ? members : [known]) await m.vendor.dismissAlert(id);
    },
    getAlertTypes: () => primary.vendor.getAlertTypes(),

    listStorages: async (tenantId) => (await memberOf(tenantId)).vendor.listStorages(tenantId),
    getPriceList: async (tenantId, currency) => (await memberOf(tenantId)).vendor.getPriceList(tenantId, currency),
    getPeriodUsage: async (tenantId, period) => (await memberOf(tenantId)).vendor.getPeriodUsage(tenantId, period),
    listLocations: async (tenantId) => (await memberOf(tenantId)).vendor.listLocations(tenantId),
  };
}
