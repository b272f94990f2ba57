/**
 * The error pure domain code throws when its caller broke a contract (a link history for another
 * alert key, an impossible link transition, a timestamp that is not one). These are bugs or corrupt
 * stored state, never a remote system's answer, so the codes are few and the context says where.
 */

export type DomainErrorCode =
  | 'invalid_time' // a timestamp that does not parse
  | 'invalid_transition' // a link event the link's state does not allow
  | 'link_mismatch' // a link (history) handed in for another alert key or ticket
  | 'invalid_input'; // anything else the caller should have validated

export type DomainErrorContext = Record<string, string | number | boolean | null | undefined>;

export class DomainError extends Error {
  readonly code: DomainErrorCode;
  readonly context: DomainErrorContext;

  constructor(code: DomainErrorCode, message: string, context: DomainErrorContext = {}) {
    super(message);
    this.name = 'DomainError';
    this.code = code;
    this.context = context;
  }
}

/** ISO-8601 text → epoch milliseconds; throws a DomainError naming the field instead of yielding NaN. */
export function parseTime(text: string, field: string): number {
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) {
    throw new DomainError('invalid_time', `${field} is not an ISO-8601 timestamp: ${JSON.stringify(text)}`, { field, value: text });
  }
  return ms;
}
