// The HTTP surface: `GET /login/companyinfo/{company}` (no auth), the callback signing-key URL (no
// auth) and everything under /v4_6_release/apis/3.0: list (bare JSON array + Link header), count,
// get, create (201), PUT, PATCH (JSON-patch array), delete (204), POST /service/tickets/search.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { EmulatorContext } from '../kit/server.ts';
import { authenticate, type Caller } from './auth.ts';
import { KEY_PATH, type Deliveries } from './callbacks.ts';
import { changed } from './changes.ts';
import { CwError } from './errors.ts';
import { countRows, linkHeader, parseListQuery, runList } from './listing.ts';
import type { WriteCtx } from './model.ts';
import { route, type Route } from './routing.ts';
import type { CwState, Row } from './state.ts';
import { API_PREFIX, project, view, type ViewCtx } from './views.ts';
import { createRow, deleteRow, patchRow, replaceRow } from './writes.ts';

type Ctx = EmulatorContext<CwState>;

export function companyInfo(state: CwState, host: string): Record<string, unknown> {
  return {
    CompanyName: state.info.companyName,
    Codebase: state.info.codebase,
    VersionCode: state.info.versionCode,
    VersionNumber: state.info.versionNumber,
    CompanyID: state.info.companyId,
    IsCloud: false,
    SiteUrl: host,
  };
}

const origin = (request: FastifyRequest) => `${request.protocol}://${request.headers.host ?? request.hostname}`;

export function restRoutes(deliveries: Deliveries) {
  return (app: FastifyInstance, ctx: Ctx): void => {
    app.setErrorHandler((error: Error & { statusCode?: number }, _request, reply) => {
      if (error instanceof CwError) {
        for (const [k, v] of Object.entries(error.headers)) reply.header(k, v);
        return reply.code(error.status).type('application/json').send(error.body());
      }
      const status = typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
      const message = status === 500 ? 'An unexpected error occurred.' : error.message;
      return reply.code(status).type('application/json').send(new CwError(status, message).body());
    });
    // Some clients send JSON-patch bodies with their own media type.
    app.addContentTypeParser('application/json-patch+json', { parseAs: 'string' }, (_req, body, done) => {
      try {
        done(null, JSON.parse(typeof body === 'string' ? body : body.toString('utf8')) as unknown);
      } catch {
        done(new CwError(400, 'The request body is not valid JSON.'), undefined);
      }
    });

    app.get('/login/companyinfo/:company', async (request, reply) => {
      const { company } = request.params as { company: string };
      const state = ctx.state;
      // An unknown company answers a null body [S:DJCW api.py].
      if (company.toLowerCase() !== state.info.companyId.toLowerCase()) return reply.type('application/json').send('null');
      return companyInfo(state, request.headers.host ?? '');
    });

    app.get(KEY_PATH, async (request) => {
      const id = (request.query as { id?: string }).id ?? '';
      const key = ctx.state.signingKeys.get(id);
      if (key === undefined) throw new CwError(404, `No callback signing key ${id}.`);
      return { signing_key: key };
    });

    app.all(`${API_PREFIX}/*`, async (request, reply) => handle(ctx, deliveries, request, reply));
  };
}

async function handle(ctx: Ctx, deliveries: Deliveries, request: FastifyRequest, reply: FastifyReply): Promise<unknown> {
  const raw = request.url;
  const q = raw.indexOf('?');
  const path = q < 0 ? raw : raw.slice(0, q);
  const segments = path.slice(API_PREFIX.length).split('/').filter((s) => s !== '').map((s) => decodeURIComponent(s));
  const caller = authenticate(ctx.state, request.headers);
  const state = ctx.state;
  const r = route(segments);
  if (!r) throw new CwError(404, `No resource at ${path}.`);
  const method = request.method.toUpperCase();
  const v: ViewCtx = { state, base: `${origin(request)}${API_PREFIX}` };
  const url = new URL(raw, origin(request));
  const params = url.searchParams;

  if (r.parentId !== undefined && r.def.parent && !state.table(r.def.parent.key).rows.has(r.parentId)) {
    throw new CwError(404, `${r.def.parent.key === 'agreements' ? 'Agreement' : r.def.parent.key === 'tickets' ? 'Ticket' : 'Board'} ${r.parentId} was not found.`);
  }
  const allowed = (m: string) => (r.def.methods as readonly string[]).includes(m);
  if (!allowed(method === 'HEAD' ? 'GET' : method)) throw new CwError(405, `${method} is not supported on ${path}.`);
  const source = (): Iterable<Row> => (r.parentId !== undefined ? state.table(r.def.key).children(r.parentId) : state.table(r.def.key).rows.values());

  switch (r.kind) {
    case 'collection':
    case 'search': {
      if (r.kind === 'collection' && method === 'POST') {
        const result = createRow(r.def, request.body, writeCtx(ctx, caller, r));
        changed(ctx, deliveries, r.def, 'added', result.row, writeCtx(ctx, caller, r), result.skipCallback);
        return reply.code(201).send(view(r.def, result.row, v));
      }
      if (r.kind === 'search' && method !== 'POST') throw new CwError(405, `${method} is not supported on ${path}.`);
      if (r.kind === 'collection' && method !== 'GET') throw new CwError(405, `${method} is not supported on ${path}.`);
      if (r.kind === 'search') {
        // The search body carries the list parameters (conditions, orderBy, …).
        const body = (request.body ?? {}) as Record<string, unknown>;
        for (const [k, val] of Object.entries(body)) if (typeof val === 'string' || typeof val === 'number') params.set(k, String(val));
      }
      const query = parseListQuery(r.def, state, params, String(request.headers['pagination-type'] ?? '').toLowerCase() === 'forward-only');
      const page = runList(source(), query);
      const link = linkHeader(url, query, page);
      if (link) reply.header('link', link);
      const items = page.rows.map((row) => view(r.def, row, v));
      return reply.send(query.fields ? items.map((i) => project(i, query.fields as string[][])) : items);
    }
    case 'count': {
      if (method !== 'GET') throw new CwError(405, `${method} is not supported on ${path}.`);
      const query = parseListQuery(r.def, state, params, false);
      return { count: countRows(source(), query) };
    }
    case 'item': {
      const row = state.table(r.def.key).rows.get(r.id as number);
      const inParent = row && (r.parentId === undefined || !r.def.parent || row[r.def.parent.field] === r.parentId);
      if (!row || !inParent) throw new CwError(404, `${r.def.label} ${r.id} was not found.`);
      const w = writeCtx(ctx, caller, r);
      switch (method) {
        case 'GET':
        case 'HEAD': {
          const fieldsRaw = params.get('fields');
          const out = view(r.def, row, v);
          return fieldsRaw ? project(out, fieldsRaw.split(',').map((f) => f.trim().split('/'))) : out;
        }
        case 'PUT': {
          const result = replaceRow(r.def, row, request.body, w);
          changed(ctx, deliveries, r.def, 'updated', result.row, w, result.skipCallback);
          return view(r.def, result.row, v);
        }
        case 'PATCH': {
          const result = patchRow(r.def, row, request.body, w);
          changed(ctx, deliveries, r.def, 'updated', result.row, w, result.skipCallback);
          return view(r.def, result.row, v);
        }
        case 'DELETE': {
          deleteRow(r.def, row, w);
          changed(ctx, deliveries, r.def, 'deleted', row, w, false);
          return reply.code(204).send();
        }
        default:
          throw new CwError(405, `${method} is not supported on ${path}.`);
      }
    }
  }
}

function writeCtx(ctx: Ctx, caller: Caller, r: Route): WriteCtx {
  return { state: ctx.state, nowMs: ctx.clock.nowMs(), actor: caller.identifier, actorMemberId: caller.memberId, ...(r.parentId !== undefined ? { parentId: r.parentId } : {}) };
}
