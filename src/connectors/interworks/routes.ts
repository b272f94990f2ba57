// The Service Management API the BSS calls (reference/interworks-gradient-wire.md §1): one base
// path, routes matched without regard to case, `Addon/…` and `Addons/…` alike. Authorization by
// `X-CloudPlatform-ApplicationId` / `-APIKey` against a stored registration (401 otherwise);
// instance settings from `X-CloudPlatform-Setting-<FieldID>` headers; `X-CloudPlatform-TrackId` in
// every log line and audit entry. Replies are HTTP 200 `{Code, Message, Result}` (0 = success,
// negative codes with a message the BSS operator can act on), except where the reference says
// otherwise (Accounts/Exists answers 1 when found; Fields/Validate a bare list of errors).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { ServiceManagerError, type DistributorSettings, type InboundCall, type ServiceManagerHub, type SubscriptionAction } from '../service-manager-port.ts';
import { activationForm, readSettings, settingHeaders } from './fields.ts';
import { attributeIdOf, buildServiceDefinition, itemOfAttribute, TIER_ATTRIBUTE } from './service-definition.ts';
import * as wire from './wire.ts';

/** Reply codes (documented in docs/connectors/interworks.md). */
export const CODE = {
  ok: 0,
  failed: -1,
  badSettings: -2,
  badRequest: -3,
  wrongProductType: -4,
  notSynchronized: -5,
  unknownSubscription: -6,
  unavailableServices: -7,
  vendorFailed: -8,
  inProgress: -9,
  conflict: -10,
} as const;

const ERROR_CODES: Readonly<Record<ServiceManagerError['code'], number>> = {
  bad_settings: CODE.badSettings,
  bad_request: CODE.badRequest,
  wrong_product_type: CODE.wrongProductType,
  not_synchronized: CODE.notSynchronized,
  unknown_subscription: CODE.unknownSubscription,
  unavailable_services: CODE.unavailableServices,
  vendor_failed: CODE.vendorFailed,
  in_progress: CODE.inProgress,
  conflict: CODE.conflict,
};

const DENIED = { Message: 'Authorization has been denied for this request.' };

class BadBody extends Error {}

function parse<S extends z.ZodType>(schema: S, raw: unknown, what: string): z.output<S> {
  if (typeof raw !== 'string' || raw.trim() === '') throw new BadBody(`The request has no body: send the ${what} as JSON`);
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (error) {
    throw new BadBody(`The request body is not valid JSON (${(error as Error).message}): send the ${what} as JSON`);
  }
  const result = schema.safeParse(json);
  if (!result.success) {
    const issues = result.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`);
    throw new BadBody(`The ${what} is not valid: ${issues.join('; ')}`);
  }
  return result.data;
}

/** Both encodings a BSS may send the key in: base64 of the key (what the SDK decodes) and the key itself [I]. */
function presentedKeys(header: string): string[] {
  const keys = [header];
  if (/^[A-Za-z0-9+/]+={0,2}$/.test(header) && header.length % 4 === 0) {
    const decoded = Buffer.from(header, 'base64').toString('utf8');
    if (decoded !== '' && !decoded.includes('\uFFFD')) keys.unshift(decoded);
  }
  return keys;
}

const text = (v: string | null | undefined): string | null => (v === null || v === undefined || v.trim() === '' ? null : v.trim());

type Handler = (ctx: CallContext) => Promise<unknown>;

interface CallContext {
  call: InboundCall;
  body: unknown;
  settings: () => DistributorSettings;
  headers: Map<string, string>;
}

export interface ServiceManagementApiOptions {
  hub: ServiceManagerHub;
}

export async function serviceManagementRoutes(app: FastifyInstance, options: ServiceManagementApiOptions): Promise<void> {
  const { hub } = options;
  // Bodies are parsed per route, so a malformed one gets the BSS reply convention, not a 400.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));

  const headerSettings = (headers: Map<string, string>): DistributorSettings => {
    const read = readSettings(headers, { rejectUnknown: false });
    if (read.problems.length > 0) throw new ServiceManagerError('bad_settings', `The instance settings are incomplete: ${read.problems.join('; ')}`);
    return read.settings;
  };

  const subscription = (action: SubscriptionAction, options: { addons?: boolean } = {}): Handler => async ({ call, body, settings }) => {
    const def = parse(wire.serviceDefinition, body, 'ServiceDefinition');
    const order = toOrder(def, action, options.addons === true);
    const result = await hub.applySubscription(call, settings(), order);
    return { Code: CODE.ok, Message: order.checkOnly ? 'The order can be provisioned' : '', Result: result.externalId, AccountExtraInfo: {}, CustomFieldValues: {}, SendNotification: false, ExtraInfo: {} };
  };

  const routes: Record<string, { method: 'GET' | 'POST'; handle: Handler }> = {
    'fields/get': { method: 'GET', handle: async () => activationForm() },
    'fields/validate': {
      method: 'POST',
      handle: async ({ call, body, headers }) => {
        const form = parse(wire.fieldCollection, body, 'FieldCollection');
        const values = new Map(form.Fields.map((f) => [f.ID.trim().toLowerCase(), f.Value === null || f.Value === undefined ? '' : String(f.Value)]));
        const read = readSettings(new Map([...headers, ...values]), { rejectUnknown: false });
        const unknown = readSettings(values, { rejectUnknown: true }).problems.filter((p) => p.startsWith('Unknown field'));
        const problems = [...unknown, ...read.problems];
        if (problems.length > 0) return problems;
        return hub.validateSettings(call, read.settings);
      },
    },
    'fields/servicedefinition': {
      method: 'GET',
      handle: async ({ call, settings }) => {
        const catalogue = await hub.catalogue(call, settings());
        const built = buildServiceDefinition(catalogue);
        const firstNames = { ...built.names, ...catalogue.instance.firstNames };
        await hub.recordDefinition(catalogue.instance, built.summary, firstNames);
        return built.body;
      },
    },
    'fields/additionalinfo': { method: 'GET', handle: async () => ({}) },
    'accounts/syncoptions': {
      method: 'GET',
      handle: async () => ({
        Fields: [
          {
            ID: 'username',
            Definition: {
              ID: 'username',
              SortOrder: 1,
              Name: 'Administrator login',
              Description: "Login of the service provider's administrator in Acronis (filled with the customer's e-mail)",
              Kind: 'SimpleValue',
              DataType: 'Text',
              IsRequired: false,
              PredefinedValues: [],
              IsReadOnly: false,
              AvailableToStorefront: false,
            },
          },
        ],
      }),
    },
    'accounts/exists': {
      method: 'POST',
      handle: async ({ call, body, settings }) => {
        const account = parse(wire.accountDefinition, body, 'AccountDefinition');
        const tenantId = await hub.accountExists(call, settings(), account.ID);
        return tenantId === null ? { Code: 0, Message: `Account ${account.ID} has no service provider yet`, Result: null } : { Code: 1, Message: '', Result: tenantId };
      },
    },
    'accounts/synchronize': {
      method: 'POST',
      handle: async ({ call, body, settings }) => {
        const a = parse(wire.accountDefinition, body, 'AccountDefinition');
        const username = a.SyncOptions?.username;
        const result = await hub.synchronizeAccount(call, settings(), {
          accountId: a.ID,
          name: a.Name,
          email: text(a.Email),
          phone: text(a.Phone),
          website: text(a.WebSite),
          contact: { firstName: text(a.ContactDetails?.FirstName), lastName: text(a.ContactDetails?.LastName), email: text(a.ContactDetails?.Email), phone: text(a.ContactDetails?.Phone) },
          address: {
            address1: text(a.Address?.Address1),
            address2: text(a.Address?.Address2),
            city: text(a.Address?.City),
            zipcode: text(a.Address?.PostCode),
            state: text(a.Address?.State?.Code ?? a.Address?.State?.Name),
            country: text(a.Address?.Country?.Code ?? a.Address?.Country?.Name),
          },
          adminLogin: typeof username === 'string' ? text(username) : null,
        });
        return { Code: CODE.ok, Message: result.created ? 'Service provider created' : 'Service provider up to date', Result: result.tenantId, AccountExtraInfo: {}, GeneratedPassword: null };
      },
    },
    'accounts/delete': {
      method: 'POST',
      handle: async ({ call, body, settings }) => {
        const a = parse(wire.accountDefinition, body, 'AccountDefinition');
        const result = await hub.deleteAccount(call, settings(), a.ID);
        return { Code: CODE.ok, Message: result.tenantId === null ? 'No service provider to delete' : 'The service provider tenant was disabled (its data is kept)', Result: result.tenantId ?? a.ExternalID ?? null };
      },
    },
    'subscriptions/create': { method: 'POST', handle: subscription('create') },
    'subscriptions/update': { method: 'POST', handle: subscription('update') },
    'subscriptions/upgradetopaid': { method: 'POST', handle: subscription('update') },
    'subscriptions/upgradedowngrade': { method: 'POST', handle: subscription('update') },
    'subscriptions/activate': { method: 'POST', handle: subscription('activate') },
    'subscriptions/suspend': { method: 'POST', handle: subscription('suspend') },
    'subscriptions/cancel': { method: 'POST', handle: subscription('cancel') },
    'addons/create': { method: 'POST', handle: subscription('update', { addons: true }) },
    'addons/update': { method: 'POST', handle: subscription('update', { addons: true }) },
    'addons/cancel': { method: 'POST', handle: subscription('update', { addons: true }) },
    'ppu/usages': {
      method: 'POST',
      handle: async ({ call, body, settings }) => {
        const req = parse(wire.ppuRequest, body, 'PpuItemServiceRequest');
        const start = new Date(req.BillingCycle.StartDate).toISOString().slice(0, 10);
        const end = new Date(req.BillingCycle.EndDate).toISOString().slice(0, 10);
        const answer = await hub.usage(call, settings(), { subscriptionId: req.ID, accountId: req.Account.ID, productTypeId: req.ServiceType ?? '', start, end, currency: req.Currency ?? '' });
        return {
          Code: CODE.ok,
          Message: answer.unpriced.length === 0 ? '' : `Not billed (no price in the price list): ${answer.unpriced.join(', ')}`,
          Result: req.ID,
          Currency: answer.currency,
          LastUpdateAt: answer.readAt,
          Usages: answer.lines.map((l) => ({
            Id: `${l.customerTenantId}:${l.offeringItem}${l.infraId === null ? '' : `:${l.infraId}`}`,
            Name: l.offeringItem,
            Description: `${l.quantity} ${l.unit} of ${l.offeringItem} at ${l.unitSell} ${answer.currency}`,
            Type: l.usageName,
            Location: l.infraId,
            Group: l.customerTenantId,
            Customer: l.customerName,
            AttributeId: attributeIdOf(l.offeringItem),
            Quantity: l.quantity,
            Unit: l.unit,
            CostPrice: l.cost,
            SellPrice: l.sell,
            StartDate: `${start}T00:00:00Z`,
            EndDate: `${end}T23:59:59Z`,
          })),
          Totals: { Items: answer.totals.items, CostPrice: answer.totals.cost, SellPrice: answer.totals.sell },
        };
      },
    },
  };
  // The docs write Addon/…, the SDK sample Addons/….
  for (const action of ['create', 'update', 'cancel']) routes[`addon/${action}`] = routes[`addons/${action}`] as (typeof routes)[string];

  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    const relative = ((request.params as { '*'?: string })['*'] ?? '').replace(/\/+$/, '');
    const routeName = relative.toLowerCase();
    const trackHeader = request.headers['x-cloudplatform-trackid'];
    const trackId = typeof trackHeader === 'string' && trackHeader.trim() !== '' ? trackHeader.trim().slice(0, 200) : null;
    const applicationId = String(request.headers['x-cloudplatform-applicationid'] ?? '').trim();
    const keyHeader = String(request.headers['x-cloudplatform-apikey'] ?? '').trim();
    const log = request.log.child({ trackId, route: relative });

    const registration = applicationId === '' || keyHeader === '' ? null : await hub.authorize(applicationId, presentedKeys(keyHeader));
    if (registration === null) {
      // Never the key: the application id says who tried.
      log.warn({ applicationId: applicationId === '' ? null : applicationId, keyPresent: keyHeader !== '' }, 'service management call refused: unknown application id or key');
      await hub.recordFailure({ registrationId: '', trackId, route: relative }, null, 401, `Authorization denied for application id ${applicationId || '(none)'}`);
      return reply.code(401).send(DENIED);
    }
    const call: InboundCall = { registrationId: registration.registrationId, trackId, route: relative };
    const headers = settingHeaders(request.headers);
    let settings: DistributorSettings | null = null;
    const ctx: CallContext = {
      call,
      body: request.body,
      headers,
      settings: () => (settings ??= headerSettings(headers)),
    };
    const route = routes[routeName];
    const fail = async (code: number, message: string) => {
      log.warn({ code, message }, 'service management call answered with an error');
      const parsed = readSettings(headers, { rejectUnknown: false });
      await hub.recordFailure(call, parsed.problems.length === 0 ? parsed.settings : null, code, message).catch((err: unknown) => log.error({ err }, 'could not record a refused call'));
      const body = { Code: code, Message: message, Result: null };
      return reply.code(200).send(routeName === 'fields/servicedefinition' ? { ...body, ProductTypes: [] } : body);
    };
    if (route === undefined) return fail(CODE.failed, `${relative || '(no route)'} functionality is not supported by default`);
    if (route.method !== request.method) return fail(CODE.badRequest, `${relative} is called with ${route.method}, not ${request.method}`);
    try {
      const result = await route.handle(ctx);
      log.info({ applicationId }, 'service management call answered');
      return reply.code(200).send(result);
    } catch (error) {
      if (error instanceof BadBody) return fail(CODE.badRequest, error.message);
      if (error instanceof ServiceManagerError) return fail(ERROR_CODES[error.code], error.message);
      log.error({ err: error }, 'service management call failed');
      return fail(CODE.failed, `The service manager could not complete ${relative}: ${(error as Error).message}; send the call again, or ask the psa-bridge operator to look at the log with track id ${trackId ?? '(none)'}`);
    }
  };

  app.route({ method: ['GET', 'POST'], url: '/*', handler });
  app.route({ method: ['GET', 'POST'], url: '/', handler });
}

function toOrder(def: wire.ServiceDefinition, action: SubscriptionAction, addonsRoute: boolean) {
  const subscriptionId = def.ID ?? def.SubscriptionID;
  if (subscriptionId === undefined || subscriptionId === '') throw new BadBody('The ServiceDefinition has no ID: send the subscription id');
  const services: Record<string, number | null> = {};
  let tier: string | null = null;
  const read = (list: wire.ServiceDefinition['AttributeList'], where: string) => {
    for (const [key, attr] of Object.entries(list ?? {})) {
      const attrId = (attr.ID ?? key).trim();
      const raw = attr.Value === null || attr.Value === undefined ? '' : String(attr.Value).trim();
      if (attrId.toLowerCase() === TIER_ATTRIBUTE.toLowerCase()) {
        tier = raw === '' ? null : raw;
        continue;
      }
      const item = itemOfAttribute(attrId);
      if (item === null) throw new BadBody(`Unknown attribute '${attrId}' in ${where}: the product type has ${TIER_ATTRIBUTE} and OI_<offering item> attributes (run Get Services Definition)`);
      if (raw === '' || raw.toLowerCase() === 'unlimited') services[item] = null;
      else {
        const quota = Number(raw.replace(',', '.'));
        if (!Number.isFinite(quota) || quota < 0 || !Number.isInteger(quota)) throw new BadBody(`Attribute ${attrId} in ${where} has the value '${raw}', which is not a quota: give a whole number of 0 or more, or leave it empty for unlimited`);
        services[item] = quota;
      }
    }
  };
  read(def.AttributeList, 'the subscription');
  for (const addon of def.Addons ?? []) {
    const cancelled = addon.ActionType === 'Cancel' || addon.ActionType === 2;
    if (cancelled) continue;
    const before = Object.keys(services).length;
    read(addon.AttributeList, `add-on ${addon.ID ?? addon.ProductID ?? ''}`);
    if (Object.keys(services).length === before) {
      const match = /\.ppu\.([a-z0-9_]+)$/i.exec(addon.ProductID ?? addon.ID ?? '');
      if (match === null) throw new BadBody(`Add-on ${addon.ID ?? addon.ProductID ?? '(no id)'} names no offering item: send its OI_<item> attribute or a product id from Get Services Definition`);
      services[match[1] as string] ??= null;
    }
  }
  void addonsRoute;
  return {
    subscriptionId,
    accountId: def.Account.ID,
    productTypeId: def.ServiceType,
    productId: def.ProductID ?? '',
    action,
    tier,
    services,
    checkOnly: def.CheckOnly === true,
  };
}
