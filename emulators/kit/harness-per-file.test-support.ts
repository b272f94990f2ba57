// Test-only: the lifecycle every emulator test file shares, so each file says in one line which
// dataset it runs on instead of repeating the start/close/reseed hooks.
import { afterAll, beforeAll, beforeEach } from 'vitest';
import type { DatasetName } from './types.ts';

interface EmulatorHarness {
  control(method: string, path: string, body?: unknown): Promise<unknown>;
  close(): Promise<void>;
}

/**
 * One emulator for the whole test file: started before its first test on `seed`, closed after its
 * last, and with `reseedEachTest` put back on `seed` before every test so that no test sees another
 * test's writes. The harness returned forwards to the started one, so a file holds it in a `const`.
 */
export function harnessPerFile<H extends EmulatorHarness>(
  start: (seed: DatasetName) => Promise<H>,
  seed: DatasetName,
  options: { reseedEachTest?: boolean } = {},
): H {
  let started: H | undefined;
  const live = (): H => {
    if (!started) throw new Error('the emulator starts in beforeAll: use the harness inside a hook or a test');
    return started;
  };
  beforeAll(async () => {
    started = await start(seed);
  });
  afterAll(async () => {
    await started?.close();
  });
  if (options.reseedEachTest) {
    beforeEach(async () => {
      await live().control('POST', '/seed', { dataset: seed });
    });
  }
  return new Proxy({} as H, {
    get(_target, key) {
      const harness = live();
      const value: unknown = Reflect.get(harness, key);
      return typeof value === 'function' ? value.bind(harness) : value;
    },
  });
}
