// Error bodies as the Account Management API sends them (reference §8), and the OAuth shape the IdP
// uses (§1). Routes throw; the scope's error handler turns these into responses.

export const DOMAIN = 'PlatformAccountServer';

/** Platform error codes we answer with (reference §8). */
export const Code = {
  versionMismatch: 1001,
  accessDenied: 1002,
  parentDisabled: 1003,
  nameConflict: 1004,
  tenantNotFound: 1005,
  deleteEnabledTenant: 1006,
  moveUnderChild: 1007,
  itemUnavailable: 1021,
  invalidLogin: 1033,
} as const;

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: number | string,
    message: string,
    readonly details?: Record<string, unknown>,
    readonly context?: Record<string, unknown>,
  ) {
    super(message);
  }

  body(): { error: Record<string, unknown> } {
    return {
      error: {
        code: this.code,
        message: this.message,
        domain: DOMAIN,
        ...(this.details ? { details: this.details } : {}),
        ...(this.context ? { context: this.context } : {}),
      },
    };
  }
}

/** 401/400 from POST /idp/token, OAuth style. */
export class OAuthError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }

  body() {
    return { domain: 'Access', reason: this.reason, error: this.error, error_description: this.message };
  }
}

export const notFound = (what: string, id: string) => new ApiError(404, 404, `${what} not found`, undefined, { id });
export const tenantNotFound = (id: string) => new ApiError(404, Code.tenantNotFound, 'Tenant not found.', undefined, { id });
export const badRequest = (message: string, details?: Record<string, unknown>) => new ApiError(400, 400, message, details);
export const versionMismatch = (id: string, expected: number, got: unknown) =>
  new ApiError(409, Code.versionMismatch, 'Version mismatch: the object was modified since it was read.', { expected_version: expected, given_version: got }, { id });
export const unauthorized = (message: string) => new ApiError(401, 401, message);
