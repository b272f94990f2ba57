import type { z } from 'zod';
import type { CallObserver } from '../kit/call-metrics.ts';
import { ConnectorError, type ConnectorErrorCode } from '../kit/errors.ts';
import { createHttpClient, type HttpClient, type HttpFailure, type HttpRequest, type HttpResponse } from '../kit/http-client.ts';
import type { Limiter } from '../kit/limiter.ts';
import type { RetryPolicy } from '../kit/retry-policy.ts';
import { createTokenCache, type TokenCache } from '../kit/token-cache.ts';
import { accountError, oauthError, tokenResponse } from './wire.ts';

export const ACCOUNT_API = '/api/2';
export const ALERT_API = '/api/alert_manager/v1';
export const TOKEN_PATH = `${ACCOUNT_API}/idp/token`;

export interface AcronisClientOptions {
  /** Data-center URL, e.g. https://eu2-cloud.acronis.com (no /api suffix). */
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  /** Name of the configured connection, for messages. */
  connectionName?: string;
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  fetch?: typeof globalThis.fetch;
  onCall?: CallObserver;
  limiter?: Limiter;
  /** Renew the token when less than this remains (default 900 s, as the official samples do). */
  renewTokenBeforeMs?: number;
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
}

export interface AcronisClient {
  readonly clientId: string;
  readonly http: HttpClient;
  readonly tokens: TokenCache;
  request(request: HttpRequest): Promise<HttpResponse>;
  requestJson<S extends z.ZodType>(request: HttpRequest, schema: S): Promise<z.output<S>>;
}

const VERSION_MISMATCH = 1001;
const ACCESS_DENIED = 1002;
const NAME_CONFLICT = 1004;
const TENANT_NOT_FOUND = 1005;
const DELETE_ENABLED_TENANT = 1006;

/** `{error:{code,message}}` or OAuth `{error, error_description}` → vendor code and message. */
export function readAcronisError(body: unknown): { code: string | number | undefined; message: string | undefined } {
  const account = accountError.safeParse(body);
  if (account.success) {
    const raw = account.data.error.code;
    // Codes arrive as 1001 or "1001"; keep numbers numeric so comparisons are simple.
    const code = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : raw;
    return { code, message: account.data.error.message };
  }
  const oauth = oauthError.safeParse(body);
  if (oauth.success) return { code: oauth.data.error, message: oauth.data.error_description ?? oauth.data.reason };
  return { code: undefined, message: typeof body === 'string' && body.trim() !== '' ? body.slice(0, 200) : undefined };
}

export function createAcronisClient(options: AcronisClientOptions): AcronisClient {
  const connection = options.connectionName === undefined ? '' : ` of connection '${options.connectionName}'`;
  const now = options.now ?? Date.now;

  function mapError(failure: HttpFailure): ConnectorError | undefined {
    const { status, request } = failure;
    const { code: vendorCode, message: vendorMessage } = readAcronisError(failure.body);
    const call = http.describeCall(request);
    const said = vendorMessage === undefined ? '' : ` (Acronis says: ${vendorMessage})`;
    const make = (code: ConnectorErrorCode, message: string): ConnectorError =>
      new ConnectorError({
        code,
        message,
        system: 'acronis',
        status,
        context: failure.context,
        ...(vendorCode === undefined ? {} : { vendorCode }),
      });

    if (request.path === TOKEN_PATH && (status === 400 || status === 401 || status === 403)) {
      return make(
        'auth_failed',
        `Acronis rejected the API client credentials${connection} (client id ${options.clientId})${said}: check the client id and secret, and that the API client is still enabled`,
      );
    }
    if (status === 401) {
      return make(
        'auth_failed',
        `Acronis rejected the access token of API client ${options.clientId}${connection} on ${call} even after renewing it${said}: check that the API client still exists and is enabled`,
      );
    }
    if (status === 403 || vendorCode === ACCESS_DENIED) {
      return make('forbidden', `API client ${options.clientId}${connection} may not do ${call}${said}: it needs administrator rights on the partner tenant`);
    }
    if (vendorCode === VERSION_MISMATCH) {
      return make('version_conflict', `Acronis refused ${call}: the object changed since it was read${said}`);
    }
    if (vendorCode === NAME_CONFLICT) {
      return make('conflict', `Acronis refused ${call}: the name is already taken${said}`);
    }
    if (vendorCode === DELETE_ENABLED_TENANT) {
      return make('conflict', `Acronis refused ${call}: a tenant must be disabled before it is deleted${said}`);
    }
    if (status === 404 || vendorCode === TENANT_NOT_FOUND) {
      return make('not_found', `Acronis has no such object: ${call} answered ${status}${said}`);
    }
    if (status === 409) return make('conflict', `Acronis refused ${call} with a conflict${said}`);
    if (status === 429 || status >= 500) return undefined; // kit wording, with Retry-After
    return make('bad_request', `Acronis rejected ${call} with HTTP ${status}${said}`);
  }

  const basic = `Basic ${Buffer.from(`${options.clientId}:${options.clientSecret}`, 'utf8').toString('base64')}`;

  const tokens = createTokenCache({
    now,
    ...(options.renewTokenBeforeMs === undefined ? {} : { renewBeforeMs: options.renewTokenBeforeMs }),
    fetchToken: async () => {
      const issuedAt = now();
      const body = await http.requestJson(
        {
          method: 'POST',
          path: TOKEN_PATH,
          form: { grant_type: 'client_credentials' },
          headers: { Authorization: basic },
          authenticate: false,
          // Issuing a second token has no effect beyond the first.
          repeatable: true,
          operation: 'issue access token',
        },
        tokenResponse,
      );
      const expiresAtMs =
        body.expires_on !== undefined
          ? body.expires_on * 1000
          : body.expires_in !== undefined
            ? issuedAt + body.expires_in * 1000
            : issuedAt + 3_600_000;
      return { token: body.access_token, expiresAtMs };
    },
  });

  const http: HttpClient = createHttpClient({
    system: 'acronis',
    systemLabel: 'Acronis',
    ...(options.connectionName === undefined ? {} : { connectionLabel: `'${options.connectionName}'` }),
    baseUrl: options.baseUrl,
    defaultHeaders: { 'User-Agent': 'psa-bridge/0.1 (+acronis-connector)' },
    mapError,
    auth: {
      headers: async () => ({ Authorization: `Bearer ${await tokens.get()}` }),
      rejected: (headers) => tokens.invalidate((headers.Authorization ?? '').replace(/^Bearer /, '')),
    },
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    ...(options.retry === undefined ? {} : { retry: options.retry }),
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
    ...(options.onCall === undefined ? {} : { onCall: options.onCall }),
    ...(options.limiter === undefined ? {} : { limiter: options.limiter }),
    ...(options.sleep === undefined ? {} : { sleep: options.sleep }),
    ...(options.random === undefined ? {} : { random: options.random }),
    now,
  });

  return {
    clientId: options.clientId,
    http,
    tokens,
    request: (request) => http.request(request),
    requestJson: (request, schema) => http.requestJson(request, schema),
  };
}
