import type { Kysely } from 'kysely';
import type { Schema } from '../schema.ts';
import { fromFlag, isoAt, systemClock, type Clock } from '../columns.ts';
import type { ConnectionStatus } from './connections.ts';
import { StoreError, isForeignKeyViolation, isUniqueViolation } from '../errors.ts';

/**
 * The partner tenants one integration serves (the vendor's multi-mapping): its own connection (the
 * primary) and the further connections of `integration_connections`, each one data center + API
 * client = one partner tenant. Never with a secret: credentials are read per connection.
 */
export interface IntegrationPartner {
  connectionId: string;
  connectionName: string;
  /** The data center. */
  baseUrl: string;
  /** The partner tenant, once the connection was tested (null before). */
  tenantId: string | null;
  tenantName: string | null;
  /** The integration's own connection. */
  primary: boolean;
  /** New customer tenants are created under this partner. */
  newTenants: boolean;
  /** The connection's last check (the Connections page's), so a partner whose credentials stopped working shows it. */
  status: ConnectionStatus;
  lastCheckedAt: string | null;
  lastError: string | null;
}

export class IntegrationPartnersRepository {
  constructor(
    private readonly db: Kysely<Schema>,
    private readonly clock: Clock = systemClock,
  ) {}

  /** The primary first, then the others in the order they were added. */
  async list(integrationId: string): Promise<IntegrationPartner[]> {
    const integration = await this.db.selectFrom('integrations').select('connection_id').where('id', '=', integrationId).executeTakeFirst();
    if (integration === undefined) throw new StoreError('not_found', `no integration with id ${integrationId}`, { integrationId });
    const extra = await this.db
      .selectFrom('integration_connections')
      .select(['connection_id', 'new_tenants'])
      .where('integration_id', '=', integrationId)
      .orderBy('created_at')
      .orderBy('connection_id')
      .execute();
    const ids = [integration.connection_id, ...extra.map((r) => r.connection_id)];
    const connections = new Map(
      (await this.db.selectFrom('connections').select(['id', 'name', 'base_url', 'tenant_id', 'tenant_name', 'status', 'last_checked_at', 'last_error']).where('id', 'in', ids).execute()).map((c) => [c.id, c]),
    );
    const newTenantsOther = extra.some((r) => fromFlag(r.new_tenants));
    return ids.flatMap((id, i) => {
      const c = connections.get(id);
      if (c === undefined) return [];
      const row = i === 0 ? undefined : extra[i - 1];
      return [
        {
          connectionId: id,
          connectionName: c.name,
          baseUrl: c.base_url,
          tenantId: c.tenant_id,
          tenantName: c.tenant_name,
          primary: i === 0,
          newTenants: row === undefined ? !newTenantsOther : fromFlag(row.new_tenants),
          status: c.status as ConnectionStatus,
          lastCheckedAt: c.last_checked_at,
          lastError: c.last_error,
        },
      ];
    });
  }

  /**
   * What the set of partners is now, as a string that changes whenever a partner is added, removed
   * or chosen for new tenants, or the integration's own connection changes, by whichever process
   * (the API, or the CLI writing the database directly): a running hub compares it to the one its
   * runtime was built with. Two small reads, no credentials. '' for an integration that is gone.
   */
  async version(integrationId: string): Promise<string> {
    const integration = await this.db.selectFrom('integrations').select('connection_id').where('id', '=', integrationId).executeTakeFirst();
    if (integration === undefined) return '';
    const rows = await this.db
      .selectFrom('integration_connections')
      .select(['connection_id', 'new_tenants'])
      .where('integration_id', '=', integrationId)
      .orderBy('connection_id')
      .execute();
    return [integration.connection_id, ...rows.map((r) => `${r.connection_id}${fromFlag(r.new_tenants) ? '*' : ''}`)].join(',');
  }

  /** Integrations that use the connection, as their primary or as a further partner. */
  async integrationsUsing(connectionId: string): Promise<Array<{ id: string; name: string; target: string }>> {
    const viaJoin = this.db.selectFrom('integration_connections').select('integration_id').where('connection_id', '=', connectionId);
    return this.db
      .selectFrom('integrations')
      .select(['id', 'name', 'target'])
      .where((eb) => eb.or([eb('connection_id', '=', connectionId), eb('id', 'in', viaJoin)]))
      .orderBy('name')
      .execute();
  }

  async add(integrationId: string, connectionId: string): Promise<void> {
    try {
      await this.db
        .insertInto('integration_connections')
        .values({ integration_id: integrationId, connection_id: connectionId, new_tenants: 0, created_at: isoAt(this.clock) })
        .execute();
    } catch (error) {
      if (isUniqueViolation(error)) throw new StoreError('conflict', 'the connection is already a partner of this integration', { integrationId, connectionId });
      if (isForeignKeyViolation(error)) throw new StoreError('not_found', `no integration ${integrationId} or connection ${connectionId}`, { integrationId, connectionId });
      throw error;
    }
  }

  /** False when the connection was not a further partner of the integration. */
  async remove(integrationId: string, connectionId: string): Promise<boolean> {
    const result = await this.db.deleteFrom('integration_connections').where('integration_id', '=', integrationId).where('connection_id', '=', connectionId).executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  /** New customer tenants go under this partner (the primary when `connectionId` is the integration's own). */
  async setNewTenantsPartner(integrationId: string, connectionId: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.updateTable('integration_connections').set({ new_tenants: 0 }).where('integration_id', '=', integrationId).execute();
      await trx.updateTable('integration_connections').set({ new_tenants: 1 }).where('integration_id', '=', integrationId).where('connection_id', '=', connectionId).execute();
    });
  }
}
