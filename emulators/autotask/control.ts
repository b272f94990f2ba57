// Autotask additions to the control API (/_emulator/…): the limits (threshold, latency, threads) and
// their counters, users (add a regular, non-API resource or another API user), entity inspection,
// setting the clock to a date, unit totals of a contract, and the webhook callouts sent.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ControlError, parseControl, type EmulatorContext } from '../kit/server.ts';
import { entitiesByLower } from './entities.ts';
import { pick } from './writes.ts';
import { source } from './query.ts';
import type { AutotaskState } from './state.ts';
import { unitsAt } from './units.ts';
import { formatDate, parseDate } from './values.ts';
import { view } from './views.ts';

const limitsSchema = z.strictObject({
  threshold: z.int().positive().optional(),
  timeframeMinutes: z.int().positive().optional(),
  latencyAt50Ms: z.int().min(0).max(60_000).optional(),
  latencyAt75Ms: z.int().min(0).max(60_000).optional(),
  threadLimit: z.int().positive().optional(),
  workDelayMs: z.int().min(0).max(60_000).optional(),
  /** Forget the requests counted so far. */
  resetWindow: z.boolean().optional(),
  /** Count this many requests now, as if other integrations on the database had made them. */
  addRequests: z.int().min(0).max(1_000_000).optional(),
});

const userSchema = z.strictObject({
  userName: z.string().min(3).optional(),
  secret: z.string().min(1).optional(),
  firstName: z.string().optional(),
  lastName: z.string().optional(),
  apiUser: z.boolean().optional(),
  isActive: z.boolean().optional(),
});

const clockSetSchema = z.strictObject({ now: z.string() });

export function autotaskControlRoutes(app: FastifyInstance, ctx: EmulatorContext<AutotaskState>): void {
  const limitsView = () => {
    const s = ctx.state;
    return {
      ...s.limits,
      currentTimeframeRequestCount: s.window.count(ctx.clock.nowMs(), s.limits.timeframeMinutes * 60_000),
      inFlight: s.threads.inFlight(),
      stats: s.threads.stats,
    };
  };
  app.get('/limits', async () => limitsView());
  app.put('/limits', async (request) => {
    const body = parseControl(limitsSchema, request.body ?? {});
    const s = ctx.state;
    const { resetWindow, addRequests, ...settings } = body;
    for (const [k, v] of Object.entries(settings)) if (v !== undefined) (s.limits as unknown as Record<string, number>)[k] = v;
    if (resetWindow) s.window.clear();
    if (addRequests) for (let i = 0; i < addRequests; i++) s.window.add(ctx.clock.nowMs());
    return limitsView();
  });

  app.get('/users', async () => ({
    items: [...ctx.state.users.values()].map((u) => ({ ...u, integrationCode: u.isApiUser ? ctx.state.info.integrationCode : null })),
  }));
  app.post('/users', async (request, reply) => {
    const body = parseControl(userSchema, request.body ?? {});
    const s = ctx.state;
    const apiUser = body.apiUser ?? false;
    const n = s.users.size + 1;
    const userName = body.userName ?? `${apiUser ? 'api' : 'user'}${n}@emulator.autotask.net`;
    if (s.users.has(userName.toLowerCase())) throw new ControlError(409, `user ${userName} exists`);
    const resource = s.table('Resources').insert({
      id: s.newId(), firstName: body.firstName ?? (apiUser ? 'API' : 'Regular'), lastName: body.lastName ?? `User ${n}`, email: userName, userName, isActive: body.isActive ?? true,
      licenseType: pick(s, 'Resources.licenseType', apiUser ? 'API User' : 'Full'), userType: pick(s, 'Resources.userType', apiUser ? 'API User (system)' : 'Full Access'), resourceType: 'Employee',
    });
    const user = { resourceId: resource.id, userName, secret: body.secret ?? `secret-${n}-${resource.id}`, isApiUser: apiUser, isActive: body.isActive ?? true };
    s.addUser(user);
    return reply.code(201).send({ ...user, integrationCode: s.info.integrationCode });
  });

  app.get('/entities/:entity', async (request) => {
    const { entity: name } = request.params as { entity: string };
    const q = request.query as { limit?: string };
    const entity = entitiesByLower.get(name.toLowerCase());
    if (!entity) throw new ControlError(404, `no entity ${name}`);
    const limit = Number(q.limit ?? 100);
    const items: unknown[] = [];
    let total = 0;
    for (const row of source(ctx.state, entity, new Map())) {
      if (items.length < limit) items.push(view(ctx.state, entity, row));
      total++;
    }
    return { entity: entity.name, total, items };
  });
  app.get('/entities/:entity/:id', async (request) => {
    const { entity: name, id } = request.params as { entity: string; id: string };
    const entity = entitiesByLower.get(name.toLowerCase());
    const row = entity ? ctx.state.table(entity.name).rows.get(Number(id)) : undefined;
    if (!entity || !row) throw new ControlError(404, `no ${name} ${id}`);
    return view(ctx.state, entity, row);
  });

  /** Units in force per contract line on a date (default: now). */
  app.get('/contracts/:id/units', async (request) => {
    const { id } = request.params as { id: string };
    const at = parseDate((request.query as { at?: string }).at) ?? ctx.clock.nowMs();
    const s = ctx.state;
    if (!s.table('Contracts').rows.has(Number(id))) throw new ControlError(404, `no contract ${id}`);
    return {
      at: formatDate(at),
      services: s.table('ContractServices').children('contractID', Number(id)).map((l) => ({ contractServiceID: l.id, serviceID: l.serviceID, units: unitsAt(s, 'service', l, at) })),
      bundles: s.table('ContractServiceBundles').children('contractID', Number(id)).map((l) => ({ contractServiceBundleID: l.id, serviceBundleID: l.serviceBundleID, units: unitsAt(s, 'bundle', l, at) })),
    };
  });

  /** Moves the clock forward to a date (the kit's POST /clock advances by an amount). */
  app.post('/clock/set', async (request) => {
    const { now } = parseControl(clockSetSchema, request.body);
    const target = parseDate(now);
    if (target === undefined) throw new ControlError(400, `not a date: ${now}`);
    const delta = target - ctx.clock.nowMs();
    if (delta < 0) throw new ControlError(400, 'the clock only moves forward');
    ctx.clock.advance(Math.floor(delta));
    return { now: formatDate(ctx.clock.nowMs()), offset_ms: ctx.clock.offsetMs };
  });

  app.get('/callouts', async () => ({ items: ctx.state.callouts }));
}
