// Every emulator the CLI can start (`psa-bridge emulate <system>`): one line per system.
import { startAcronisEmulator } from './acronis/server.ts';
import type { StartEmulator } from './kit/types.ts';

export const emulators = {
  acronis: startAcronisEmulator,
} satisfies Record<string, StartEmulator>;
