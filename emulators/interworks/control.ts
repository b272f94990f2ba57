// The control API drives the BSS (/_emulator/...): point it at the service manager, create and
// save an instance (the form rendered from Fields/Get, validated on save), run Get Services
// Definition into the catalogue, place a reseller's order (Accounts/Synchronize, then the
// subscription pre-checked with CheckOnly and created for real), suspend/activate/cancel, change
// quotas, run a billing cycle (Ppu/usages into usage records and invoice lines), rename a product
// locally (to watch the name-update option), and look at everything.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ControlError, parseControl, type EmulatorContext } from '../kit/server.ts';
import { callHub, HubUnreachable, type CallOptions } from './hub-client.ts';
import type { BssAccount, BssInstance, BssState, BssSubscription, FormField } from './state.ts';

const callOptions = z.object({ timeout_ms: z.int().min(1).optional(), attempts: z.int().min(1).max(50).optional(), backoff_ms: z.int().min(0).optional() }).optional();
const toCall = (o: z.infer<typeof callOptions>): CallOptions => ({
  ...(o?.timeout_ms === undefined ? {} : { timeoutMs: o.timeout_ms }),
  ...(o?.attempts === undefined ? {} : { attempts: o.attempts }),
  ...(o?.backoff_ms === undefined ? {} : { backoffMs: o.backoff_ms }),
});

const instanceSchema = z.object({ name: z.string().min(1), settings: z.record(z.string(), z.string()), call: callOptions });
const orderSchema = z.object({
  instance_id: z.string(),
  account: z.object({ id: z.string().optional(), name: z.string().min(1), email: z.string(), first_name: z.string().default('Pat'), last_name: z.string().default('Reseller'), city: z.string().default('Athens'), country: z.string().default('GR') }),
  subscription_id: z.string().optional(),
  product_type_id: z.string().optional(),
  tier: z.string().default('0'),
  quotas: z.record(z.string(), z.string()).default({}),
  call: callOptions,
});
const quotasSchema = z.object({ quotas: z.record(z.string(), z.string()), call: callOptions });
const billingSchema = z.object({ instance_id: z.string(), start: z.iso.date(), end: z.iso.date(), currency: z.string().optional(), call: callOptions });

interface FieldsGet {
  Fields: Array<{ ID: string; Definition: { Name: string; Kind: number; IsRequired: boolean; PredefinedValues: Record<string, string> } }>;
}

export function interworksControlRoutes(app: FastifyInstance, ctx: EmulatorContext<BssState>): void {
  const nowIso = () => new Date(ctx.clock.nowMs()).toISOString();
  const call = async (method: 'GET' | 'POST', route: string, o: { instance?: BssInstance; body?: unknown; call?: CallOptions }) => {
    try {
      return await callHub(ctx.state, method, route, { ...o, nowIso });
    } catch (error) {
      if (error instanceof HubUnreachable) throw new ControlError(502, error.message);
      throw error;
    }
  };
  const instanceOr404 = (id: string) => {
    const i = ctx.state.instances.get(id);
    if (i === undefined) throw new ControlError(404, `no instance ${id}`);
    return i;
  };
  const subscriptionOr404 = (id: string) => {
    const s = ctx.state.subscriptions.get(id);
    if (s === undefined) throw new ControlError(404, `no subscription ${id}`);
    return s;
  };
  const codeOf = (body: unknown): number | null => (typeof body === 'object' && body !== null && typeof (body as { Code?: unknown }).Code === 'number' ? (body as { Code: number }).Code : null);
  const messageOf = (body: unknown): string => (typeof body === 'object' && body !== null ? String((body as { Message?: unknown }).Message ?? '') : String(body));

  app.post('/hub', async (request) => {
    const body = parseControl(z.object({ base_url: z.url() }), request.body);
    ctx.state.hubUrl = body.base_url;
    return { base_url: ctx.state.hubUrl, application_id: ctx.state.registration.applicationId };
  });

  // Create an instance: render the form from Fields/Get, fill it, save (= Fields/Validate).
  app.post('/instances', async (request, reply) => {
    const body = parseControl(instanceSchema, request.body);
    const got = await call('GET', 'Fields/Get', { call: toCall(body.call) });
    if (got.status !== 200) throw new ControlError(502, `Fields/Get answered HTTP ${got.status}: ${JSON.stringify(got.body)}`);
    const form: FormField[] = (got.body as FieldsGet).Fields.map((f) => ({ id: f.ID, name: f.Definition.Name, kind: f.Definition.Kind, required: f.Definition.IsRequired, choices: Object.keys(f.Definition.PredefinedValues ?? {}) }));
    const instance: BssInstance = { id: `inst-${ctx.state.nextInstance++}`, name: body.name, settings: { ...body.settings }, form, saved: false, errors: [], productTypeId: null };
    ctx.state.instances.set(instance.id, instance);
    await save(instance, toCall(body.call));
    return reply.code(201).send(instance);
  });

  app.put('/instances/:id/settings', async (request) => {
    const { id } = request.params as { id: string };
    const instance = instanceOr404(id);
    const body = parseControl(z.object({ settings: z.record(z.string(), z.string()), call: callOptions }), request.body);
    instance.settings = { ...instance.settings, ...body.settings };
    await save(instance, toCall(body.call));
    return instance;
  });

  async function save(instance: BssInstance, o: CallOptions): Promise<void> {
    // The BSS checks the required fields of the form before it calls Validate.
    const missing = instance.form.filter((f) => f.required && (instance.settings[f.id] ?? '').trim() === '').map((f) => `${f.name} is required`);
    if (missing.length > 0) {
      instance.saved = false;
      instance.errors = missing;
      return;
    }
    const res = await call('POST', 'Fields/Validate', { instance, body: { Fields: Object.entries(instance.settings).map(([ID, Value]) => ({ ID, Value })) }, call: o });
    const errors = Array.isArray(res.body) ? (res.body as unknown[]).map(String) : [`Fields/Validate answered HTTP ${res.status}: ${messageOf(res.body)}`];
    instance.errors = errors;
    instance.saved = errors.length === 0;
  }

  app.post('/instances/:id/service-definition', async (request) => {
    const { id } = request.params as { id: string };
    const instance = instanceOr404(id);
    if (!instance.saved) throw new ControlError(409, `instance ${id} is not saved: ${instance.errors.join('; ')}`);
    const o = parseControl(z.object({ call: callOptions }).optional(), request.body);
    const res = await call('GET', 'Fields/ServiceDefinition', { instance, call: toCall(o?.call) });
    const body = res.body as { ProductTypes?: Array<{ ID: string; ProductsCollection: { Products: unknown[]; Addons: unknown[] } }>; Code?: number; Message?: string };
    if (res.status !== 200 || !Array.isArray(body.ProductTypes) || body.ProductTypes.length === 0) {
      return { ok: false, code: codeOf(res.body), message: messageOf(res.body) };
    }
    const type = body.ProductTypes[0] as NonNullable<typeof body.ProductTypes>[number];
    instance.productTypeId = type.ID;
    let created = 0;
    let renamed = 0;
    const entries = [
      ...type.ProductsCollection.Products.map((p) => ['product', p] as const),
      ...type.ProductsCollection.Addons.map((p) => ['addon', p] as const),
    ];
    for (const [kind, raw] of entries) {
      const p = raw as { ID: string; Name: string; UpdateOptions?: number[]; Prices: Array<{ Currency: string; Units: Array<{ Price: number; Cost: number }> }>; Attributes?: Array<{ ID: string }> };
      const unit = p.Prices[0]?.Units[0];
      const existing = ctx.state.catalogue.get(p.ID);
      const nameUpdatable = (p.UpdateOptions ?? []).includes(1);
      // A product the first run created keeps its name unless the service manager offers it for update.
      const name = existing === undefined || nameUpdatable ? p.Name : existing.name;
      if (existing === undefined) created++;
      else if (existing.name !== name) renamed++;
      ctx.state.catalogue.set(p.ID, { id: p.ID, instanceId: instance.id, kind, name, nameUpdatable, sell: unit?.Price ?? 0, cost: unit?.Cost ?? 0, currency: p.Prices[0]?.Currency ?? '', attributeIds: (p.Attributes ?? []).map((a) => a.ID) });
    }
    return { ok: true, product_type_id: type.ID, products: entries.length, created, renamed };
  });

  app.post('/products/:id/rename', async (request) => {
    const { id } = request.params as { id: string };
    const product = ctx.state.catalogue.get(id);
    if (product === undefined) throw new ControlError(404, `no product ${id}`);
    product.name = parseControl(z.object({ name: z.string().min(1) }), request.body).name;
    return product;
  });

  const accountBody = (a: BssAccount) => ({
    ID: a.id,
    Name: a.name,
    Email: a.email,
    ContactDetails: { FirstName: a.firstName, LastName: a.lastName, Email: a.email },
    Address: { City: a.city, Country: { Code: a.country, Name: a.country } },
    SyncOptions: { username: a.email },
  });
  const serviceBody = (s: BssSubscription, productTypeId: string, checkOnly: boolean, action: string) => ({
    ID: s.id,
    SubscriptionID: s.id,
    ServiceType: productTypeId,
    ProductID: s.productId,
    ActionType: action,
    Quantity: 1,
    Account: { ID: s.accountId, ExternalID: ctx.state.accounts.get(s.accountId)?.externalIds[s.instanceId] ?? null },
    AttributeList: {
      Tier: { ID: 'Tier', Value: s.tier },
      ...Object.fromEntries(Object.entries(s.quotas).map(([item, quota]) => [`OI_${item}`, { ID: `OI_${item}`, Value: quota }])),
    },
    Addons: [],
    CheckOnly: checkOnly,
  });

  // A reseller's order: the account first (a reseller's first order synchronizes it), then the
  // subscription pre-checked and created; stops at the first error, as the BSS does.
  app.post('/orders', async (request, reply) => {
    const body = parseControl(orderSchema, request.body);
    const instance = instanceOr404(body.instance_id);
    const o = toCall(body.call);
    const accountId = body.account.id ?? String(ctx.state.nextAccount++);
    const account: BssAccount = ctx.state.accounts.get(accountId) ?? { id: accountId, name: body.account.name, email: body.account.email, firstName: body.account.first_name, lastName: body.account.last_name, city: body.account.city, country: body.account.country, externalIds: {} };
    ctx.state.accounts.set(accountId, account);
    const productTypeId = body.product_type_id ?? instance.productTypeId;
    if (productTypeId === null) throw new ControlError(409, `instance ${instance.id} has no product type yet: run its service definition first`);
    const sync = await call('POST', 'Accounts/Synchronize', { instance, body: accountBody(account), call: o });
    if (codeOf(sync.body) !== 0) return reply.code(200).send({ ok: false, step: 'Accounts/Synchronize', code: codeOf(sync.body), message: messageOf(sync.body), track_id: sync.trackId });
    account.externalIds[instance.id] = String((sync.body as { Result: unknown }).Result);
    const subscriptionId = body.subscription_id ?? String(ctx.state.nextSubscription++);
    const subscription: BssSubscription = { id: subscriptionId, instanceId: instance.id, accountId, productId: `${productTypeId}.tier.${body.tier}`, tier: body.tier, quotas: { ...body.quotas }, state: 'pending', externalId: null, lastError: null };
    ctx.state.subscriptions.set(subscriptionId, subscription);
    const check = await call('POST', 'Subscriptions/Create', { instance, body: serviceBody(subscription, productTypeId, true, 'Provision'), call: o });
    if (codeOf(check.body) !== 0) {
      subscription.state = 'failed';
      subscription.lastError = messageOf(check.body);
      return reply.code(200).send({ ok: false, step: 'pre-check', code: codeOf(check.body), message: messageOf(check.body), track_id: check.trackId });
    }
    const created = await call('POST', 'Subscriptions/Create', { instance, body: serviceBody(subscription, productTypeId, false, 'Provision'), call: o });
    if (codeOf(created.body) !== 0) {
      subscription.state = 'failed';
      subscription.lastError = messageOf(created.body);
      return reply.code(200).send({ ok: false, step: 'Subscriptions/Create', code: codeOf(created.body), message: messageOf(created.body), track_id: created.trackId });
    }
    subscription.state = 'active';
    subscription.externalId = String((created.body as { Result: unknown }).Result);
    return reply.code(201).send({ ok: true, account_id: accountId, tenant_id: account.externalIds[instance.id], subscription_id: subscriptionId, external_id: subscription.externalId, attempts: { synchronize: sync.attempts, create: created.attempts } });
  });

  const lifecycle = (route: string, action: string, next: BssSubscription['state']) => async (request: { params: unknown; body: unknown }) => {
    const { id } = request.params as { id: string };
    const s = subscriptionOr404(id);
    const instance = instanceOr404(s.instanceId);
    const o = parseControl(z.object({ call: callOptions }).optional(), request.body);
    const res = await call('POST', route, { instance, body: serviceBody(s, instance.productTypeId ?? '', false, action), call: toCall(o?.call) });
    if (codeOf(res.body) !== 0) {
      s.lastError = messageOf(res.body);
      return { ok: false, code: codeOf(res.body), message: s.lastError, track_id: res.trackId };
    }
    s.state = next;
    s.lastError = null;
    return { ok: true, state: s.state, attempts: res.attempts };
  };
  app.post('/subscriptions/:id/suspend', lifecycle('Subscriptions/Suspend', 'Suspend', 'suspended'));
  app.post('/subscriptions/:id/activate', lifecycle('Subscriptions/Activate', 'Activate', 'active'));
  app.post('/subscriptions/:id/cancel', lifecycle('Subscriptions/Cancel', 'Cancel', 'cancelled'));

  app.post('/subscriptions/:id/quotas', async (request) => {
    const { id } = request.params as { id: string };
    const s = subscriptionOr404(id);
    const instance = instanceOr404(s.instanceId);
    const body = parseControl(quotasSchema, request.body);
    const previous = s.quotas;
    s.quotas = { ...body.quotas };
    const res = await call('POST', 'Subscriptions/Update', { instance, body: serviceBody(s, instance.productTypeId ?? '', false, 'None'), call: toCall(body.call) });
    if (codeOf(res.body) !== 0) {
      s.quotas = previous;
      return { ok: false, code: codeOf(res.body), message: messageOf(res.body), track_id: res.trackId };
    }
    return { ok: true, quotas: s.quotas };
  });

  // A billing cycle: every active or suspended subscription of the instance pulls its usage;
  // each usage becomes a usage record, and each subscription an invoice line with cost and sell.
  app.post('/billing-runs', async (request, reply) => {
    const body = parseControl(billingSchema, request.body);
    const instance = instanceOr404(body.instance_id);
    const runId = `run-${ctx.state.nextRun++}`;
    const currency = body.currency ?? instance.settings.PrimaryCurrency ?? 'USD';
    const results = [];
    for (const s of ctx.state.subscriptions.values()) {
      if (s.instanceId !== instance.id || (s.state !== 'active' && s.state !== 'suspended')) continue;
      const res = await call('POST', 'Ppu/usages', {
        instance,
        body: { ID: s.externalId ?? s.id, ServiceType: instance.productTypeId, Account: { ID: s.accountId }, BillingCycle: { StartDate: `${body.start}T00:00:00`, EndDate: `${body.end}T23:59:59` }, Currency: currency, IsTest: false },
        call: toCall(body.call),
      });
      const answer = res.body as { Code: number; Message: string; Usages?: Array<{ Id: string; AttributeId: string; Customer: string; Quantity: number; Unit: string; CostPrice: number; SellPrice: number }>; Totals?: { Items: number; CostPrice: number; SellPrice: number } };
      if (codeOf(res.body) !== 0 || !Array.isArray(answer.Usages)) {
        results.push({ subscription_id: s.id, ok: false, code: codeOf(res.body), message: messageOf(res.body), track_id: res.trackId });
        continue;
      }
      for (const u of answer.Usages) {
        ctx.state.usageRecords.push({ runId, subscriptionId: s.id, usageId: u.Id, attributeId: u.AttributeId, customer: u.Customer, quantity: u.Quantity, unit: u.Unit, cost: u.CostPrice, sell: u.SellPrice });
      }
      const line = { runId, accountId: s.accountId, subscriptionId: s.id, description: `Acronis usage ${body.start}..${body.end}`, currency, cost: answer.Totals?.CostPrice ?? 0, sell: answer.Totals?.SellPrice ?? 0 };
      ctx.state.invoiceLines.push(line);
      results.push({ subscription_id: s.id, ok: true, usages: answer.Usages.length, cost: line.cost, sell: line.sell });
    }
    return reply.code(201).send({ run_id: runId, currency, subscriptions: results });
  });

  app.get('/bss', async () => ({
    hub_url: ctx.state.hubUrl,
    registration: { application_id: ctx.state.registration.applicationId },
    instances: [...ctx.state.instances.values()],
    catalogue: [...ctx.state.catalogue.values()],
    accounts: [...ctx.state.accounts.values()],
    subscriptions: [...ctx.state.subscriptions.values()],
    usage_records: ctx.state.usageRecords,
    invoice_lines: ctx.state.invoiceLines,
    calls: ctx.state.calls.slice(-500),
  }));
}
