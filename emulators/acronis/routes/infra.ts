// Storage infrastructures and locations (reference §7).
import type { FastifyInstance } from 'fastify';
import type { EmulatorContext } from '../../kit/server.ts';
import { badRequest, notFound } from '../errors.ts';
import type { AcronisState } from '../state.ts';
import { qsList, visibleTenant } from './common.ts';

export function infraRoutes(app: FastifyInstance, ctx: EmulatorContext<AcronisState>): void {
  app.get('/tenants/:id/infra', async (request) => {
    const { id } = request.params as { id: string };
    return { infras: ctx.state.visibleInfras(visibleTenant(ctx.state, request, id)).map((i) => i.id) };
  });

  app.get('/infra', async (request) => {
    const uuids = qsList(request, 'uuids');
    if (!uuids) throw badRequest("Query parameter 'uuids' is required.");
    return { items: uuids.flatMap((id) => { const i = ctx.state.infras.get(id); return i ? [{ ...i }] : []; }) };
  });

  app.get('/infra/:id', async (request) => {
    const { id } = request.params as { id: string };
    const i = ctx.state.infras.get(id);
    if (!i) throw notFound('Infra', id);
    return { ...i };
  });

  app.get('/tenants/:id/locations', async (request) => {
    const { id } = request.params as { id: string };
    const ids = new Set(ctx.state.visibleInfras(visibleTenant(ctx.state, request, id)).map((i) => i.location_id));
    return { locations: [...ids] };
  });

  app.get('/locations', async (request) => {
    const uuids = qsList(request, 'uuids');
    if (!uuids) throw badRequest("Query parameter 'uuids' is required.");
    return { items: uuids.flatMap((id) => { const l = ctx.state.locations.get(id); return l ? [{ ...l }] : []; }) };
  });

  app.get('/locations/:id/infra', async (request) => {
    const { id } = request.params as { id: string };
    if (!ctx.state.locations.has(id)) throw notFound('Location', id);
    return { infras: [...ctx.state.infras.values()].filter((i) => i.location_id === id).map((i) => i.id) };
  });
}
