// A thin raw-fetch client for the emulator's own tests, so they see exactly what a foreign client
// would: Basic auth with companyId+publicKey:privateKey and the clientId header on every call.
import { rawCall as call, type Reply } from '../kit/raw-client.test-support.ts';
import type { DatasetName } from '../kit/types.ts';

export type { Reply };
import { startConnectWiseEmulator, type ConnectWiseEmulator } from './server.ts';

export interface Harness {
  emu: ConnectWiseEmulator;
  headers: Record<string, string>;
  /** `path` is relative to /v4_6_release/apis/3.0, e.g. `/company/companies?pageSize=5`. */
  api<T = any>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Reply<T>>;
  /** An absolute URL (e.g. from a Link header). */
  raw<T = any>(method: string, url: string, body?: unknown, headers?: Record<string, string>): Promise<Reply<T>>;
  control<T = any>(method: string, path: string, body?: unknown): Promise<Reply<T>>;
  close(): Promise<void>;
}

export function basic(company: string, publicKey: string, privateKey: string): string {
  return `Basic ${Buffer.from(`${company}+${publicKey}:${privateKey}`).toString('base64')}`;
}

export async function startHarness(seed: DatasetName = 'demo'): Promise<Harness> {
  const emu = await startConnectWiseEmulator({ port: 0, seed });
  const h: Harness = {
    emu,
    get headers() {
      const c = emu.credentials;
      return { authorization: basic(c.company_id, c.public_key, c.private_key), clientId: c.client_id };
    },
    api: (method, path, body, headers) => call(`${emu.apiUrl}${path}`, method, headers ?? h.headers, body),
    raw: (method, url, body, headers) => call(url, method, headers ?? h.headers, body),
    control: (method, path, body) => call(`${emu.url}/_emulator${path}`, method, {}, body),
    close: () => emu.close(),
  };
  return h;
}

/** `?conditions=…` with the value URL-encoded. */
export const cond = (conditions: string, extra = '') => `conditions=${encodeURIComponent(conditions)}${extra}`;
