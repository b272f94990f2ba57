import type { z } from 'zod';
import { combineObservers, type CallObserver } from '../kit/call-metrics.ts';
import { ConnectorError, type ConnectorErrorCode } from '../kit/errors.ts';
import { createHttpClient, type HttpClient, type HttpFailure, type HttpRequest, type HttpResponse } from '../kit/http-client.ts';
import { createLimiter, type Limiter } from '../kit/limiter.ts';
import { pageByNextUrl } from '../kit/paging.ts';
import { parsePayload } from '../kit/payload.ts';
import { parseRetryAfter, type RetryPolicy } from '../kit/retry-policy.ts';
import { sleep as defaultSleep } from '../kit/sleep.ts';
import { budgetExhaustedError, HourlyBudget, type BudgetPriority, type BudgetSettings, type BudgetSnapshot } from './budget.ts';
import type { QueryBody } from './query.ts';
import * as wire from './wire.ts';
import { zoneUrlAllowed } from './zone-url.ts';

/** Production zone discovery root; the emulator's `${url}/ATServicesRest/` replaces it in tests. */
export const AUTOTASK_DISCOVERY_URL = 'https://webservices.autotask.net/ATServicesRest/';

/** The seed's exact text (000 §3.2 "Upgrading integration credentials"). */
export const API_USER_REQUIRED_MESSAGE =
  'Please create an API user with the integration name "Acronis - Acronis Cyber Cloud" and update current user credentials, according to the Autotask PSA API version 1.6 requirements.';

export interface AutotaskCredentials {
  username: string;
  secret: string;
  /** The API user's tracking identifier (ApiIntegrationCode header). */
  integrationCode: string;
}

export interface AutotaskClientOptions {
  credentials: AutotaskCredentials;
  /** Root of zone discovery (`…/ATServicesRest/`); default production. */
  discoveryUrl?: string;
  /** Skip discovery and use this API root (`…/ATServicesRest/`), e.g. from an earlier discovery. */
  zoneUrl?: string;
  connectionName?: string;
  /** Concurrent requests per entity endpoint (Autotask: 3 per integration code × endpoint). */
  threadLimit?: number;
  budget?: Partial<BudgetSettings>;
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  fetch?: typeof globalThis.fetch;
  onCall?: CallObserver;
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
}

export interface AutotaskRequest extends HttpRequest {
  /** How the hourly budget treats the call (default `normal`). */
  priority?: BudgetPriority;
}

export interface QueryOptions {
  operation: string;
  priority?: BudgetPriority;
}

export interface AutotaskClient {
  readonly username: string;
  /** Zone discovery (cached; a failure is retried by the next call). */
  zone(): Promise<wire.ZoneInformation>;
  /** `entity` names the endpoint the thread limit counts (`ContractServiceAdjustments` for `/Contracts/1/ServiceAdjustments`). */
  request(entity: string, request: AutotaskRequest): Promise<HttpResponse>;
  requestJson<S extends z.ZodType>(entity: string, request: AutotaskRequest, schema: S): Promise<z.output<S>>;
  /** Pages of a query: POST `/{entity}/query`, then the same body re-POSTed to each `nextPageUrl`. */
  queryPages<S extends z.ZodType>(entity: string, body: QueryBody, item: S, options: QueryOptions): AsyncGenerator<z.output<S>[], void, undefined>;
  query<S extends z.ZodType>(entity: string, body: QueryBody, item: S, options: QueryOptions): AsyncGenerator<z.output<S>, void, undefined>;
  count(entity: string, body: QueryBody, options: QueryOptions): Promise<number>;
  /** Null on 404. */
  get<S extends z.ZodType>(entity: string, id: number | string, item: S, options: QueryOptions): Promise<z.output<S> | null>;
  /** POST (create) to `path` (relative to V1.0), returning `itemId`. */
  create(entity: string, path: string, body: Record<string, unknown>, options: QueryOptions): Promise<number>;
  /** PATCH to `path`, returning `itemId`. */
  update(entity: string, path: string, body: Record<string, unknown>, options: QueryOptions): Promise<number>;
  /** `GET /{entity}/entityInformation/fields`, cached for `fieldsTtlMs`. */
  fields(entity: string): Promise<wire.WireField[]>;
  /** Reads ThresholdInformation now (one request) and feeds the budget. */
  threshold(): Promise<wire.ThresholdInformation>;
  budget(): BudgetSnapshot;
}

const FIELDS_TTL_MS = 10 * 60_000;

/**
 * Thread slots are shared by every client of one (zone, integration code) in this process, since
 * Autotask counts per integration code × endpoint: two loops each with its own client would
 * otherwise send six at once.
 */
const sharedLimiters = new Map<string, Limiter>();

function limiterFor(key: string, threads: number): Limiter {
  let limiter = sharedLimiters.get(key);
  if (limiter === undefined) {
    limiter = createLimiter({ maxConcurrent: threads });
    sharedLimiters.set(key, limiter);
  }
  return limiter;
}

/** The `errors` strings of an Autotask error body, joined; the raw text otherwise. */
export function readAutotaskErrors(body: unknown): string | undefined {
  const parsed = wire.errorBody.safeParse(body);
  if (parsed.success && parsed.data.errors.length > 0) return parsed.data.errors.join(' ');
  return typeof body === 'string' && body.trim() !== '' ? body.slice(0, 300) : undefined;
}

export type AutotaskErrorKind =
  | 'not_api_user'
  | 'bad_integration_code'
  | 'unknown_user'
  | 'bad_secret'
  | 'threshold_exceeded'
  | 'thread_limit'
  | 'permission'
  | 'other';

/** What an Autotask answer means, from status and text (the API answers several auth failures with 500). */
export function classifyAutotaskFailure(status: number, text: string | undefined): AutotaskErrorKind {
  const t = text ?? '';
  if (/API Only users|API user/i.test(t) && (status === 401 || status === 403 || status === 500)) return 'not_api_user';
  if (/IntegrationCode/i.test(t)) return 'bad_integration_code';
  if (/Zone information could not be determined|not a valid user name|user.*(not found|does not exist)/i.test(t)) return 'unknown_user';
  if (status === 401) return 'bad_secret';
  if (status === 429 && /thread/i.test(t)) return 'thread_limit';
  // Only the threshold's own refusal suspends the budget; any other 429 is honoured by Retry-After.
  if (status === 429 && /threshold/i.test(t)) return 'threshold_exceeded';
  if (status === 403 || /adequate permissions/i.test(t)) return 'permission';
  return 'other';
}

export function createAutotaskClient(options: AutotaskClientOptions): AutotaskClient {
  const { username, secret, integrationCode } = options.credentials;
  const now = options.now ?? Date.now;
  const doSleep = options.sleep ?? defaultSleep;
  const threads = options.threadLimit ?? 3;
  const budget = new HourlyBudget(options.budget, now);
  const connection = options.connectionName === undefined ? '' : ` of connection '${options.connectionName}'`;
  const discoveryUrl = (options.discoveryUrl ?? AUTOTASK_DISCOVERY_URL).replace(/\/*$/, '/');
  const observe = combineObservers(options.onCall);

  function mapError(failure: HttpFailure): ConnectorError | undefined {
    const { status } = failure;
    const said = readAutotaskErrors(failure.body);
    const kind = classifyAutotaskFailure(status, said);
    const quote = said === undefined ? '' : ` (Autotask says: ${said})`;
    const make = (code: ConnectorErrorCode, message: string, extra: { retryAfterMs?: number } = {}): ConnectorError =>
      new ConnectorError({ code, message, system: 'autotask', status, vendorCode: kind, context: failure.context, ...extra });
    switch (kind) {
      case 'not_api_user':
        return make('auth_failed', API_USER_REQUIRED_MESSAGE);
      case 'bad_integration_code':
        return make(
          'auth_failed',
          `Autotask does not accept the integration code${connection}${quote}: copy the API Tracking Identifier of the API user (Admin > Resources (Users) > the API user > API Tracking Identifier, Integration Vendor "Acronis - Acronis Cyber Cloud") into the integration code of the connection.`,
        );
      case 'unknown_user':
        return make(
          'auth_failed',
          `Autotask does not know the user name '${username}'${connection}${quote}: enter the API user's user name (Admin > Resources (Users) > the API user > Credentials), not a display name or an e-mail address of someone else.`,
        );
      case 'bad_secret':
        return make(
          'auth_failed',
          `Autotask rejected the secret of user '${username}'${connection}${quote}: generate a new secret for the API user (Admin > Resources (Users) > the API user > Generate Secret), enter it in the connection, and check that the user is active.`,
        );
      case 'permission':
        return make('forbidden', `Autotask refused ${failure.context.operation ?? 'the call'}${connection}${quote}: give the API user's security level the permission for it.`);
      case 'threshold_exceeded': {
        const retryAfterMs = parseRetryAfter(failure.headers.get('retry-after'), now()) ?? 60_000;
        budget.suspend(retryAfterMs);
        return make(
          'rate_limited',
          `Autotask suspended API access: the database's hourly request threshold is exceeded (it is shared with every integration)${quote}. It returns in about ${Math.ceil(retryAfterMs / 60_000)} minute(s).`,
          { retryAfterMs },
        );
      }
      case 'thread_limit':
        return undefined; // the kit's wording, with Retry-After, retried
      case 'other':
        if (status === 404) return make('not_found', `Autotask has no such object: ${failure.context.operation ?? 'the call'} answered 404${quote}`);
        if (status === 400 || status === 405 || status === 409 || status === 422) {
          return make(status === 409 ? 'conflict' : 'bad_request', `Autotask rejected ${failure.context.operation ?? 'the call'}${connection} with HTTP ${status}${quote}`);
        }
        if (status === 429) return undefined;
        if (status >= 500) return make('unavailable', `Autotask answered ${failure.context.operation ?? 'the call'} with HTTP ${status}${quote}; the next run will try again`);
        return undefined;
    }
  }

  const common = {
    system: 'autotask',
    systemLabel: 'Autotask',
    ...(options.connectionName === undefined ? {} : { connectionLabel: `'${options.connectionName}'` }),
    mapError,
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    ...(options.retry === undefined ? {} : { retry: options.retry }),
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
    onCall: observe,
    ...(options.sleep === undefined ? {} : { sleep: options.sleep }),
    ...(options.random === undefined ? {} : { random: options.random }),
    now,
  };

  // Zone discovery carries no credentials (apigrate does the same) and is exempt from both limits.
  const discovery = createHttpClient({ ...common, baseUrl: discoveryUrl });
  let zonePromise: Promise<wire.ZoneInformation> | undefined =
    options.zoneUrl === undefined ? undefined : Promise.resolve({ url: options.zoneUrl.replace(/\/*$/, '/') });

  function zone(): Promise<wire.ZoneInformation> {
    zonePromise ??= discovery
      .requestJson(
        {
          method: 'GET',
          path: '/V1.0/zoneInformation',
          query: { user: username },
          authenticate: false,
          operation: 'discover zone',
        },
        wire.zoneInformation,
      )
      .then((z) => {
        // The zone gets the secret next: never a host outside the discovery host's own domain.
        if (!zoneUrlAllowed(discoveryUrl, z.url)) {
          throw new ConnectorError({
            code: 'bad_payload',
            system: 'autotask',
            message: `Autotask zone discovery${connection} named the API zone '${z.url}', which is not under the discovery host ${new URL(discoveryUrl).host}; the hub sends the credentials only there. Check the discovery URL of the integration.`,
          });
        }
        return { ...z, url: z.url.replace(/\/*$/, '/') };
      })
      .catch((error: unknown) => {
        zonePromise = undefined;
        throw error;
      });
    return zonePromise;
  }

  const clients = new Map<string, HttpClient>();
  let syncing: Promise<void> | undefined;

  async function syncBudget(): Promise<void> {
    syncing ??= (async () => {
      try {
        await readThreshold();
      } finally {
        syncing = undefined;
      }
    })();
    return syncing;
  }

  /** Before each attempt: sync the reading when due, then pace or refuse by priority. */
  async function gate(priority: BudgetPriority, operation: string): Promise<void> {
    if (budget.needsSync()) await syncBudget();
    const decision = budget.decide(priority);
    if (decision.kind === 'refuse') throw budgetExhaustedError(decision, budget.snapshot(), priority, operation);
    if (decision.kind === 'wait') await doSleep(decision.ms);
  }

  function gatedLimiter(slots: Limiter, priority: BudgetPriority, operation: () => string): Limiter {
    return {
      run: async (task) => {
        await gate(priority, operation());
        return slots.run(async () => {
          // Others may have spent the room while this one queued for a slot.
          const last = budget.decide(priority === 'interactive' ? 'interactive' : priority);
          if (last.kind === 'refuse') throw budgetExhaustedError(last, budget.snapshot(), priority, operation());
          budget.record();
          return task();
        });
      },
      get pending() {
        return slots.pending;
      },
      get active() {
        return slots.active;
      },
    };
  }

  async function httpFor(entity: string, priority: BudgetPriority | 'ungated'): Promise<HttpClient> {
    const z = await zone();
    const key = `${entity}|${priority}`;
    let client = clients.get(key);
    if (client === undefined) {
      const slots = limiterFor(`${z.url}|${integrationCode}|${entity.toLowerCase()}`, threads);
      let currentOperation = entity;
      const limiter: Limiter =
        priority === 'ungated'
          ? {
              run: (task) =>
                slots.run(() => {
                  budget.record();
                  return task();
                }),
              get pending() {
                return slots.pending;
              },
              get active() {
                return slots.active;
              },
            }
          : gatedLimiter(slots, priority, () => currentOperation);
      const http = createHttpClient({
        ...common,
        baseUrl: `${z.url}V1.0`,
        defaultHeaders: { ApiIntegrationCode: integrationCode, UserName: username, Secret: secret, 'User-Agent': 'psa-bridge/0.1 (+autotask-connector)' },
        limiter,
      });
      client = {
        ...http,
        request: (req) => {
          currentOperation = req.operation;
          return http.request(req);
        },
        requestJson: (req, schema) => {
          currentOperation = req.operation;
          return http.requestJson(req, schema);
        },
      };
      clients.set(key, client);
    }
    return client;
  }

  async function readThreshold(): Promise<wire.ThresholdInformation> {
    const http = await httpFor('ThresholdInformation', 'ungated');
    const info = await http.requestJson({ method: 'GET', path: '/ThresholdInformation', operation: 'read request threshold' }, wire.thresholdInformation);
    budget.observe({ limit: info.externalRequestThreshold, timeframeMinutes: info.requestThresholdTimeframe, count: info.currentTimeframeRequestCount });
    return info;
  }

  async function request(entity: string, req: AutotaskRequest): Promise<HttpResponse> {
    const { priority = 'normal', ...rest } = req;
    return (await httpFor(entity, priority)).request(rest);
  }

  async function requestJson<S extends z.ZodType>(entity: string, req: AutotaskRequest, schema: S): Promise<z.output<S>> {
    const { priority = 'normal', ...rest } = req;
    return (await httpFor(entity, priority)).requestJson(rest, schema);
  }

  function queryPages<S extends z.ZodType>(entity: string, body: QueryBody, item: S, options: QueryOptions): AsyncGenerator<z.output<S>[], void, undefined> {
    const schema = wire.queryPage(item);
    const pages = pageByNextUrl<z.output<S>[]>(
      async (next) => {
        // The next page is the same query re-POSTed to nextPageUrl (a GET there is refused by some tenants).
        const page = await requestJson(
          entity,
          { method: 'POST', path: next ?? `/${entity}/query`, json: body, repeatable: true, operation: options.operation, ...(options.priority === undefined ? {} : { priority: options.priority }) },
          schema,
        );
        const items = page.items as z.output<S>[];
        return { items: items.length === 0 ? [] : [items], nextUrl: page.pageDetails?.nextPageUrl ?? null };
      },
      { system: 'autotask', what: options.operation },
    );
    return pages;
  }

  async function* query<S extends z.ZodType>(entity: string, body: QueryBody, item: S, options: QueryOptions): AsyncGenerator<z.output<S>, void, undefined> {
    for await (const page of queryPages(entity, body, item, options)) yield* page;
  }

  const fieldsCache = new Map<string, { at: number; fields: Promise<wire.WireField[]> }>();

  return {
    username,
    zone,
    request,
    requestJson,
    queryPages,
    query,
    count: async (entity, body, options) => {
      const { MaxRecords: _max, IncludeFields: _include, ...filter } = body;
      const result = await requestJson(
        entity,
        { method: 'POST', path: `/${entity}/query/count`, json: filter, repeatable: true, operation: options.operation, ...(options.priority === undefined ? {} : { priority: options.priority }) },
        wire.countResponse,
      );
      return result.queryCount;
    },
    get: async (entity, id, item, options) => {
      const response = await request(entity, {
        method: 'GET',
        path: `/${entity}/${encodeURIComponent(String(id))}`,
        acceptStatus: [404],
        operation: options.operation,
        ...(options.priority === undefined ? {} : { priority: options.priority }),
      });
      if (response.status === 404) return null;
      const http = await httpFor(entity, options.priority ?? 'normal');
      const parsed = parsePayload(wire.itemResponse(item), response.body, http.describeCall({ method: 'GET', path: `/${entity}/${id}`, operation: options.operation }), {
        system: 'autotask',
      }) as { item: unknown };
      return parsed.item as never;
    },
    create: async (entity, path, body, options) =>
      (
        await requestJson(
          entity,
          { method: 'POST', path, json: body, operation: options.operation, ...(options.priority === undefined ? {} : { priority: options.priority }) },
          wire.itemIdResponse,
        )
      ).itemId,
    update: async (entity, path, body, options) =>
      (
        await requestJson(
          entity,
          // A PATCH of the same values twice leaves the same record.
          { method: 'PATCH', path, json: body, repeatable: true, operation: options.operation, ...(options.priority === undefined ? {} : { priority: options.priority }) },
          wire.itemIdResponse,
        )
      ).itemId,
    fields: (entity) => {
      const cached = fieldsCache.get(entity);
      if (cached !== undefined && now() - cached.at < FIELDS_TTL_MS) return cached.fields;
      const fields = requestJson(entity, { method: 'GET', path: `/${entity}/entityInformation/fields`, operation: `read ${entity} fields` }, wire.fieldsResponse).then(
        (r) => r.fields,
      );
      fields.catch(() => fieldsCache.delete(entity));
      fieldsCache.set(entity, { at: now(), fields });
      return fields;
    },
    threshold: readThreshold,
    budget: () => budget.snapshot(),
  };
}
