// ConnectWise's error body (reference §B.3): `{code, message, errors?:[{code, message, resource, field}]}`.
// The `errors` list is only sent for validation failures [INF: as the CW-GO model has it optional].
// The code strings are [INF] except where the reference names them.

export interface CwFieldError {
  code: string;
  message: string;
  resource: string;
  field: string;
}

const CODES: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  409: 'Conflict',
  415: 'UnsupportedMediaType',
  429: 'TooManyRequests',
  500: 'UnexpectedError',
  502: 'BadGateway',
  503: 'ServiceUnavailable',
  504: 'GatewayTimeout',
};

export class CwError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code: string = CODES[status] ?? 'UnexpectedError',
    readonly errors: CwFieldError[] = [],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  body(): { code: string; message: string; errors?: CwFieldError[] } {
    return { code: this.code, message: this.message, ...(this.errors.length > 0 ? { errors: this.errors } : {}) };
  }
}

export function errorBody(status: number, message: string): unknown {
  return new CwError(status, message).body();
}

/** 400 InvalidObject with the field errors, as a failed create/update answers. */
export function invalidObject(resource: string, errors: CwFieldError[]): CwError {
  return new CwError(400, `${resource} object is invalid`, 'InvalidObject', errors);
}

export const badRequest = (message: string): CwError => new CwError(400, message);
export const notFound = (message: string): CwError => new CwError(404, message);
