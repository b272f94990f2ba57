import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type {
  Schema,
  ServiceManagerAccountsTable,
  ServiceManagerInstancesTable,
  ServiceManagerSubscriptionsTable,
  ServiceManagerUsagePullsTable,
} from '../schema.ts';
import { fromJsonText, isoAt, newId, systemClock, toJsonText, type Clock } from '../columns.ts';
import { open, seal } from '../../secrets/secret-box.ts';

/**
 * What the hub keeps as a service manager a billing platform calls: application registrations
 * (the key sealed at rest, bound to its row), instances, the accounts and subscriptions they
 * provisioned, usage pulls and refused calls. Names no platform: the connector that serves the
 * inbound API is stored as data (`connector`).
 */

export interface Registration {
  id: string;
  applicationId: string;
  name: string;
  connector: string;
  createdAt: string;
  lastUsedAt: string | null;
}

export interface Instance {
  id: string;
  registrationId: string;
  instanceKey: string;
  integrationId: string;
  productTypeId: string;
  systemName: string;
  gateway: string;
  clientId: string;
  discount: number;
  currency: string;
  updateNames: string;
  distributorTenantId: string;
  distributorName: string;
  firstNames: Record<string, string>;
  lastDefinition: unknown;
  lastDefinitionAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export type InstanceInput = Omit<Instance, 'id' | 'firstNames' | 'lastDefinition' | 'lastDefinitionAt' | 'createdAt' | 'updatedAt'>;

export interface ProvisionedAccount {
  instanceId: string;
  accountId: string;
  tenantId: string;
  name: string;
  adminLogin: string | null;
  state: 'active' | 'deleted';
  createdAt: string;
  updatedAt: string;
}

export interface ProvisionedSubscription {
  instanceId: string;
  subscriptionId: string;
  accountId: string;
  productId: string;
  state: 'active' | 'suspended' | 'cancelled';
  /** The absolute services in force: item name → quota (null = unlimited), plus the tier. */
  services: { tier: string | null; items: Record<string, number | null> };
  createdAt: string;
  updatedAt: string;
}

export interface UsagePull {
  id: string;
  instanceId: string;
  subscriptionId: string;
  windowStart: string;
  windowEnd: string;
  currency: string;
  closed: boolean;
  answer: unknown;
  items: number;
  costTotal: number;
  sellTotal: number;
  pulls: number;
  pulledAt: string;
}

export interface FailedCall {
  id: string;
  registrationId: string | null;
  instanceId: string | null;
  trackId: string | null;
  route: string;
  code: number;
  message: string;
  at: string;
}

const keyAad = (id: string): string => `service_manager_registrations.key:${id}`;

const toInstance = (row: Selectable<ServiceManagerInstancesTable>): Instance => ({
  id: row.id,
  registrationId: row.registration_id,
  instanceKey: row.instance_key,
  integrationId: row.integration_id,
  productTypeId: row.product_type_id,
  systemName: row.system_name,
  gateway: row.gateway,
  clientId: row.client_id,
  discount: Number(row.discount),
  currency: row.currency,
  updateNames: row.update_names,
  distributorTenantId: row.distributor_tenant_id,
  distributorName: row.distributor_name,
  firstNames: fromJsonText<Record<string, string>>(row.first_names, {}),
  lastDefinition: fromJsonText<unknown>(row.last_definition, null),
  lastDefinitionAt: row.last_definition_at,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

const toAccount = (row: Selectable<ServiceManagerAccountsTable>): ProvisionedAccount => ({
  instanceId: row.instance_id,
  accountId: row.account_id,
  tenantId: row.tenant_id,
  name: row.name,
  adminLogin: row.admin_login,
  state: row.state as ProvisionedAccount['state'],
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

const toSubscription = (row: Selectable<ServiceManagerSubscriptionsTable>): ProvisionedSubscription => ({
  instanceId: row.instance_id,
  subscriptionId: row.subscription_id,
  accountId: row.account_id,
  productId: row.product_id,
  state: row.state as ProvisionedSubscription['state'],
  services: fromJsonText(row.services, { tier: null, items: {} }),
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

const toPull = (row: Selectable<ServiceManagerUsagePullsTable>): UsagePull => ({
  id: row.id,
  instanceId: row.instance_id,
  subscriptionId: row.subscription_id,
  windowStart: row.window_start,
  windowEnd: row.window_end,
  currency: row.currency,
  closed: Number(row.closed) === 1,
  answer: fromJsonText<unknown>(row.answer, null),
  items: Number(row.items),
  costTotal: Number(row.cost_total),
  sellTotal: Number(row.sell_total),
  pulls: Number(row.pulls),
  pulledAt: row.pulled_at,
});

export class ServiceManagerRepository {
  constructor(
    private readonly db: Kysely<Schema>,
    private readonly secretKey: Buffer,
    private readonly clock: Clock = systemClock,
  ) {}

  // ── registrations ──

  /** A new registration with a fresh application id and key; the key is returned this once. */
  async createRegistration(input: { name: string; connector: string; applicationId?: string; applicationKey?: string }): Promise<{ registration: Registration; applicationKey: string }> {
    const id = newId();
    // The platform may issue the pair itself (its registration step) and have the service manager
    // store it; otherwise the hub makes one: 32 random bytes in base64, the 44-character key the
    // platform's own samples configure.
    const applicationId = input.applicationId ?? randomUUID();
    const applicationKey = input.applicationKey ?? randomBytes(32).toString('base64');
    const row = {
      id,
      application_id: applicationId,
      name: input.name,
      connector: input.connector,
      key_sealed: seal(applicationKey, this.secretKey, keyAad(id)),
      created_at: isoAt(this.clock),
      last_used_at: null,
    };
    await this.db.insertInto('service_manager_registrations').values(row).execute();
    return { registration: { id, applicationId, name: input.name, connector: input.connector, createdAt: row.created_at, lastUsedAt: null }, applicationKey };
  }

  async listRegistrations(): Promise<Registration[]> {
    const rows = await this.db.selectFrom('service_manager_registrations').select(['id', 'application_id', 'name', 'connector', 'created_at', 'last_used_at']).orderBy('created_at').execute();
    return rows.map((r) => ({ id: r.id, applicationId: r.application_id, name: r.name, connector: r.connector, createdAt: r.created_at, lastUsedAt: r.last_used_at }));
  }

  /**
   * The registration whose key equals one of `candidates` (constant-time compare), or null. The
   * caller says which encodings of the presented key to try.
   */
  async verify(applicationId: string, candidates: readonly string[]): Promise<Registration | null> {
    const row = await this.db.selectFrom('service_manager_registrations').selectAll().where('application_id', '=', applicationId).executeTakeFirst();
    if (row === undefined) return null;
    const stored = Buffer.from(open(row.key_sealed, this.secretKey, keyAad(row.id)), 'utf8');
    const matches = candidates.some((c) => {
      const given = Buffer.from(c, 'utf8');
      return given.length === stored.length && timingSafeEqual(given, stored);
    });
    if (!matches) return null;
    return { id: row.id, applicationId: row.application_id, name: row.name, connector: row.connector, createdAt: row.created_at, lastUsedAt: row.last_used_at };
  }

  async touchRegistration(id: string): Promise<void> {
    await this.db.updateTable('service_manager_registrations').set({ last_used_at: isoAt(this.clock) }).where('id', '=', id).execute();
  }

  // ── instances ──

  async getInstanceByKey(registrationId: string, instanceKey: string): Promise<Instance | undefined> {
    const row = await this.db
      .selectFrom('service_manager_instances')
      .selectAll()
      .where('registration_id', '=', registrationId)
      .where('instance_key', '=', instanceKey)
      .executeTakeFirst();
    return row && toInstance(row);
  }

  async getInstance(id: string): Promise<Instance | undefined> {
    const row = await this.db.selectFrom('service_manager_instances').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toInstance(row);
  }

  async getInstanceByProductType(productTypeId: string): Promise<Instance | undefined> {
    const row = await this.db.selectFrom('service_manager_instances').selectAll().where('product_type_id', '=', productTypeId).executeTakeFirst();
    return row && toInstance(row);
  }

  async listInstances(): Promise<Instance[]> {
    const rows = await this.db.selectFrom('service_manager_instances').selectAll().orderBy('created_at').execute();
    return rows.map(toInstance);
  }

  /** Inserts the instance, or updates its settings when one with the same key exists. */
  async saveInstance(input: InstanceInput): Promise<Instance> {
    const now = isoAt(this.clock);
    const values = {
      system_name: input.systemName,
      gateway: input.gateway,
      client_id: input.clientId,
      discount: String(input.discount),
      currency: input.currency,
      update_names: input.updateNames,
      distributor_tenant_id: input.distributorTenantId,
      distributor_name: input.distributorName,
      updated_at: now,
    };
    await this.db
      .insertInto('service_manager_instances')
      .values({
        id: newId(),
        registration_id: input.registrationId,
        instance_key: input.instanceKey,
        integration_id: input.integrationId,
        product_type_id: input.productTypeId,
        first_names: '{}',
        last_definition: null,
        last_definition_at: null,
        created_at: now,
        ...values,
      })
      .onConflict((oc) => oc.columns(['registration_id', 'instance_key']).doUpdateSet(values))
      .execute();
    return (await this.getInstanceByKey(input.registrationId, input.instanceKey)) as Instance;
  }

  async recordDefinition(id: string, definition: unknown, firstNames: Record<string, string>): Promise<void> {
    const now = isoAt(this.clock);
    await this.db
      .updateTable('service_manager_instances')
      .set({ last_definition: toJsonText(definition), last_definition_at: now, first_names: toJsonText(firstNames), updated_at: now })
      .where('id', '=', id)
      .execute();
  }

  // ── accounts and subscriptions ──

  async getAccount(instanceId: string, accountId: string): Promise<ProvisionedAccount | undefined> {
    const row = await this.db.selectFrom('service_manager_accounts').selectAll().where('instance_id', '=', instanceId).where('account_id', '=', accountId).executeTakeFirst();
    return row && toAccount(row);
  }

  /**
   * The account `accountId` as any instance under the distributor tenant `distributorTenantId`
   * provisioned it (instances of one distributor share its children and the tenants' tags).
   */
  async findAccountUnderDistributor(distributorTenantId: string, accountId: string): Promise<ProvisionedAccount | undefined> {
    const row = await this.db
      .selectFrom('service_manager_accounts as a')
      .innerJoin('service_manager_instances as i', 'i.id', 'a.instance_id')
      .selectAll('a')
      .where('i.distributor_tenant_id', '=', distributorTenantId)
      .where('a.account_id', '=', accountId)
      .orderBy('a.created_at')
      .executeTakeFirst();
    return row && toAccount(row);
  }

  async listAccounts(instanceId: string): Promise<ProvisionedAccount[]> {
    const rows = await this.db.selectFrom('service_manager_accounts').selectAll().where('instance_id', '=', instanceId).orderBy('created_at').execute();
    return rows.map(toAccount);
  }

  async saveAccount(input: Omit<ProvisionedAccount, 'createdAt' | 'updatedAt'>): Promise<void> {
    const now = isoAt(this.clock);
    const values = { tenant_id: input.tenantId, name: input.name, admin_login: input.adminLogin, state: input.state, updated_at: now };
    await this.db
      .insertInto('service_manager_accounts')
      .values({ instance_id: input.instanceId, account_id: input.accountId, created_at: now, ...values })
      .onConflict((oc) => oc.columns(['instance_id', 'account_id']).doUpdateSet(values))
      .execute();
  }

  async getSubscription(instanceId: string, subscriptionId: string): Promise<ProvisionedSubscription | undefined> {
    const row = await this.db
      .selectFrom('service_manager_subscriptions')
      .selectAll()
      .where('instance_id', '=', instanceId)
      .where('subscription_id', '=', subscriptionId)
      .executeTakeFirst();
    return row && toSubscription(row);
  }

  async listSubscriptions(instanceId: string, accountId?: string): Promise<ProvisionedSubscription[]> {
    let query = this.db.selectFrom('service_manager_subscriptions').selectAll().where('instance_id', '=', instanceId);
    if (accountId !== undefined) query = query.where('account_id', '=', accountId);
    const rows = await query.orderBy('created_at').execute();
    return rows.map(toSubscription);
  }

  async saveSubscription(input: Omit<ProvisionedSubscription, 'createdAt' | 'updatedAt'>): Promise<void> {
    const now = isoAt(this.clock);
    const values = { account_id: input.accountId, product_id: input.productId, state: input.state, services: toJsonText(input.services), updated_at: now };
    await this.db
      .insertInto('service_manager_subscriptions')
      .values({ instance_id: input.instanceId, subscription_id: input.subscriptionId, created_at: now, ...values })
      .onConflict((oc) => oc.columns(['instance_id', 'subscription_id']).doUpdateSet(values))
      .execute();
  }

  // ── usage pulls ──

  async getPull(instanceId: string, subscriptionId: string, windowStart: string, windowEnd: string, currency: string): Promise<UsagePull | undefined> {
    const row = await this.db
      .selectFrom('service_manager_usage_pulls')
      .selectAll()
      .where('instance_id', '=', instanceId)
      .where('subscription_id', '=', subscriptionId)
      .where('window_start', '=', windowStart)
      .where('window_end', '=', windowEnd)
      .where('currency', '=', currency)
      .executeTakeFirst();
    return row && toPull(row);
  }

  /**
   * Records a pull. A closed window's first answer is kept (a later save only counts the pull), so
   * the same window answers the same; an open window's answer is replaced by the latest.
   */
  async savePull(input: Omit<UsagePull, 'id' | 'pulls' | 'pulledAt'>): Promise<void> {
    const now = isoAt(this.clock);
    const existing = await this.getPull(input.instanceId, input.subscriptionId, input.windowStart, input.windowEnd, input.currency);
    const answer = {
      closed: input.closed ? 1 : 0,
      answer: toJsonText(input.answer),
      items: input.items,
      cost_total: String(input.costTotal),
      sell_total: String(input.sellTotal),
    };
    await this.db
      .insertInto('service_manager_usage_pulls')
      .values({
        id: newId(),
        instance_id: input.instanceId,
        subscription_id: input.subscriptionId,
        window_start: input.windowStart,
        window_end: input.windowEnd,
        currency: input.currency,
        pulls: 1,
        pulled_at: now,
        ...answer,
      })
      .onConflict((oc) =>
        oc
          .columns(['instance_id', 'subscription_id', 'window_start', 'window_end', 'currency'])
          .doUpdateSet((eb) => ({ pulls: eb('service_manager_usage_pulls.pulls', '+', 1), pulled_at: now, ...(existing?.closed === true ? {} : answer) })),
      )
      .execute();
  }

  async listPulls(instanceId: string, limit = 50): Promise<UsagePull[]> {
    const rows = await this.db.selectFrom('service_manager_usage_pulls').selectAll().where('instance_id', '=', instanceId).orderBy('pulled_at', 'desc').limit(limit).execute();
    return rows.map(toPull);
  }

  // ── refused calls ──

  async recordFailure(input: Omit<FailedCall, 'id' | 'at'>): Promise<void> {
    await this.db
      .insertInto('service_manager_failed_calls')
      .values({
        id: newId(),
        registration_id: input.registrationId,
        instance_id: input.instanceId,
        track_id: input.trackId,
        route: input.route,
        code: input.code,
        message: input.message.slice(0, 2000),
        at: isoAt(this.clock),
      })
      .execute();
  }

  async listFailures(filter: { instanceId?: string; trackId?: string; limit?: number } = {}): Promise<FailedCall[]> {
    let query = this.db.selectFrom('service_manager_failed_calls').selectAll();
    if (filter.instanceId !== undefined) query = query.where('instance_id', '=', filter.instanceId);
    if (filter.trackId !== undefined) query = query.where('track_id', '=', filter.trackId);
    const rows = await query.orderBy('at', 'desc').orderBy('id', 'desc').limit(filter.limit ?? 50).execute();
    return rows.map((r) => ({
      id: r.id,
      registrationId: r.registration_id,
      instanceId: r.instance_id,
      trackId: r.track_id,
      route: r.route,
      code: Number(r.code),
      message: r.message,
      at: r.at,
    }));
  }
}
