// How the BSS calls its service manager: the base URL plus the route, the application headers
// (the key base64-encoded, as the SDK decodes it), the instance's settings as
// X-CloudPlatform-Setting-<FieldID> headers and a track id per call. A call that times out or
// loses its connection, or is answered "in progress" / "vendor failed", is sent again with the
// same body (the same BSS ids) and the same track id, as a real BSS re-sends.
import type { BssInstance, BssState } from './state.ts';

export interface CallOptions {
  /** Per attempt (default 30 s). */
  timeoutMs?: number;
  /** Attempts in all (default 6). */
  attempts?: number;
  /** Between attempts (default 200 ms). */
  backoffMs?: number;
}

export interface CallResult {
  status: number;
  body: unknown;
  attempts: number;
  trackId: string;
}

const RETRY_CODES = new Set([-8, -9]);

export class HubUnreachable extends Error {}

export async function callHub(
  state: BssState,
  method: 'GET' | 'POST',
  route: string,
  options: { instance?: BssInstance; body?: unknown; call?: CallOptions; nowIso: () => string },
): Promise<CallResult> {
  if (state.hubUrl === null) throw new HubUnreachable('the service manager base URL is not set: POST /_emulator/hub {"base_url": …}');
  const trackId = `bss-${String(state.nextTrack++).padStart(6, '0')}`;
  const headers: Record<string, string> = {
    'X-CloudPlatform-ApplicationId': state.registration.applicationId,
    'X-CloudPlatform-APIKey': Buffer.from(state.registration.applicationKey, 'utf8').toString('base64'),
    'X-CloudPlatform-TrackId': trackId,
    Accept: 'application/json',
  };
  for (const [id, value] of Object.entries(options.instance?.settings ?? {})) headers[`X-CloudPlatform-Setting-${id}`] = value;
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  const attempts = options.call?.attempts ?? 6;
  const timeoutMs = options.call?.timeoutMs ?? 30_000;
  const backoffMs = options.call?.backoffMs ?? 200;
  let last: CallResult | null = null;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const record = { at: options.nowIso(), route, trackId, attempt };
    try {
      const res = await fetch(`${state.hubUrl.replace(/\/+$/, '')}/${route}`, {
        method,
        headers,
        ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      const text = await res.text();
      let body: unknown = text;
      try {
        body = text === '' ? undefined : JSON.parse(text);
      } catch {
        body = text;
      }
      const code = typeof body === 'object' && body !== null && typeof (body as { Code?: unknown }).Code === 'number' ? (body as { Code: number }).Code : null;
      const message = typeof body === 'object' && body !== null ? ((body as { Message?: string }).Message ?? null) : null;
      state.calls.push({ ...record, status: res.status, code, message });
      last = { status: res.status, body, attempts: attempt, trackId };
      if (res.status >= 500 || (code !== null && RETRY_CODES.has(code))) {
        await new Promise((r) => setTimeout(r, backoffMs * attempt));
        continue;
      }
      return last;
    } catch (error) {
      const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
      state.calls.push({ ...record, status: timedOut ? 'timeout' : 'network', code: null, message: error instanceof Error ? error.message : String(error) });
      await new Promise((r) => setTimeout(r, backoffMs * attempt));
    }
  }
  if (last !== null) return last;
  throw new HubUnreachable(`the service manager did not answer ${route} after ${attempts} attempts`);
}
