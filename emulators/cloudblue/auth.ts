// The API key. Documented: it travels as the `api_key` query parameter (reference/psa.md §C.1).
// Proposed: the same value in an `api_key` or `X-API-Key` header, so a connector can keep the key out
// of URLs (and proxy logs); which one it uses is the connector's configuration. A missing, unknown
// or revoked key, or two places disagreeing, answers 401 the way ASP.NET Web API's [Authorize] does.
import type { FastifyRequest } from 'fastify';
import { unauthorized } from './errors.ts';
import type { ApiKey, CloudBlueState } from './state.ts';

/** A query parameter without regard to the case of its name (ASP.NET binds them that way). */
export function queryParam(request: FastifyRequest, name: string): string | undefined {
  const query = (request.query ?? {}) as Record<string, unknown>;
  for (const [k, v] of Object.entries(query)) {
    if (k.toLowerCase() !== name) continue;
    return Array.isArray(v) ? String(v[0]) : String(v);
  }
  return undefined;
}

export function authenticate(state: CloudBlueState, request: FastifyRequest): ApiKey {
  const header = request.headers['api_key'] ?? request.headers['x-api-key'];
  const fromHeader = Array.isArray(header) ? header[0] : header;
  const fromQuery = queryParam(request, 'api_key');
  const given = [fromQuery, fromHeader].filter((k): k is string => k !== undefined && k !== '');
  if (given.length === 0) throw unauthorized();
  if (given.length === 2 && given[0] !== given[1]) throw unauthorized();
  const key = state.apiKeys.get(given[0] as string);
  if (!key) throw unauthorized();
  return key;
}
