// Every tenant change the emulator makes (public API and control API alike) goes through here, so
// the Event Manager's tenant topic sees all of them. Seeding a dataset is not a change: a fresh
// stream starts empty.
import type { EmulatorContext } from '../kit/server.ts';
import { TENANT_EVENT, type TenantChange } from './event-stream.ts';
import type { AcronisState, TenantRecord } from './state.ts';

/** A snapshot of what a tenant looked like, to tell which changes a write made. */
export interface TenantLook {
  name: string;
  enabled: boolean;
  parent_id: string | null;
  kind: string;
  version: number;
}

export const lookOf = (t: TenantRecord): TenantLook => ({ name: t.name, enabled: t.enabled, parent_id: t.parent_id, kind: t.kind, version: t.version });

/** updated for any change, plus enabled/disabled when `enabled` flipped (the platform raises both). */
export function changesBetween(before: TenantLook, t: TenantRecord): TenantChange[] {
  const out: TenantChange[] = ['updated'];
  if (before.enabled !== t.enabled) out.push(t.enabled ? 'enabled' : 'disabled');
  return out;
}

export function recordTenantChange(ctx: EmulatorContext<AcronisState>, t: TenantRecord, changes: readonly TenantChange[]): void {
  const state = ctx.state;
  const now = new Date(ctx.clock.nowMs()).toISOString();
  const lineage = state.lineage(t).map((x) => x.id);
  for (const change of changes) {
    state.events.append({
      type: TENANT_EVENT[change],
      source: `${ctx.url || 'emulator'}/account-server/`,
      subject: t.id,
      subject_type: 'cti.a.p.tenant.v1.0',
      tenant_id: t.id,
      time: now,
      ingest_time: now,
      // What the tenant is now (inferred shape: the vendor documents only `name` in its data schema example).
      data: { name: t.name, kind: t.kind, parent_id: t.parent_id, enabled: t.enabled, version: t.version, ...(t.deleted_at === null ? {} : { deleted: true }) },
      lineage,
    });
  }
}

/** A recursive delete raises `deleted` for the tenant and each tenant of its subtree it took along. */
export function recordSubtreeDeleted(ctx: EmulatorContext<AcronisState>, t: TenantRecord, deletedAt: number): void {
  const stack = [t];
  while (stack.length > 0) {
    const cur = stack.pop() as TenantRecord;
    if (cur.deleted_at !== deletedAt) continue;
    recordTenantChange(ctx, cur, ['deleted']);
    for (const child of ctx.state.children.get(cur.id) ?? []) stack.push(child);
  }
}
