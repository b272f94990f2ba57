// Alert Manager /api/alert_manager/v1 (reference §6).
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { EmulatorContext } from '../../kit/server.ts';
import { parseAlertQuery, runAlertQuery } from '../alert-query.ts';
import { alertTypes, alertTypesById, severities, type Severity } from '../catalog.ts';
import { notFound } from '../errors.ts';
import type { AcronisState, AlertRecord } from '../state.ts';
import { alertView } from '../views.ts';
import { callerOf } from './auth.ts';
import { parseBody, qs, qsInt, visibleTenant, type Query } from './common.ts';

export interface RaiseAlert {
  tenantId: string;
  type: string;
  severity?: Severity;
  category?: string;
  details?: Record<string, unknown>;
  createdNs?: bigint;
}

/** Creates an alert now; shared by POST /alerts and the control API. */
export function raiseAlert(ctx: EmulatorContext<AcronisState>, input: RaiseAlert): AlertRecord {
  const type = alertTypesById.get(input.type);
  const now = ctx.clock.nowNs();
  const created = input.createdNs ?? now;
  return ctx.state.addAlert({
    id: randomUUID().toUpperCase(),
    type: input.type,
    category: input.category ?? type?.category ?? 'Custom',
    severity: input.severity ?? type?.severity ?? 'warning',
    tenantId: input.tenantId,
    // createdAt is reported to the second.
    createdNs: (created / 1_000_000_000n) * 1_000_000_000n,
    receivedNs: now,
    updatedNs: now,
    deletedNs: null,
    details: input.details ?? {},
  });
}

const postSchema = z.looseObject({
  type: z.string().min(1),
  category: z.string().optional(),
  severity: z.enum(severities).optional(),
  tenantID: z.string().optional(),
  details: z.record(z.string(), z.unknown()).optional(),
  createdAt: z.string().optional(),
});

export function alertRoutes(app: FastifyInstance, ctx: EmulatorContext<AcronisState>): void {
  const queryOf = (request: FastifyRequest) => {
    const caller = callerOf(request).tenant_id;
    return parseAlertQuery(request.query as Query, (tenantId) => ctx.state.isWithin(tenantId, caller));
  };
  const visibleAlert = (request: FastifyRequest, id: string) => {
    const a = ctx.state.getAlert(id);
    if (!a || !ctx.state.isWithin(a.tenantId, callerOf(request).tenant_id)) throw notFound('Alert', id);
    return a;
  };

  app.get('/alerts', async (request) => {
    const { page, after } = runAlertQuery(ctx.state, queryOf(request), qsInt(request, 'limit', 1, 10_000), qs(request, 'after'));
    return { items: page.map((a) => alertView(ctx.state, a)), paging: { cursors: after ? { after } : {} } };
  });

  app.get('/alerts/:id', async (request) => {
    const { id } = request.params as { id: string };
    return alertView(ctx.state, visibleAlert(request, id));
  });

  app.post('/alerts', async (request) => {
    const body = parseBody(postSchema, request.body);
    const tenant = visibleTenant(ctx.state, request, body.tenantID ?? callerOf(request).tenant_id);
    let createdNs: bigint | undefined;
    if (body.createdAt !== undefined) {
      const ms = Date.parse(body.createdAt);
      if (!Number.isNaN(ms)) createdNs = BigInt(ms) * 1_000_000n;
    }
    const alert = raiseAlert(ctx, {
      tenantId: tenant.id,
      type: body.type,
      ...(body.severity ? { severity: body.severity } : {}),
      ...(body.category ? { category: body.category } : {}),
      ...(body.details ? { details: body.details } : {}),
      ...(createdNs !== undefined ? { createdNs } : {}),
    });
    return { id: alert.id };
  });

  app.delete('/alerts', async (request, reply) => {
    const { page } = runAlertQuery(ctx.state, queryOf(request), undefined, undefined);
    for (const a of page) ctx.state.dismissAlert(a, ctx.clock.nowNs());
    return reply.code(204).send();
  });

  app.delete('/alerts/:id', async (request, reply) => {
    const { id } = request.params as { id: string };
    ctx.state.dismissAlert(visibleAlert(request, id), ctx.clock.nowNs());
    return reply.code(204).send();
  });

  app.get('/types', async () => ({ items: alertTypes.map((t) => ({ ...t })) }));

  app.get('/types/:id', async (request) => {
    const { id } = request.params as { id: string };
    const t = alertTypesById.get(id);
    if (!t) throw notFound('Alert type', id);
    return { ...t };
  });
}
