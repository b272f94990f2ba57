/**
 * Errors raised by the store. Each carries a stable `code` for callers (HTTP maps them to statuses,
 * the CLI prints the message), a message a person can act on, and the context that produced it.
 */
export type StoreErrorCode =
  | 'database_url_invalid'
  | 'database_unreachable'
  | 'not_found'
  | 'conflict'
  | 'migration_failed'
  | 'mapping_conflict'
  | 'journal_in_progress';

export class StoreError extends Error {
  readonly code: StoreErrorCode;
  readonly context: Record<string, unknown>;

  constructor(code: StoreErrorCode, message: string, context: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreError';
    this.code = code;
    this.context = context;
  }
}

/**
 * True when `error` is a unique-constraint violation, on either dialect: PostgreSQL reports SQLSTATE
 * 23505, better-sqlite3 reports SQLITE_CONSTRAINT_UNIQUE (or _PRIMARYKEY for a duplicate key).
 */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null || !('code' in error)) return false;
  const code = (error as { code: unknown }).code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/**
 * True when `error` is a foreign-key violation: SQLSTATE 23503, or SQLITE_CONSTRAINT_FOREIGNKEY
 * (SQLite reports ON DELETE RESTRICT as SQLITE_CONSTRAINT_TRIGGER with the same message).
 */
export function isForeignKeyViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null || !('code' in error)) return false;
  const code = (error as { code: unknown }).code;
  if (code === '23503' || code === 'SQLITE_CONSTRAINT_FOREIGNKEY') return true;
  return code === 'SQLITE_CONSTRAINT_TRIGGER' && /FOREIGN KEY/i.test(String((error as { message?: unknown }).message));
}

// Connection-level failures of the database drivers: the server refused or dropped the connection,
// is shutting down or starting up, or the pool was closed. Anything else (a bad query, a constraint)
// is not an outage.
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up, recovering)
  '08000',
  '08001',
  '08003',
  '08004',
  '08006', // connection exceptions
  '53300', // too_many_connections
  'SQLITE_CANTOPEN',
  'SQLITE_IOERR',
]);
const UNREACHABLE_MESSAGES = /Connection terminated|Cannot use a pool after calling end|timeout exceeded when trying to connect|Client has encountered a connection error|the database system is (starting up|shutting down|in recovery mode)|The database connection is not open/i;

/**
 * True when `error` says the database cannot be reached right now (a restart, a network blip, a
 * closed pool), on either dialect, so callers answer "try again" (HTTP 503) instead of "our bug".
 */
export function isDatabaseUnreachable(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 3) return false;
  if (error instanceof StoreError) return error.code === 'database_unreachable';
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && UNREACHABLE_CODES.has(code)) return true;
  const message = (error as { message?: unknown }).message;
  if (typeof message === 'string' && UNREACHABLE_MESSAGES.test(message)) return true;
  // Node reports a refused connection to every address of a host as an AggregateError.
  const inner = (error as { errors?: unknown }).errors;
  if (Array.isArray(inner) && inner.some((e) => isDatabaseUnreachable(e, depth + 1))) return true;
  return isDatabaseUnreachable((error as { cause?: unknown }).cause, depth + 1);
}
