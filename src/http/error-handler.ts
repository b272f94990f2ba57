// Turns anything a route throws into the API's error shape, with a status that says whose fault it
// is. No stack trace and no internal message ever reaches the client; 5xx are logged in full.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { ConnectorError } from '../connectors/kit/errors.ts';
import { isDatabaseUnreachable, StoreError } from '../store/errors.ts';
import { MappingActionError } from '../sync/mapping-error.ts';
import { HUB_USER_ERROR_STATUS, HubUserError } from '../sync/hub-users.ts';
import { ApiError, errorBody } from './api-error.ts';

interface ValidationIssue {
  instancePath: string;
  message?: string;
  keyword?: string;
  params?: Record<string, unknown>;
}

/** "body.baseUrl: is required; querystring.limit: must be at most 500". */
export function describeValidation(context: string | undefined, issues: ValidationIssue[]): string {
  const where = context ?? 'request';
  const parts = issues.map((issue) => {
    const path = issue.instancePath.split('/').filter(Boolean).join('.');
    const field = path ? `${where}.${path}` : where;
    const message = issue.message ?? 'is invalid';
    // zod says "Invalid input: expected string, received undefined" for a missing field.
    const missing = issue.keyword === 'invalid_type' && /received undefined$/.test(message);
    return `${field}: ${missing ? 'is required' : message}`;
  });
  return parts.join('; ');
}

// Connector codes whose meaning is "the remote system did not answer in time".
const GATEWAY_TIMEOUT_CODES = new Set(['timeout']);

export function toApiError(error: unknown): ApiError | undefined {
  if (error instanceof ApiError) return error;
  if (hasZodFastifySchemaValidationErrors(error)) {
    const context = (error as { validationContext?: string }).validationContext;
    const details = error.validation.map((issue) => ({
      field: [context, ...issue.instancePath.split('/').filter(Boolean)].filter(Boolean).join('.'),
      message: issue.message,
    }));
    return new ApiError(400, 'invalid_request', describeValidation(context, error.validation), { details });
  }
  // The hub's own refusals carry their status, so every route that can meet one answers it alike.
  if (error instanceof MappingActionError) return new ApiError(error.status, error.code, error.message, { details: error.context });
  if (error instanceof HubUserError) return new ApiError(HUB_USER_ERROR_STATUS[error.code], error.code, error.message);
  if (error instanceof ConnectorError) {
    const status = GATEWAY_TIMEOUT_CODES.has(error.code) ? 504 : 502;
    return new ApiError(status, error.code, error.message, { details: { system: error.system } });
  }
  if (error instanceof StoreError) {
    if (error.code === 'not_found') return new ApiError(404, 'not_found', error.message);
    if (error.code === 'conflict' || error.code === 'mapping_conflict') return new ApiError(409, 'conflict', error.message);
    if (error.code === 'database_unreachable') return new ApiError(503, 'database_unreachable', 'The database is unreachable; try again shortly');
    return undefined;
  }
  // A database blip (restart, failover, closed pool) is "try again shortly", not a bug of ours.
  if (isDatabaseUnreachable(error)) return new ApiError(503, 'database_unreachable', 'The database is unreachable; try again shortly', { headers: { 'retry-after': '5' } });
  const fastifyError = error as Partial<FastifyError>;
  if (isResponseSerializationError(fastifyError as FastifyError)) return undefined;
  // Fastify's own client errors (malformed JSON, wrong content type, body too large…) keep their status.
  if (typeof fastifyError.statusCode === 'number' && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    const code = fastifyError.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' ? 'unsupported_media_type' : 'invalid_request';
    return new ApiError(fastifyError.statusCode, code, fastifyError.message ?? 'The request is invalid');
  }
  return undefined;
}

export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const apiError = toApiError(error);
    if (apiError) {
      if (apiError.statusCode >= 500) request.log.warn({ err: error }, apiError.message);
      return reply.code(apiError.statusCode).headers(apiError.headers).send(errorBody(apiError.code, apiError.message, apiError.details));
    }
    request.log.error({ err: error }, 'unhandled error');
    return reply
      .code(500)
      .send(errorBody('internal_error', `Something went wrong on our side (request ${request.id}); the server log has the details`));
  });

  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send(errorBody('not_found', `No route ${request.method} ${request.url.split('?')[0]}`)),
  );
}
