import type { Kysely } from 'kysely';
import type { Schema, VendorTenantsTable } from '../schema.ts';
import { fromFlag, fromJsonText, isoAt, newId, systemClock, toFlag, toJsonText, type Clock } from '../columns.ts';

/**
 * What the loops observed last (migration 0002): customer tenants with their offering items, target
 * contracts with their lines, and the problems of the latest plan per company.
 * Values are opaque JSON: the sync layer owns their shape.
 */

export interface TenantSnapshotRow<T = unknown, I = unknown> {
  tenantId: string;
  name: string;
  data: T;
  /** Null until the tenant's offering items were listed. */
  items: I[] | null;
  /** Why the partner may not manage the tenant (seen as a refusal), or null. */
  unmanageable: string | null;
  deleted: boolean;
  updatedAt: string;
}

export interface StoredProblem {
  loop: string;
  companyId: string;
  code: string;
  severity: string;
  message: string;
  context: Record<string, unknown>;
  seenAt: string;
}

const BATCH = 100;

export class SyncSnapshotsRepository {
  private readonly db: Kysely<Schema>;

  constructor(
    db: Kysely<Schema>,
    private readonly clock: Clock = systemClock,
  ) {
    this.db = db;
  }

  // ── tenants ──

  /** Records tenants as seen (data and deletion); their items and manageability are kept. */
  async upsertTenants(integrationId: string, tenants: ReadonlyArray<{ tenantId: string; name: string; data: unknown; deleted: boolean }>): Promise<void> {
    const now = isoAt(this.clock);
    for (let i = 0; i < tenants.length; i += BATCH) {
      const rows = tenants.slice(i, i + BATCH).map((t) => ({
        integration_id: integrationId,
        tenant_id: t.tenantId,
        name: t.name,
        data: toJsonText(t.data),
        items: null,
        unmanageable: null,
        deleted: toFlag(t.deleted),
        updated_at: now,
      }));
      await this.db
        .insertInto('vendor_tenants')
        .values(rows)
        .onConflict((oc) =>
          oc
            .columns(['integration_id', 'tenant_id'])
            .doUpdateSet((eb) => ({
              name: eb.ref('excluded.name'),
              data: eb.ref('excluded.data'),
              deleted: eb.ref('excluded.deleted'),
              updated_at: eb.ref('excluded.updated_at'),
            }))
            // Re-reading an unchanged tenant (the cursor's overlap) keeps its updated_at: the
            // provisioning loop plans the tenants whose row changed since its last plan.
            .where((eb) =>
              eb.or([
                eb('vendor_tenants.data', '<>', eb.ref('excluded.data')),
                eb('vendor_tenants.name', '<>', eb.ref('excluded.name')),
                eb('vendor_tenants.deleted', '<>', eb.ref('excluded.deleted')),
              ]),
            ),
        )
        .execute();
    }
  }

  /** Replaces the offering items of tenants already known (unknown tenants are skipped). */
  async setTenantItems(integrationId: string, entries: ReadonlyArray<{ tenantId: string; items: unknown[] }>): Promise<void> {
    const now = isoAt(this.clock);
    // One statement per tenant, in one transaction per batch: SQLite has no UPDATE … FROM VALUES in Kysely portable form.
    for (let i = 0; i < entries.length; i += BATCH) {
      const batch = entries.slice(i, i + BATCH);
      await this.db.transaction().execute(async (trx) => {
        for (const e of batch) {
          const items = toJsonText(e.items);
          await trx
            .updateTable('vendor_tenants')
            .set({ items, updated_at: now })
            .where('integration_id', '=', integrationId)
            .where('tenant_id', '=', e.tenantId)
            .where((eb) => eb.or([eb('items', 'is', null), eb('items', '<>', items)]))
            .execute();
        }
      });
    }
  }

  async setUnmanageable(integrationId: string, tenantId: string, reason: string | null): Promise<void> {
    await this.db
      .updateTable('vendor_tenants')
      .set({ unmanageable: reason, updated_at: isoAt(this.clock) })
      .where('integration_id', '=', integrationId)
      .where('tenant_id', '=', tenantId)
      .execute();
  }

  /** Marks every tenant not in `seen` deleted (after a complete listing). Returns how many. */
  async markTenantsDeletedExcept(integrationId: string, seen: ReadonlySet<string>): Promise<number> {
    const known = await this.db.selectFrom('vendor_tenants').select('tenant_id').where('integration_id', '=', integrationId).where('deleted', '=', 0).execute();
    const gone = known.map((r) => r.tenant_id).filter((id) => !seen.has(id));
    for (let i = 0; i < gone.length; i += BATCH) {
      await this.db
        .updateTable('vendor_tenants')
        .set({ deleted: 1, updated_at: isoAt(this.clock) })
        .where('integration_id', '=', integrationId)
        .where('tenant_id', 'in', gone.slice(i, i + BATCH))
        .execute();
    }
    return gone.length;
  }

  async getTenants<T, I>(integrationId: string, tenantIds: readonly string[]): Promise<Map<string, TenantSnapshotRow<T, I>>> {
    const out = new Map<string, TenantSnapshotRow<T, I>>();
    for (let i = 0; i < tenantIds.length; i += BATCH) {
      const rows = await this.db
        .selectFrom('vendor_tenants')
        .selectAll()
        .where('integration_id', '=', integrationId)
        .where('tenant_id', 'in', tenantIds.slice(i, i + BATCH))
        .execute();
      for (const row of rows) out.set(row.tenant_id, toTenantRow<T, I>(row));
    }
    return out;
  }

  /** Live (not deleted) tenants, without their items; for matching. */
  async listTenants<T>(integrationId: string): Promise<TenantSnapshotRow<T, never>[]> {
    const rows = await this.db
      .selectFrom('vendor_tenants')
      .select(['tenant_id', 'name', 'data', 'unmanageable', 'deleted', 'updated_at'])
      .where('integration_id', '=', integrationId)
      .where('deleted', '=', 0)
      .orderBy('tenant_id')
      .execute();
    return rows.map((row) => toTenantRow<T, never>({ ...row, items: null }));
  }

  async countTenants(integrationId: string): Promise<number> {
    const row = await this.db
      .selectFrom('vendor_tenants')
      .select((eb) => eb.fn.countAll<string | number>().as('n'))
      .where('integration_id', '=', integrationId)
      .where('deleted', '=', 0)
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  // ── contracts ──

  async upsertContracts(integrationId: string, contracts: ReadonlyArray<{ contractId: string; companyId: string; data: unknown }>): Promise<void> {
    const now = isoAt(this.clock);
    for (let i = 0; i < contracts.length; i += BATCH) {
      const rows = contracts.slice(i, i + BATCH).map((c) => ({
        integration_id: integrationId,
        contract_id: c.contractId,
        company_id: c.companyId,
        data: toJsonText(c.data),
        updated_at: now,
      }));
      await this.db
        .insertInto('target_contracts')
        .values(rows)
        .onConflict((oc) =>
          oc
            .columns(['integration_id', 'contract_id'])
            .doUpdateSet((eb) => ({
              company_id: eb.ref('excluded.company_id'),
              data: eb.ref('excluded.data'),
              updated_at: eb.ref('excluded.updated_at'),
            }))
            .where((eb) => eb.or([eb('target_contracts.data', '<>', eb.ref('excluded.data')), eb('target_contracts.company_id', '<>', eb.ref('excluded.company_id'))])),
        )
        .execute();
    }
  }

  /** Forgets contracts not in `seen` (after a complete listing). Returns how many. */
  async deleteContractsExcept(integrationId: string, seen: ReadonlySet<string>): Promise<number> {
    const known = await this.db.selectFrom('target_contracts').select('contract_id').where('integration_id', '=', integrationId).execute();
    const gone = known.map((r) => r.contract_id).filter((id) => !seen.has(id));
    for (let i = 0; i < gone.length; i += BATCH) {
      await this.db.deleteFrom('target_contracts').where('integration_id', '=', integrationId).where('contract_id', 'in', gone.slice(i, i + BATCH)).execute();
    }
    return gone.length;
  }

  /** Contracts by company, for the given companies. */
  async contractsOf<T>(integrationId: string, companyIds: readonly string[]): Promise<Map<string, T[]>> {
    const out = new Map<string, T[]>();
    for (let i = 0; i < companyIds.length; i += BATCH) {
      const rows = await this.db
        .selectFrom('target_contracts')
        .select(['company_id', 'data'])
        .where('integration_id', '=', integrationId)
        .where('company_id', 'in', companyIds.slice(i, i + BATCH))
        .orderBy('contract_id')
        .execute();
      for (const row of rows) out.set(row.company_id, [...(out.get(row.company_id) ?? []), fromJsonText<T>(row.data, null as T)]);
    }
    return out;
  }

  /** Companies that have at least one contract. */
  async companiesWithContracts(integrationId: string): Promise<string[]> {
    const rows = await this.db.selectFrom('target_contracts').select('company_id').distinct().where('integration_id', '=', integrationId).execute();
    return rows.map((r) => r.company_id);
  }

  // ── problems ──

  /** Replaces the problems of these companies for the loop (companies with none get theirs cleared). */
  async replaceProblems(
    integrationId: string,
    loop: string,
    byCompany: ReadonlyMap<string, ReadonlyArray<{ code: string; severity: string; message: string; context: Record<string, unknown> }>>,
  ): Promise<void> {
    const now = isoAt(this.clock);
    const companies = [...byCompany.keys()];
    for (let i = 0; i < companies.length; i += BATCH) {
      const batch = companies.slice(i, i + BATCH);
      const rows = batch.flatMap((companyId) =>
        (byCompany.get(companyId) ?? []).map((p) => ({
          id: newId(),
          integration_id: integrationId,
          loop,
          company_id: companyId,
          code: p.code,
          severity: p.severity,
          message: p.message,
          context: toJsonText(p.context),
          seen_at: now,
        })),
      );
      await this.db.transaction().execute(async (trx) => {
        await trx.deleteFrom('plan_problems').where('integration_id', '=', integrationId).where('loop', '=', loop).where('company_id', 'in', batch).execute();
        for (let j = 0; j < rows.length; j += BATCH) await trx.insertInto('plan_problems').values(rows.slice(j, j + BATCH)).execute();
      });
    }
  }

  async listProblems(integrationId: string, filter: { loop?: string; companyId?: string; severity?: string; limit?: number } = {}): Promise<StoredProblem[]> {
    let query = this.db.selectFrom('plan_problems').selectAll().where('integration_id', '=', integrationId);
    if (filter.loop !== undefined) query = query.where('loop', '=', filter.loop);
    if (filter.companyId !== undefined) query = query.where('company_id', '=', filter.companyId);
    if (filter.severity !== undefined) query = query.where('severity', '=', filter.severity);
    const rows = await query.orderBy('company_id').orderBy('code').limit(filter.limit ?? 1000).execute();
    return rows.map((r) => ({
      loop: r.loop,
      companyId: r.company_id,
      code: r.code,
      severity: r.severity,
      message: r.message,
      context: fromJsonText<Record<string, unknown>>(r.context, {}),
      seenAt: r.seen_at,
    }));
  }

  async countProblems(integrationId: string): Promise<Record<string, number>> {
    const rows = await this.db
      .selectFrom('plan_problems')
      .select((eb) => ['severity', eb.fn.countAll<string | number>().as('n')])
      .where('integration_id', '=', integrationId)
      .groupBy('severity')
      .execute();
    return Object.fromEntries(rows.map((r) => [r.severity, Number(r.n)]));
  }
}

function toTenantRow<T, I>(row: Omit<VendorTenantsTable, 'integration_id'>): TenantSnapshotRow<T, I> {
  return {
    tenantId: row.tenant_id,
    name: row.name,
    data: fromJsonText<T>(row.data, null as T),
    items: row.items === null ? null : fromJsonText<I[]>(row.items, []),
    unmanageable: row.unmanageable,
    deleted: fromFlag(row.deleted),
    updatedAt: row.updated_at,
  };
}
