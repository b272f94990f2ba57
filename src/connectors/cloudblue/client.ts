/**
 * CloudBlue PSA wire client. Little of this API is public (reference/psa.md §C.1): the one documented
 * call is `GET {site}/webapi/v1.3/tickets/getticketsreport?api_key=<KEY>&filter=<JSON>`. Everything
 * else follows the proposed shape the emulator serves (§C.2), so the API base, every path, where the
 * key goes (query parameter or header, and under which name) and the page size are configuration
 * (`CloudBlueApiConfig`) with those values as defaults: a user adapts to their instance without a
 * code change.
 *
 * The key never appears in an error context, a log line or a metric: when it travels in the query
 * string it is added by the fetch wrapper below, after the kit has built its (logged) request path.
 */
import { z } from 'zod';
import { isHttpUrl } from '../../domain/http-url.ts';
import { ConnectorError } from '../kit/errors.ts';
import { createHttpClient, type HttpClient, type HttpFailure, type HttpRequest, type QueryValue } from '../kit/http-client.ts';
import type { CallObserver } from '../kit/call-metrics.ts';
import type { RetryPolicy } from '../kit/retry-policy.ts';
import * as wire from './wire.ts';

export const CLOUDBLUE_SYSTEM = 'cloudblue';
const LABEL = 'CloudBlue PSA';

/** Paths relative to `apiBase`; `{id}` is replaced by the record id. */
export interface CloudBlueApiPaths {
  version: string;
  customersReport: string;
  linkedCustomersReport: string;
  customer: string;
  customerStatuses: string;
  ticketsReport: string;
  tickets: string;
  ticket: string;
  ticketStatus: string;
  ticketNotes: string;
  ticketTypes: string;
  ticketCategories: string;
  ticketTeams: string;
  ticketStatuses: string;
  ticketPriorities: string;
}

export interface CloudBlueApiConfig {
  /** Documented: `/webapi/v1.3`. */
  apiBase: string;
  /** Documented: `query` (`?api_key=`). `header` keeps the key out of URLs and proxy logs, where the instance accepts it. */
  keyPlacement: 'query' | 'header';
  /** Query parameter name (documented `api_key`). */
  keyParameter: string;
  /** Header name when `keyPlacement` is `header` (proposed `X-API-Key`). */
  keyHeader: string;
  /** Grid report page size; the Power Query connector uses the documented maximum, 1000. */
  pageSize: number;
  /** The external system whose ids are Ingram Cloud Marketplace account ids (the Linked Customers screen's "CMP"). */
  marketplaceSystem: string;
  paths: CloudBlueApiPaths;
}

export const DEFAULT_CLOUDBLUE_API: CloudBlueApiConfig = {
  apiBase: '/webapi/v1.3',
  keyPlacement: 'query',
  keyParameter: 'api_key',
  keyHeader: 'X-API-Key',
  pageSize: 1000,
  marketplaceSystem: 'CMP',
  paths: {
    version: '/system/getversion',
    customersReport: '/customers/getcustomersreport',
    linkedCustomersReport: '/customers/getlinkedcustomersreport',
    customer: '/customers/{id}',
    customerStatuses: '/customers/statuses',
    ticketsReport: '/tickets/getticketsreport',
    tickets: '/tickets',
    ticket: '/tickets/{id}',
    ticketStatus: '/tickets/{id}/status',
    ticketNotes: '/tickets/{id}/notes',
    ticketTypes: '/tickets/types',
    ticketCategories: '/tickets/categories',
    ticketTeams: '/tickets/teams',
    ticketStatuses: '/tickets/statuses',
    ticketPriorities: '/tickets/priorities',
  },
};

export type CloudBlueApiOverrides = Partial<Omit<CloudBlueApiConfig, 'paths'>> & { paths?: Partial<CloudBlueApiPaths> };

export function resolveApiConfig(overrides: CloudBlueApiOverrides = {}): CloudBlueApiConfig {
  const { paths, ...rest } = overrides;
  const defined = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)) as Partial<CloudBlueApiConfig>;
  const config: CloudBlueApiConfig = { ...DEFAULT_CLOUDBLUE_API, ...defined, paths: { ...DEFAULT_CLOUDBLUE_API.paths, ...(paths ?? {}) } };
  const bad = (message: string): never => {
    throw new ConnectorError({ code: 'bad_request', system: CLOUDBLUE_SYSTEM, message: `CloudBlue PSA connector configuration: ${message}`, context: { operation: 'configure connector' } });
  };
  if (!['query', 'header'].includes(config.keyPlacement)) bad(`keyPlacement must be "query" or "header", not "${String(config.keyPlacement)}"`);
  if (!Number.isInteger(config.pageSize) || config.pageSize < 1 || config.pageSize > 1000) bad(`pageSize must be 1..1000, not ${config.pageSize}`);
  for (const [name, path] of Object.entries({ apiBase: config.apiBase, ...config.paths })) {
    if (typeof path !== 'string' || !path.startsWith('/')) bad(`${name} must be a path starting with "/", not ${JSON.stringify(path)}`);
  }
  return config;
}

export interface CloudBlueClientOptions {
  /** The instance, e.g. https://yourcompany.cloudbluepsa.io (a path prefix is kept). */
  siteUrl: string;
  apiKey: string;
  api?: CloudBlueApiOverrides;
  connectionName?: string;
  onCall?: CallObserver;
  fetch?: typeof globalThis.fetch;
  retry?: Partial<RetryPolicy>;
  timeoutMs?: number;
  /** Test seam: retries' sleeps. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export interface GridFilterRule {
  field: string;
  op: 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge' | 'bw' | 'bn' | 'ew' | 'en' | 'cn' | 'nc' | 'in' | 'ni' | 'nu' | 'nn';
  data?: string;
}

export interface GridQuery {
  filters?: GridFilterRule[];
  columns: readonly string[];
  sortColumn?: string;
  operation: string;
}

export interface CloudBlueClient {
  readonly config: CloudBlueApiConfig;
  readonly siteUrl: string;
  readonly http: HttpClient;
  path(name: keyof CloudBlueApiPaths, id?: string | number): string;
  get<S extends z.ZodType>(path: string, schema: S, operation: string, query?: Record<string, QueryValue>): Promise<z.output<S>>;
  /** GET that answers null on 404. */
  find<S extends z.ZodType>(path: string, schema: S, operation: string): Promise<z.output<S> | null>;
  send<S extends z.ZodType>(method: 'POST' | 'PUT', path: string, body: unknown, schema: S, operation: string, options?: Pick<HttpRequest, 'repeatable'>): Promise<z.output<S>>;
  /** Every row of a grid report, paged by `pageno` in `pageSize` pages, in a stable order. */
  report<S extends z.ZodType>(path: string, query: GridQuery, row: S): AsyncGenerator<z.output<S>[], void, undefined>;
}

function apiError(failure: HttpFailure): ConnectorError | undefined {
  const parsed = wire.errorBody.safeParse(failure.body);
  const text = parsed.success ? parsed.data.Message : undefined;
  const fields = parsed.success && parsed.data.ModelState ? Object.entries(parsed.data.ModelState).map(([k, v]) => `${k}: ${v.join(' ')}`) : [];
  const call = `${failure.request.method} ${failure.request.path.split('?')[0]} (${failure.request.operation})`;
  if (failure.status === 401) {
    return new ConnectorError({
      code: 'auth_failed',
      system: CLOUDBLUE_SYSTEM,
      status: 401,
      message: `CloudBlue PSA rejected the API key on ${call}${text ? ` ("${text}")` : ''}: create a key under My Profile > API Keys and enter it in the integration, or check where the key is sent (connector setting keyPlacement)`,
      context: failure.context,
    });
  }
  if (failure.status === 400 && text !== undefined) {
    return new ConnectorError({
      code: 'bad_request',
      system: CLOUDBLUE_SYSTEM,
      status: 400,
      message: `CloudBlue PSA refused ${call}: ${text}${fields.length > 0 ? ` ${fields.join('; ')}` : ''}`,
      context: failure.context,
    });
  }
  if (failure.status === 404 && text !== undefined) {
    return new ConnectorError({ code: 'not_found', system: CLOUDBLUE_SYSTEM, status: 404, message: `CloudBlue PSA: ${text} (${call})`, context: failure.context });
  }
  return undefined;
}

export function createCloudBlueClient(options: CloudBlueClientOptions): CloudBlueClient {
  const config = resolveApiConfig(options.api);
  const site = options.siteUrl.trim().replace(/\/+$/, '');
  if (!isHttpUrl(site)) {
    throw new ConnectorError({ code: 'bad_request', system: CLOUDBLUE_SYSTEM, message: `The CloudBlue PSA site "${options.siteUrl}" is not an http(s) URL (e.g. https://yourcompany.cloudbluepsa.io)`, context: { operation: 'configure connector' } });
  }
  const apiKey = options.apiKey.trim();
  const baseFetch = options.fetch ?? globalThis.fetch;
  // The key is added here, below the kit, so the kit's error contexts and metrics never hold it.
  const keyedFetch: typeof globalThis.fetch = (input, init) => {
    if (config.keyPlacement === 'header') {
      const headers = new Headers(init?.headers);
      headers.set(config.keyHeader, apiKey);
      return baseFetch(input, { ...init, headers });
    }
    const url = new URL(input instanceof Request ? input.url : String(input));
    url.searchParams.set(config.keyParameter, apiKey);
    return baseFetch(url, init);
  };
  const http = createHttpClient({
    system: CLOUDBLUE_SYSTEM,
    systemLabel: LABEL,
    ...(options.connectionName === undefined ? {} : { connectionLabel: `'${options.connectionName}'` }),
    baseUrl: site + config.apiBase,
    fetch: keyedFetch,
    mapError: apiError,
    ...(options.onCall === undefined ? {} : { onCall: options.onCall }),
    ...(options.retry === undefined ? {} : { retry: options.retry }),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    ...(options.sleep === undefined ? {} : { sleep: options.sleep }),
  });

  const path = (name: keyof CloudBlueApiPaths, id?: string | number): string => {
    const template = config.paths[name];
    return id === undefined ? template : template.replaceAll('{id}', encodeURIComponent(String(id)));
  };

  async function* report<S extends z.ZodType>(reportPath: string, query: GridQuery, row: S): AsyncGenerator<z.output<S>[], void, undefined> {
    const columns = [...new Set([...query.columns, 'TotalRows'])].join(',');
    let total: number | undefined;
    let fetched = 0;
    for (let page = 1; page <= 100_000; page += 1) {
      const filter = {
        pageno: page,
        pagesize: config.pageSize,
        filters: query.filters ?? [],
        filterop: 'AND',
        sortcolumn: query.sortColumn ?? 'Id',
        sortorder: 'Asc',
        resulttype: 'Json',
        includeccysymbols: false,
        gridcolumns: columns,
      };
      const rows = await http.requestJson(
        { method: 'GET', path: reportPath, query: { filter: JSON.stringify(filter) }, operation: query.operation },
        z.array(row),
      );
      if (rows.length === 0) return;
      const first = rows[0] as { TotalRows?: number };
      total ??= first.TotalRows;
      fetched += rows.length;
      yield rows;
      if (rows.length < config.pageSize || (total !== undefined && fetched >= total)) return;
    }
    throw new ConnectorError({ code: 'bad_payload', system: CLOUDBLUE_SYSTEM, message: `Paging through ${reportPath} did not end after 100,000 pages`, context: { operation: query.operation } });
  }

  return {
    config,
    siteUrl: site,
    http,
    path,
    get: (p, schema, operation, query) => http.requestJson({ method: 'GET', path: p, operation, ...(query === undefined ? {} : { query }) }, schema),
    find: async (p, schema, operation) => {
      try {
        return await http.requestJson({ method: 'GET', path: p, operation }, schema);
      } catch (error) {
        if (error instanceof ConnectorError && error.code === 'not_found') return null;
        throw error;
      }
    },
    send: (method, p, body, schema, operation, extra = {}) => http.requestJson({ method, path: p, json: body, operation, ...extra }, schema),
    report,
  };
}
