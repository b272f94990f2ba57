// Control routes for distributor scenarios (/_emulator/...): add customers with usage under a
// service provider (a benchmark needs one with a thousand), and record a past month's usage.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { createRng } from '../../kit/prng.ts';
import { ControlError, parseControl, type EmulatorContext } from '../../kit/server.ts';
import { itemsByName } from '../catalog.ts';
import { addSpCustomer, distributorInfo } from '../distributor-dataset.ts';
import type { Builder } from '../datasets.ts';
import { usageKey, type AcronisState, type TenantRecord, type UsageState } from '../state.ts';
import { recordMonth } from '../usage-history.ts';
import { recordTenantChange } from '../tenant-events.ts';

const customersSchema = z.object({ count: z.int().min(1).max(20_000), seed: z.string().optional() });
const monthSchema = z.object({
  month: z.string().regex(/^\d{4}-\d{2}$/, 'month is YYYY-MM'),
  usages: z.array(z.object({ name: z.string(), infra_id: z.string().nullable().optional(), value: z.number().min(0) })),
});

export function distributorControlRoutes(app: FastifyInstance, ctx: EmulatorContext<AcronisState>): void {
  const tenantOr404 = (id: string): TenantRecord => {
    const t = ctx.state.liveTenant(id);
    if (!t) throw new ControlError(404, `no tenant ${id}`);
    return t;
  };

  app.get('/distributor', async () => {
    const info = distributorInfo(ctx.state);
    if (info === undefined) throw new ControlError(404, 'this dataset has no distributor: seed the distributor dataset');
    return {
      distributor_id: ctx.state.info.partnerId,
      client_id: ctx.state.info.clientId,
      second_distributor_id: info.secondDistributorId,
      second_client_id: info.secondClientId,
      service_provider_ids: info.serviceProviderIds,
    };
  });

  app.post('/partners/:id/customers', async (request, reply) => {
    const { id } = request.params as { id: string };
    const sp = tenantOr404(id);
    if (sp.kind !== 'partner') throw new ControlError(400, `tenant ${id} is a ${sp.kind}, not a partner`);
    const body = parseControl(customersSchema, request.body);
    const infra = [...ctx.state.infras.values()].find((i) => i.platform_owned && i.capabilities.includes('backup'));
    if (!infra) throw new ControlError(409, 'no platform storage to put backups on');
    const b: Builder = { state: ctx.state, info: ctx.state.info, rng: createRng(body.seed ?? `acronis/customers/${sp.id}`), acronisInfra: infra.id, partnerInfra: infra.id };
    const start = (ctx.state.children.get(sp.id) ?? []).length;
    const now = ctx.clock.nowMs();
    const ids: string[] = [];
    for (let i = 0; i < body.count; i++) {
      const n = start + i + 1;
      const customer = addSpCustomer(b, sp, `${sp.name} customer ${String(n).padStart(5, '0')}`, `sp-customer-${n}.example`, now - 40 * 86_400_000, n % 3 === 0);
      recordTenantChange(ctx, customer, ['created']);
      ids.push(customer.id);
    }
    return reply.code(201).send({ created: ids.length, ids });
  });

  app.put('/tenants/:id/usage-months', async (request) => {
    const { id } = request.params as { id: string };
    const t = tenantOr404(id);
    const body = parseControl(monthSchema, request.body);
    const entries: Array<[string, UsageState]> = body.usages.map((u) => {
      const def = itemsByName.get(u.name);
      if (!def) throw new ControlError(400, `unknown offering item '${u.name}'`);
      const infraId = def.infra ? (u.infra_id ?? null) : null;
      if (def.infra && infraId === null) throw new ControlError(400, `'${u.name}' is per storage: give infra_id`);
      return [usageKey(def.usage_name, def.edition, infraId), { usage_name: def.usage_name, edition: def.edition, infra_id: infraId, value: u.value, absolute: u.value }];
    });
    recordMonth(ctx.state, t, body.month, entries);
    return { tenant_id: t.id, month: body.month, usages: entries.length };
  });
}
