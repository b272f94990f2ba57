import type { Kysely, Selectable } from 'kysely';
import type { IntegrationsTable, Schema } from '../schema.ts';
import { fromFlag, fromJsonText, isoAt, newId, systemClock, toFlag, toJsonText, type Clock } from '../columns.ts';
import { StoreError, isForeignKeyViolation, isUniqueViolation } from '../errors.ts';
import { derivedSecret } from '../../secrets/derived-secret.ts';
import { open, seal } from '../../secrets/secret-box.ts';
import type { TargetSystem } from '../../connectors/registry.ts';

/** Which loops run for an integration (`provisioning`, `usage`, `alerts`…); absent means off. */
export type IntegrationFeatures = Record<string, boolean>;

/**
 * The target's secrets (API user + secret + integration code, member keys, API key…). Opaque here:
 * each connector validates its own shape with zod when it reads them back.
 */
export type TargetCredentials = Record<string, unknown>;

export interface Integration {
  id: string;
  name: string;
  connectionId: string;
  target: TargetSystem;
  enabled: boolean;
  features: IntegrationFeatures;
  createdAt: string;
  updatedAt: string;
}

export interface NewIntegration {
  name: string;
  connectionId: string;
  target: TargetSystem;
  credentials: TargetCredentials;
  enabled?: boolean;
  features?: IntegrationFeatures;
}

const secretAad = (id: string): string => `integrations.credentials:${id}`;

const PUBLIC_COLUMNS = ['id', 'name', 'connection_id', 'target', 'enabled', 'features', 'created_at', 'updated_at'] as const;
type PublicRow = Pick<Selectable<IntegrationsTable>, (typeof PUBLIC_COLUMNS)[number]>;

const toIntegration = (row: PublicRow): Integration => ({
  id: row.id,
  name: row.name,
  connectionId: row.connection_id,
  target: row.target as TargetSystem,
  enabled: fromFlag(row.enabled),
  features: fromJsonText<IntegrationFeatures>(row.features, {}),
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

export class IntegrationsRepository {
  constructor(
    private readonly db: Kysely<Schema>,
    private readonly secretKey: Buffer,
    private readonly clock: Clock = systemClock,
  ) {}

  async create(input: NewIntegration): Promise<Integration> {
    const id = newId();
    const now = isoAt(this.clock);
    const row = {
      id,
      name: input.name,
      connection_id: input.connectionId,
      target: input.target,
      credentials_encrypted: seal(toJsonText(input.credentials), this.secretKey, secretAad(id)),
      enabled: toFlag(input.enabled ?? true),
      features: toJsonText(input.features ?? {}),
      created_at: now,
      updated_at: now,
    };
    try {
      await this.db.insertInto('integrations').values(row).execute();
    } catch (error) {
      throw this.translate(error, input.name, input.connectionId);
    }
    return toIntegration(row);
  }

  async get(id: string): Promise<Integration | undefined> {
    const row = await this.db.selectFrom('integrations').select(PUBLIC_COLUMNS).where('id', '=', id).executeTakeFirst();
    return row && toIntegration(row);
  }

  async getByName(name: string): Promise<Integration | undefined> {
    const row = await this.db.selectFrom('integrations').select(PUBLIC_COLUMNS).where('name', '=', name).executeTakeFirst();
    return row && toIntegration(row);
  }

  async list(filter: { connectionId?: string; target?: TargetSystem; enabled?: boolean } = {}): Promise<Integration[]> {
    let query = this.db.selectFrom('integrations').select(PUBLIC_COLUMNS);
    if (filter.connectionId !== undefined) query = query.where('connection_id', '=', filter.connectionId);
    if (filter.target !== undefined) query = query.where('target', '=', filter.target);
    if (filter.enabled !== undefined) query = query.where('enabled', '=', toFlag(filter.enabled));
    return (await query.orderBy('name').execute()).map(toIntegration);
  }

  /** Changes settings; `credentials`, when given, replaces the stored secrets as a whole. */
  async update(
    id: string,
    patch: { name?: string; enabled?: boolean; features?: IntegrationFeatures; credentials?: TargetCredentials },
  ): Promise<Integration> {
    const changes: Partial<Selectable<IntegrationsTable>> = { updated_at: isoAt(this.clock) };
    if (patch.name !== undefined) changes.name = patch.name;
    if (patch.enabled !== undefined) changes.enabled = toFlag(patch.enabled);
    if (patch.features !== undefined) changes.features = toJsonText(patch.features);
    if (patch.credentials !== undefined) {
      changes.credentials_encrypted = seal(toJsonText(patch.credentials), this.secretKey, secretAad(id));
    }
    try {
      const result = await this.db.updateTable('integrations').set(changes).where('id', '=', id).executeTakeFirst();
      if (result.numUpdatedRows === 0n) throw new StoreError('not_found', `no integration with id ${id}`, { id });
    } catch (error) {
      throw this.translate(error, patch.name ?? id, undefined);
    }
    return (await this.get(id))!;
  }

  /** The decrypted target secrets, for connectors only; validate with the connector's zod schema. */
  async getCredentials(id: string): Promise<TargetCredentials> {
    const row = await this.db.selectFrom('integrations').select(['credentials_encrypted']).where('id', '=', id).executeTakeFirst();
    if (!row) throw new StoreError('not_found', `no integration with id ${id}`, { id });
    return fromJsonText<TargetCredentials>(open(row.credentials_encrypted, this.secretKey, secretAad(id)), {});
  }

  /**
   * The secret a target signs this integration's callbacks with when the hub chooses it (Autotask
   * webhooks' secret key): derived from the hub's key, never stored, the same in every process.
   */
  callbackSecret(id: string): string {
    return derivedSecret(this.secretKey, 'callback secret', id);
  }

  /** Deletes the integration with its settings, mappings, journal, cursors and runs (cascade). */
  async delete(id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('integrations').where('id', '=', id).executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  private translate(error: unknown, name: string, connectionId: string | undefined): unknown {
    if (isUniqueViolation(error)) return new StoreError('conflict', `an integration named "${name}" already exists`, { name });
    if (isForeignKeyViolation(error)) {
      return new StoreError('not_found', `no connection with id ${connectionId ?? '(unknown)'}`, { connectionId });
    }
    return error;
  }
}
