import type { z } from 'zod';
import { combineObservers, type CallObserver } from './call-metrics.ts';
import { ConnectorError, type ConnectorErrorCode, type ConnectorErrorContext } from './errors.ts';
import type { Limiter } from './limiter.ts';
import { classifyNetworkFailure, type NetworkFailure } from './network-failure.ts';
import { parseJsonText, parsePayload } from './payload.ts';
import { backoffDelayMs, DEFAULT_RETRY_POLICY, parseRetryAfter, type RetryPolicy } from './retry-policy.ts';
import { sleep as defaultSleep } from './sleep.ts';

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export type QueryValue = string | number | boolean | bigint | null | undefined | readonly (string | number)[];

/**
 * Supplies credentials per attempt. `rejected` is told about a 401 answered to `headers`; the
 * client then retries once with fresh headers (a token that expired early, or was revoked).
 */
export interface HttpAuth {
  headers(): Promise<Record<string, string>>;
  rejected(headers: Record<string, string>): void;
}

export interface HttpRequest {
  method: HttpMethod;
  /** Relative to the base URL (`/api/2/tenants`), or absolute for next-URL paging. */
  path: string;
  query?: Record<string, QueryValue>;
  /** JSON body; sets Content-Type. */
  json?: unknown;
  /** Form body (application/x-www-form-urlencoded). */
  form?: Record<string, string>;
  headers?: Record<string, string>;
  /** What the call is for, in words ("list customer tenants"): in messages and as the metric label. */
  operation: string;
  /**
   * Whether sending this request twice is harmless. GET/HEAD/PUT/DELETE default to true; POST and
   * PATCH default to false and are then retried only when the server provably did not process
   * them (429, or a connection that was never established). Set true for a POST that carries an
   * idempotency key or was preceded by a lookup.
   */
  repeatable?: boolean;
  /** Send the client's auth headers (default true). */
  authenticate?: boolean;
  /** Statuses returned to the caller instead of thrown (e.g. 409 from a "check login" call). */
  acceptStatus?: readonly number[];
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  signal?: AbortSignal;
  /** The answer is a document (a CSV report), not JSON: `body` is its text as received. */
  text?: boolean;
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON, or undefined for an empty body. */
  body: unknown;
}

/** What a system-specific error mapper sees about a non-2xx answer. */
export interface HttpFailure {
  status: number;
  headers: Headers;
  /** Parsed JSON when the body was JSON, else the raw text (possibly empty). */
  body: unknown;
  request: HttpRequest;
  context: ConnectorErrorContext;
}

export interface HttpClientOptions {
  /** Stable id for errors and metrics: 'acronis', 'autotask', … */
  system: string;
  /** Name in messages: 'Acronis'. */
  systemLabel?: string;
  /** Which configured connection this is, for messages ("connection 'EU2 production'"). */
  connectionLabel?: string;
  baseUrl: string;
  defaultHeaders?: Record<string, string>;
  /** Per attempt, body included. Default 30 s. */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  fetch?: typeof globalThis.fetch;
  limiter?: Limiter;
  onCall?: CallObserver;
  auth?: HttpAuth;
  /** Turns a non-2xx answer into a ConnectorError with the system's own words; undefined = default mapping. */
  mapError?: (failure: HttpFailure) => ConnectorError | undefined;
  /** Test seams. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
  now?: () => number;
}

export interface HttpClient {
  readonly system: string;
  readonly baseUrl: string;
  request(request: HttpRequest): Promise<HttpResponse>;
  /** `request`, then validate the body with `schema` (bad_payload names the field and the call). */
  requestJson<S extends z.ZodType>(request: HttpRequest, schema: S): Promise<z.output<S>>;
  /** "Acronis GET /api/2/tenants (list customer tenants)": how messages name a call. */
  describeCall(request: Pick<HttpRequest, 'method' | 'path' | 'operation'>): string;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const REPEATABLE_METHODS: ReadonlySet<HttpMethod> = new Set(['GET', 'HEAD', 'PUT', 'DELETE']);

export function buildUrl(baseUrl: string, path: string, query?: Record<string, QueryValue>): URL {
  const url = /^https?:\/\//i.test(path) ? new URL(path) : new URL(baseUrl.replace(/\/+$/, '') + path);
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined || value === null) continue;
    url.searchParams.set(key, Array.isArray(value) ? value.join(',') : String(value));
  }
  return url;
}

function statusCode(status: number): ConnectorErrorCode {
  if (status === 401) return 'auth_failed';
  if (status === 403) return 'forbidden';
  if (status === 404 || status === 410) return 'not_found';
  if (status === 409 || status === 412) return 'conflict';
  if (status === 408) return 'timeout';
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'unavailable';
  return 'bad_request';
}

function looksLikeHtml(contentType: string | null, text: string): boolean {
  if (contentType !== null && /html/i.test(contentType)) return true;
  return /^\s*<(!doctype|html|head|body)/i.test(text);
}

export function createHttpClient(options: HttpClientOptions): HttpClient {
  const label = options.systemLabel ?? options.system;
  const ofConnection = options.connectionLabel === undefined ? '' : ` of connection ${options.connectionLabel}`;
  const doFetch = options.fetch ?? globalThis.fetch;
  const doSleep = options.sleep ?? defaultSleep;
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;
  const observe = combineObservers(options.onCall);
  const origin = new URL(options.baseUrl).origin;

  const describeCall = (request: Pick<HttpRequest, 'method' | 'path' | 'operation'>): string =>
    `${label} ${request.method} ${request.path.split('?')[0]} (${request.operation})`;

  const checkUrl = `check the data-center URL${ofConnection} (${options.baseUrl})`;

  function networkError(failure: NetworkFailure, request: HttpRequest, context: ConnectorErrorContext, cause: unknown): ConnectorError {
    const where = `${label} at ${origin}`;
    const why: Record<NetworkFailure['kind'], string> = {
      dns: `the host name does not resolve (${failure.sysCode}): ${checkUrl}`,
      refused: `the connection was refused (${failure.sysCode}): ${checkUrl} and that the server is running`,
      blocked_port: `fetch refuses to connect to port ${new URL(origin).port} (${failure.detail}): ${checkUrl}`,
      tls: `the TLS handshake failed (${failure.sysCode}: ${failure.detail}): ${checkUrl}`,
      reset: `the connection was closed before an answer arrived (${failure.sysCode}) on ${describeCall(request)}`,
      other: `${failure.detail}${failure.sysCode === undefined ? '' : ` (${failure.sysCode})`} on ${describeCall(request)}: ${checkUrl}`,
    };
    return new ConnectorError({
      code: 'unreachable',
      system: options.system,
      message: `Cannot reach ${where}: ${why[failure.kind]}`,
      context: { ...context, network: failure.kind, ...(failure.sysCode === undefined ? {} : { sysCode: failure.sysCode }) },
      cause,
    });
  }

  function defaultHttpError(failure: HttpFailure, retryAfterMs: number | undefined): ConnectorError {
    const code = statusCode(failure.status);
    const call = describeCall(failure.request);
    const text = typeof failure.body === 'string' && failure.body !== '' ? `: ${failure.body.slice(0, 200)}` : '';
    const messages: Partial<Record<ConnectorErrorCode, string>> = {
      auth_failed: `${label} rejected our credentials${ofConnection} on ${call}: check the API credentials`,
      forbidden: `${label} refused ${call}${ofConnection}: the API client lacks the permission for it`,
      not_found: `${label} has no such object: ${call} answered HTTP ${failure.status}`,
      rate_limited: `${label} is rate limiting us on ${call}${retryAfterMs === undefined ? '' : `; it asks to wait ${Math.ceil(retryAfterMs / 1000)} s`}`,
      unavailable: `${label} is unavailable: ${call} answered HTTP ${failure.status}; the next run will try again`,
    };
    return new ConnectorError({
      code,
      system: options.system,
      status: failure.status,
      message: messages[code] ?? `${label} rejected ${call} with HTTP ${failure.status}${text}`,
      context: failure.context,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    });
  }

  /** One attempt: a response (2xx or accepted) or a ConnectorError carrying whether it may be repeated. */
  async function attemptOnce(
    request: HttpRequest,
    url: URL,
    context: ConnectorErrorContext,
    authHeaders: Record<string, string>,
  ): Promise<{ response: HttpResponse } | { error: ConnectorError; maybeSent: boolean; permanent?: boolean }> {
    const timeoutMs = request.timeoutMs ?? options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    // A timer cleared once the answer is read, not AbortSignal.timeout: that one stays armed for the
    // whole timeout after the request ended (thousands pending at once in a 10,000-company pass).
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(new DOMException(`timed out after ${timeoutMs} ms`, 'TimeoutError')), timeoutMs);
    const signal = request.signal === undefined ? timeout.signal : AbortSignal.any([timeout.signal, request.signal]);
    const headers: Record<string, string> = { Accept: 'application/json', ...options.defaultHeaders, ...request.headers, ...authHeaders };
    let body: string | undefined;
    if (request.json !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(request.json);
    } else if (request.form !== undefined) {
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(request.form).toString();
    }

    let status = 0;
    let responseHeaders = new Headers();
    let text: string;
    try {
      const response = await doFetch(url, { method: request.method, headers, body, signal, redirect: 'manual' });
      status = response.status;
      responseHeaders = response.headers;
      text = await response.text();
    } catch (error) {
      if (request.signal?.aborted === true) {
        return {
          error: new ConnectorError({ code: 'cancelled', system: options.system, message: `${describeCall(request)} was cancelled`, context, cause: error }),
          maybeSent: true,
        };
      }
      if (timeout.signal.aborted) {
        return {
          error: new ConnectorError({
            code: 'timeout',
            system: options.system,
            ...(status === 0 ? {} : { status }),
            message: `${label} did not answer ${describeCall(request)} within ${timeoutMs / 1000} s`,
            context,
            cause: error,
          }),
          maybeSent: true,
        };
      }
      const failure = classifyNetworkFailure(error);
      return { error: networkError(failure, request, context, error), maybeSent: failure.maybeSent, permanent: failure.permanent };
    } finally {
      clearTimeout(timer);
    }

    const contentType = responseHeaders.get('content-type');
    const ok = (status >= 200 && status < 300) || (request.acceptStatus?.includes(status) ?? false);
    if (ok) {
      if (request.text === true) return { response: { status, headers: responseHeaders, body: text } };
      if (text.trim() === '') return { response: { status, headers: responseHeaders, body: undefined } };
      if (looksLikeHtml(contentType, text)) {
        return {
          error: new ConnectorError({
            code: 'unexpected_response',
            system: options.system,
            status,
            message: `${origin} answered ${describeCall(request)} with an HTML page, not the ${label} API: ${checkUrl}`,
            context,
          }),
          maybeSent: true,
        };
      }
      try {
        const parsed = parseJsonText(text, describeCall(request), { system: options.system, context });
        return { response: { status, headers: responseHeaders, body: parsed } };
      } catch (error) {
        return { error: error as ConnectorError, maybeSent: true };
      }
    }

    if (status >= 300 && status < 400) {
      return {
        error: new ConnectorError({
          code: 'unexpected_response',
          system: options.system,
          status,
          message: `${origin} redirected ${describeCall(request)} to ${responseHeaders.get('location') ?? '(nowhere)'}: ${checkUrl}`,
          context,
        }),
        maybeSent: true,
      };
    }

    let failureBody: unknown = text;
    if (text.trim() !== '' && !looksLikeHtml(contentType, text)) {
      try {
        failureBody = JSON.parse(text);
      } catch {
        failureBody = text;
      }
    }
    // An HTML error page on a 4xx means we are not talking to the API at all (wrong host or path
    // prefix); 5xx HTML pages are routinely served by load balancers in front of the real API.
    if (status < 500 && status !== 429 && typeof failureBody === 'string' && looksLikeHtml(contentType, text)) {
      return {
        error: new ConnectorError({
          code: 'unexpected_response',
          system: options.system,
          status,
          message: `${origin} answered ${describeCall(request)} with an HTML page (HTTP ${status}), not the ${label} API: ${checkUrl}`,
          context,
        }),
        maybeSent: true,
      };
    }
    const retryAfterMs = status === 429 || status === 503 ? parseRetryAfter(responseHeaders.get('retry-after'), now()) : undefined;
    const failure: HttpFailure = { status, headers: responseHeaders, body: failureBody, request, context };
    const mapped = options.mapError?.(failure) ?? defaultHttpError(failure, retryAfterMs);
    const error = retryAfterMs !== undefined && mapped.retryAfterMs === undefined ? mapped.with({ retryAfterMs }) : mapped;
    // A 429 was provably not processed; any other answer may have had effects.
    return { error, maybeSent: status !== 429 };
  }

  async function request(request: HttpRequest): Promise<HttpResponse> {
    const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...options.retry, ...request.retry };
    const url = buildUrl(options.baseUrl, request.path, request.query);
    const repeatable = request.repeatable ?? REPEATABLE_METHODS.has(request.method);
    const useAuth = request.authenticate ?? true;
    const baseContext: ConnectorErrorContext = {
      method: request.method,
      path: url.pathname + url.search,
      operation: request.operation,
    };
    let reauthenticated = false;

    for (let attempt = 1; ; attempt += 1) {
      const context: ConnectorErrorContext = { ...baseContext, attempts: attempt };
      const started = now();
      const authHeaders = useAuth && options.auth !== undefined ? await options.auth.headers() : {};
      const run = (): ReturnType<typeof attemptOnce> => attemptOnce(request, url, context, authHeaders);
      const outcome = options.limiter === undefined ? await run() : await options.limiter.run(run);
      const record = {
        system: options.system,
        method: request.method,
        operation: request.operation,
        attempt,
        durationMs: now() - started,
      };
      if ('response' in outcome) {
        observe({ ...record, status: outcome.response.status });
        return outcome.response;
      }
      const { error, maybeSent, permanent = false } = outcome;
      observe({ ...record, status: error.status ?? 0, errorCode: error.code });

      if (error.code === 'auth_failed' && useAuth && options.auth !== undefined && !reauthenticated) {
        // The token may have expired early or been revoked: renew once, then trust the answer.
        reauthenticated = true;
        options.auth.rejected(authHeaders);
        attempt -= 1;
        continue;
      }
      const mayRepeat = repeatable || !maybeSent;
      const retryable = !permanent && policy.retryOn.includes(error.code) && mayRepeat && attempt < policy.maxAttempts;
      if (!retryable) throw finalError(error, attempt);
      if (error.retryAfterMs !== undefined && error.retryAfterMs > policy.maxRetryAfterMs) throw finalError(error, attempt);
      const delay = error.retryAfterMs ?? backoffDelayMs(policy, attempt, random);
      try {
        await doSleep(delay, request.signal);
      } catch (abort) {
        throw new ConnectorError({ code: 'cancelled', system: options.system, message: `${describeCall(request)} was cancelled`, context, cause: abort });
      }
    }
  }

  function finalError(error: ConnectorError, attempts: number): ConnectorError {
    if (attempts <= 1) return error;
    return error.with({ message: `${error.message} (gave up after ${attempts} attempts)`, context: { ...error.context, attempts } });
  }

  return {
    system: options.system,
    baseUrl: options.baseUrl,
    request,
    requestJson: async (req, schema) => {
      const response = await request(req);
      const url = buildUrl(options.baseUrl, req.path, req.query);
      return parsePayload(schema, response.body, describeCall(req), {
        system: options.system,
        context: { method: req.method, path: url.pathname + url.search, operation: req.operation },
      });
    },
    describeCall,
  };
}
