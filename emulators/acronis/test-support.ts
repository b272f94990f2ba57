// A deliberately thin HTTP client for the emulator's own tests: raw fetch, so the tests see exactly
// what a foreign client would (status, headers, body).
import { rawCall as call, type Reply } from '../kit/raw-client.test-support.ts';
import type { DatasetName } from '../kit/types.ts';

export type { Reply };
import { startAcronisEmulator, type AcronisEmulator } from './server.ts';

export interface Harness {
  emu: AcronisEmulator;
  token(credentials?: { client_id: string; client_secret: string }): Promise<string>;
  api<T = any>(method: string, path: string, body?: unknown, token?: string): Promise<Reply<T>>;
  alerts<T = any>(method: string, path: string, body?: unknown, token?: string): Promise<Reply<T>>;
  events<T = any>(method: string, path: string, body?: unknown, token?: string): Promise<Reply<T>>;
  control<T = any>(method: string, path: string, body?: unknown): Promise<Reply<T>>;
  close(): Promise<void>;
}

export async function tokenFor(url: string, clientId: string, secret: string): Promise<Reply> {
  const res = await fetch(`${url}/api/2/idp/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: 'grant_type=client_credentials',
  });
  return { status: res.status, headers: res.headers, body: await res.json() };
}

export async function startHarness(seed: DatasetName = 'demo'): Promise<Harness> {
  const emu = await startAcronisEmulator({ port: 0, seed });
  let cached: string | undefined;
  const h: Harness = {
    emu,
    async token(credentials = emu.credentials) {
      const r = await tokenFor(emu.url, credentials.client_id, credentials.client_secret);
      if (r.status !== 200) throw new Error(`token: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body.access_token as string;
    },
    async api(method, path, body, token) {
      cached ??= await h.token();
      return call(`${emu.url}/api/2${path}`, method, { authorization: `Bearer ${token ?? cached}` }, body);
    },
    async alerts(method, path, body, token) {
      cached ??= await h.token();
      return call(`${emu.url}/api/alert_manager/v1${path}`, method, { authorization: `Bearer ${token ?? cached}` }, body);
    },
    async events(method, path, body, token) {
      cached ??= await h.token();
      return call(`${emu.url}/api/event_manager/v1${path}`, method, { authorization: `Bearer ${token ?? cached}` }, body);
    },
    control: (method, path, body) => {
      // A re-seed starts from fresh state: the cached token is gone with it.
      if (path === '/seed') cached = undefined;
      return call(`${emu.url}/_emulator${path}`, method, {}, body);
    },
    async close() {
      await emu.close();
    },
  };
  return h;
}
