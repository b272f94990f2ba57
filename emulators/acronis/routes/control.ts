// Acronis additions to the control API (/_emulator/...): raise and clear alerts, set usage, add API
// clients, expire or revoke tokens, and look at tenants, users and activation e-mails.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ControlError, parseControl, type EmulatorContext } from '../../kit/server.ts';
import { itemDefinitions, severities } from '../catalog.ts';
import { usageKey, type AcronisState, type TenantRecord } from '../state.ts';
import { alertView, clientView, tenantView, userView } from '../views.ts';
import { raiseAlert } from './alerts.ts';
import { newClient } from './clients.ts';
import { storageControlRoutes } from './storage-control.ts';
import { itemsOfTenant } from './offering-items.ts';
import { usagesOfTenant } from './usages.ts';

const raiseSchema = z.object({
  tenant_id: z.string(),
  type: z.string().min(1),
  severity: z.enum(severities).optional(),
  category: z.string().optional(),
  details: z.record(z.string(), z.unknown()).optional(),
});

const usageSchema = z.object({
  tenant_id: z.string(),
  usage_name: z.string(),
  value: z.number().min(0),
  absolute_value: z.number().min(0).optional(),
  infra_id: z.string().nullable().optional(),
  edition: z.string().nullable().optional(),
});

const tokenSelector = z.object({ client_id: z.string().optional(), token: z.string().optional() }).optional();

export function acronisControlRoutes(app: FastifyInstance, ctx: EmulatorContext<AcronisState>): void {
  const tenantOr404 = (id: string): TenantRecord => {
    const t = ctx.state.tenants.get(id);
    if (!t) throw new ControlError(404, `no tenant ${id}`);
    return t;
  };

  app.post('/alerts', async (request, reply) => {
    const body = parseControl(raiseSchema, request.body);
    const t = tenantOr404(body.tenant_id);
    const a = raiseAlert(ctx, {
      tenantId: t.id,
      type: body.type,
      ...(body.severity ? { severity: body.severity } : {}),
      ...(body.category ? { category: body.category } : {}),
      ...(body.details ? { details: body.details } : {}),
    });
    return reply.code(201).send(alertView(ctx.state, a));
  });

  app.post('/alerts/:id/clear', async (request) => {
    const { id } = request.params as { id: string };
    const a = ctx.state.getAlert(id);
    if (!a) throw new ControlError(404, `no alert ${id}`);
    ctx.state.dismissAlert(a, ctx.clock.nowNs());
    return alertView(ctx.state, a);
  });

  app.put('/usages', async (request) => {
    const body = parseControl(usageSchema, request.body);
    const t = tenantOr404(body.tenant_id);
    const candidates = itemDefinitions.filter((d) => d.usage_name === body.usage_name && (body.edition === undefined || d.edition === body.edition));
    // Prefer the current per-workload edition when the caller does not say.
    const def = candidates.find((d) => d.edition === 'pck_per_workload') ?? candidates[0];
    if (!def) throw new ControlError(400, `unknown usage_name '${body.usage_name}'${body.edition ? ` in edition ${body.edition}` : ''}`);
    const infraId = body.infra_id ?? null;
    if (def.infra && !infraId) throw new ControlError(400, `usage '${body.usage_name}' is per storage: give infra_id`);
    const key = usageKey(def.usage_name, def.edition, infraId);
    const previous = t.usages.get(key);
    const entry = {
      usage_name: def.usage_name,
      edition: def.edition,
      infra_id: def.infra ? infraId : null,
      value: body.value,
      absolute: body.absolute_value ?? Math.max(body.value, previous?.absolute ?? 0),
    };
    t.usages.set(key, entry);
    return { tenant_id: t.id, name: def.name, ...entry, absolute_value: entry.absolute };
  });

  app.post('/clients', async (request, reply) => {
    const body = parseControl(z.object({ tenant_id: z.string().optional(), client_name: z.string().optional() }).optional(), request.body) ?? {};
    const t = tenantOr404(body.tenant_id ?? ctx.state.info.partnerId);
    const c = newClient(ctx.state, t.id, body.client_name ?? 'emulator client', 'emulator', ctx.clock.nowMs());
    return reply.code(201).send({ ...clientView(c), client_secret: c.client_secret });
  });

  const selectTokens = (sel: z.infer<typeof tokenSelector>) =>
    [...ctx.state.tokens].filter(([token, r]) => (!sel?.token || sel.token === token) && (!sel?.client_id || sel.client_id === r.client_id));

  app.post('/tokens/expire', async (request) => {
    const sel = parseControl(tokenSelector, request.body);
    const nowSec = Math.floor(ctx.clock.nowMs() / 1000);
    const hit = selectTokens(sel);
    for (const [, r] of hit) r.exp = Math.min(r.exp, nowSec - 1);
    return { expired: hit.length };
  });

  app.post('/tokens/revoke', async (request) => {
    const sel = parseControl(tokenSelector, request.body);
    const hit = selectTokens(sel);
    for (const [, r] of hit) r.revoked = true;
    return { revoked: hit.length };
  });

  app.get('/tenants', async (request) => {
    const q = request.query as Record<string, string | undefined>;
    const parent = q.parent_id ?? ctx.state.info.partnerId;
    const items = (ctx.state.children.get(parent) ?? [])
      .filter((t) => (q.kind === undefined || t.kind === q.kind) && (q.name === undefined || t.name.toLowerCase().includes(q.name.toLowerCase())))
      .slice(0, Number(q.limit ?? 1000))
      .map((t) => tenantView(ctx.state, t));
    return { items };
  });

  app.get('/tenants/:id', async (request) => {
    const { id } = request.params as { id: string };
    const t = tenantOr404(id);
    return {
      tenant: tenantView(ctx.state, t),
      applications: [...t.apps],
      offering_items: itemsOfTenant(ctx.state, t).filter((i) => i.status === 1),
      usages: usagesOfTenant(ctx.state, t, ctx.clock.nowMs()),
      users: (ctx.state.usersByTenant.get(t.id) ?? []).map((u) => userView(u, true)),
    };
  });

  app.get('/users', async (request) => {
    const q = request.query as Record<string, string | undefined>;
    const items = [...ctx.state.users.values()]
      .filter((u) => u.deleted_at === null && (q.tenant_id === undefined || u.tenant_id === q.tenant_id) && (q.login === undefined || u.login === q.login))
      .map((u) => ({ ...userView(u, true), has_password: u.passwordHash !== null }));
    return { items };
  });

  app.get('/activation-emails', async () => ({ items: [...ctx.state.activationEmails] }));

  storageControlRoutes(app, ctx);
}
