// ConnectWise additions to the control API (/_emulator/…): the request rate limit, behaviour
// switches, entity inspection, changes made "as a technician" (which fire callbacks like any
// change), callback deliveries and the signing key.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ControlError, parseControl, type EmulatorContext } from '../kit/server.ts';
import { createRng } from '../kit/prng.ts';
import { keyUrl, type Deliveries } from './callbacks.ts';
import { changed } from './changes.ts';
import { CwError } from './errors.ts';
import type { ResourceKey, WriteCtx } from './model.ts';
import { resourceByKey } from './resources.ts';
import type { CwState } from './state.ts';
import { TECHNICIAN } from './datasets.ts';
import { API_PREFIX, view } from './views.ts';
import { createRow, deleteRow, replaceRow, writeForm } from './writes.ts';

const rateSchema = z.strictObject({
  /** Requests per window before 429; null turns the limit off. */
  limit: z.int().positive().nullable().optional(),
  windowSeconds: z.int().positive().max(86_400).optional(),
  /** Forget the requests counted so far. */
  reset: z.boolean().optional(),
});

const settingsSchema = z.strictObject({
  wrongAuthStatus: z.union([z.literal(401), z.literal(404)]).optional(),
  additionsNotifyAgreement: z.boolean().optional(),
});

const changeSchema = z.strictObject({
  resource: z.string(),
  action: z.enum(['create', 'update', 'delete']).default('update'),
  id: z.int().positive().optional(),
  parentId: z.int().positive().optional(),
  /** Fields to set, in the API's write form ({"status": {"name": "Completed"}}). */
  set: z.record(z.string(), z.unknown()).default({}),
  /** Member identifier the change is attributed to (default: the technician jsmith). */
  member: z.string().optional(),
  skipCallback: z.boolean().optional(),
});

export function connectWiseControlRoutes(deliveries: Deliveries) {
  return (app: FastifyInstance, ctx: EmulatorContext<CwState>): void => {
    const rateView = () => {
      const r = ctx.state.rate;
      return { limit: r.settings.limit, windowSeconds: r.settings.windowMs / 1000, used: r.used(ctx.clock.nowMs()), refused: r.refused };
    };
    app.get('/rate-limit', async () => rateView());
    app.put('/rate-limit', async (request) => {
      const body = parseControl(rateSchema, request.body ?? {});
      const r = ctx.state.rate;
      if (body.limit !== undefined) r.settings.limit = body.limit;
      if (body.windowSeconds !== undefined) r.settings.windowMs = body.windowSeconds * 1000;
      if (body.reset) r.reset();
      return rateView();
    });

    app.get('/settings', async () => ctx.state.settings);
    app.put('/settings', async (request) => {
      const body = parseControl(settingsSchema, request.body ?? {});
      Object.assign(ctx.state.settings, Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined)));
      return ctx.state.settings;
    });

    const viewCtx = () => ({ state: ctx.state, base: `${ctx.url}${API_PREFIX}` });
    const defOf = (name: string) => {
      const def = resourceByKey.get(name as ResourceKey);
      if (!def) throw new ControlError(404, `no resource ${name}; use one of ${[...resourceByKey.keys()].join(', ')}`);
      return def;
    };
    app.get('/entities/:resource', async (request) => {
      const def = defOf((request.params as { resource: string }).resource);
      const limit = Number((request.query as { limit?: string }).limit ?? 100);
      const rows = [...ctx.state.table(def.key).rows.values()];
      return { resource: def.key, total: rows.length, items: rows.slice(0, limit).map((r) => view(def, r, viewCtx())) };
    });
    app.get('/entities/:resource/:id', async (request) => {
      const { resource: name, id } = request.params as { resource: string; id: string };
      const def = defOf(name);
      const row = ctx.state.table(def.key).rows.get(Number(id));
      if (!row) throw new ControlError(404, `no ${name} ${id}`);
      return view(def, row, viewCtx());
    });

    /** A change made in the ConnectWise UI: validated like the API, attributed to a member, fires callbacks. */
    app.post('/changes', async (request, reply) => {
      const body = parseControl(changeSchema, request.body ?? {});
      const def = defOf(body.resource);
      const s = ctx.state;
      const identifier = body.member ?? TECHNICIAN;
      const member = [...s.table('members').rows.values()].find((m) => String(m.identifier).toLowerCase() === identifier.toLowerCase());
      if (!member) throw new ControlError(404, `no member ${identifier}`);
      const w: WriteCtx = { state: s, nowMs: ctx.clock.nowMs(), actor: String(member.identifier), actorMemberId: member.id, ...(body.parentId !== undefined ? { parentId: body.parentId } : {}) };
      const skip = body.skipCallback ?? false;
      try {
        if (body.action === 'create') {
          if (def.parent && (body.parentId === undefined || !s.table(def.parent.key).rows.has(body.parentId))) throw new ControlError(400, `${def.key} needs an existing parentId`);
          const { row } = createRow(def, body.set, w);
          changed(ctx, deliveries, def, 'added', row, w, skip);
          return reply.code(201).send(view(def, row, viewCtx()));
        }
        const row = body.id === undefined ? undefined : s.table(def.key).rows.get(body.id);
        if (!row) throw new ControlError(404, `no ${def.key} ${String(body.id)}`);
        if (body.action === 'delete') {
          deleteRow(def, row, w);
          changed(ctx, deliveries, def, 'deleted', row, w, skip);
          return reply.code(204).send();
        }
        const { row: updated } = replaceRow(def, row, { ...writeForm(def, row), ...body.set }, w);
        changed(ctx, deliveries, def, 'updated', updated, w, skip);
        return view(def, updated, viewCtx());
      } catch (err) {
        if (err instanceof CwError) throw new ControlError(err.status, err.message, err.errors.length > 0 ? err.errors : undefined);
        throw err;
      }
    });

    app.get('/callbacks/deliveries', async () => ({ pending: deliveries.pending, items: deliveries.log }));
    app.delete('/callbacks/deliveries', async (_request, reply) => {
      deliveries.log.length = 0;
      return reply.code(204).send();
    });
    /** Waits until every queued delivery was attempted. */
    app.post('/callbacks/flush', async () => {
      await deliveries.flush();
      return { pending: deliveries.pending, delivered: deliveries.log.length };
    });
    app.get('/callbacks/key', async () => ({ key_id: ctx.state.currentKeyId, key_url: keyUrl(ctx), signing_key: ctx.state.signingKeys.get(ctx.state.currentKeyId) }));
    /** A new signing key signs from now on; the old key URL keeps answering. */
    app.post('/callbacks/rotate-key', async () => {
      const s = ctx.state;
      const rng = createRng(`connectwise/key/${s.signingKeys.size}`);
      const id = rng.hex(12);
      s.signingKeys.set(id, rng.hex(32));
      s.currentKeyId = id;
      return { key_id: id, key_url: keyUrl(ctx) };
    });
  };
}
