// Opaque paging cursors: base64 of a small JSON value. Clients must treat them as opaque; we only need
// them to survive URL encoding and to be rejected cleanly when tampered with.

export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64');
}

/** Returns undefined when the cursor is not one of ours. */
export function decodeCursor(cursor: string): unknown {
  try {
    return JSON.parse(Buffer.from(cursor, 'base64').toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}
