// The Autotask PSA emulator: the REST API v1.0 as reference/psa.md §A describes it (zone discovery,
// API-user headers, the query language, parent-child writes, derived contract units, picklists,
// the hourly request threshold and the per-endpoint thread limit), on top of the emulator kit.
import { startedEmulator, startEmulatorServer, type EmulatorDefinition, type StartedEmulator } from '../kit/server.ts';
import type { EmulatorOptions } from '../kit/types.ts';
import { autotaskControlRoutes } from './control.ts';
import { buildDataset } from './datasets.ts';
import { errorBody } from './errors.ts';
import { restRoutes } from './rest.ts';
import type { AutotaskState } from './state.ts';

export const AUTOTASK_SYSTEM = 'autotask';

export interface AutotaskCredentials {
  username: string;
  secret: string;
  integration_code: string;
  [key: string]: string;
}

export interface AutotaskEmulator extends StartedEmulator<AutotaskState, AutotaskCredentials> {
  /** What zone discovery returns as `url`: `${url}/ATServicesRest/`. */
  readonly zoneUrl: string;
}

function credentials(state: AutotaskState): AutotaskCredentials {
  const user = state.users.get(state.info.apiUserName.toLowerCase());
  return { username: state.info.apiUserName, secret: user?.secret ?? '', integration_code: state.info.integrationCode };
}

export const autotaskDefinition: EmulatorDefinition<AutotaskState> = {
  system: AUTOTASK_SYSTEM,
  seed: (dataset, clock, { size }) => buildDataset(dataset, clock.nowMs(), size),
  credentials,
  errorBody,
  routes: restRoutes,
  controlRoutes: autotaskControlRoutes,
  inspect: (state) => ({
    api_user: state.info.apiUserName,
    users: state.users.size,
    tables: Object.fromEntries([...state.tables].map(([name, t]) => [name, t.rows.size])),
    service_adjustments: [...state.serviceAdjustments.values()].reduce((n, l) => n + l.length, 0),
    bundle_adjustments: [...state.bundleAdjustments.values()].reduce((n, l) => n + l.length, 0),
  }),
};

export async function startAutotaskEmulator(options: EmulatorOptions = {}): Promise<AutotaskEmulator> {
  const server = await startEmulatorServer(autotaskDefinition, options);
  return startedEmulator(server, credentials, { zoneUrl: `${server.url}/ATServicesRest/` });
}
