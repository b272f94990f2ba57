// A thin raw-fetch client for the emulator's own tests, so they see exactly what a foreign client
// would: `GRADIENT-TOKEN` built as the SDK builds it, the vendor API under /api/vendor-api.
import { rawCall as call, type Reply } from '../kit/raw-client.test-support.ts';
import type { DatasetName } from '../kit/types.ts';

export type { Reply };
export { call };
import { gradientToken } from './auth.ts';
import { startGradientEmulator, type GradientEmulator } from './server.ts';

export interface Harness {
  emu: GradientEmulator;
  token: string;
  /** `path` is relative to /api/vendor-api ('' = the vendor profile). */
  api<T = any>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Reply<T>>;
  control<T = any>(method: string, path: string, body?: unknown): Promise<Reply<T>>;
  close(): Promise<void>;
}

export async function startHarness(seed: DatasetName = 'demo'): Promise<Harness> {
  const emu = await startGradientEmulator({ port: 0, seed });
  const h: Harness = {
    emu,
    get token() {
      return gradientToken(emu.credentials.vendor_key, emu.credentials.partner_key);
    },
    api: (method, path, body, headers) => call(`${emu.apiUrl}${path}`, method, headers ?? { 'GRADIENT-TOKEN': h.token }, body),
    control: (method, path, body) => call(`${emu.url}/_emulator${path}`, method, {}, body),
    close: () => emu.close(),
  };
  return h;
}

export const backupService = (name: string) => ({
  name,
  description: `${name}, counted by Acronis Cyber Protect Cloud`,
  category: 'backup',
  subcategory: 'cloud backup',
});
