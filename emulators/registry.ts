// Every emulator the CLI can start (`psa-bridge emulate <system>`): one line per system.
import { startAcronisEmulator } from './acronis/server.ts';
import { startAutotaskEmulator } from './autotask/server.ts';
import { startConnectWiseEmulator } from './connectwise/server.ts';
import { startCloudBlueEmulator } from './cloudblue/server.ts';
import { startGradientEmulator } from './gradient/server.ts';
import { activateDistributorDemo } from './interworks/demo.ts';
import { startInterworksEmulator } from './interworks/server.ts';
import type { StartEmulator } from './kit/types.ts';

export const emulators = {
  acronis: startAcronisEmulator,
  autotask: startAutotaskEmulator,
  connectwise: startConnectWiseEmulator,
  cloudblue: startCloudBlueEmulator,
  gradient: startGradientEmulator,
  interworks: startInterworksEmulator,
} satisfies Record<string, StartEmulator>;

/**
 * How the demo activates an emulated business system that calls the hub (a service manager's
 * platform), by the system name its connector manifest uses.
 */
export const serviceManagerDemos = {
  interworks: activateDistributorDemo,
} satisfies Record<string, typeof activateDistributorDemo>;
