// A thin raw-fetch client for the emulator's own tests, so they see exactly what a foreign client
// would: `${url}/webapi/v1.3/…?api_key=…` with the grid filter as a JSON query parameter.
import { rawCall as call, type Reply } from '../kit/raw-client.test-support.ts';
import type { DatasetName } from '../kit/types.ts';

export type { Reply };
import { startCloudBlueEmulator, type CloudBlueEmulator } from './server.ts';

export interface Harness {
  emu: CloudBlueEmulator;
  /** `path` is relative to /webapi/v1.3 and may carry a query; the key goes in the query string. */
  api<T = any>(method: string, path: string, body?: unknown, options?: { key?: string | null; headers?: Record<string, string> }): Promise<Reply<T>>;
  /** A grid report: `GET /webapi/v1.3/{report}?api_key=&filter=<json>`. */
  report<T = any>(report: string, filter?: unknown): Promise<Reply<T>>;
  control<T = any>(method: string, path: string, body?: unknown): Promise<Reply<T>>;
  close(): Promise<void>;
}

export async function startHarness(seed: DatasetName = 'demo'): Promise<Harness> {
  const emu = await startCloudBlueEmulator({ port: 0, seed });
  const withKey = (path: string, key: string | null) => {
    if (key === null) return path;
    return `${path}${path.includes('?') ? '&' : '?'}api_key=${encodeURIComponent(key)}`;
  };
  const h: Harness = {
    emu,
    api: (method, path, body, options = {}) =>
      call(`${emu.apiUrl}${withKey(path, options.key === undefined ? emu.credentials.api_key : options.key)}`, method, options.headers ?? {}, body),
    report: (report, filter) => h.api('GET', `/${report}${filter === undefined ? '' : `?filter=${encodeURIComponent(typeof filter === 'string' ? filter : JSON.stringify(filter))}`}`),
    control: (method, path, body) => call(`${emu.url}/_emulator${path}`, method, {}, body),
    close: () => emu.close(),
  };
  return h;
}
