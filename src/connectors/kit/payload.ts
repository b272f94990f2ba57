import type { z } from 'zod';
import { ConnectorError, type ConnectorErrorContext } from './errors.ts';

/** `['items', 3, 'quota', 'version']` → `items[3].quota.version`. */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out === '' ? '(root)' : out;
}

function describeIssues(issues: readonly z.core.$ZodIssue[], limit = 3): string {
  const shown = issues.slice(0, limit).map((issue) => {
    const text = issue.message.replace(/^Invalid input: /, '');
    return `${formatIssuePath(issue.path)}: ${text}`;
  });
  const more = issues.length > limit ? ` (and ${issues.length - limit} more)` : '';
  return shown.join('; ') + more;
}

export interface PayloadOrigin {
  system: string;
  context?: ConnectorErrorContext;
}

/**
 * Validates an external payload at the trust boundary. `what` names the call in words
 * ("Acronis GET /tenants (list customer tenants)") so the message says where the bad data came from.
 */
export function parsePayload<S extends z.ZodType>(
  schema: S,
  body: unknown,
  what: string,
  origin: PayloadOrigin = { system: 'unknown' },
): z.output<S> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  throw new ConnectorError({
    code: 'bad_payload',
    system: origin.system,
    message: `Unexpected answer from ${what}: ${describeIssues(result.error.issues)}`,
    context: { ...origin.context },
    cause: result.error,
  });
}

/** JSON.parse that turns malformed or truncated text into a `bad_payload` naming the call. */
export function parseJsonText(text: string, what: string, origin: PayloadOrigin = { system: 'unknown' }): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const excerpt = text.length > 80 ? `${text.slice(0, 80)}…` : text;
    throw new ConnectorError({
      code: 'bad_payload',
      system: origin.system,
      message: `Unexpected answer from ${what}: the body is not valid JSON (${(error as Error).message}); it starts with ${JSON.stringify(excerpt)}`,
      context: { ...origin.context },
      cause: error,
    });
  }
}
