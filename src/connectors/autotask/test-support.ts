// Test-only: the Autotask emulator and a target wired to it over real HTTP, with a call counter,
// recorded sleeps (retries and pacing return at once) and the emulator's control API.
import { startAutotaskEmulator, type AutotaskEmulator } from '../../../emulators/autotask/server.ts';
import { emulatorControl } from '../../../emulators/kit/raw-client.test-support.ts';
import type { DatasetName } from '../../../emulators/kit/types.ts';
import type { CallCounter } from '../kit/call-metrics.ts';
import { observedConnector } from '../kit/observed-connector.test-support.ts';
import { createAutotaskTarget, type AutotaskTarget, type AutotaskTargetOptions } from './target.ts';

export interface AutotaskHarness {
  emu: AutotaskEmulator;
  target(extra?: Partial<AutotaskTargetOptions>): { target: AutotaskTarget; calls: CallCounter; sleeps: number[] };
  control<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
  close(): Promise<void>;
}

export async function startAutotaskHarness(seed: DatasetName = 'demo'): Promise<AutotaskHarness> {
  const emu = await startAutotaskEmulator({ port: 0, seed });
  return {
    emu,
    target: (extra = {}) =>
      observedConnector((observers) =>
        createAutotaskTarget({
          credentials: { username: emu.credentials.username, secret: emu.credentials.secret, integrationCode: emu.credentials.integration_code },
          discoveryUrl: `${emu.url}/ATServicesRest/`,
          ...observers,
          ...extra,
        }),
      ),
    control: emulatorControl(emu.url),
    close: () => emu.close(),
  };
}
