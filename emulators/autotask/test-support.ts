// A thin raw-fetch client for the emulator's own tests, so they see exactly what a foreign client
// would: it discovers the zone, then calls `${zone.url}V1.0/…` with the three headers.
import { rawCall as call, type Reply } from '../kit/raw-client.test-support.ts';
import type { DatasetName } from '../kit/types.ts';

export type { Reply };
import { startAutotaskEmulator, type AutotaskEmulator } from './server.ts';

export interface Harness {
  emu: AutotaskEmulator;
  headers: Record<string, string>;
  /** `path` is relative to `${zone url}V1.0`, e.g. `/Companies/query`. */
  api<T = any>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Reply<T>>;
  /** An absolute URL (e.g. a nextPageUrl). */
  raw<T = any>(method: string, url: string, body?: unknown, headers?: Record<string, string>): Promise<Reply<T>>;
  control<T = any>(method: string, path: string, body?: unknown): Promise<Reply<T>>;
  close(): Promise<void>;
}

export async function startHarness(seed: DatasetName = 'demo'): Promise<Harness> {
  const emu = await startAutotaskEmulator({ port: 0, seed });
  const h: Harness = {
    emu,
    get headers() {
      return { ApiIntegrationCode: emu.credentials.integration_code, UserName: emu.credentials.username, Secret: emu.credentials.secret };
    },
    api: (method, path, body, headers) => call(`${emu.zoneUrl}V1.0${path}`, method, headers ?? h.headers, body),
    raw: (method, url, body, headers) => call(url, method, headers ?? h.headers, body),
    control: (method, path, body) => call(`${emu.url}/_emulator${path}`, method, {}, body),
    close: () => emu.close(),
  };
  return h;
}

export const all = { op: 'gte', field: 'id', value: 0 };
