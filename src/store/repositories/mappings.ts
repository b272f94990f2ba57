import type { Kysely, Selectable } from 'kysely';
import type { MappingsTable, Schema } from '../schema.ts';
import { isoAt, newId, systemClock, toCount, type Clock } from '../columns.ts';
import { StoreError, isUniqueViolation } from '../errors.ts';
import type { MappingState } from '../../domain/mapping-state.ts';
import { containsIgnoringCase } from './like-pattern.ts';


/** A target company and the customer tenant it is mapped to (1:1 per integration, held by the database). */
export interface Mapping {
  id: string;
  integrationId: string;
  companyId: string;
  companyName: string;
  tenantId: string | null;
  tenantName: string | null;
  state: MappingState;
  error: string | null;
  /** When a person unlinked the company (null otherwise); automatic matching skips it until someone maps it again. */
  unlinkedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

const toMapping = (row: Selectable<MappingsTable>): Mapping => ({
  id: row.id,
  integrationId: row.integration_id,
  companyId: row.company_id,
  companyName: row.company_name,
  tenantId: row.tenant_id,
  tenantName: row.tenant_name,
  state: row.state as MappingState,
  error: row.error,
  unlinkedAt: row.unlinked_at ?? null,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

export class MappingsRepository {
  constructor(
    private readonly db: Kysely<Schema>,
    private readonly clock: Clock = systemClock,
  ) {}

  /**
   * Records companies seen on the target: new ones start `not_mapped`, known ones get their name
   * refreshed and keep their mapping.
   */
  async upsertCompanies(integrationId: string, companies: ReadonlyArray<{ companyId: string; companyName: string }>): Promise<void> {
    const now = isoAt(this.clock);
    // Batches keep each statement under SQLite's bound-parameter limit.
    for (let i = 0; i < companies.length; i += 200) {
      const rows = companies.slice(i, i + 200).map((c) => ({
        id: newId(),
        integration_id: integrationId,
        company_id: c.companyId,
        company_name: c.companyName,
        tenant_id: null,
        tenant_name: null,
        state: 'not_mapped',
        error: null,
        unlinked_at: null,
        created_at: now,
        updated_at: now,
      }));
      await this.db
        .insertInto('mappings')
        .values(rows)
        .onConflict((oc) =>
          oc.columns(['integration_id', 'company_id']).doUpdateSet((eb) => ({
            company_name: eb.ref('excluded.company_name'),
            updated_at: eb.ref('excluded.updated_at'),
          })),
        )
        .execute();
    }
  }

  async get(integrationId: string, companyId: string): Promise<Mapping | undefined> {
    const row = await this.db
      .selectFrom('mappings')
      .selectAll()
      .where('integration_id', '=', integrationId)
      .where('company_id', '=', companyId)
      .executeTakeFirst();
    return row && toMapping(row);
  }

  async getById(id: string): Promise<Mapping | undefined> {
    const row = await this.db.selectFrom('mappings').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toMapping(row);
  }

  async getByTenant(integrationId: string, tenantId: string): Promise<Mapping | undefined> {
    const row = await this.db
      .selectFrom('mappings')
      .selectAll()
      .where('integration_id', '=', integrationId)
      .where('tenant_id', '=', tenantId)
      .executeTakeFirst();
    return row && toMapping(row);
  }

  async list(
    integrationId: string,
    filter: { state?: MappingState | MappingState[]; search?: string; limit?: number; offset?: number } = {},
  ): Promise<Mapping[]> {
    let query = this.db.selectFrom('mappings').selectAll().where('integration_id', '=', integrationId);
    if (filter.state !== undefined) {
      query = query.where('state', 'in', Array.isArray(filter.state) ? filter.state : [filter.state]);
    }
    if (filter.search) {
      const search = filter.search;
      query = query.where((eb) => eb.or([containsIgnoringCase('company_name', search), containsIgnoringCase('tenant_name', search), eb('company_id', '=', search)]));
    }
    query = query.orderBy('company_name').orderBy('company_id');
    if (filter.limit !== undefined) query = query.limit(filter.limit);
    if (filter.offset !== undefined) query = query.offset(filter.offset);
    return (await query.execute()).map(toMapping);
  }

  async countByState(integrationId: string): Promise<Record<MappingState, number>> {
    const rows = await this.db
      .selectFrom('mappings')
      .select((eb) => ['state', eb.fn.countAll<string | number>().as('n')])
      .where('integration_id', '=', integrationId)
      .groupBy('state')
      .execute();
    const counts: Record<MappingState, number> = { not_mapped: 0, ready: 0, mapped: 0, failed: 0 };
    for (const row of rows) counts[row.state as MappingState] = toCount(row.n);
    return counts;
  }

  /**
   * Maps a company to a tenant (a mapping decided again clears an earlier unlink). Fails with
   * `mapping_conflict` when the tenant is already mapped to another company of this integration:
   * the unique index decides, so two concurrent maps cannot both win.
   */
  async map(
    integrationId: string,
    companyId: string,
    tenant: { tenantId: string; tenantName?: string | null; state?: Extract<MappingState, 'ready' | 'mapped'> },
  ): Promise<Mapping> {
    const updated = await this.writeMapping(integrationId, companyId, tenant, undefined);
    if (!updated) throw new StoreError('not_found', `company ${companyId} is not known to this integration`, { integrationId, companyId });
    return (await this.get(integrationId, companyId))!;
  }

  /**
   * Maps a company to a tenant only if its row is still as it was read (`expected`: tenant, state
   * and unlink decision), in one statement, so an automatic writer never overwrites what a person
   * decided between its read and its write. Undefined when the row changed (or is gone); the same
   * `mapping_conflict` as `map` when the tenant is held by another company.
   */
  async mapIfUnchanged(
    integrationId: string,
    companyId: string,
    expected: Pick<Mapping, 'tenantId' | 'state' | 'unlinkedAt'>,
    tenant: { tenantId: string; tenantName?: string | null; state?: Extract<MappingState, 'ready' | 'mapped'> },
  ): Promise<Mapping | undefined> {
    const updated = await this.writeMapping(integrationId, companyId, tenant, expected);
    return updated ? (await this.get(integrationId, companyId))! : undefined;
  }

  private async writeMapping(
    integrationId: string,
    companyId: string,
    tenant: { tenantId: string; tenantName?: string | null; state?: Extract<MappingState, 'ready' | 'mapped'> },
    expected: Pick<Mapping, 'tenantId' | 'state' | 'unlinkedAt'> | undefined,
  ): Promise<boolean> {
    try {
      let query = this.db
        .updateTable('mappings')
        .set({
          tenant_id: tenant.tenantId,
          tenant_name: tenant.tenantName ?? null,
          state: tenant.state ?? 'mapped',
          error: null,
          unlinked_at: null,
          updated_at: isoAt(this.clock),
        })
        .where('integration_id', '=', integrationId)
        .where('company_id', '=', companyId);
      if (expected !== undefined) {
        query = query
          .where('state', '=', expected.state)
          .where('tenant_id', expected.tenantId === null ? 'is' : '=', expected.tenantId)
          .where('unlinked_at', expected.unlinkedAt === null ? 'is' : '=', expected.unlinkedAt);
      }
      const result = await query.executeTakeFirst();
      return result.numUpdatedRows > 0n;
    } catch (error) {
      if (isUniqueViolation(error)) {
        const holder = await this.getByTenant(integrationId, tenant.tenantId);
        throw new StoreError(
          'mapping_conflict',
          `tenant ${tenant.tenantId} is already mapped to company ${holder?.companyName ?? '(unknown)'}; remove that mapping first`,
          { integrationId, companyId, tenantId: tenant.tenantId, mappedTo: holder?.companyId },
        );
      }
      throw error;
    }
  }

  /** Sets the state (e.g. `failed` with the reason, `ready` once provisioning may proceed). */
  async setState(integrationId: string, companyId: string, state: MappingState, error: string | null = null): Promise<void> {
    await this.db
      .updateTable('mappings')
      .set({ state, error, updated_at: isoAt(this.clock) })
      .where('integration_id', '=', integrationId)
      .where('company_id', '=', companyId)
      .execute();
  }

  /**
   * Removes the tenant from the mapping; the company stays known, as `not_mapped`. `byPerson`
   * records the unlink as a decision (`unlinkedAt`) that the automatic matching respects until a
   * mapping is made again; a loop's own unmap (e.g. the tenant was deleted) records none.
   */
  async unmap(integrationId: string, companyId: string, options: { byPerson?: boolean } = {}): Promise<void> {
    const now = isoAt(this.clock);
    await this.db
      .updateTable('mappings')
      .set({ tenant_id: null, tenant_name: null, state: 'not_mapped', error: null, unlinked_at: options.byPerson === true ? now : null, updated_at: now })
      .where('integration_id', '=', integrationId)
      .where('company_id', '=', companyId)
      .execute();
  }

  /** A person asked for a mapping again (e.g. map to new): the earlier unlink no longer holds. */
  async clearUnlinked(integrationId: string, companyId: string): Promise<void> {
    await this.db
      .updateTable('mappings')
      .set({ unlinked_at: null, updated_at: isoAt(this.clock) })
      .where('integration_id', '=', integrationId)
      .where('company_id', '=', companyId)
      .where('unlinked_at', 'is not', null)
      .execute();
  }

  /** Forgets a company (e.g. deleted on the target). */
  async delete(integrationId: string, companyId: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('mappings')
      .where('integration_id', '=', integrationId)
      .where('company_id', '=', companyId)
      .executeTakeFirst();
    return result.numDeletedRows > 0n;
  }
}
