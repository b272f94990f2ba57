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
  | 'secret_key_invalid'
  | 'secret_key_file_insecure'
  | 'secret_undecryptable'
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
