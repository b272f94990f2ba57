// Test-only: the ConnectWise emulator and a target wired to it over real HTTP, with a call counter,
// recorded sleeps (retries return at once) and the emulator's control API.
import { startConnectWiseEmulator, type ConnectWiseEmulator } from '../../../emulators/connectwise/server.ts';
import { emulatorControl } from '../../../emulators/kit/raw-client.test-support.ts';
import type { DatasetName } from '../../../emulators/kit/types.ts';
import type { CallCounter } from '../kit/call-metrics.ts';
import { observedConnector } from '../kit/observed-connector.test-support.ts';
import { createConnectWiseTarget, type ConnectWiseTarget, type ConnectWiseTargetOptions } from './target.ts';

export interface ConnectWiseHarness {
  emu: ConnectWiseEmulator;
  /** The integration credentials as the portal stores them. */
  credentials(): { site: string; companyId: string; publicKey: string; privateKey: string; clientId: string };
  target(extra?: Partial<ConnectWiseTargetOptions>): { target: ConnectWiseTarget; calls: CallCounter; sleeps: number[] };
  control<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
  close(): Promise<void>;
}

export async function startConnectWiseHarness(seed: DatasetName = 'demo'): Promise<ConnectWiseHarness> {
  const emu = await startConnectWiseEmulator({ port: 0, seed });
  const credentials = () => {
    const c = emu.credentials;
    return { site: emu.url, companyId: c.company_id, publicKey: c.public_key, privateKey: c.private_key, clientId: c.client_id };
  };
  return {
    emu,
    credentials,
    target: (extra = {}) => observedConnector((observers) => createConnectWiseTarget({ credentials: credentials(), ...observers, ...extra })),
    control: emulatorControl(emu.url),
    close: () => emu.close(),
  };
}
