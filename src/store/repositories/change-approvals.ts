import type { Kysely } from 'kysely';
import type { Schema } from '../schema.ts';
import { isoAt, systemClock, type Clock } from '../columns.ts';


export interface ChangeApproval {
  changeKey: string;
  companyId: string;
  approvedBy: string;
  approvedAt: string;
}

/** A person's approvals of changes that reduce a customer's service (migration 0011). */
export class ChangeApprovalsRepository {
  private readonly db: Kysely<Schema>;

  constructor(
    db: Kysely<Schema>,
    private readonly clock: Clock = systemClock,
  ) {
    this.db = db;
  }

  /** Records approvals; approving a change twice keeps the first. */
  async approve(integrationId: string, changes: ReadonlyArray<{ changeKey: string; companyId: string }>, approvedBy: string): Promise<number> {
    if (changes.length === 0) return 0;
    const at = isoAt(this.clock);
    const result = await this.db
      .insertInto('change_approvals')
      .values(changes.map((c) => ({ integration_id: integrationId, change_key: c.changeKey, company_id: c.companyId, approved_by: approvedBy, approved_at: at })))
      .onConflict((oc) => oc.columns(['integration_id', 'change_key']).doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0);
  }

  async approvedKeys(integrationId: string, companyIds?: readonly string[]): Promise<Set<string>> {
    let query = this.db.selectFrom('change_approvals').select('change_key').where('integration_id', '=', integrationId);
    if (companyIds !== undefined) {
      if (companyIds.length === 0) return new Set();
      query = query.where('company_id', 'in', [...companyIds]);
    }
    return new Set((await query.execute()).map((r) => r.change_key));
  }

  async list(integrationId: string, companyId?: string): Promise<ChangeApproval[]> {
    let query = this.db.selectFrom('change_approvals').selectAll().where('integration_id', '=', integrationId);
    if (companyId !== undefined) query = query.where('company_id', '=', companyId);
    const rows = await query.orderBy('approved_at', 'desc').execute();
    return rows.map((r) => ({ changeKey: r.change_key, companyId: r.company_id, approvedBy: r.approved_by, approvedAt: r.approved_at }));
  }
}
