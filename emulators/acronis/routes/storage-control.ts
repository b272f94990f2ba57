// Control API for storage facts a test or a demo needs and the public API cannot set: geo-redundancy
// per tenant, and more storages under a location (the vendor's rules map each storage of a location
// on its own; see storage-classes.ts).
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ControlError, parseControl, type EmulatorContext } from '../../kit/server.ts';
import type { InfraCapability } from '../catalog.ts';
import type { AcronisState, Infra, ItemState, TenantRecord } from '../state.ts';

const geoSchema = z.object({ enabled: z.boolean() });

const infraSchema = z.object({
  name: z.string().trim().min(1),
  /** An existing location, or `location_name` for a new one (owned like the storage). */
  location_id: z.string().optional(),
  location_name: z.string().trim().min(1).optional(),
  /** Default: the platform (root), so every partner sees it. */
  owner_tenant_id: z.string().optional(),
  capabilities: z.array(z.enum(['backup', 'disaster_recovery', 'files_cloud'])).min(1).default(['backup']),
});

/** The platform offers what it adds: enable on `t` every item it may have but has not got yet. */
function offerNewItems(state: AcronisState, t: TenantRecord, nowMs: number): number {
  let added = 0;
  for (const inst of state.itemInstances(t)) {
    if (t.items.has(inst.key)) continue;
    const on: ItemState = { status: 1, quotaValue: null, overage: null, quotaVersion: 0, updatedAt: nowMs };
    t.items.set(inst.key, on);
    added++;
  }
  return added;
}

export function storageControlRoutes(app: FastifyInstance, ctx: EmulatorContext<AcronisState>): void {
  const tenantOr404 = (id: string): TenantRecord => {
    const t = ctx.state.liveTenant(id);
    if (!t) throw new ControlError(404, `no tenant ${id}`);
    return t;
  };

  app.get('/tenants/:id/geo-redundancy', async (request) => {
    const { id } = request.params as { id: string };
    const t = tenantOr404(id);
    return { tenant_id: t.id, enabled: ctx.state.geoRedundant.has(t.id), effective: ctx.state.geoRedundancyOn(t) };
  });

  // Turning it on for a partner also offers it the geo-redundant items, as the platform would.
  app.put('/tenants/:id/geo-redundancy', async (request) => {
    const { id } = request.params as { id: string };
    const t = tenantOr404(id);
    const body = parseControl(geoSchema, request.body);
    if (body.enabled) ctx.state.geoRedundant.add(t.id);
    else ctx.state.geoRedundant.delete(t.id);
    const offered = body.enabled && t.kind !== 'customer' && t.kind !== 'unit' ? offerNewItems(ctx.state, t, ctx.clock.nowMs()) : 0;
    return { tenant_id: t.id, enabled: body.enabled, effective: ctx.state.geoRedundancyOn(t), items_offered: offered };
  });

  app.post('/infra', async (request, reply) => {
    const body = parseControl(infraSchema, request.body);
    const state = ctx.state;
    const owner = tenantOr404(body.owner_tenant_id ?? state.info.rootId);
    let locationId = body.location_id;
    if (locationId !== undefined) {
      if (!state.locations.has(locationId)) throw new ControlError(404, `no location ${locationId}`);
    } else {
      if (body.location_name === undefined) throw new ControlError(400, 'give location_id (an existing location) or location_name (a new one)');
      locationId = randomUUID();
      state.locations.set(locationId, { id: locationId, name: body.location_name, owner_tenant_id: owner.id, platform_owned: owner.kind === 'root', version: 1 });
    }
    const infra: Infra = {
      id: randomUUID(),
      owner_tenant_id: owner.id,
      location_id: locationId,
      platform_owned: owner.kind === 'root',
      name: body.name,
      url: `https://${body.name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}.storage.example`,
      capabilities: body.capabilities as InfraCapability[],
      backend_type: 'acronis_storage',
      version: 1,
      readonly: false,
    };
    state.infras.set(infra.id, infra);
    // The dataset's partner is offered the new storage's items.
    const partner = state.liveTenant(state.info.partnerId);
    if (partner) offerNewItems(state, partner, ctx.clock.nowMs());
    return reply.code(201).send({ ...infra });
  });
}
