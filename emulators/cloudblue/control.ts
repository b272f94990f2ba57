// CloudBlue additions to the control API (/_emulator/…): the version the instance reports, API keys
// (add, revoke), customers (inspect, add, change: status, primary contact, external links) and
// tickets (inspect, and change a status as a technician would in the PSA's UI).
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ControlError, parseControl, type EmulatorContext } from '../kit/server.ts';
import { createRng } from '../kit/prng.ts';
import { TECHNICIAN } from './datasets.ts';
import { CbError } from './errors.ts';
import type { CloudBlueState, Customer, ExternalLink, PrimaryContact } from './state.ts';
import { customerView, noteView, ticketView } from './views.ts';
import { addNote, getTicket, setTicketStatus } from './writes.ts';

const versionSchema = z.strictObject({ version: z.string().regex(/^\d+\.\d+(\.\d+){0,2}$/, 'a version such as 4.25 or 4.28.2.1043') });
const keySchema = z.strictObject({ name: z.string().min(1).optional(), userName: z.string().min(1).optional(), key: z.string().min(8).optional() });
const contactSchema = z.strictObject({ firstName: z.string(), lastName: z.string(), email: z.string().nullable().optional(), phone: z.string().nullable().optional() });
const linkSchema = z.strictObject({ system: z.string().min(1), externalId: z.string().min(1), externalName: z.string().optional() });
const customerFields = {
  name: z.string().min(1),
  status: z.string().min(1),
  primaryContact: contactSchema.nullable(),
  external: z.array(linkSchema),
  phone: z.string().nullable(),
  email: z.string().nullable(),
  city: z.string().nullable(),
  country: z.string().nullable(),
};
const customerCreateSchema = z.strictObject(customerFields).partial().required({ name: true });
const customerPatchSchema = z.strictObject(customerFields).partial();
const technicianStatusSchema = z.strictObject({ status: z.union([z.string().min(1), z.int().positive()]), note: z.string().min(1).optional(), technician: z.string().min(1).optional() });
const ticketsQuerySchema = z.object({
  customerId: z.coerce.number().int().optional(),
  externalReference: z.string().optional(),
  limit: z.coerce.number().int().positive().optional(),
});

/** Runs an API write from the control API, answering its validation errors in the control shape. */
function asControl<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof CbError) throw new ControlError(e.status, e.message, e.modelState);
    throw e;
  }
}

export function cloudBlueControlRoutes(app: FastifyInstance, ctx: EmulatorContext<CloudBlueState>): void {
  const now = () => ctx.clock.nowMs();

  app.get('/version', async () => ({ version: ctx.state.version }));
  app.put('/version', async (request) => {
    ctx.state.version = parseControl(versionSchema, request.body).version;
    return { version: ctx.state.version };
  });

  app.get('/api-keys', async () => ({ items: [...ctx.state.apiKeys.values()].map((k) => ({ ...k, createdAt: new Date(k.createdMs).toISOString() })) }));
  app.post('/api-keys', async (request, reply) => {
    const body = parseControl(keySchema, request.body ?? {});
    const s = ctx.state;
    const key = body.key ?? createRng(`cloudblue/key/${s.apiKeys.size}/${now()}`).hex(40);
    if (s.apiKeys.has(key)) throw new ControlError(409, 'that key exists');
    const record = { key, name: body.name ?? `Key ${s.apiKeys.size + 1}`, userName: body.userName ?? 'API User', createdMs: now() };
    s.apiKeys.set(key, record);
    return reply.code(201).send(record);
  });
  app.delete('/api-keys/:key', async (request, reply) => {
    const { key } = request.params as { key: string };
    if (!ctx.state.apiKeys.delete(key)) throw new ControlError(404, 'no such key');
    return reply.code(204).send();
  });

  const statusIdOf = (name: string) => {
    const s = ctx.state.lookups.customerStatuses.find((x) => x.Name.toLowerCase() === name.toLowerCase());
    if (!s) throw new ControlError(400, `no customer status '${name}' (one of ${ctx.state.lookups.customerStatuses.map((x) => x.Name).join(', ')})`);
    return s.Id;
  };
  const contactOf = (c: z.infer<typeof contactSchema> | null): PrimaryContact | null =>
    c === null ? null : { firstName: c.firstName, lastName: c.lastName, email: c.email ?? null, phone: c.phone ?? null };
  const linksOf = (links: z.infer<typeof linkSchema>[], name: string): ExternalLink[] =>
    links.map((l) => ({ system: l.system, externalId: l.externalId, externalName: l.externalName ?? name }));
  const customerOf = (id: string): Customer => {
    const c = ctx.state.customers.get(Number(id));
    if (!c) throw new ControlError(404, `no customer ${id}`);
    return c;
  };

  app.get('/customers/:id', async (request) => customerView(ctx.state, customerOf((request.params as { id: string }).id)));
  app.post('/customers', async (request, reply) => {
    const body = parseControl(customerCreateSchema, request.body);
    const t = now();
    const c = ctx.state.addCustomer({
      name: body.name, statusId: statusIdOf(body.status ?? 'Active'), contact: contactOf(body.primaryContact ?? null),
      phone: body.phone ?? null, email: body.email ?? null, website: null, city: body.city ?? null, country: body.country ?? null,
      external: linksOf(body.external ?? [], body.name), createdMs: t, modifiedMs: t,
    });
    return reply.code(201).send(customerView(ctx.state, c));
  });
  app.patch('/customers/:id', async (request) => {
    const c = customerOf((request.params as { id: string }).id);
    const body = parseControl(customerPatchSchema, request.body);
    if (body.name !== undefined) c.name = body.name;
    if (body.status !== undefined) c.statusId = statusIdOf(body.status);
    if (body.primaryContact !== undefined) c.contact = contactOf(body.primaryContact);
    if (body.external !== undefined) c.external = linksOf(body.external, c.name);
    if (body.phone !== undefined) c.phone = body.phone;
    if (body.email !== undefined) c.email = body.email;
    if (body.city !== undefined) c.city = body.city;
    if (body.country !== undefined) c.country = body.country;
    c.modifiedMs = now();
    return customerView(ctx.state, c);
  });

  app.get('/tickets', async (request) => {
    const q = parseControl(ticketsQuerySchema, request.query);
    const all = [...ctx.state.tickets.values()].filter(
      (t) => (q.customerId === undefined || t.customerId === q.customerId) && (q.externalReference === undefined || t.externalReference === q.externalReference),
    );
    return { total: all.length, items: all.slice(0, q.limit ?? 100).map((t) => ticketView(ctx.state, t)) };
  });
  app.get('/tickets/:id', async (request) => {
    const id = Number((request.params as { id: string }).id);
    const t = asControl(() => getTicket(ctx.state, id));
    return { ...ticketView(ctx.state, t), Notes: (ctx.state.notes.get(id) ?? []).map(noteView) };
  });
  /** A technician changes the status in the PSA (optionally with a note), as the tickets loop will see it. */
  app.post('/tickets/:id/status', async (request) => {
    const id = Number((request.params as { id: string }).id);
    const body = parseControl(technicianStatusSchema, request.body);
    return asControl(() => {
      const t = setTicketStatus(ctx.state, id, { Status: body.status }, now());
      if (body.note !== undefined) addNote(ctx.state, id, { Text: body.note, IsPublic: true }, body.technician ?? TECHNICIAN, now());
      return ticketView(ctx.state, t);
    });
  });
}
