/**
 * The one error type every connector throws. Sync loops decide what to do from `code` alone
 * (retry later, mark a mapping failed, tell a person to fix credentials), so codes are few and
 * stable; the message is for the person reading the log or the portal.
 */
export type ConnectorErrorCode =
  | 'auth_failed' // credentials rejected: a person must fix the connection
  | 'forbidden' // authenticated, but the API client lacks a permission
  | 'not_found'
  | 'conflict' // the remote state forbids the write (name taken, tenant not disabled, …)
  | 'version_conflict' // optimistic-concurrency version was stale
  | 'rate_limited'
  | 'unavailable' // 5xx from the remote system
  | 'timeout'
  | 'unreachable' // DNS failure, connection refused or reset: the request got no answer
  | 'unexpected_response' // something answered, but not the API we expect (HTML page, wrong content type)
  | 'bad_request' // the remote system rejected our input (4xx): a bug or invalid settings
  | 'bad_payload' // the remote system's answer does not match what we expect
  | 'cancelled'; // the caller aborted

export interface ConnectorErrorContext {
  /** HTTP method of the call that failed, if any. */
  method?: string;
  /** Path (and query) relative to the base URL; never carries credentials. */
  path?: string;
  /** What the call was for, in words ("list customer tenants"). */
  operation?: string;
  /** Attempts made, including the failing one. */
  attempts?: number;
  /** Anything else a person may need; callers must never put secrets here. */
  [key: string]: string | number | boolean | undefined;
}

export interface ConnectorErrorInit {
  code: ConnectorErrorCode;
  message: string;
  system: string;
  status?: number;
  /** The remote system's own error code (Acronis 1001, OAuth "invalid_client", …). */
  vendorCode?: string | number;
  /** How long the remote system asked us to wait, when it said so. */
  retryAfterMs?: number;
  context?: ConnectorErrorContext;
  cause?: unknown;
}

export class ConnectorError extends Error {
  override readonly name = 'ConnectorError';
  readonly code: ConnectorErrorCode;
  readonly system: string;
  readonly status: number | undefined;
  readonly vendorCode: string | number | undefined;
  readonly retryAfterMs: number | undefined;
  readonly context: ConnectorErrorContext;

  constructor(init: ConnectorErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.code = init.code;
    this.system = init.system;
    this.status = init.status;
    this.vendorCode = init.vendorCode;
    this.retryAfterMs = init.retryAfterMs;
    this.context = { ...(init.context ?? {}) };
  }

  /** A copy with some fields replaced (the cause is kept unless replaced). */
  with(overrides: Partial<ConnectorErrorInit>): ConnectorError {
    return new ConnectorError({
      code: this.code,
      message: this.message,
      system: this.system,
      context: this.context,
      cause: this.cause,
      ...(this.status === undefined ? {} : { status: this.status }),
      ...(this.vendorCode === undefined ? {} : { vendorCode: this.vendorCode }),
      ...(this.retryAfterMs === undefined ? {} : { retryAfterMs: this.retryAfterMs }),
      ...overrides,
    });
  }

  /** Plain object for logs and API responses (no stack, no cause chain with possible secrets). */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      system: this.system,
      status: this.status,
      vendorCode: this.vendorCode,
      retryAfterMs: this.retryAfterMs,
      context: this.context,
    };
  }
}

export function isConnectorError(error: unknown, code?: ConnectorErrorCode): error is ConnectorError {
  return error instanceof ConnectorError && (code === undefined || error.code === code);
}

/** Codes for which trying the same request again later may succeed. */
export const TRANSIENT_CODES: readonly ConnectorErrorCode[] = ['rate_limited', 'unavailable', 'timeout', 'unreachable'];

export function isTransient(error: unknown): boolean {
  return error instanceof ConnectorError && TRANSIENT_CODES.includes(error.code);
}
