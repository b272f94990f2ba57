// Test-only: the CloudBlue PSA emulator and a target wired to it over real HTTP, with a call
// counter, instant retries and the emulator's control API.
import { startCloudBlueEmulator, type CloudBlueEmulator } from '../../../emulators/cloudblue/server.ts';
import { emulatorControl } from '../../../emulators/kit/raw-client.test-support.ts';
import type { DatasetName } from '../../../emulators/kit/types.ts';
import { createCallCounter, type CallCounter } from '../kit/call-metrics.ts';
import { createCloudBlueTarget, type CloudBlueTarget, type CloudBlueTargetOptions } from './target.ts';

export interface CloudBlueHarness {
  emu: CloudBlueEmulator;
  target(extra?: Partial<CloudBlueTargetOptions>): { target: CloudBlueTarget; calls: CallCounter; urls: string[] };
  control<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
  close(): Promise<void>;
}

export async function startCloudBlueHarness(seed: DatasetName = 'demo'): Promise<CloudBlueHarness> {
  const emu = await startCloudBlueEmulator({ port: 0, seed });
  return {
    emu,
    target: (extra = {}) => {
      const calls = createCallCounter();
      const urls: string[] = [];
      const recording: typeof fetch = (input, init) => {
        urls.push(input instanceof Request ? input.url : String(input));
        return fetch(input, init);
      };
      const target = createCloudBlueTarget({
        siteUrl: emu.url,
        apiKey: emu.credentials.api_key,
        connectionName: 'emulator',
        onCall: calls.observe,
        fetch: recording,
        sleep: async () => {},
        ...extra,
      });
      return { target, calls, urls };
    },
    control: emulatorControl(emu.url),
    close: () => emu.close(),
  };
}
