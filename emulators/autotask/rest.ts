// The REST API under /ATServicesRest (any case): zone discovery, version information, and everything
// under V1.0 — query / count / next page, get, create, update, replace, delete, parent-child routes,
// entityInformation and ThresholdInformation. Paths are matched case-insensitively by hand, since the
// real API ignores case and Fastify's router does not; the limits (request threshold, thread limit)
// wrap every authenticated call.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { EmulatorContext } from '../kit/server.ts';
import { authenticate } from './auth.ts';
import { AtError, badRequest, methodNotAllowed, notFound } from './errors.ts';
import { entitiesByLower, entities, parentOf, type ChildRoute, type EntityDef, type Method } from './entities.ts';
import { countQuery, parseQuery, runQuery, type ParsedQuery } from './query.ts';
import type { AutotaskState, Row } from './state.ts';
import { UNIT_ID_FACTOR, lineTable, unitRows } from './units.ts';
import { udfDefinitions } from './values.ts';
import { view } from './views.ts';
import { adjust, create, remove, update, type Parent, type WriteContext } from './writes.ts';
import { entityChanged } from './webhooks.ts';

type Ctx = EmulatorContext<AutotaskState>;

interface Call {
  ctx: Ctx;
  state: AutotaskState;
  method: Method;
  body: unknown;
  params: URLSearchParams;
  write: WriteContext;
  zoneBase: string;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function zoneBase(ctx: Ctx): string {
  return `${ctx.url}/ATServicesRest/`;
}

export function restRoutes(app: FastifyInstance, ctx: Ctx): void {
  app.setErrorHandler((error: Error & { statusCode?: number }, _request, reply) => {
    if (error instanceof AtError) {
      for (const [k, v] of Object.entries(error.headers)) reply.header(k, v);
      return reply.code(error.status).send({ errors: error.messages });
    }
    const status = typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    return reply.code(status).send({ errors: [status === 500 ? 'An unexpected error has occurred.' : error.message] });
  });
  app.all('/*', (request, reply) => handle(ctx, request, reply));
}

async function handle(ctx: Ctx, request: FastifyRequest, reply: FastifyReply): Promise<unknown> {
  const raw = request.url;
  const q = raw.indexOf('?');
  const path = q < 0 ? raw : raw.slice(0, q);
  const params = new URLSearchParams(q < 0 ? '' : raw.slice(q + 1));
  if (path === '/_emulator' || path.startsWith('/_emulator/')) {
    return reply.code(404).send({ error: { code: 'not_found', message: `No control route ${request.method} ${raw}` } });
  }
  const segs = path.split('/').filter((s) => s !== '').map((s) => decodeURIComponent(s));
  const lower = segs.map((s) => s.toLowerCase());
  if (lower[0] !== 'atservicesrest') throw new AtError(404, 'Not found');
  const method = request.method.toUpperCase() as Method;
  const state = ctx.state;

  if (lower[1] === 'versioninformation' && lower.length === 2) return { apiVersions: ['1.0'] };
  if (lower[1] !== 'v1.0') throw new AtError(404, 'Not found');
  const rest = segs.slice(2);
  const lrest = lower.slice(2);

  if (lrest[0] === 'zoneinformation' && lrest.length === 1) {
    if (method !== 'GET') throw methodNotAllowed(method);
    const user = params.get('user')?.trim().toLowerCase() ?? '';
    if (user === '' || !state.users.has(user)) throw new AtError(500, 'Zone information could not be determined');
    return { zoneName: state.info.zoneName, url: zoneBase(ctx), webUrl: `${ctx.url}/`, ci: state.info.ci };
  }

  const { user, integrationCode } = authenticate(state, request.headers);
  const limits = state.limits;
  const now = ctx.clock.nowMs();
  const windowMs = limits.timeframeMinutes * 60_000;
  const used = state.window.count(now, windowMs);
  if (used >= limits.threshold) {
    state.threads.stats.refusedThreshold++;
    const oldest = state.window.oldest() ?? now;
    const retry = Math.max(1, Math.ceil((oldest + windowMs - now) / 1000));
    throw new AtError(
      429,
      `The request threshold of ${limits.threshold} requests per ${limits.timeframeMinutes} minutes has been exceeded for this database. API access is suspended until usage drops below the threshold.`,
      { 'retry-after': String(retry) },
    );
  }
  state.window.add(now);
  const endpoint = endpointOf(lrest);
  const key = `${integrationCode}|${endpoint}`;
  if (!state.threads.tryEnter(key, limits.threadLimit)) {
    state.threads.stats.refusedThreads++;
    throw new AtError(
      429,
      `Thread limit exceeded: this integration already has ${limits.threadLimit} concurrent requests in progress on the ${endpoint} endpoint. Wait for one to finish before sending another.`,
      { 'retry-after': '1' },
    );
  }
  try {
    const ratio = (used + 1) / limits.threshold;
    const latency = ratio >= 0.75 ? limits.latencyAt75Ms : ratio >= 0.5 ? limits.latencyAt50Ms : 0;
    // Counted by tier, so tests can set the delays to 0 and still see the throttling happen.
    if (ratio >= 0.5) state.threads.stats.delayed++;
    if (latency + limits.workDelayMs > 0) await sleep(latency + limits.workDelayMs);
    const impersonated = Number(request.headers['impersonationresourceid']);
    const resourceId = Number.isInteger(impersonated) && state.table('Resources').rows.has(impersonated) ? impersonated : user.resourceId;
    const call: Call = {
      ctx,
      state: ctx.state,
      method,
      body: request.body,
      params,
      zoneBase: zoneBase(ctx),
      write: {
        state: ctx.state,
        nowMs: ctx.clock.nowMs(),
        resourceId,
        changed: (entity, action, row, fields) => entityChanged(ctx, entity, action, row, fields, resourceId),
      },
    };
    return dispatch(call, rest, lrest, windowMs);
  } finally {
    state.threads.leave(key);
  }
}

/** The "object endpoint" the thread limit counts: the entity a call reads or writes. */
function endpointOf(lrest: string[]): string {
  const first = lrest[0] ?? '';
  if (lrest.length >= 3 && /^\d+$/.test(lrest[1] ?? '')) {
    const p = parentOf(first);
    const child = p?.children.find((c) => c.segment.toLowerCase() === lrest[2]);
    if (child) return child.entity;
  }
  return entitiesByLower.get(first)?.name ?? first;
}

function dispatch(call: Call, rest: string[], lrest: string[], windowMs: number): unknown {
  const { state, method } = call;
  const first = lrest[0] ?? '';
  if (first === 'thresholdinformation' && lrest.length === 1) {
    if (method !== 'GET') throw methodNotAllowed(method);
    return {
      externalRequestThreshold: state.limits.threshold,
      requestThresholdTimeframe: state.limits.timeframeMinutes,
      currentTimeframeRequestCount: state.window.count(call.ctx.clock.nowMs(), windowMs),
    };
  }
  if (first === 'modules' && lrest.length === 1) return { modules: [{ key: 24, value: true }] };

  // Parent-child: /{P}/{pid}/{C}[/{id}|/entityInformation…]
  if (lrest.length >= 3 && /^\d+$/.test(lrest[1] ?? '')) {
    const p = parentOf(rest[0] as string);
    const route = p?.children.find((c) => c.segment.toLowerCase() === lrest[2]);
    if (p && route) return child(call, p.parent, route, Number(lrest[1]), lrest.slice(3));
  }

  const entity = entitiesByLower.get(first);
  if (!entity) throw new AtError(404, `The entity '${rest[0] ?? ''}' does not exist.`);
  const tail = lrest.slice(1);

  if (tail[0] === 'entityinformation') return entityInformation(call, entity, tail.slice(1));

  if (tail.length === 0) {
    if (entity.kind === 'adjustment') {
      if (method !== 'POST') throw methodNotAllowed(method);
      return { itemId: adjust(call.write, entity.name === 'ContractServiceAdjustments' ? 'service' : 'bundle', call.body) };
    }
    if (method === 'POST' && entity.root.create) return { itemId: create(call.write, entity, call.body) };
    if (method === 'PATCH' && entity.root.update) return { itemId: update(call.write, entity, call.body, 'update') };
    if (method === 'PUT' && entity.root.update) return { itemId: update(call.write, entity, call.body, 'replace') };
    if (entity.parentOnly && (method === 'POST' || method === 'PATCH' || method === 'PUT')) {
      throw new AtError(405, `${entity.name} can only be created or updated through its parent's URL (e.g. ${parentUrlHint(entity)}).`);
    }
    throw methodNotAllowed(method);
  }

  if (tail[0] === 'query' && entity.root.query) {
    if (tail.length === 1) return queryRoute(call, entity, 'page');
    if (tail.length === 2 && tail[1] === 'count') return queryRoute(call, entity, 'count');
    if (tail.length === 2 && tail[1] === 'next') return queryRoute(call, entity, 'next');
  }

  if (tail.length === 1 && /^-?\d+$/.test(tail[0] as string)) {
    const id = Number(tail[0]);
    if (method === 'GET' && entity.root.query) return { item: getOne(state, entity, id) };
    if (method === 'DELETE' && entity.root.delete) return { itemId: remove(call.write, entity, id) };
    throw methodNotAllowed(method);
  }
  if (!entity.root.query && tail[0] === 'query') throw new AtError(405, `The ${entity.name} entity cannot be queried.`);
  throw new AtError(404, 'Not found');
}

function parentUrlHint(entity: EntityDef): string {
  for (const p of entities.values()) {
    const c = p.children.find((r) => r.entity === entity.name);
    if (c) return `/${p.name}/{id}/${c.segment}`;
  }
  return entity.name === 'UserDefinedFieldListItems' ? '/UserDefinedFields/{id}/ListItems' : '';
}

function getOne(state: AutotaskState, entity: EntityDef, id: number): Record<string, unknown> {
  if (entity.kind === 'units') {
    const kind = entity.name === 'ContractServiceUnits' ? 'service' : 'bundle';
    const line = state.table(lineTable(kind)).rows.get(Math.floor(id / UNIT_ID_FACTOR));
    const row = line ? unitRows(state, kind, line).find((r) => r.id === id) : undefined;
    if (!row) throw notFound(entity.name, id);
    return view(state, entity, row);
  }
  const row = state.table(entity.name).rows.get(id);
  if (!row) throw notFound(entity.name, id);
  return view(state, entity, row);
}

function readQuery(call: Call): unknown {
  if (call.method === 'POST') return call.body;
  if (call.method === 'GET') {
    const search = call.params.get('search');
    if (search === null) throw badRequest("A GET query needs the 'search' parameter (the query as JSON).");
    try {
      return JSON.parse(search) as unknown;
    } catch {
      throw badRequest("The 'search' parameter is not valid JSON.");
    }
  }
  throw methodNotAllowed(call.method);
}

interface Paging {
  pageSize: number;
  afterId?: number;
  beforeId?: number;
}

function readPaging(call: Call): Paging {
  const raw = call.params.get('paging');
  if (raw === null) throw badRequest("The 'paging' parameter is missing; follow nextPageUrl exactly as it was returned.");
  try {
    const p = JSON.parse(raw) as Record<string, unknown>;
    const out: Paging = { pageSize: Number(p.pageSize) };
    if (typeof p.lastId === 'number') out.afterId = p.lastId;
    if (typeof p.firstId === 'number') out.beforeId = p.firstId;
    if (!Number.isInteger(out.pageSize) || (out.afterId === undefined && out.beforeId === undefined)) throw new Error('bad');
    return out;
  } catch {
    throw badRequest("The 'paging' parameter is not valid.");
  }
}

function queryRoute(call: Call, entity: EntityDef, kind: 'page' | 'count' | 'next'): unknown {
  if (kind === 'next') {
    const paging = readPaging(call);
    // A POST re-sends the original body; a GET carries it in `search`.
    const body = call.method === 'POST' && call.body !== undefined ? call.body : readQueryFromSearch(call);
    const q = parseQuery(call.state, entity, body);
    q.maxRecords = Math.min(q.maxRecords, paging.pageSize);
    return page(call, entity, q, paging);
  }
  const q = parseQuery(call.state, entity, readQuery(call));
  if (kind === 'count') return { queryCount: countQuery(call.state, entity, q) };
  return page(call, entity, q, { pageSize: q.maxRecords });
}

function readQueryFromSearch(call: Call): unknown {
  const search = call.params.get('search');
  if (search === null) throw badRequest('Re-send the original query body to nextPageUrl (POST), or keep its search parameter (GET).');
  try {
    return JSON.parse(search) as unknown;
  } catch {
    throw badRequest("The 'search' parameter is not valid JSON.");
  }
}

function page(call: Call, entity: EntityDef, q: ParsedQuery, paging: Paging, basePath?: string): unknown {
  const cursor: { afterId?: number; beforeId?: number } = {};
  if (paging.afterId !== undefined) cursor.afterId = paging.afterId;
  if (paging.beforeId !== undefined) cursor.beforeId = paging.beforeId;
  const result = runQuery(call.state, entity, q, cursor);
  const items = result.rows.map((r) => view(call.state, entity, r, q.includeFields));
  const base = `${call.zoneBase}V1.0/${basePath ?? entity.name}/query/next`;
  const search = encodeURIComponent(JSON.stringify(q.search));
  const link = (p: Record<string, number>) => `${base}?paging=${encodeURIComponent(JSON.stringify(p))}&search=${search}`;
  const first = result.rows[0];
  const last = result.rows[result.rows.length - 1];
  return {
    items,
    pageDetails: {
      count: items.length,
      requestCount: q.maxRecords,
      prevPageUrl: result.hasPrev && first ? link({ pageSize: q.maxRecords, firstId: first.id }) : null,
      nextPageUrl: result.hasNext && last ? link({ pageSize: q.maxRecords, lastId: last.id }) : null,
    },
  };
}

function child(call: Call, parent: EntityDef, route: ChildRoute, parentId: number, tail: string[]): unknown {
  const { state, method } = call;
  const entity = entities.get(route.entity) as EntityDef;
  if (tail[0] === 'entityinformation') return entityInformation(call, entity, tail.slice(1));
  const parentRow = state.table(parent.name).rows.get(parentId);
  if (!parentRow) throw notFound(parent.name, parentId);
  const where: Parent = { field: route.parentField, id: parentId };
  if (tail.length === 0) {
    if (!route.collection.includes(method)) throw methodNotAllowed(method);
    if (method === 'GET') {
      const q = parseQuery(state, entity, { filter: [{ op: 'eq', field: route.parentField, value: parentId }] });
      return page(call, entity, q, { pageSize: q.maxRecords });
    }
    if (entity.kind === 'adjustment') return { itemId: adjust(call.write, entity.name === 'ContractServiceAdjustments' ? 'service' : 'bundle', call.body, parentId) };
    if (method === 'POST') return { itemId: create(call.write, entity, call.body, where) };
    return { itemId: update(call.write, entity, call.body, method === 'PUT' ? 'replace' : 'update', where) };
  }
  if (tail.length === 1 && /^-?\d+$/.test(tail[0] as string)) {
    if (!route.item.includes(method)) throw methodNotAllowed(method);
    const id = Number(tail[0]);
    if (method === 'DELETE') return { itemId: remove(call.write, entity, id, where) };
    const item = getOne(state, entity, id);
    if (item[route.parentField] !== parentId) throw notFound(entity.name, id);
    return { item };
  }
  throw new AtError(404, 'Not found');
}

function entityInformation(call: Call, entity: EntityDef, tail: string[]): unknown {
  if (call.method !== 'GET') throw methodNotAllowed(call.method);
  const { state } = call;
  if (tail.length === 0) {
    const viaParent = [...entities.values()].flatMap((p) => p.children).filter((c) => c.entity === entity.name);
    const listItemParent = entity.name === 'UserDefinedFieldListItems';
    const access = { userAccessForCreate: 'All', userAccessForDelete: 'All', userAccessForQuery: 'All', userAccessForUpdate: 'All' };
    return {
      info: {
        name: entity.name,
        canCreate: entity.root.create || listItemParent || viaParent.some((c) => c.collection.includes('POST')),
        canDelete: entity.root.delete || viaParent.some((c) => c.item.includes('DELETE')),
        canQuery: entity.root.query,
        canUpdate: entity.root.update || viaParent.some((c) => c.collection.includes('PATCH')),
        ...access,
        hasUserDefinedFields: entity.udfType !== null,
        supportsWebhookCallouts: entity.supportsWebhookCallouts,
      },
    };
  }
  if (tail.length === 1 && tail[0] === 'fields') {
    return {
      fields: entity.fields.map((f) => {
        const values = f.isPickList ? (state.picklists.get(`${entity.name}.${f.name}`) ?? []) : null;
        return {
          name: f.name,
          dataType: f.type,
          length: f.length ?? (f.type === 'string' ? 8000 : 0),
          isRequired: f.required,
          isReadOnly: f.readOnly,
          isQueryable: f.queryable,
          isReference: f.referenceEntityType !== null,
          referenceEntityType: f.referenceEntityType ?? '',
          isPickList: f.isPickList,
          picklistValues: values,
          picklistParentValueField: f.name === 'subIssueType' ? 'issueType' : '',
          isSupportedWebhookField: entity.supportsWebhookCallouts && !f.readOnly,
        };
      }),
    };
  }
  if (tail.length === 1 && tail[0] === 'userdefinedfields') {
    return {
      fields: udfDefinitions(state, entity).map((d: Row) => {
        const items = state.table('UserDefinedFieldListItems').children('udfFieldID', d.id);
        const type = state.picklists.get('UserDefinedFieldDefinitions.dataType')?.find((v) => v.value === String(d.dataType))?.label.toLowerCase() ?? 'string';
        return {
          name: d.name,
          label: d.name,
          type: type === 'list' ? 'string' : type,
          length: 8000,
          description: d.description ?? '',
          isRequired: d.isRequired === true,
          isReadOnly: false,
          isQueryable: true,
          isReference: false,
          referenceEntityType: '',
          isPickList: items.length > 0 || type === 'list',
          picklistValues: items.map((i, n) => ({
            value: String(i.valueForExport ?? i.valueForDisplay),
            label: String(i.valueForDisplay),
            isDefaultValue: d.defaultValue === i.valueForDisplay,
            sortOrder: n + 1,
            parentValue: '',
            isActive: i.isActive !== false,
            isSystem: i.isSystem === true,
          })),
          picklistParentValueField: '',
          defaultValue: d.defaultValue ?? null,
          isSupportedWebhookField: true,
        };
      }),
    };
  }
  throw new AtError(404, 'Not found');
}
