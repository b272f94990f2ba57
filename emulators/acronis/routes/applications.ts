// Applications (services) and their bindings to tenants (reference §3).
import type { FastifyInstance } from 'fastify';
import type { EmulatorContext } from '../../kit/server.ts';
import { applications, usagesOf } from '../catalog.ts';
import { notFound } from '../errors.ts';
import type { AcronisState } from '../state.ts';
import { visibleTenant } from './common.ts';

export function applicationRoutes(app: FastifyInstance, ctx: EmulatorContext<AcronisState>): void {
  app.get('/applications', async () => ({
    items: applications.map((a) => ({ ...a, usages: usagesOf(a.id) })),
  }));

  app.get('/applications/:appId', async (request) => {
    const { appId } = request.params as { appId: string };
    const a = applications.find((x) => x.id === appId);
    if (!a) throw notFound('Application', appId);
    return { ...a, usages: usagesOf(a.id) };
  });

  app.get('/tenants/:id/applications', async (request) => {
    const { id } = request.params as { id: string };
    return { items: [...visibleTenant(ctx.state, request, id).apps] };
  });

  app.post('/applications/:appId/bindings/tenants/:tenantId', async (request, reply) => {
    const { appId, tenantId } = request.params as { appId: string; tenantId: string };
    if (!applications.some((a) => a.id === appId)) throw notFound('Application', appId);
    visibleTenant(ctx.state, request, tenantId).apps.add(appId);
    // Binding enables the service only; offering items stay as they are.
    return reply.code(204).send();
  });

  app.delete('/applications/:appId/bindings/tenants/:tenantId', async (request, reply) => {
    const { appId, tenantId } = request.params as { appId: string; tenantId: string };
    if (!applications.some((a) => a.id === appId)) throw notFound('Application', appId);
    const t = visibleTenant(ctx.state, request, tenantId);
    t.apps.delete(appId);
    // Unbinding loses the service's data: its items go off.
    const now = ctx.clock.nowMs();
    for (const inst of ctx.state.itemInstances(t)) {
      const s = t.items.get(inst.key);
      if (inst.def.application_id === appId && s && s.status === 1) {
        t.items.set(inst.key, { status: 0, quotaValue: null, overage: null, quotaVersion: 0, updatedAt: now });
      }
    }
    return reply.code(204).send();
  });
}
