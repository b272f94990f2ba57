// The vendor API under /api/vendor-api (reference billing-and-peers.md §1.3, interworks-gradient-wire.md §2):
// eleven vendor operations and two alerting operations, each with the envelope it really has (wrapped
// for the vendor profile, service reads and the status route; bare for organization, accounts and
// service create), and no DELETE anywhere.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { EmulatorContext } from '../kit/server.ts';
import { readAlert } from './alerting.ts';
import { authenticate } from './auth.ts';
import { alertPriorities, integrationStatuses, serviceCategories, serviceSubcategories, type IntegrationStatus } from './enums.ts';
import { badRequest, errorBody, GradientError, noAccountMap, notFound } from './errors.ts';
import { autoMatchAccounts, isMapped, rebuildBilling } from './reconcile.ts';
import { countKey, type GradientState, type Organization, type Sku } from './state.ts';
import { Checks, isObject, isObjectId, type Body } from './validation.ts';
import { debugView, integrationView, skuView, vendorDataView } from './views.ts';

export const API_PREFIX = '/api/vendor-api';
const CLIENTS_PAGE = 50;

type Ctx = EmulatorContext<GradientState>;

const orgs = new WeakMap<FastifyRequest, Organization>();
const orgOf = (request: FastifyRequest): Organization => {
  const org = orgs.get(request);
  if (org === undefined) throw new GradientError(401, 'Unauthorized', false);
  return org;
};

function objectBody(body: unknown): Body {
  if (!isObject(body)) throw badRequest('The request body must be a JSON object');
  return body;
}

function checked(checks: Checks): void {
  if (checks.messages.length > 0) throw badRequest(checks.messages);
}

function skuOf(state: GradientState, serviceId: string): Sku {
  if (!isObjectId(serviceId)) throw badRequest('You have provided an invalid Id type');
  const sku = state.skus.get(serviceId);
  if (sku === undefined) throw notFound(`Service not found with id: ${serviceId}`);
  return sku;
}

function errorHandler(error: FastifyError | GradientError, _request: FastifyRequest, reply: FastifyReply) {
  if (error instanceof GradientError) return reply.code(error.status).send(error.body());
  const status = typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
  return reply.code(status).send(errorBody(status, status === 500 ? 'Internal server error' : error.message));
}

/** Becoming active is Gradient's move: on the first accepted count or alert of a pending integration. */
function touchActive(org: Organization, nowIso: string): void {
  org.lastSyncedAt = nowIso;
  if (org.status === 'pending') org.status = 'active';
}

export async function vendorApiRoutes(app: FastifyInstance, ctx: Ctx): Promise<void> {
  await app.register(
    async (api) => {
      api.setErrorHandler(errorHandler);
      api.setNotFoundHandler((request, reply) =>
        reply.code(404).send(errorBody(404, `Cannot ${request.method} ${request.url.split('?')[0]}`)),
      );
      api.addHook('onRequest', async (request) => {
        orgs.set(request, authenticate(ctx.state, request));
      });
      const now = () => new Date(ctx.clock.nowMs()).toISOString();

      // ── vendor profile ──
      api.get('/', async (request) => ({ status: 200, message: 'Success - Retrieved Vendor', data: vendorDataView(ctx.state, orgOf(request)) }));
      api.patch('/', async (request) => {
        const body = objectBody(request.body);
        const c = new Checks(body);
        const fields = {
          name: c.string('name', { nonEmpty: true }),
          description: c.string('description'),
          vendorSupportPageUrl: c.string('vendorSupportPageUrl'),
          integrationPortalUrl: c.string('integrationPortalUrl'),
        };
        checked(c);
        const given = Object.entries(fields).filter(([, v]) => v !== undefined);
        if (given.length === 0) throw badRequest('At least one of name, description, vendorSupportPageUrl, integrationPortalUrl is required');
        const v = ctx.state.vendor;
        for (const [k, value] of given) (v as unknown as Record<string, string>)[k] = value as string;
        v.updatedAt = now();
        return { data: vendorDataView(ctx.state, orgOf(request)), message: 'Success - Updated Vendor', status: 200 };
      });

      // ── integration (organization) ──
      api.get('/organization', async (request) => integrationView(ctx.state, orgOf(request)));
      api.patch('/organization/status/:status', async (request) => {
        const org = orgOf(request);
        const { status } = request.params as { status: string };
        if (!(integrationStatuses as readonly string[]).includes(status)) {
          throw badRequest([`status must be one of the following values: ${integrationStatuses.join(', ')}`]);
        }
        const next = status as IntegrationStatus;
        org.status = next;
        // Mapping opens when the vendor says pending; the first time, exact names match themselves.
        if (next === 'pending' && !org.autoMatched) autoMatchAccounts(org);
        return { data: integrationView(ctx.state, org), status: 200, message: 'Success - Updated Integration Status' };
      });

      // ── accounts ──
      api.get('/organization/accounts', async (request) => orgOf(request).accounts.map((a) => ({ ...a })));
      api.post('/organization/accounts', async (request, reply) => {
        const org = orgOf(request);
        const body = request.body;
        if (!Array.isArray(body)) throw badRequest('Validation failed (parsable array expected)');
        const checks = body.map((item, i) => {
          const c = new Checks(isObject(item) ? item : {}, `${i}.`);
          if (!isObject(item)) c.messages.push(`${i} must be an object`);
          const id = c.string('id', { required: true, nonEmpty: true });
          const name = c.string('name', { required: true, nonEmpty: true });
          const description = c.string('description');
          return { c, account: { id: id ?? '', name: name ?? '', description: description ?? '' } };
        });
        const messages = checks.flatMap((x) => x.c.messages);
        if (messages.length > 0) throw badRequest(messages);
        // Not idempotent: an id posted twice is two accounts (the SDK and CIPP list first for that reason).
        const created = checks.map((x) => x.account);
        org.accounts.push(...created.map((a) => ({ ...a })));
        return reply.code(201).send(created);
      });
      api.patch('/organization/accounts/:accountId', async (request) => {
        const org = orgOf(request);
        const { accountId } = request.params as { accountId: string };
        const body = objectBody(request.body);
        const c = new Checks(body);
        const id = c.string('id', { nonEmpty: true });
        const name = c.string('name', { nonEmpty: true });
        const description = c.string('description');
        checked(c);
        const matching = org.accounts.filter((a) => a.id === accountId);
        if (matching.length === 0) throw notFound(`Account not found with id: ${accountId}`);
        for (const a of matching) {
          if (name !== undefined) a.name = name;
          if (description !== undefined) a.description = description;
          if (id !== undefined) a.id = id;
        }
        if (id !== undefined && id !== accountId) {
          const m = org.accountMaps.get(accountId);
          if (m !== undefined) {
            org.accountMaps.delete(accountId);
            org.accountMaps.set(id, m);
          }
        }
        return { ...(matching[0] as NonNullable<(typeof matching)[0]>) };
      });
      api.get('/organization/clients', async (request) => {
        const org = orgOf(request);
        const q = request.query as { search?: string; previousId?: string };
        const search = (q.search ?? '').toLowerCase();
        const all = [...org.psa.companies.values()].filter((c) => search === '' || c.name.toLowerCase().includes(search));
        const start = q.previousId === undefined || q.previousId === '' ? 0 : all.findIndex((c) => c.id === q.previousId) + 1;
        const page = all.slice(start, start + CLIENTS_PAGE);
        return { meta: { total: all.length, pageSize: CLIENTS_PAGE, hasMore: start + CLIENTS_PAGE < all.length }, clients: page.map((c) => ({ id: c.id, name: c.name })) };
      });

      // ── services ──
      api.post('/service', async (request, reply) => {
        const org = orgOf(request);
        const c = new Checks(objectBody(request.body));
        const name = c.string('name', { required: true, nonEmpty: true });
        const description = c.string('description', { required: true });
        const category = c.oneOf('category', serviceCategories, { required: true });
        const subcategory = c.oneOf('subcategory', serviceSubcategories, { required: true });
        const supportArticle = c.string('supportArticle');
        const supportContact = c.string('supportContact');
        checked(c);
        const at = now();
        // Not de-duplicated by Gradient: a name posted twice is two services (vendors look up by name first).
        const id = ctx.state.objectId();
        ctx.state.skus.set(id, {
          id, name: name as string, description: description as string, logo: null,
          category: category as Sku['category'], subcategory: subcategory as Sku['subcategory'],
          supportArticle: supportArticle ?? null, supportContact: supportContact ?? null, createdAt: at, updatedAt: at,
        });
        return reply.code(201).send(vendorDataView(ctx.state, org));
      });
      api.get('/service/:serviceId', async (request) => {
        const { serviceId } = request.params as { serviceId: string };
        return { data: skuView(skuOf(ctx.state, serviceId)), message: 'Success - Retrieved Service', status: 200 };
      });
      api.patch('/service/:serviceId', async (request) => {
        const { serviceId } = request.params as { serviceId: string };
        const sku = skuOf(ctx.state, serviceId);
        const c = new Checks(objectBody(request.body));
        const name = c.string('name', { nonEmpty: true });
        const description = c.string('description');
        const category = c.oneOf('category', serviceCategories);
        const subcategory = c.oneOf('subcategory', serviceSubcategories);
        const supportArticle = c.string('supportArticle');
        const supportContact = c.string('supportContact');
        checked(c);
        if (name !== undefined) sku.name = name;
        if (description !== undefined) sku.description = description;
        if (category !== undefined) sku.category = category;
        if (subcategory !== undefined) sku.subcategory = subcategory;
        if (supportArticle !== undefined) sku.supportArticle = supportArticle;
        if (supportContact !== undefined) sku.supportContact = supportContact;
        sku.updatedAt = now();
        return { data: skuView(sku), message: 'Success - Updated Service', status: 200 };
      });

      // ── counts ──
      api.post('/service/:serviceId/count', async (request, reply) => {
        const org = orgOf(request);
        const { serviceId } = request.params as { serviceId: string };
        if (!isObjectId(serviceId)) throw badRequest('You have provided an invalid Id type');
        const c = new Checks(objectBody(request.body));
        const accountId = c.string('accountId', { required: true, nonEmpty: true });
        const unitCount = c.number('unitCount', { required: true, min: 0 });
        c.string('clientOId');
        checked(c);
        const noBuild = String((request.query as { no_build?: string }).no_build ?? 'false').toLowerCase() === 'true';
        const account = accountId as string;
        // The vendor cannot see mappings: an unknown or unmapped account, or an unknown or unmapped service, is one 404.
        const known = ctx.state.skus.has(serviceId) && org.accounts.some((a) => a.id === account);
        if (!known || !isMapped(org.serviceMaps.get(serviceId)) || !isMapped(org.accountMaps.get(account))) throw noAccountMap(account);
        const at = now();
        org.counts.set(countKey(serviceId, account), { serviceId, accountId: account, unitCount: unitCount as number, at, noBuild });
        if (!noBuild) rebuildBilling(org, at);
        touchActive(org, at);
        return reply.code(201).send({ status: 201, message: 'Success - Created Billing' });
      });

      // ── alerting ──
      api.post('/alerting/:accountId', async (request, reply) => {
        const org = orgOf(request);
        const { accountId } = request.params as { accountId: string };
        const c = new Checks(objectBody(request.body));
        const title = c.string('title', { required: true, nonEmpty: true });
        const description = c.string('description', { required: true });
        const alertId = c.string('alertId', { required: true, nonEmpty: true });
        const priority = c.number('priority', { integer: true, min: alertPriorities[0], max: alertPriorities[alertPriorities.length - 1] });
        const status = c.number('status', { integer: true, min: 0 });
        const dueDateTime = c.isoDate('dueDateTime');
        const serviceId = c.string('serviceId');
        checked(c);
        const at = now();
        if (ctx.state.alerting.dedupeAlertIds) {
          const earlier = [...org.alerts.values()].find((x) => x.alertId === alertId && x.accountId === accountId);
          if (earlier !== undefined) return reply.code(201).send({ messageId: earlier.messageId, alertId: earlier.alertId, correlationID: earlier.correlationID });
        }
        const m = {
          messageId: ctx.state.rng.uuid(),
          alertId: alertId as string,
          correlationID: ctx.state.rng.uuid(),
          accountId,
          serviceId: serviceId ?? null,
          title: title as string,
          description: description as string,
          priority: priority ?? 1,
          status: status ?? 1,
          dueDateTime: dueDateTime ?? null,
          createdAt: at,
          reads: 0,
          outcome: 'pending' as const,
          ticketId: null,
          statusCode: null,
          errors: [],
        };
        org.alerts.set(m.messageId, m);
        touchActive(org, at);
        return reply.code(201).send({ messageId: m.messageId, alertId: m.alertId, correlationID: m.correlationID });
      });
      api.get('/alerting/debug/:messageId', async (request) => {
        const org = orgOf(request);
        const { messageId } = request.params as { messageId: string };
        const m = org.alerts.get(messageId);
        if (m === undefined) throw notFound(`No message found with id: ${messageId}`);
        return debugView(readAlert(ctx.state, org, m, now()));
      });
    },
    { prefix: API_PREFIX },
  );
}
