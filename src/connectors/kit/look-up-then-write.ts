/**
 * The write a connector makes once: look the record up, write it only when it is not there, and
 * after a failure that may have landed (a timeout, a reset connection, a 5xx after the server did
 * the work) look it up again before writing anything more. A retry, a lost answer or a second
 * worker therefore never makes a second record.
 *
 * The HTTP client's own retries stop at writes that are not repeatable (a POST); this is where a
 * connector, knowing how to find what it writes (an external reference, a name, a note's text, the
 * units in force), decides again.
 */
import { isConnectorError, isTransient } from './errors.ts';

/** Rounds of "write, then look up" when a write fails in a way that may have landed. */
export const WRITE_ROUNDS = 3;

export interface LookUpThenWrite<T> {
  /** Finds what an earlier write (or this one, whose answer was lost) left; null when nothing is there. */
  lookUp(): Promise<T | null>;
  /** Writes once; `round` counts from 1 (a caller may vary the write, e.g. a suffix on a taken name). */
  write(round: number): Promise<T>;
  /** Failures after which the record may be there after all: looked up before deciding. Default: transient ones. */
  lookUpAfter?: (error: unknown) => boolean;
  /** Failures after which another round is written, when the look-up found nothing. Default: transient ones. */
  writeAgainAfter?: (error: unknown) => boolean;
  /** Rounds of writing at most (default WRITE_ROUNDS). */
  rounds?: number;
  /** Whether to look up before the first write (default true; false when the caller just did). */
  lookUpFirst?: boolean;
  /** Added to the context of the error that is finally thrown, so a person can find the operation. */
  idempotencyKey?: string;
}

/**
 * - `found`: it was there before anything was written;
 * - `written`: this call wrote it;
 * - `landed`: a write failed in a way that may have landed (transient), and the look-up found it;
 * - `taken`: a write was refused (e.g. the name is taken by a concurrent writer) and the look-up found it.
 */
export type WriteOutcome = 'found' | 'written' | 'landed' | 'taken';

export interface WriteResult<T> {
  value: T;
  outcome: WriteOutcome;
  /** Whether the record exists because of a write of this call (`written` or `landed`). */
  created: boolean;
}

export async function lookUpThenWrite<T>(steps: LookUpThenWrite<T>): Promise<WriteResult<T>> {
  const lookUpAfter = steps.lookUpAfter ?? isTransient;
  const writeAgainAfter = steps.writeAgainAfter ?? isTransient;
  const rounds = steps.rounds ?? WRITE_ROUNDS;
  if (steps.lookUpFirst !== false) {
    const before = await steps.lookUp();
    if (before !== null) return { value: before, outcome: 'found', created: false };
  }
  for (let round = 1; ; round += 1) {
    try {
      return { value: await steps.write(round), outcome: 'written', created: true };
    } catch (error) {
      if (lookUpAfter(error)) {
        const after = await steps.lookUp();
        if (after !== null) {
          const landed = isTransient(error);
          return { value: after, outcome: landed ? 'landed' : 'taken', created: landed };
        }
      }
      if (!writeAgainAfter(error) || round >= rounds) throw withIdempotencyKey(error, steps.idempotencyKey);
    }
  }
}

/** The error with the operation's idempotency key in its context (connector errors only). */
export function withIdempotencyKey(error: unknown, key: string | undefined): unknown {
  if (key === undefined || !isConnectorError(error)) return error;
  return error.with({ context: { ...error.context, idempotencyKey: key } });
}
