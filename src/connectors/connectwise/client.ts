/**
 * ConnectWise Manage REST 3.0 client (reference psa.md §B.1–B.3).
 *
 * - The API root is `https://{site}/{codebase}apis/3.0`; the codebase comes from the unauthenticated
 *   `GET /login/companyinfo/{company}` (a null body = the site does not know the company), once per
 *   client.
 * - Every call carries `Authorization: Basic base64("{company}+{public}:{private}")` and `clientId`.
 * - Listings: navigable paging (`page`/`pageSize` ≤ 1000, `Link: rel="next"`) for ordered lists, and
 *   forward-only paging (`pagination-type: forward-only`, `pageId` = last id) for large ones: each
 *   page is `id > pageId`, so the server never skips or counts the rows before it.
 * - 429 + Retry-After is honoured by the kit's retry (a wait beyond its cap fails the call with
 *   `rate_limited` so the job runner waits instead).
 * - Refusals get a message that says what to fix: an unknown company, keys refused (401, or 404 as
 *   cloud sites answer a bad login), a missing or unregistered clientId.
 */
import type { z } from 'zod';
import { combineObservers, type CallObserver } from '../kit/call-metrics.ts';
import { ConnectorError, type ConnectorErrorCode } from '../kit/errors.ts';
import { createHttpClient, type HttpClient, type HttpFailure, type HttpRequest, type HttpResponse, type QueryValue } from '../kit/http-client.ts';
import { createLimiter, type Limiter } from '../kit/limiter.ts';
import { parsePayload } from '../kit/payload.ts';
import type { RetryPolicy } from '../kit/retry-policy.ts';
import * as wire from './wire.ts';

export const CONNECTWISE_SYSTEM = 'connectwise';
export const MAX_PAGE_SIZE = 1000;

export interface ConnectWiseCredentials {
  /** `api-na.myconnectwise.net`, or a URL (`https://…`, `http://127.0.0.1:8444` for the emulator). */
  site: string;
  /** The company id a member logs in with. */
  companyId: string;
  publicKey: string;
  privateKey: string;
  /** The integrator's clientId from the ConnectWise developer network. */
  clientId: string;
}

export interface ConnectWiseClientOptions {
  credentials: ConnectWiseCredentials;
  /** Skip `companyinfo` and use this codebase (`v2025_1/`). */
  codebase?: string;
  connectionName?: string;
  /** Concurrent requests of this client (default 6). */
  maxConcurrent?: number;
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  fetch?: typeof globalThis.fetch;
  onCall?: CallObserver;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
  now?: () => number;
}

export interface ListParams {
  conditions?: string | undefined;
  childConditions?: string | undefined;
  customFieldConditions?: string | undefined;
  orderBy?: string | undefined;
  fields?: readonly string[] | undefined;
  pageSize?: number;
}

export interface CallOptions {
  operation: string;
}

/** Requests this process sent to one ConnectWise company in the last hour, and its 429s. */
export interface ConnectWiseUsage {
  requestsLastHour: number;
  rateLimitedLastHour: number;
  /** Until when the last 429's Retry-After asked us to wait (ms), null when not waiting. */
  retryAfterUntil: number | null;
}

export interface ConnectWiseClient {
  readonly siteOrigin: string;
  readonly companyId: string;
  /** `companyinfo` (cached; a failure is retried by the next call). */
  companyInfo(): Promise<wire.WireCompanyInfo>;
  /** `https://site/{codebase}apis/3.0`. */
  apiRoot(): Promise<string>;
  request(request: HttpRequest): Promise<HttpResponse>;
  get<S extends z.ZodType>(path: string, schema: S, options: CallOptions & { query?: Record<string, QueryValue> }): Promise<z.output<S>>;
  /** GET by id; null on 404. */
  find<S extends z.ZodType>(path: string, schema: S, options: CallOptions & { fields?: readonly string[] }): Promise<z.output<S> | null>;
  /** Forward-only pages in id order (no `orderBy`). */
  pages<S extends z.ZodType>(path: string, item: S, params: ListParams, options: CallOptions): AsyncGenerator<z.output<S>[], void, undefined>;
  list<S extends z.ZodType>(path: string, item: S, params: ListParams, options: CallOptions): AsyncGenerator<z.output<S>, void, undefined>;
  count(path: string, params: Pick<ListParams, 'conditions' | 'childConditions' | 'customFieldConditions'>, options: CallOptions): Promise<number>;
  /** POST → 201 + the created record. */
  create<S extends z.ZodType>(path: string, body: Record<string, unknown>, schema: S, options: CallOptions & { repeatable?: boolean }): Promise<z.output<S>>;
  /** PATCH with a JSON-patch array; `repeatable` when setting the same values twice is harmless. */
  patch<S extends z.ZodType>(path: string, ops: readonly PatchOp[], schema: S, options: CallOptions & { repeatable?: boolean }): Promise<z.output<S>>;
  /** DELETE; a record already gone (404) counts as deleted. */
  remove(path: string, options: CallOptions): Promise<void>;
  /** GET an absolute URL on the site without our credentials (callback key URLs). */
  getPublic<S extends z.ZodType>(url: string, schema: S, options: CallOptions): Promise<z.output<S>>;
  usage(): ConnectWiseUsage;
}

export interface PatchOp {
  op: 'add' | 'replace' | 'remove';
  path: string;
  value?: unknown;
}

/** `api-na.myconnectwise.net` → `https://api-na.myconnectwise.net`; URLs keep their scheme and host. */
export function siteOrigin(site: string): string {
  const trimmed = site.trim();
  if (trimmed === '') throw new TypeError('the ConnectWise site is empty');
  const url = /^https?:\/\//i.test(trimmed) ? new URL(trimmed) : new URL(`https://${trimmed.replace(/\/.*$/, '')}`);
  return url.origin;
}

const HOUR_MS = 3_600_000;

/** Per (site, company) in this process, so the summary sees what the loops' clients sent. */
class UsageWindow {
  sent: number[] = [];
  limited: number[] = [];
  retryAfterUntil: number | null = null;
  record(at: number, status: number, retryAfterMs: number | undefined): void {
    this.sent.push(at);
    if (status === 429) {
      this.limited.push(at);
      if (retryAfterMs !== undefined) this.retryAfterUntil = Math.max(this.retryAfterUntil ?? 0, at + retryAfterMs);
    }
    if (this.sent.length > 50_000) this.prune(at);
  }
  prune(now: number): void {
    const from = now - HOUR_MS;
    while ((this.sent[0] ?? now) < from) this.sent.shift();
    while ((this.limited[0] ?? now) < from) this.limited.shift();
    if (this.retryAfterUntil !== null && this.retryAfterUntil <= now) this.retryAfterUntil = null;
  }
}
const usageWindows = new Map<string, UsageWindow>();

/** The body's message and field errors, for error texts. */
export function readConnectWiseError(body: unknown): string | undefined {
  const parsed = wire.errorBody.safeParse(body);
  if (parsed.success) {
    const fields = (parsed.data.errors ?? []).map((e) => [e.field, e.message].filter(Boolean).join(': ')).filter((s) => s !== '');
    const parts = [parsed.data.message ?? undefined, ...fields].filter((s): s is string => s !== undefined && s !== '');
    if (parts.length > 0) return parts.join('; ');
  }
  return typeof body === 'string' && body.trim() !== '' ? body.slice(0, 300) : undefined;
}

export type ConnectWiseRefusal = 'missing_client_id' | 'unknown_client_id' | 'bad_keys' | 'other';

/** What a 401/404 answer means, from its text. */
export function classifyRefusal(status: number, text: string | undefined): ConnectWiseRefusal {
  const t = text ?? '';
  if (/clientId/i.test(t) && /(not registered|invalid|unknown)/i.test(t)) return 'unknown_client_id';
  if (/clientId/i.test(t)) return 'missing_client_id';
  if (status === 401 || status === 404) return 'bad_keys';
  return 'other';
}

/** `/company/companies`, not `/company/companies/5` nor `/finance/agreements/5/additions`: a 404 there is a refused login. */
const isCollectionPath = (path: string): boolean => !/\/\d+(\/|$)/.test(path.split('?')[0] ?? '');

export function createConnectWiseClient(options: ConnectWiseClientOptions): ConnectWiseClient {
  const { companyId, publicKey, privateKey, clientId } = options.credentials;
  const origin = siteOrigin(options.credentials.site);
  const now = options.now ?? Date.now;
  const of = options.connectionName === undefined ? '' : ` of integration '${options.connectionName}'`;
  const windowKey = `${origin}|${companyId.toLowerCase()}`;
  const window = usageWindows.get(windowKey) ?? new UsageWindow();
  usageWindows.set(windowKey, window);
  const observe = combineObservers(options.onCall);
  const authorization = `Basic ${Buffer.from(`${companyId}+${publicKey}:${privateKey}`, 'utf8').toString('base64')}`;
  const limiter: Limiter = createLimiter({ maxConcurrent: options.maxConcurrent ?? 6 });

  function mapError(failure: HttpFailure): ConnectorError | undefined {
    const { status } = failure;
    const said = readConnectWiseError(failure.body);
    const quote = said === undefined ? '' : ` (ConnectWise says: ${said})`;
    const operation = failure.context.operation ?? 'the call';
    const make = (code: ConnectorErrorCode, message: string): ConnectorError =>
      new ConnectorError({ code, message, system: CONNECTWISE_SYSTEM, status, context: failure.context });
    if (status === 401 || (status === 404 && failure.request.method === 'GET' && isCollectionPath(failure.request.path))) {
      switch (classifyRefusal(status, said)) {
        case 'missing_client_id':
        case 'unknown_client_id':
          return make(
            'auth_failed',
            `ConnectWise refused the clientId${of}${quote}: enter the clientId of your integration from the ConnectWise developer network (developer.connectwise.com > Client IDs); it is a GUID, not the company id or a key.`,
          );
        case 'bad_keys':
          return make(
            'auth_failed',
            `ConnectWise rejected the API keys of company '${companyId}'${of}${quote}: check the public and private key of the API member (System > Members > API Members > the member > API Keys); a private key is shown only once, so create a new key pair if it is lost.`,
          );
        case 'other':
          break;
      }
    }
    if (status === 403) return make('forbidden', `ConnectWise refused ${operation}${of}${quote}: give the API member's security role (Admin is what the setup guide asks for) the permission for it.`);
    if (status === 404) return make('not_found', `ConnectWise has no such record: ${operation} answered 404${quote}`);
    if (status === 409) return make('conflict', `ConnectWise refused ${operation}${of} with HTTP 409${quote}`);
    if (status === 400 || status === 405 || status === 415) return make('bad_request', `ConnectWise rejected ${operation}${of} with HTTP ${status}${quote}`);
    if (status >= 500) return make('unavailable', `ConnectWise answered ${operation} with HTTP ${status}${quote}; the next run will try again`);
    return undefined; // 429: the kit's wording with Retry-After
  }

  let http: Promise<HttpClient> | undefined;
  let info: Promise<wire.WireCompanyInfo> | undefined;

  const common = {
    system: CONNECTWISE_SYSTEM,
    systemLabel: 'ConnectWise',
    ...(options.connectionName === undefined ? {} : { connectionLabel: `'${options.connectionName}'` }),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    ...(options.retry === undefined ? {} : { retry: options.retry }),
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
    ...(options.sleep === undefined ? {} : { sleep: options.sleep }),
    ...(options.random === undefined ? {} : { random: options.random }),
    now,
  };

  const loginClient = createHttpClient({ ...common, baseUrl: origin, onCall: observe, mapError: () => undefined });

  function companyInfo(): Promise<wire.WireCompanyInfo> {
    if (options.codebase !== undefined) {
      return Promise.resolve({ Codebase: options.codebase.replace(/^\/*/, '').replace(/\/*$/, '/') });
    }
    info ??= (async () => {
      const found = await loginClient.requestJson(
        { method: 'GET', path: `/login/companyinfo/${encodeURIComponent(companyId)}`, operation: 'find the company codebase', authenticate: false },
        wire.companyInfo,
      );
      if (found === null) {
        throw new ConnectorError({
          code: 'auth_failed',
          system: CONNECTWISE_SYSTEM,
          message: `The ConnectWise site ${origin} does not know the company '${companyId}'${of}: enter the company id you type on the ConnectWise login screen (Company), and check the site (api-na.myconnectwise.net, api-eu…, api-aus…, or your own server).`,
          context: { operation: 'find the company codebase' },
        });
      }
      return found;
    })();
    info.catch(() => {
      info = undefined;
    });
    return info;
  }

  async function apiRoot(): Promise<string> {
    const found = await companyInfo();
    const codebase = found.Codebase.replace(/^\/*/, '').replace(/\/*$/, '/');
    return `${origin}/${codebase}apis/3.0`;
  }

  function api(): Promise<HttpClient> {
    http ??= apiRoot().then((baseUrl) =>
      createHttpClient({
        ...common,
        baseUrl,
        defaultHeaders: { clientId, Authorization: authorization },
        limiter,
        mapError,
        onCall: (record) => {
          window.record(now(), record.status, undefined);
          observe(record);
        },
      }),
    );
    http.catch(() => {
      http = undefined;
    });
    return http;
  }

  async function request(req: HttpRequest): Promise<HttpResponse> {
    const client = await api();
    try {
      return await client.request(req);
    } catch (error) {
      if (error instanceof ConnectorError && error.code === 'rate_limited' && error.retryAfterMs !== undefined) {
        window.retryAfterUntil = Math.max(window.retryAfterUntil ?? 0, now() + error.retryAfterMs);
      }
      throw error;
    }
  }

  async function json<S extends z.ZodType>(req: HttpRequest, schema: S): Promise<z.output<S>> {
    const client = await api();
    const response = await request(req);
    return parsePayload(schema, response.body, client.describeCall(req), { system: CONNECTWISE_SYSTEM, context: { method: req.method, path: req.path, operation: req.operation } });
  }

  function listQuery(params: ListParams): Record<string, QueryValue> {
    return {
      conditions: params.conditions,
      childConditions: params.childConditions,
      customFieldConditions: params.customFieldConditions,
      orderBy: params.orderBy,
      fields: params.fields === undefined ? undefined : params.fields.join(','),
    };
  }

  async function* pages<S extends z.ZodType>(path: string, item: S, params: ListParams, options: CallOptions): AsyncGenerator<z.output<S>[], void, undefined> {
    const pageSize = Math.min(params.pageSize ?? MAX_PAGE_SIZE, MAX_PAGE_SIZE);
    let pageId = 0;
    for (let n = 0; ; n += 1) {
      const query = { ...listQuery({ ...params, orderBy: undefined }), pageSize, ...(pageId > 0 ? { pageId } : {}) };
      const response = await request({ method: 'GET', path, query, headers: { 'pagination-type': 'forward-only' }, operation: options.operation });
      const client = await api();
        const rows = parsePayload(wire.list(item), response.body ?? [], client.describeCall({ method: 'GET', path, operation: options.operation }), {
        system: CONNECTWISE_SYSTEM,
        context: { method: 'GET', path, operation: options.operation },
      }) as z.output<S>[];
      if (rows.length > 0) yield rows;
      const link = response.headers.get('link') ?? '';
      const last = rows[rows.length - 1] as { id?: unknown } | undefined;
      if (!/rel="?next"?/i.test(link) || last === undefined || typeof last.id !== 'number') return;
      if (last.id <= pageId) {
        throw new ConnectorError({ code: 'bad_payload', system: CONNECTWISE_SYSTEM, message: `Paging through ${options.operation} did not move past id ${pageId}; stopped to avoid an endless loop`, context: { operation: options.operation, path } });
      }
      pageId = last.id;
      if (n > 1_000_000) return;
    }
  }

  return {
    siteOrigin: origin,
    companyId,
    companyInfo,
    apiRoot,
    request,
    get: (path, schema, o) => json({ method: 'GET', path, operation: o.operation, ...(o.query === undefined ? {} : { query: o.query }) }, schema),
    find: async (path, schema, o) => {
      try {
        return await json({ method: 'GET', path, operation: o.operation, ...(o.fields === undefined ? {} : { query: { fields: o.fields.join(',') } }) }, schema);
      } catch (error) {
        if (error instanceof ConnectorError && error.code === 'not_found') return null;
        throw error;
      }
    },
    pages,
    list: async function* (path, item, params, o) {
      for await (const page of pages(path, item, params, o)) yield* page;
    },
    count: async (path, params, o) => (await json({ method: 'GET', path: `${path}/count`, query: listQuery(params), operation: o.operation }, wire.count)).count,
    create: (path, body, schema, o) => json({ method: 'POST', path, json: body, operation: o.operation, ...(o.repeatable === undefined ? {} : { repeatable: o.repeatable }) }, schema),
    patch: (path, ops, schema, o) => json({ method: 'PATCH', path, json: ops, operation: o.operation, ...(o.repeatable === undefined ? {} : { repeatable: o.repeatable }) }, schema),
    remove: async (path, o) => {
      try {
        await request({ method: 'DELETE', path, operation: o.operation });
      } catch (error) {
        if (error instanceof ConnectorError && error.code === 'not_found') return;
        throw error;
      }
    },
    getPublic: (url, schema, o) => loginClient.requestJson({ method: 'GET', path: url, operation: o.operation, authenticate: false }, schema),
    usage: () => {
      window.prune(now());
      return { requestsLastHour: window.sent.length, rateLimitedLastHour: window.limited.length, retryAfterUntil: window.retryAfterUntil };
    },
  };
}
