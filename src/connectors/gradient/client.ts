/**
 * Gradient Synthesize vendor API wire client, on the connector kit (retries with jittered backoff,
 * Retry-After, typed ConnectorError). The hub is the *vendor* here: it pushes accounts, services,
 * unit counts and alerts; the MSP maps them to PSA companies and products inside Gradient, and the
 * vendor never sees those mappings. So a count's 404 ("No account map found with id: …") is not an
 * error but the answer "not mapped in Gradient yet", returned as such.
 *
 * One header authenticates: `GRADIENT-TOKEN: base64("<vendor key>:<partner key>")`. It is added by the
 * fetch wrapper below the kit, so no error context, log line or metric ever holds it.
 *
 * Gradient answers 429 above 100 requests per second. Every request (retries included) first takes a
 * slot of a sliding one-second window of `requestsPerSecond` (90 by default), shared by every client
 * of the same keys in the process: the strict form of a token bucket, which never lets more than 90
 * start in any second, bursts included. Starts are not arrivals: a request started late in one second
 * may reach Gradient in the next. At most `MAX_IN_FLIGHT` requests are on the way at any instant, so
 * any second at Gradient's end sees at most 90 + 8 = 98.
 */
import { createHash } from 'node:crypto';
import type { z } from 'zod';
import type { CallObserver } from '../kit/call-metrics.ts';
import { ConnectorError } from '../kit/errors.ts';
import { createHttpClient, type HttpClient, type HttpFailure, type HttpRequest } from '../kit/http-client.ts';
import { createLimiter, type Limiter } from '../kit/limiter.ts';
import { parsePayload } from '../kit/payload.ts';
import type { RetryPolicy } from '../kit/retry-policy.ts';
import * as wire from './wire.ts';

export const GRADIENT_SYSTEM = 'gradient';
export const GRADIENT_LABEL = 'Gradient';
/** Production; `/api/vendor-api` is added (GS:PSGradient/Client/PSConfiguration.ps1). */
export const GRADIENT_PRODUCTION_URL = 'https://app.usegradient.com';
export const GRADIENT_API_PATH = '/api/vendor-api';
/** Under Gradient's 100 per second. */
export const GRADIENT_REQUESTS_PER_SECOND = 90;
/** Requests on the way at once; bounds how many a late arrival can add to a second (see above). */
export const MAX_IN_FLIGHT = 8;

export interface GradientClientOptions {
  /** Gradient's host (default production); a URL that already ends in /api/vendor-api is kept as it is. */
  baseUrl?: string;
  vendorKey: string;
  partnerKey: string;
  connectionName?: string;
  onCall?: CallObserver;
  fetch?: typeof globalThis.fetch;
  retry?: Partial<RetryPolicy>;
  timeoutMs?: number;
  requestsPerSecond?: number;
  /** Test seams. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
}

/** A count post: Gradient took it, or the account or the service is not mapped there (yet). */
export type CountOutcome = { outcome: 'counted' } | { outcome: 'not_mapped'; message: string };

export interface GradientClient {
  /** `<host>/api/vendor-api`. */
  readonly apiUrl: string;
  readonly http: HttpClient;
  /** The vendor profile with its services (`skus`). */
  getVendor(): Promise<wire.VendorData>;
  updateVendor(patch: { description?: string; vendorSupportPageUrl?: string; integrationPortalUrl?: string }): Promise<wire.VendorData>;
  /** The partner integration: the credential check. */
  getIntegration(): Promise<wire.Integration>;
  setStatus(status: wire.IntegrationStatus): Promise<wire.Integration>;
  listAccounts(): Promise<wire.Account[]>;
  /** Not idempotent on Gradient's side: list first, and never repeat a create whose answer was lost without listing again. */
  createAccounts(accounts: readonly wire.NewAccount[]): Promise<wire.Account[]>;
  updateAccount(id: string, patch: wire.AccountPatch): Promise<wire.Account>;
  /** Not de-duplicated by Gradient either (by name: look first). Answers the vendor profile with every service. */
  createService(service: wire.NewService): Promise<wire.VendorData>;
  /** Null when there is no such service. */
  getService(id: string): Promise<wire.Sku | null>;
  updateService(id: string, patch: wire.ServicePatch): Promise<void>;
  /** Setting a count is level-triggered on Gradient's side: posting the same value twice is harmless. */
  postCount(serviceId: string, count: wire.CountRequest, options: { noBuild: boolean }): Promise<CountOutcome>;
  createAlert(accountId: string, alert: wire.NewAlert): Promise<wire.AlertCreated>;
  getAlertDelivery(messageId: string): Promise<wire.AlertDebug>;
}

const configError = (message: string) =>
  new ConnectorError({ code: 'bad_request', system: GRADIENT_SYSTEM, message, context: { operation: 'configure connector' } });

/** `https://app.usegradient.com` → `https://app.usegradient.com/api/vendor-api`; refuses what is not an http(s) URL. */
export function gradientApiUrl(baseUrl: string = GRADIENT_PRODUCTION_URL): string {
  const trimmed = baseUrl.trim().replace(/\/+$/, '');
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    throw configError(`The Gradient base URL "${baseUrl}" is not a URL: leave it empty for production (${GRADIENT_PRODUCTION_URL}) or enter the one Gradient vendor support gave`);
  }
  if (!['http:', 'https:'].includes(url.protocol)) throw configError(`The Gradient base URL "${baseUrl}" must start with https://`);
  if (url.search !== '' || url.hash !== '') throw configError(`The Gradient base URL "${baseUrl}" must not carry a query or a fragment`);
  if (trimmed.endsWith(GRADIENT_API_PATH)) return trimmed;
  if (trimmed.endsWith('/api')) return `${trimmed}/vendor-api`;
  return `${trimmed}${GRADIENT_API_PATH}`;
}

/** What we send is checked too: a value Gradient would refuse (a negative count, an unknown enum) is our bug, said plainly. */
function outgoing<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
  throw new ConnectorError({ code: 'bad_request', system: GRADIENT_SYSTEM, message: `Refusing to send ${what} to Gradient: ${issues}`, context: { operation: what } });
}

export function gradientToken(vendorKey: string, partnerKey: string): string {
  return Buffer.from(`${vendorKey}:${partnerKey}`, 'utf8').toString('base64');
}

/** One request window per Gradient integration (keys × URL) in the process, whoever builds the client. */
const windows = new Map<string, { limiter: Limiter; perSecond: number }>();
function sharedWindow(apiUrl: string, token: string, perSecond: number): Limiter {
  const key = createHash('sha256').update(`${apiUrl}\n${token}`).digest('hex');
  const found = windows.get(key);
  if (found !== undefined && found.perSecond === perSecond) return found.limiter;
  const limiter = createLimiter({ maxPerInterval: perSecond, intervalMs: 1000, maxConcurrent: MAX_IN_FLIGHT });
  windows.set(key, { limiter, perSecond });
  return limiter;
}

function gradientMessage(body: unknown): string | undefined {
  const parsed = wire.errorBody.safeParse(body);
  if (!parsed.success) return undefined;
  return Array.isArray(parsed.data.message) ? parsed.data.message.join('; ') : parsed.data.message;
}

function apiError(failure: HttpFailure, ofConnection: string): ConnectorError | undefined {
  const said = gradientMessage(failure.body);
  const call = `${GRADIENT_LABEL} ${failure.request.method} ${failure.request.path.split('?')[0]} (${failure.request.operation})`;
  const quoted = said === undefined ? '' : ` ("${said}")`;
  const base = { system: GRADIENT_SYSTEM, status: failure.status, context: failure.context };
  switch (failure.status) {
    case 401:
      return new ConnectorError({
        ...base,
        code: 'auth_failed',
        message:
          `Gradient rejected the vendor key or the partner key${ofConnection} on ${call}${quoted}: check both keys. ` +
          'A partner key regenerated in Gradient (Integrations → Custom → Generate API Tokens) must be entered again; the old one stops working.',
      });
    case 403:
      return new ConnectorError({
        ...base,
        code: 'forbidden',
        message: `Gradient refused ${call}${ofConnection}${quoted}: it reports an anomaly with this integration's API usage. Contact Gradient support; the hub does not retry a 403.`,
      });
    case 429:
      return new ConnectorError({
        ...base,
        code: 'rate_limited',
        message: `Gradient is rate limiting ${call}${quoted}: more than 100 requests per second reached it with these keys (is another process using them?)`,
      });
    case 400:
    case 409:
    case 422:
      return new ConnectorError({ ...base, code: failure.status === 409 ? 'conflict' : 'bad_request', message: `Gradient refused ${call}${quoted}` });
    case 404:
      return said === undefined ? undefined : new ConnectorError({ ...base, code: 'not_found', message: `Gradient: ${said} (${call})` });
    default:
      return undefined;
  }
}

export function createGradientClient(options: GradientClientOptions): GradientClient {
  const vendorKey = options.vendorKey.trim();
  const partnerKey = options.partnerKey.trim();
  if (vendorKey === '' || partnerKey === '') {
    throw new ConnectorError({
      code: 'auth_failed',
      system: GRADIENT_SYSTEM,
      message: `The Gradient integration lacks ${vendorKey === '' ? 'the vendor key' : 'the partner key'}: enter both keys Gradient generated for this integration`,
      context: { operation: 'configure connector' },
    });
  }
  const apiUrl = gradientApiUrl(options.baseUrl);
  const token = gradientToken(vendorKey, partnerKey);
  const baseFetch = options.fetch ?? globalThis.fetch;
  const authorisedFetch: typeof globalThis.fetch = (input, init) => {
    const headers = new Headers(init?.headers);
    headers.set('GRADIENT-TOKEN', token);
    return baseFetch(input, { ...init, headers });
  };
  const ofConnection = options.connectionName === undefined ? '' : ` (integration '${options.connectionName}')`;
  const http = createHttpClient({
    system: GRADIENT_SYSTEM,
    systemLabel: GRADIENT_LABEL,
    ...(options.connectionName === undefined ? {} : { connectionLabel: `'${options.connectionName}'` }),
    baseUrl: apiUrl,
    fetch: authorisedFetch,
    limiter: sharedWindow(apiUrl, token, options.requestsPerSecond ?? GRADIENT_REQUESTS_PER_SECOND),
    mapError: (failure) => apiError(failure, ofConnection),
    ...(options.onCall === undefined ? {} : { onCall: options.onCall }),
    ...(options.retry === undefined ? {} : { retry: options.retry }),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    ...(options.sleep === undefined ? {} : { sleep: options.sleep }),
    ...(options.random === undefined ? {} : { random: options.random }),
  });

  const get = <S extends z.ZodType>(path: string, schema: S, operation: string) => http.requestJson({ method: 'GET', path, operation }, schema);
  const send = <S extends z.ZodType>(method: 'POST' | 'PATCH', path: string, json: unknown, schema: S, operation: string, extra: Partial<HttpRequest> = {}) =>
    http.requestJson({ method, path, operation, ...(json === undefined ? {} : { json }), ...extra }, schema);
  const id = (value: string) => encodeURIComponent(value);

  return {
    apiUrl,
    http,
    getVendor: async () => (await get('', wire.vendorEnvelope, 'read vendor profile and services')).data,
    updateVendor: async (patch) => (await send('PATCH', '', patch, wire.vendorEnvelope, 'update vendor profile', { repeatable: true })).data,
    getIntegration: () => get('/organization', wire.integration, 'read partner integration'),
    setStatus: async (status) =>
      (await send('PATCH', `/organization/status/${id(status)}`, undefined, wire.statusEnvelope, `set integration status ${status}`, { repeatable: true })).data,
    listAccounts: () => get('/organization/accounts', wire.accounts, 'list accounts'),
    createAccounts: async (accounts) => {
      const body = accounts.map((a) => outgoing(wire.newAccount, a, 'create accounts'));
      if (body.length === 0) return [];
      return send('POST', '/organization/accounts', body, wire.accounts, 'create accounts');
    },
    updateAccount: (accountId, patch) =>
      send('PATCH', `/organization/accounts/${id(accountId)}`, outgoing(wire.accountPatch, patch, 'rename account'), wire.account, 'rename account', { repeatable: true }),
    createService: (service) => send('POST', '/service', outgoing(wire.newService, service, 'create service'), wire.vendorData, 'create service'),
    getService: async (serviceId) => {
      try {
        return (await get(`/service/${id(serviceId)}`, wire.serviceEnvelope, 'read service')).data;
      } catch (error) {
        if (error instanceof ConnectorError && error.code === 'not_found') return null;
        throw error;
      }
    },
    updateService: async (serviceId, patch) => {
      await http.request({ method: 'PATCH', path: `/service/${id(serviceId)}`, json: outgoing(wire.servicePatch, patch, 'update service'), operation: 'update service', repeatable: true });
    },
    postCount: async (serviceId, count, { noBuild }) => {
      const request: HttpRequest = {
        method: 'POST',
        path: `/service/${id(serviceId)}/count`,
        query: noBuild ? { no_build: 'true' } : {},
        json: outgoing(wire.countRequest, count, 'set unit count'),
        operation: 'set unit count',
        // Setting a count to a value is harmless to repeat.
        repeatable: true,
        acceptStatus: [404],
      };
      const response = await http.request(request);
      if (response.status === 404) {
        return { outcome: 'not_mapped', message: gradientMessage(response.body) ?? `No account map found with id: ${count.accountId}` };
      }
      parsePayload(wire.countResponse, response.body, http.describeCall(request), { system: GRADIENT_SYSTEM, context: { operation: request.operation } });
      return { outcome: 'counted' };
    },
    createAlert: (accountId, alert) => send('POST', `/alerting/${id(accountId)}`, outgoing(wire.newAlert, alert, 'create alert ticket'), wire.alertCreated, 'create alert ticket'),
    getAlertDelivery: (messageId) => get(`/alerting/debug/${id(messageId)}`, wire.alertDebug, 'read alert delivery'),
  };
}
