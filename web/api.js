// The one way the portal talks to the hub: JSON in and out, the CSRF header on every change
// (the hub refuses cookie-authenticated changes without it), and errors as ApiError carrying the
// API's { error: { code, message } } so pages can show the message as is. A 401 on anything but
// the sign-in call means the session ended: listeners (the app) send the user to sign in.

export class ApiError extends Error {
  constructor(status, code, message, details, retryAfterSeconds) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

const unauthorizedListeners = new Set();

/** Calls `listener` whenever a request answers 401 (the session expired or was ended). */
export function onUnauthorized(listener) {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

async function request(method, path, body, options = {}) {
  const headers = { accept: 'application/json' };
  if (method !== 'GET' && method !== 'HEAD') headers['x-requested-with'] = 'psa-bridge';
  if (body !== undefined) headers['content-type'] = 'application/json';
  let response;
  try {
    response = await fetch(`/api/v1${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      signal: options.signal,
    });
  } catch (error) {
    if (error?.name === 'AbortError') throw error;
    throw new ApiError(0, 'network_error', 'The hub could not be reached; check that psa-bridge is running and try again');
  }
  if (response.status === 204) return null;
  const text = await response.text();
  let payload = null;
  try {
    payload = text ? JSON.parse(text) : null;
  } catch {
    payload = null;
  }
  if (response.ok) return payload;

  const error = payload?.error;
  const retryAfter = Number(response.headers.get('retry-after'));
  const apiError = new ApiError(
    response.status,
    error?.code ?? 'http_error',
    error?.message ?? `The hub answered ${response.status} ${response.statusText}`,
    error?.details,
    Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined,
  );
  if (response.status === 401 && !options.quiet401) for (const listener of unauthorizedListeners) listener(apiError);
  throw apiError;
}

export const api = {
  get: (path, options) => request('GET', path, undefined, options),
  post: (path, body, options) => request('POST', path, body ?? {}, options),
  put: (path, body, options) => request('PUT', path, body, options),
  patch: (path, body, options) => request('PATCH', path, body, options),
  delete: (path, options) => request('DELETE', path, undefined, options),
};

/**
 * The API's field problems of an error ([{ field, message, text? }]): a 400 about what was typed
 * (invalid_request, invalid_settings…). `field` is the internal path ("body.baseUrl",
 * "alert-mappings.types.BackupFailed.fields.status"), for placing the message and for the detail view.
 */
export function fieldIssuesOf(error) {
  const details = Array.isArray(error?.details) ? error.details : Array.isArray(error?.details?.issues) ? error.details.issues : [];
  return details.filter((issue) => typeof issue?.field === 'string' && typeof issue?.message === 'string');
}

/** An issue's sentence in a person's words, without its path or where it is. */
export const issueText = (issue) => issue.text ?? issue.message;

/**
 * Turns anything thrown into a sentence for a person. An error about fields is said without the
 * fields' internal paths (each form shows the message next to its field); the API's own message,
 * paths and all, is what `errorDetailOf` gives for a detail view.
 */
export function messageOf(error) {
  const issues = fieldIssuesOf(error);
  if (issues.length === 1) return `Check the marked field: ${issueText(issues[0])}`;
  if (issues.length > 1) return `${issues.length} fields need a fix; each says what next to it.`;
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}

/** The error as the API said it (internal field paths included), when that differs from `messageOf`. */
export function errorDetailOf(error) {
  const raw = error instanceof Error ? error.message : undefined;
  return raw !== undefined && raw !== messageOf(error) ? raw : undefined;
}

/** A settings validation error's issues as { 'section.dotted.path': sentence } (400 invalid_settings). */
export function issuesOf(error) {
  const out = {};
  for (const issue of fieldIssuesOf(error)) out[issue.field] = issueText(issue);
  return out;
}
