// NestJS-style error bodies (the vendor API is a NestJS app: its operation ids and the documented
// `{"statusCode":404,"message":"No account map found with id: 1"}` say so): `{statusCode, message,
// error?}`, where `message` is a string[] on a validation failure. Handlers throw GradientError;
// the scope's error handler writes it.

const REASONS: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

export class GradientError extends Error {
  constructor(
    readonly status: number,
    readonly messages: string | string[],
    readonly withReason = true,
  ) {
    super(Array.isArray(messages) ? messages.join('; ') : messages);
  }

  body(): Record<string, unknown> {
    return errorBody(this.status, this.messages, this.withReason);
  }
}

export function errorBody(status: number, message: string | string[], withReason = true): Record<string, unknown> {
  const reason = REASONS[status];
  return { statusCode: status, message, ...(withReason && reason !== undefined ? { error: reason } : {}) };
}

/** NestJS's own 401 from a guard: `{"statusCode":401,"message":"Unauthorized"}`. */
export const unauthorized = () => new GradientError(401, 'Unauthorized', false);
export const anomaly = () => new GradientError(403, 'An anomaly was detected with your API usage. Please contact Gradient support.');
export const badRequest = (messages: string | string[]) => new GradientError(400, messages);
export const notFound = (message: string) => new GradientError(404, message);
/** The `/count` 404 the docs show verbatim; also sent when the service is not mapped (the vendor cannot tell which). */
export const noAccountMap = (accountId: string) => new GradientError(404, `No account map found with id: ${accountId}`, false);
export const tooManyRequests = () => new GradientError(429, 'ThrottlerException: Too Many Requests', false);
