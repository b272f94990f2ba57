// Offering items (reference §3): a tenant may hold what its parent has enabled; the listing filters
// on the legacy `standard` edition unless told otherwise; PUT changes only the listed items, keyed by
// (name, infra_id), with epoch-ms quota versions.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { decodeCursor, encodeCursor } from '../../kit/cursor.ts';
import type { EmulatorContext } from '../../kit/server.ts';
import { ApiError, badRequest, Code } from '../errors.ts';
import { itemKey, type AcronisState, type ItemInstance, type ItemState, type TenantRecord } from '../state.ts';
import { itemView } from '../views.ts';
import { parseBody, qs, qsDate, qsInt, qsList, visibleTenant } from './common.ts';

/** Every item a tenant may hold, as wire objects (edition `*`). */
export function itemsOfTenant(state: AcronisState, t: TenantRecord): Array<Record<string, unknown> & { status: 0 | 1 }> {
  return state
    .itemInstances(t)
    .map((inst) => itemView(t, inst, t.items.get(inst.key), t.kind === 'root' ? 1 : undefined) as Record<string, unknown> & { status: 0 | 1 });
}

/** `edition` query: default `standard`; `*` for all; a comma list otherwise. */
function editionFilter(request: FastifyRequest): (edition: string | null) => boolean {
  const editions = qsList(request, 'edition') ?? qsList(request, 'editions') ?? ['standard'];
  if (editions.includes('*')) return () => true;
  return (e) => editions.includes(e ?? '') || (e === null && editions.includes('null'));
}

function commonFilter(request: FastifyRequest): (inst: ItemInstance, status: 0 | 1) => boolean {
  const edition = editionFilter(request);
  const status = qs(request, 'status');
  if (status !== undefined && status !== '0' && status !== '1') throw badRequest("status must be 0 or 1.");
  const types = qsList(request, 'type');
  const usageNames = qsList(request, 'usage_name') ?? qsList(request, 'usage_names');
  const appId = qs(request, 'application_id');
  return (inst, s) =>
    edition(inst.def.edition) &&
    (status === undefined || Number(status) === s) &&
    (!types || types.includes(inst.def.type)) &&
    (!usageNames || usageNames.includes(inst.def.usage_name)) &&
    (appId === undefined || inst.def.application_id === appId);
}

const quotaSchema = z.looseObject({
  value: z.number().min(0).nullable(),
  overage: z.number().min(0).nullable().optional(),
  version: z.int().min(0),
});

const putSchema = z.looseObject({
  offering_items: z
    .array(
      z.looseObject({
        application_id: z.string().min(1),
        name: z.string().min(1),
        status: z.union([z.literal(0), z.literal(1)]).optional(),
        infra_id: z.string().nullable().optional(),
        quota: quotaSchema.nullable().optional(),
      }),
    )
    .min(1),
});

export function offeringItemRoutes(app: FastifyInstance, ctx: EmulatorContext<AcronisState>): void {
  app.get('/tenants/:id/offering_items', async (request) => {
    const { id } = request.params as { id: string };
    const state = ctx.state;
    const t = visibleTenant(state, request, id);
    const keep = commonFilter(request);
    const items = [];
    for (const inst of state.itemInstances(t)) {
      const s = t.items.get(inst.key);
      const status = state.itemStatus(t, inst.key);
      if (keep(inst, status)) items.push(itemView(t, inst, s, status));
    }
    return { items };
  });

  app.get('/tenants/:id/offering_items/available_for_child', async (request) => {
    const { id } = request.params as { id: string };
    const state = ctx.state;
    const parent = visibleTenant(state, request, id);
    const kind = qs(request, 'kind');
    if (kind !== undefined && !['partner', 'folder', 'customer', 'unit'].includes(kind)) throw badRequest('kind must be partner, folder, customer or unit.');
    if (parent.kind === 'unit' || (parent.kind === 'customer' && kind !== undefined && kind !== 'unit')) return { items: [] };
    const keep = commonFilter(request);
    const items = [];
    for (const inst of state.itemInstances(parent)) {
      if (state.itemStatus(parent, inst.key) !== 1 || !keep(inst, 1)) continue;
      items.push(itemView(null, inst, undefined, 1));
    }
    return { items };
  });

  app.put('/tenants/:id/offering_items', async (request) => {
    const state = ctx.state;
    const { id } = request.params as { id: string };
    const t = visibleTenant(state, request, id);
    if (t.kind === 'unit') throw new ApiError(403, Code.accessDenied, 'Offering items cannot be changed on personal (unit) tenants.', undefined, { id: t.id });
    if (t.kind === 'root') throw new ApiError(403, Code.accessDenied, 'The root tenant offering items cannot be changed.');
    const body = parseBody(putSchema, request.body);
    const available = new Map(state.itemInstances(t).map((i) => [i.key, i]));

    // Validate everything first: a request either applies whole or not at all.
    const plan: Array<{ inst: ItemInstance; status: 0 | 1; quota: z.infer<typeof quotaSchema> | null | undefined }> = [];
    const seen = new Set<string>();
    for (const entry of body.offering_items) {
      const key = itemKey(entry.name, entry.infra_id);
      const inst = available.get(key);
      if (!inst || inst.def.application_id !== entry.application_id) {
        throw new ApiError(
          400,
          Code.itemUnavailable,
          `Offering item '${entry.name}'${entry.infra_id ? ` on infra ${entry.infra_id}` : ''} is not available for this tenant.`,
          { name: entry.name, infra_id: entry.infra_id ?? null, application_id: entry.application_id },
          { id: t.id },
        );
      }
      if (seen.has(key)) throw badRequest(`Offering item '${entry.name}' is listed twice.`);
      seen.add(key);
      const current = t.items.get(key);
      const status = entry.status ?? current?.status ?? 0;
      if (entry.quota && status === 1) {
        const currentVersion = current?.status === 1 ? current.quotaVersion : 0;
        if (entry.quota.version !== currentVersion) {
          throw new ApiError(409, Code.versionMismatch, `Quota version mismatch for '${entry.name}'.`, { expected_version: currentVersion, given_version: entry.quota.version }, { id: t.id, name: entry.name });
        }
      }
      plan.push({ inst, status, quota: entry.quota });
    }

    const now = ctx.clock.nowMs();
    const updated = [];
    for (const { inst, status, quota } of plan) {
      const current: ItemState = t.items.get(inst.key) ?? { status: 0, quotaValue: null, overage: null, quotaVersion: 0, updatedAt: now };
      const next: ItemState = { ...current, status, updatedAt: now };
      if (status === 0) {
        next.quotaValue = null;
        next.overage = null;
        next.quotaVersion = 0;
      } else if (quota) {
        const changed = quota.value !== current.quotaValue || (quota.overage ?? null) !== current.overage;
        next.quotaValue = quota.value;
        next.overage = quota.overage ?? null;
        // A fresh epoch-ms version per change; unlimited (value null) resets it to 0.
        if (quota.value === null) next.quotaVersion = 0;
        else if (changed) next.quotaVersion = Math.max(now, current.quotaVersion + 1);
      }
      t.items.set(inst.key, next);
      if (status === 1) t.apps.add(inst.def.application_id);
      updated.push(itemView(t, inst, next, status));
    }
    t.updated_at = now;
    return { items: updated };
  });

  // Sync listing [GO]: explicit item states across a subtree, keyset-paged by (tenant, item).
  app.get('/tenants/offering_items', async (request) => {
    const state = ctx.state;
    const rootId = qs(request, 'subtree_root_tenant_id') ?? qs(request, 'subtree_root_id');
    if (!rootId) throw badRequest("Query parameter 'subtree_root_tenant_id' is required.");
    const root = visibleTenant(state, request, rootId);
    const usageNames = qsList(request, 'usage_names');
    const editions = qsList(request, 'editions');
    const since = qsDate(request, 'updated_since');
    const limit = qsInt(request, 'limit', 1, 10_000) ?? 1000;
    let cursor = { s: 0, k: '' };
    const after = qs(request, 'after');
    if (after) {
      const d = decodeCursor(after) as { s?: unknown; k?: unknown } | undefined;
      if (!d || typeof d.s !== 'number' || typeof d.k !== 'string') throw badRequest("Query parameter 'after' is not a valid cursor.");
      cursor = { s: d.s, k: d.k };
    }
    const items: Record<string, unknown>[] = [];
    let last: { s: number; k: string } | undefined;
    for (const t of state.tenantsBySeq) {
      if (t.seq < cursor.s || t.deleted_at !== null || t.items.size === 0 || !state.isWithin(t.id, root.id)) continue;
      const instances = state.itemInstances(t).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      for (const inst of instances) {
        if (t.seq === cursor.s && inst.key <= cursor.k) continue;
        const s = t.items.get(inst.key);
        if (!s) continue;
        if (usageNames && !usageNames.includes(inst.def.usage_name)) continue;
        if (editions && !editions.includes(inst.def.edition ?? '')) continue;
        if (since !== undefined && s.updatedAt < since) continue;
        if (items.length === limit) {
          return { timestamp: new Date(ctx.clock.nowMs()).toISOString(), items, paging: { cursors: { after: encodeCursor(last) } } };
        }
        items.push(itemView(t, inst, s));
        last = { s: t.seq, k: inst.key };
      }
    }
    return { timestamp: new Date(ctx.clock.nowMs()).toISOString(), items, paging: { cursors: {} } };
  });
}
