// The CloudBlue PSA emulator: the one documented endpoint pattern (`/webapi/v1.3/…` with `api_key`
// and the grid `filter` JSON) and the shape reference/psa.md §C.2 proposes around it (customers with
// CMP links, tickets, notes, lookups, a version endpoint), on top of the emulator kit. README.md says
// which parts are documented and which are proposed.
import { startedEmulator, startEmulatorServer, type EmulatorDefinition, type StartedEmulator } from '../kit/server.ts';
import type { EmulatorOptions } from '../kit/types.ts';
import { cloudBlueControlRoutes } from './control.ts';
import { buildDataset } from './datasets.ts';
import { errorBody } from './errors.ts';
import { apiRoutes } from './routes.ts';
import type { CloudBlueState } from './state.ts';

export const CLOUDBLUE_SYSTEM = 'cloudblue';

export interface CloudBlueCredentials {
  api_key: string;
  [key: string]: string;
}

export interface CloudBlueEmulator extends StartedEmulator<CloudBlueState, CloudBlueCredentials> {
  /** `${url}/webapi/v1.3`: the base every API route hangs from. */
  readonly apiUrl: string;
}

const credentials = (state: CloudBlueState): CloudBlueCredentials => ({ api_key: state.primaryKey });

export const cloudBlueDefinition: EmulatorDefinition<CloudBlueState> = {
  system: CLOUDBLUE_SYSTEM,
  seed: (dataset, _clock, { size }) => buildDataset(dataset, size),
  credentials,
  errorBody,
  routes: apiRoutes,
  controlRoutes: cloudBlueControlRoutes,
  inspect: (state) => {
    let notes = 0;
    for (const list of state.notes.values()) notes += list.length;
    let cmp = 0;
    for (const c of state.customers.values()) if (c.external.some((l) => l.system === 'CMP')) cmp++;
    return { version: state.version, api_keys: state.apiKeys.size, customers: state.customers.size, customers_linked_to_cmp: cmp, tickets: state.tickets.size, notes };
  },
};

export async function startCloudBlueEmulator(options: EmulatorOptions = {}): Promise<CloudBlueEmulator> {
  const server = await startEmulatorServer(cloudBlueDefinition, options);
  return startedEmulator(server, credentials, { apiUrl: `${server.url}/webapi/v1.3` });
}
