import type { Kysely, Selectable } from 'kysely';
import type { ProductMappingsTable, Schema } from '../schema.ts';
import { fromJsonText, isoAt, newId, systemClock, toJsonText, type Clock } from '../columns.ts';
import { StoreError, isUniqueViolation } from '../errors.ts';

/** An offering item (optionally on one infrastructure) ↔ a target product/service. */
export interface ProductMapping {
  id: string;
  integrationId: string;
  offeringItem: string;
  infraId: string | null;
  targetProductId: string;
  targetProductName: string;
  /** The target's billing period (Autotask: monthly, quarterly, semi-annual, yearly…). */
  periodType: string;
  /** Target-specific extras (bundle, pack, free provisioning…), validated by zod elsewhere. */
  options: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
}

export interface ProductMappingInput {
  offeringItem: string;
  infraId?: string | null;
  targetProductId: string;
  targetProductName: string;
  periodType: string;
  options?: Record<string, unknown>;
}

const toProductMapping = (row: Selectable<ProductMappingsTable>): ProductMapping => ({
  id: row.id,
  integrationId: row.integration_id,
  offeringItem: row.offering_item,
  infraId: row.infra_id,
  targetProductId: row.target_product_id,
  targetProductName: row.target_product_name,
  periodType: row.period_type,
  options: fromJsonText<Record<string, unknown>>(row.options, {}),
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

export class ProductMappingsRepository {
  constructor(
    private readonly db: Kysely<Schema>,
    private readonly clock: Clock = systemClock,
  ) {}

  /** Creates or replaces the mapping of (offering item, infra). */
  async upsert(integrationId: string, input: ProductMappingInput): Promise<ProductMapping> {
    const infraId = input.infraId ?? null;
    const now = isoAt(this.clock);
    const values = {
      target_product_id: input.targetProductId,
      target_product_name: input.targetProductName,
      period_type: input.periodType,
      options: toJsonText(input.options ?? {}),
      updated_at: now,
    };
    // Two partial unique indexes (with and without infra) hold uniqueness; ON CONFLICT would have to
    // name the right one, so update-then-insert is simpler, and a lost race surfaces as `conflict`.
    const existing = await this.find(integrationId, input.offeringItem, infraId);
    if (existing) {
      await this.db.updateTable('product_mappings').set(values).where('id', '=', existing.id).execute();
      return (await this.get(existing.id))!;
    }
    const row = { id: newId(), integration_id: integrationId, offering_item: input.offeringItem, infra_id: infraId, created_at: now, ...values };
    try {
      await this.db.insertInto('product_mappings').values(row).execute();
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new StoreError('conflict', `offering item "${input.offeringItem}" was mapped concurrently; reload and retry`, {
          integrationId,
          offeringItem: input.offeringItem,
          infraId,
        });
      }
      throw error;
    }
    return toProductMapping(row);
  }

  async get(id: string): Promise<ProductMapping | undefined> {
    const row = await this.db.selectFrom('product_mappings').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toProductMapping(row);
  }

  async find(integrationId: string, offeringItem: string, infraId: string | null = null): Promise<ProductMapping | undefined> {
    const row = await this.db
      .selectFrom('product_mappings')
      .selectAll()
      .where('integration_id', '=', integrationId)
      .where('offering_item', '=', offeringItem)
      .where('infra_id', infraId === null ? 'is' : '=', infraId)
      .executeTakeFirst();
    return row && toProductMapping(row);
  }

  async list(integrationId: string): Promise<ProductMapping[]> {
    const rows = await this.db
      .selectFrom('product_mappings')
      .selectAll()
      .where('integration_id', '=', integrationId)
      .orderBy('offering_item')
      .orderBy('infra_id')
      .execute();
    return rows.map(toProductMapping);
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('product_mappings').where('id', '=', id).executeTakeFirst();
    return result.numDeletedRows > 0n;
  }
}
