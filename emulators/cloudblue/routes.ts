// The emulated API under /webapi/v1.3. Only `GET tickets/getticketsreport` with `api_key` and the
// grid `filter` is documented (reference/psa.md §C.1); every other route extends that pattern as
// §C.2 proposes, and README.md lists which is which.
import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import type { EmulatorContext } from '../kit/server.ts';
import { authenticate, queryParam } from './auth.ts';
import { CbError } from './errors.ts';
import { parseGridQuery, runGrid, type GridDefinition } from './grid.ts';
import { customersGrid, linkedCustomersGrid, linkRows, ticketsGrid } from './reports.ts';
import type { ApiKey, CloudBlueState } from './state.ts';
import { customerView, noteView, ticketView } from './views.ts';
import { addNote, createTicket, getTicket, setTicketStatus, updateTicket } from './writes.ts';

export const API_BASE = '/webapi/v1.3';
export const PRODUCT_NAME = 'CloudBlue PSA';

declare module 'fastify' {
  interface FastifyRequest {
    cloudBlueKey?: ApiKey;
  }
}

function idParam(request: FastifyRequest): number {
  const raw = (request.params as { id: string }).id;
  if (!/^\d+$/.test(raw)) throw new CbError(404, `No HTTP resource was found that matches the request URI '${request.url.split('?')[0]}'.`);
  return Number(raw);
}

export function apiRoutes(app: FastifyInstance, ctx: EmulatorContext<CloudBlueState>): void {
  app.setErrorHandler((error: FastifyError | CbError, _request, reply) => {
    if (error instanceof CbError) {
      return reply.code(error.status).send({ Message: error.message, ...(error.modelState ? { ModelState: error.modelState } : {}) });
    }
    const status = error.statusCode ?? 500;
    if (status >= 500) return reply.code(status).send({ Message: 'An error has occurred.' });
    return reply.code(status).send({ Message: error.message });
  });
  // Before the body is read, so a missing key answers 401 whatever the body holds.
  app.addHook('onRequest', async (request) => {
    request.cloudBlueKey = authenticate(ctx.state, request);
  });
  const by = (request: FastifyRequest) => request.cloudBlueKey?.userName ?? 'API';
  const now = () => ctx.clock.nowMs();

  app.get(`${API_BASE}/system/getversion`, async () => ({ Product: PRODUCT_NAME, Version: ctx.state.version, ApiVersion: '1.3' }));

  const report = <R>(path: string, grid: (s: CloudBlueState) => GridDefinition<R>, rows: (s: CloudBlueState) => Iterable<R>) =>
    app.get(`${API_BASE}${path}`, async (request) => {
      const s = ctx.state;
      const g = grid(s);
      return runGrid(g, parseGridQuery(g, queryParam(request, 'filter')), rows(s)).rows;
    });
  report('/tickets/getticketsreport', ticketsGrid, (s) => s.tickets.values());
  report('/customers/getcustomersreport', customersGrid, (s) => s.customers.values());
  report('/customers/getlinkedcustomersreport', linkedCustomersGrid, linkRows);

  // Lookups (static routes win over /{id} in the router).
  app.get(`${API_BASE}/tickets/types`, async () => ctx.state.lookups.types);
  app.get(`${API_BASE}/tickets/categories`, async (request) => {
    const L = ctx.state.lookups;
    const raw = queryParam(request, 'typeid');
    if (raw !== undefined && !/^\d+$/.test(raw)) throw new CbError(400, `typeId '${raw}' is not a number.`);
    const list = raw === undefined ? L.categories : L.categories.filter((c) => c.TypeId === Number(raw));
    return list.map((c) => ({ ...c, Type: L.types.find((t) => t.Id === c.TypeId)?.Name ?? null }));
  });
  app.get(`${API_BASE}/tickets/teams`, async () => ctx.state.lookups.teams);
  app.get(`${API_BASE}/tickets/statuses`, async () => ctx.state.lookups.statuses);
  app.get(`${API_BASE}/tickets/priorities`, async () => ctx.state.lookups.priorities);
  app.get(`${API_BASE}/customers/statuses`, async () => ctx.state.lookups.customerStatuses);
  app.get(`${API_BASE}/externalsystems`, async () => ctx.state.lookups.externalSystems);

  app.get(`${API_BASE}/customers/:id`, async (request) => {
    const id = idParam(request);
    const c = ctx.state.customers.get(id);
    if (!c) throw new CbError(404, `Customer ${id} was not found.`);
    return customerView(ctx.state, c);
  });

  app.post(`${API_BASE}/tickets`, async (request) => {
    const t = createTicket(ctx.state, request.body, by(request), now());
    return { Id: t.id, RefNumber: t.refNumber };
  });
  app.get(`${API_BASE}/tickets/:id`, async (request) => ticketView(ctx.state, getTicket(ctx.state, idParam(request))));
  app.put(`${API_BASE}/tickets/:id`, async (request) => ticketView(ctx.state, updateTicket(ctx.state, idParam(request), request.body, now())));
  app.put(`${API_BASE}/tickets/:id/status`, async (request) => ticketView(ctx.state, setTicketStatus(ctx.state, idParam(request), request.body, now())));
  app.get(`${API_BASE}/tickets/:id/notes`, async (request) => {
    const id = idParam(request);
    getTicket(ctx.state, id);
    return (ctx.state.notes.get(id) ?? []).map(noteView);
  });
  app.post(`${API_BASE}/tickets/:id/notes`, async (request) => noteView(addNote(ctx.state, idParam(request), request.body, by(request), now())));
}
