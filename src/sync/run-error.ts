/**
 * What a failed pass says: a code and a message a person can act on. Made here, where passes fail;
 * the job runners record it in the run history, `runRecorded` likewise for passes run outside them.
 */
export interface RunError {
  code: string;
  message: string;
}

/** Turns anything thrown by a pass into a code and a message a person can act on. */
export function toRunError(err: unknown): RunError {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return {
      code: typeof code === 'string' && code.length > 0 ? code : err.name === 'AbortError' ? 'aborted' : 'error',
      message: err.message || err.name,
    };
  }
  return { code: 'error', message: String(err) };
}
