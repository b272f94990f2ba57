// Control routes for the Event Manager (/_emulator/...): how long a long-poll may hold, what the
// stream holds, and tenant changes made behind the API's back (an operator in the vendor's console)
// without versions or placement rules; each raises its tenant events like an API write.
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ControlError, parseControl, type EmulatorContext } from '../../kit/server.ts';
import { changesBetween, lookOf, recordSubtreeDeleted, recordTenantChange } from '../tenant-events.ts';
import type { AcronisState, TenantRecord } from '../state.ts';
import { tenantView } from '../views.ts';
import { longPollOf } from './event-manager.ts';

const longPollSchema = z.strictObject({
  max_wait_ms: z.int().min(0).max(300_000).optional(),
  retry_after_seconds: z.int().min(0).max(3600).optional(),
});
const createSchema = z.strictObject({ name: z.string().trim().min(1).max(255), parent_id: z.string().optional(), kind: z.enum(['customer', 'folder', 'partner']).optional() });
const changeSchema = z.strictObject({ name: z.string().trim().min(1).max(255).optional(), enabled: z.boolean().optional() });

export function eventControlRoutes(app: FastifyInstance, ctx: EmulatorContext<AcronisState>): void {
  const liveOr404 = (id: string): TenantRecord => {
    const t = ctx.state.liveTenant(id);
    if (!t) throw new ControlError(404, `no live tenant ${id}`);
    return t;
  };
  const settingsView = () => {
    const s = longPollOf(ctx);
    return { max_wait_ms: s.maxWaitMs, retry_after_seconds: s.retryAfterSeconds };
  };

  app.get('/event-manager', async () => ({ ...settingsView(), latest_offset: ctx.state.events.latest, subscriptions: [...ctx.state.events.subscriptions.values()].map((s) => ({ subscription_id: s.subscription_id, tenant_id: s.tenant_id, tenant_depth: s.tenant_depth, committed: s.committed, leader: s.leader?.consumerId ?? null })) }));

  app.put('/event-manager', async (request) => {
    const body = parseControl(longPollSchema, request.body ?? {});
    const s = longPollOf(ctx);
    if (body.max_wait_ms !== undefined) s.maxWaitMs = body.max_wait_ms;
    if (body.retry_after_seconds !== undefined) s.retryAfterSeconds = body.retry_after_seconds;
    return settingsView();
  });

  app.get('/events', async (request) => {
    const after = Number((request.query as Record<string, string | undefined>).after ?? 0);
    return { items: ctx.state.events.events.filter((e) => e.sequence > after).map(({ lineage: _l, ...e }) => e) };
  });

  app.post('/tenants', async (request, reply) => {
    const body = parseControl(createSchema, request.body);
    const parent = liveOr404(body.parent_id ?? ctx.state.info.partnerId);
    const now = ctx.clock.nowMs();
    const kind = body.kind ?? 'customer';
    const t = ctx.state.addTenant({
      id: randomUUID(), name: body.name, parent_id: parent.id, kind, enabled: true, version: 1, customer_id: null, internal_tag: null,
      language: 'en', contact: null, ancestral_access: true, mfa_status: 'disabled', pricing_mode: kind === 'customer' ? 'trial' : 'production',
      pricing_version: now, production_start_date: null, customer_type: 'default', brand_id: parent.brand_id, brand_uuid: parent.brand_uuid,
      default_idp_id: parent.default_idp_id, update_lock: { enabled: false, owner_id: null }, owner_id: null, created_at: now, updated_at: now, deleted_at: null,
    });
    t.apps.add('7459244f-68f3-3bf4-9f53-5f63ecc1d91f');
    recordTenantChange(ctx, t, ['created']);
    return reply.code(201).send(tenantView(ctx.state, t));
  });

  app.patch('/tenants/:id', async (request) => {
    const { id } = request.params as { id: string };
    const t = liveOr404(id);
    const body = parseControl(changeSchema, request.body);
    const before = lookOf(t);
    if (body.name !== undefined) t.name = body.name;
    if (body.enabled !== undefined) t.enabled = body.enabled;
    t.version++;
    t.updated_at = ctx.clock.nowMs();
    recordTenantChange(ctx, t, changesBetween(before, t));
    return tenantView(ctx.state, t);
  });

  app.delete('/tenants/:id', async (request, reply) => {
    const { id } = request.params as { id: string };
    const t = liveOr404(id);
    if (t.kind === 'root' || t.id === ctx.state.info.partnerId) throw new ControlError(400, 'the root and the seeded partner stay');
    const now = ctx.clock.nowMs();
    ctx.state.deleteTenant(t, now);
    recordSubtreeDeleted(ctx, t, now);
    return reply.code(204).send();
  });
}
