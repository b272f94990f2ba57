import type { Kysely, Selectable } from 'kysely';
import type { ConnectionsTable, Schema } from '../schema.ts';
import { isoAt, newId, systemClock, type Clock } from '../columns.ts';
import { StoreError, isForeignKeyViolation, isUniqueViolation } from '../errors.ts';
import { open, seal } from '../../secrets/secret-box.ts';

export type ConnectionStatus = 'unchecked' | 'ok' | 'error';

/** A vendor-cloud connection as the rest of the app sees it: never with its secret. */
export interface Connection {
  id: string;
  name: string;
  baseUrl: string;
  clientId: string;
  tenantId: string | null;
  tenantName: string | null;
  status: ConnectionStatus;
  lastCheckedAt: string | null;
  lastError: string | null;
  createdAt: string;
  updatedAt: string;
}

/** What a connector needs to authenticate; only `getCredentials` returns it. */
export interface ConnectionCredentials {
  baseUrl: string;
  clientId: string;
  clientSecret: string;
}

export interface NewConnection {
  name: string;
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  tenantId?: string | null;
  tenantName?: string | null;
}

// Binds each sealed secret to its row: a value copied into another row will not decrypt there.
const secretAad = (id: string): string => `connections.client_secret:${id}`;

const toConnection = (row: Selectable<ConnectionsTable>): Connection => ({
  id: row.id,
  name: row.name,
  baseUrl: row.base_url,
  clientId: row.client_id,
  tenantId: row.tenant_id,
  tenantName: row.tenant_name,
  status: row.status as ConnectionStatus,
  lastCheckedAt: row.last_checked_at,
  lastError: row.last_error,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

const PUBLIC_COLUMNS = [
  'id',
  'name',
  'base_url',
  'client_id',
  'tenant_id',
  'tenant_name',
  'status',
  'last_checked_at',
  'last_error',
  'created_at',
  'updated_at',
] as const;

export class ConnectionsRepository {
  constructor(
    private readonly db: Kysely<Schema>,
    private readonly secretKey: Buffer,
    private readonly clock: Clock = systemClock,
  ) {}

  async create(input: NewConnection): Promise<Connection> {
    const id = newId();
    const now = isoAt(this.clock);
    const row = {
      id,
      name: input.name,
      base_url: input.baseUrl,
      client_id: input.clientId,
      client_secret_encrypted: seal(input.clientSecret, this.secretKey, secretAad(id)),
      tenant_id: input.tenantId ?? null,
      tenant_name: input.tenantName ?? null,
      status: 'unchecked',
      last_checked_at: null,
      last_error: null,
      created_at: now,
      updated_at: now,
    };
    try {
      await this.db.insertInto('connections').values(row).execute();
    } catch (error) {
      throw this.translate(error, input.name);
    }
    return toConnection(row);
  }

  async get(id: string): Promise<Connection | undefined> {
    const row = await this.db.selectFrom('connections').select(PUBLIC_COLUMNS).where('id', '=', id).executeTakeFirst();
    return row && toConnection(row as Selectable<ConnectionsTable>);
  }

  async getByName(name: string): Promise<Connection | undefined> {
    const row = await this.db.selectFrom('connections').select(PUBLIC_COLUMNS).where('name', '=', name).executeTakeFirst();
    return row && toConnection(row as Selectable<ConnectionsTable>);
  }

  async list(): Promise<Connection[]> {
    const rows = await this.db.selectFrom('connections').select(PUBLIC_COLUMNS).orderBy('name').execute();
    return rows.map((row) => toConnection(row as Selectable<ConnectionsTable>));
  }

  /** Changes settings; a new `clientSecret` replaces the stored one, an absent one keeps it. */
  async update(id: string, patch: Partial<NewConnection>): Promise<Connection> {
    const changes: Partial<Selectable<ConnectionsTable>> = { updated_at: isoAt(this.clock) };
    if (patch.name !== undefined) changes.name = patch.name;
    if (patch.baseUrl !== undefined) changes.base_url = patch.baseUrl;
    if (patch.clientId !== undefined) changes.client_id = patch.clientId;
    if (patch.clientSecret !== undefined) changes.client_secret_encrypted = seal(patch.clientSecret, this.secretKey, secretAad(id));
    if (patch.tenantId !== undefined) changes.tenant_id = patch.tenantId;
    if (patch.tenantName !== undefined) changes.tenant_name = patch.tenantName;
    // New credentials have not been checked yet.
    if (patch.baseUrl !== undefined || patch.clientId !== undefined || patch.clientSecret !== undefined) {
      changes.status = 'unchecked';
      changes.last_error = null;
    }
    try {
      const result = await this.db.updateTable('connections').set(changes).where('id', '=', id).executeTakeFirst();
      if (result.numUpdatedRows === 0n) throw new StoreError('not_found', `no connection with id ${id}`, { id });
    } catch (error) {
      throw this.translate(error, patch.name ?? id);
    }
    return (await this.get(id))!;
  }

  /** Records the outcome of a credential check (and, on success, the tenant the client belongs to). */
  async recordCheck(
    id: string,
    outcome: { ok: true; tenantId: string; tenantName: string } | { ok: false; error: string },
  ): Promise<void> {
    const now = isoAt(this.clock);
    await this.db
      .updateTable('connections')
      .set(
        outcome.ok
          ? { status: 'ok', last_error: null, tenant_id: outcome.tenantId, tenant_name: outcome.tenantName, last_checked_at: now, updated_at: now }
          : { status: 'error', last_error: outcome.error, last_checked_at: now, updated_at: now },
      )
      .where('id', '=', id)
      .execute();
  }

  /** The decrypted credentials, for connectors only; never pass the result to a response or a log. */
  async getCredentials(id: string): Promise<ConnectionCredentials> {
    const row = await this.db
      .selectFrom('connections')
      .select(['base_url', 'client_id', 'client_secret_encrypted'])
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) throw new StoreError('not_found', `no connection with id ${id}`, { id });
    return { baseUrl: row.base_url, clientId: row.client_id, clientSecret: open(row.client_secret_encrypted, this.secretKey, secretAad(id)) };
  }

  /** Fails with `conflict` while integrations still use the connection. */
  async delete(id: string): Promise<boolean> {
    try {
      const result = await this.db.deleteFrom('connections').where('id', '=', id).executeTakeFirst();
      return result.numDeletedRows > 0n;
    } catch (error) {
      if (isForeignKeyViolation(error)) {
        throw new StoreError('conflict', 'the connection is still used by integrations; delete those first', { id });
      }
      throw error;
    }
  }

  private translate(error: unknown, name: string): unknown {
    if (isUniqueViolation(error)) return new StoreError('conflict', `a connection named "${name}" already exists`, { name });
    return error;
  }
}
