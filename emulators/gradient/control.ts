// Gradient additions to the control API (/_emulator/…): what a person does in Gradient's UI (map,
// unmap and exclude accounts and services, edit the PSA), what they see there (accounts and services
// with their mapping, counts, service cards, tickets), the partner disconnecting, a second partner
// organization, the alert queue's behaviour, and the limits (requests per second, the 403 anomaly).
// Every route works on the dataset's organization unless `?org=<organizationId>` names another.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ControlError, parseControl, type EmulatorContext } from '../kit/server.ts';
import { processAlert } from './alerting.ts';
import { accountView, disconnect, serviceCards, serviceView } from './reconcile.ts';
import { distinctAccounts, newOrganization, quantityKey, type GradientState, type Organization } from './state.ts';
import { debugView, integrationView } from './views.ts';

type Ctx = EmulatorContext<GradientState>;

const mapSchema = z.strictObject({ psaId: z.string().min(1) });
const nameSchema = z.strictObject({ name: z.string().min(1) });
const partnerSchema = z.strictObject({ name: z.string().min(1), partnerKey: z.string().min(8).optional(), psaSystem: z.string().min(1).optional() });
const quantitySchema = z.strictObject({ companyId: z.string().min(1), productId: z.string().min(1), quantity: z.number().min(0) });
const alertingSchema = z.strictObject({
  dedupeAlertIds: z.boolean().optional(),
  pendingReads: z.int().min(0).max(1000).optional(),
  failNext: z.int().min(0).optional(),
  failStatusCode: z.int().min(400).max(599).optional(),
  failErrors: z.array(z.string()).optional(),
});
const limitsSchema = z.strictObject({ requestsPerSecond: z.int().positive().optional(), anomaly: z.boolean().optional(), resetWindow: z.boolean().optional() });

export function gradientControlRoutes(app: FastifyInstance, ctx: Ctx): void {
  const orgFor = (request: FastifyRequest): Organization => {
    const id = (request.query as { org?: string }).org;
    if (id === undefined) return ctx.state.primary();
    const org = ctx.state.organizationById(id);
    if (org === undefined) throw new ControlError(404, `no organization ${id}`);
    return org;
  };
  const accountIn = (org: Organization, id: string) => {
    const account = org.accounts.find((a) => a.id === id);
    if (account === undefined) throw new ControlError(404, `no vendor account ${id} in ${org.name}`);
    return account;
  };
  const skuIn = (id: string) => {
    const sku = ctx.state.skus.get(id);
    if (sku === undefined) throw new ControlError(404, `no service ${id}`);
    return sku;
  };

  app.get('/organizations', async () => ({
    items: [...ctx.state.organizations.values()].map((org) => ({
      ...integrationView(ctx.state, org),
      partnerKey: org.partnerKey,
      accounts: org.accounts.length,
      counts: org.counts.size,
      builds: org.builds,
      alerts: org.alerts.size,
      tickets: org.tickets.length,
    })),
  }));
  app.post('/organizations', async (request, reply) => {
    const body = parseControl(partnerSchema, request.body);
    const partnerKey = body.partnerKey ?? `gp_${ctx.state.rng.hex(40)}`;
    if (ctx.state.organizations.has(partnerKey)) throw new ControlError(409, 'that partner key is taken');
    const org = newOrganization(ctx.state, { name: body.name, partnerKey, psaSystem: body.psaSystem ?? 'Autotask' });
    return reply.code(201).send({ ...integrationView(ctx.state, org), partnerKey, credentials: { vendor_key: ctx.state.vendorKey, partner_key: partnerKey } });
  });
  /** The partner regenerates its key (the old one is refused from now on, nothing else changes). */
  app.post('/organizations/regenerate-key', async (request) => {
    const org = orgFor(request);
    ctx.state.organizations.delete(org.partnerKey);
    org.partnerKey = `gp_${ctx.state.rng.hex(40)}`;
    ctx.state.organizations.set(org.partnerKey, org);
    return { partnerKey: org.partnerKey };
  });
  app.post('/disconnect', async (request) => ({ ...disconnect(orgFor(request)), status: orgFor(request).status }));

  // ── the PSA behind Gradient ──
  app.get('/psa', async (request) => {
    const org = orgFor(request);
    return {
      system: org.psa.system,
      companies: [...org.psa.companies.values()],
      products: [...org.psa.products.values()],
      quantities: [...org.psa.quantities].map(([k, quantity]) => {
        const [companyId, productId] = k.split('|');
        return { companyId, productId, quantity };
      }),
    };
  });
  app.post('/psa/companies', async (request, reply) => {
    const org = orgFor(request);
    const { name } = parseControl(nameSchema, request.body);
    const id = String(org.psa.companies.size + 250);
    org.psa.companies.set(id, { id, name });
    return reply.code(201).send({ id, name });
  });
  app.post('/psa/products', async (request, reply) => {
    const org = orgFor(request);
    const { name } = parseControl(nameSchema, request.body);
    const id = String(org.psa.products.size + 9000);
    org.psa.products.set(id, { id, name });
    return reply.code(201).send({ id, name });
  });
  app.put('/psa/quantities', async (request) => {
    const org = orgFor(request);
    const body = parseControl(quantitySchema, request.body);
    org.psa.quantities.set(quantityKey(body.companyId, body.productId), body.quantity);
    return body;
  });
  app.get('/tickets', async (request) => ({ items: orgFor(request).tickets }));

  // ── account mapping ──
  app.get('/accounts', async (request) => {
    const org = orgFor(request);
    return { total: org.accounts.length, distinct: distinctAccounts(org).length, items: distinctAccounts(org).map((a) => accountView(org, a)) };
  });
  app.post('/accounts/:id/map', async (request) => {
    const org = orgFor(request);
    const { id } = request.params as { id: string };
    const account = accountIn(org, id);
    const { psaId } = parseControl(mapSchema, request.body);
    if (!org.psa.companies.has(psaId)) throw new ControlError(404, `no PSA company ${psaId}`);
    org.accountMaps.set(id, { kind: 'mapped', psaId, by: 'person' });
    return accountView(org, account);
  });
  app.post('/accounts/:id/unmap', async (request) => {
    const org = orgFor(request);
    const { id } = request.params as { id: string };
    const account = accountIn(org, id);
    org.accountMaps.delete(id);
    return accountView(org, account);
  });
  app.post('/accounts/:id/exclude', async (request) => {
    const org = orgFor(request);
    const { id } = request.params as { id: string };
    const account = accountIn(org, id);
    org.accountMaps.set(id, { kind: 'excluded' });
    return accountView(org, account);
  });

  // ── service mapping ──
  app.get('/services', async (request) => {
    const org = orgFor(request);
    return { items: [...ctx.state.skus.values()].map((s) => serviceView(org, s)) };
  });
  app.post('/services/:id/map', async (request) => {
    const org = orgFor(request);
    const { id } = request.params as { id: string };
    const sku = skuIn(id);
    const { psaId } = parseControl(mapSchema, request.body);
    if (!org.psa.products.has(psaId)) throw new ControlError(404, `no PSA product ${psaId}`);
    org.serviceMaps.set(id, { kind: 'mapped', psaId, by: 'person' });
    return serviceView(org, sku);
  });
  app.post('/services/:id/unmap', async (request) => {
    const org = orgFor(request);
    const { id } = request.params as { id: string };
    const sku = skuIn(id);
    org.serviceMaps.delete(id);
    return serviceView(org, sku);
  });
  app.post('/services/:id/exclude', async (request) => {
    const org = orgFor(request);
    const { id } = request.params as { id: string };
    const sku = skuIn(id);
    org.serviceMaps.set(id, { kind: 'excluded' });
    return serviceView(org, sku);
  });

  // ── what the MSP sees ──
  app.get('/counts', async (request) => {
    const org = orgFor(request);
    const names = new Map(distinctAccounts(org).map((a) => [a.id, a.name]));
    return {
      builds: org.builds,
      lastBuildAt: org.lastBuildAt,
      items: [...org.counts.values()].map((c) => ({
        ...c,
        serviceName: ctx.state.skus.get(c.serviceId)?.name ?? null,
        accountName: names.get(c.accountId) ?? null,
        /** Whether the billing view already shows this value. */
        built: org.built.get(`${c.serviceId}|${c.accountId}`)?.unitCount === c.unitCount,
      })),
    };
  });
  app.get('/cards', async (request) => ({ items: serviceCards(ctx.state, orgFor(request)) }));

  // ── the alert queue ──
  app.get('/alerts', async (request) => ({
    settings: ctx.state.alerting,
    items: [...orgFor(request).alerts.values()].map((m) => ({ ...debugView(m), alertId: m.alertId, accountId: m.accountId, title: m.title, priority: m.priority, reads: m.reads })),
  }));
  app.put('/alerting', async (request) => {
    const body = parseControl(alertingSchema, request.body ?? {});
    Object.assign(ctx.state.alerting, Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined)));
    return ctx.state.alerting;
  });
  /** Processes every pending message now, as Gradient's worker would. */
  app.post('/alerts/process', async (request) => {
    const org = orgFor(request);
    const at = new Date(ctx.clock.nowMs()).toISOString();
    let processed = 0;
    for (const m of org.alerts.values()) {
      if (m.outcome !== 'pending') continue;
      processAlert(ctx.state, org, m, at);
      processed++;
    }
    return { processed };
  });

  // ── limits ──
  const limitsView = () => ({ ...ctx.state.limits, used: ctx.state.rate.used(ctx.clock.nowMs()), refused: ctx.state.rate.refused, peakPerSecond: ctx.state.peakPerSecond });
  app.get('/limits', async () => limitsView());
  app.put('/limits', async (request) => {
    const body = parseControl(limitsSchema, request.body ?? {});
    if (body.requestsPerSecond !== undefined) {
      ctx.state.limits.requestsPerSecond = body.requestsPerSecond;
      ctx.state.rate.settings = { limit: body.requestsPerSecond, windowMs: 1000 };
    }
    if (body.anomaly !== undefined) ctx.state.limits.anomaly = body.anomaly;
    if (body.resetWindow === true) {
      ctx.state.rate.reset();
      ctx.state.peakPerSecond = 0;
    }
    return limitsView();
  });
}
