// Usages (reference §4): keyed on (tenant, usage_name, edition, infra_id); enabled count and infra
// items report a value (0 when nothing was recorded), and recorded usage is reported even when its
// item was turned off.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { EmulatorContext } from '../../kit/server.ts';
import { itemDefinitions, itemsByUsage } from '../catalog.ts';
import { badRequest } from '../errors.ts';
import { usageKey, type AcronisState, type TenantRecord, type UsageState } from '../state.ts';
import { usageView } from '../views.ts';
import { callerOf } from './auth.ts';
import { firstOfMonth, qsList, visibleTenant } from './common.ts';

export const MAX_BATCH_TENANTS = 100;

export function usagesOfTenant(
  state: AcronisState,
  t: TenantRecord,
  nowMs: number,
  filter: { usageNames?: string[]; editions?: string[] } = {},
): Record<string, unknown>[] {
  const rangeStart = firstOfMonth(nowMs);
  const out: Record<string, unknown>[] = [];
  const emitted = new Set<string>();
  const keep = (usageName: string, edition: string | null) =>
    (!filter.usageNames || filter.usageNames.includes(usageName)) &&
    (!filter.editions || filter.editions.includes('*') || filter.editions.includes(edition ?? ''));
  const instances = state.itemInstances(t);
  const byUsage = new Map(instances.map((i) => [usageKey(i.def.usage_name, i.def.edition, i.infra_id), i]));

  for (const inst of instances) {
    if (inst.def.type === 'feature') continue;
    const status = state.itemStatus(t, inst.key);
    if (status !== 1 || !keep(inst.def.usage_name, inst.def.edition)) continue;
    const key = usageKey(inst.def.usage_name, inst.def.edition, inst.infra_id);
    const u: UsageState = t.usages.get(key) ?? { usage_name: inst.def.usage_name, edition: inst.def.edition, infra_id: inst.infra_id, value: 0, absolute: 0 };
    emitted.add(key);
    out.push(usageView(t, u, inst.def.name, inst.def.application_id, inst.def.type, inst.def.measurement_unit, rangeStart, { status, state: t.items.get(inst.key) }));
  }
  for (const [key, u] of t.usages) {
    if (emitted.has(key) || !keep(u.usage_name, u.edition)) continue;
    const def = itemsByUsage.get(`${u.usage_name}|${u.edition ?? ''}`) ?? itemDefinitions.find((d) => d.usage_name === u.usage_name);
    const inst = byUsage.get(key);
    out.push(
      usageView(
        t, u, def?.name ?? u.usage_name, def?.application_id ?? '6e6d758d-8e74-3ae3-ac84-50eb0dff12eb', def?.type ?? 'infra',
        def?.measurement_unit ?? 'bytes', rangeStart,
        inst ? { status: state.itemStatus(t, inst.key), state: t.items.get(inst.key) } : undefined,
      ),
    );
  }
  return out;
}

function filters(request: FastifyRequest) {
  const usageNames = qsList(request, 'usage_names');
  const editions = qsList(request, 'editions');
  return { ...(usageNames ? { usageNames } : {}), ...(editions ? { editions } : {}) };
}

export function usageRoutes(app: FastifyInstance, ctx: EmulatorContext<AcronisState>): void {
  app.get('/tenants/usages', async (request) => {
    const ids = qsList(request, 'tenants');
    if (!ids || ids.length === 0) throw badRequest("Query parameter 'tenants' is required.");
    if (ids.length > MAX_BATCH_TENANTS) {
      throw badRequest(`At most ${MAX_BATCH_TENANTS} tenants per request.`, { requested: ids.length, max: MAX_BATCH_TENANTS });
    }
    const state = ctx.state;
    const caller = callerOf(request).tenant_id;
    const now = ctx.clock.nowMs();
    const f = filters(request);
    const items = [];
    // Unknown or deleted tenants are left out rather than failing the whole batch (inf).
    for (const id of new Set(ids)) {
      const t = state.liveTenant(id);
      if (!t || !state.isWithin(t.id, caller)) continue;
      items.push({ tenant: t.id, usages: usagesOfTenant(state, t, now, f) });
    }
    return { items };
  });

  app.get('/tenants/:id/usages', async (request) => {
    const { id } = request.params as { id: string };
    const t = visibleTenant(ctx.state, request, id);
    return { items: usagesOfTenant(ctx.state, t, ctx.clock.nowMs(), filters(request)) };
  });
}
