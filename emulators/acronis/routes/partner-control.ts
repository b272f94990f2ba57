// Control route for hubs serving several partner tenants (the vendor's multi-mapping): add another
// partner tenant right under the root — an MSP's second partner account — with what a partner may
// sell, its own API client and, when asked, customers with usage, as the seeded partner has.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { createRng } from '../../kit/prng.ts';
import { ControlError, parseControl, type EmulatorContext } from '../../kit/server.ts';
import { APP } from '../catalog.ts';
import { contact, enabled, tenant, type Builder } from '../datasets.ts';
import { addSpCustomer } from '../distributor-dataset.ts';
import type { AcronisState, TenantRecord } from '../state.ts';
import { newClient } from './clients.ts';

const partnerSchema = z.object({
  name: z.string().min(1).max(255),
  customers: z.array(z.string().min(1).max(255)).max(1_000).optional(),
});

export function partnerControlRoutes(app: FastifyInstance, ctx: EmulatorContext<AcronisState>): void {
  app.post('/partners', async (request, reply) => {
    const body = parseControl(partnerSchema, request.body);
    const { state } = ctx;
    const root = state.tenants.get(state.info.rootId) as TenantRecord;
    const lower = body.name.toLowerCase();
    if ((state.children.get(root.id) ?? []).some((t) => t.deleted_at === null && t.name.toLowerCase() === lower)) throw new ControlError(409, `a tenant named "${body.name}" is already under the root`);
    const infra = [...state.infras.values()].find((i) => i.platform_owned && i.capabilities.includes('backup'));
    if (!infra) throw new ControlError(409, 'no platform storage to put backups on');
    const now = ctx.clock.nowMs();
    const domain = `${body.name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}.example`;
    const b: Builder = { state, info: state.info, rng: createRng(`acronis/partner/${body.name}`), acronisInfra: infra.id, partnerInfra: infra.id };
    const partner = tenant(b, { name: body.name, kind: 'partner', parent_id: root.id, createdAt: now, contact: contact(b.rng, domain, now) });
    for (const inst of state.itemInstances(partner)) partner.items.set(inst.key, enabled(now));
    partner.apps = new Set([APP.platform, APP.backup, APP.filesCloud]);
    const client = newClient(state, partner.id, 'psa-bridge', 'emulator', now);
    const customerIds = (body.customers ?? []).map((name, i) => addSpCustomer(b, partner, name, `customer-${i + 1}.${domain}`, now - 40 * 86_400_000, i % 2 === 0).id);
    return reply.code(201).send({ partner_id: partner.id, client_id: client.client_id, client_secret: client.client_secret, customer_ids: customerIds });
  });
}
