// The interworks.cloud BSS emulator: plays the BSS against the hub's Service Management API
// (reference/interworks-gradient-wire.md §1). It has no API of its own to serve (the public BSS API
// is not what the hub uses); its control API (/_emulator/...) drives what a BSS operator and a
// reseller would do, and the BSS calls the service manager it is pointed at.
import { startedEmulator, startEmulatorServer, type EmulatorDefinition, type StartedEmulator } from '../kit/server.ts';
import type { EmulatorOptions } from '../kit/types.ts';
import { interworksControlRoutes } from './control.ts';
import { BssState } from './state.ts';

export const INTERWORKS_SYSTEM = 'interworks';

export interface InterworksCredentials {
  /** The application registration the BSS calls the service manager with. */
  application_id: string;
  application_key: string;
  [key: string]: string;
}

export type InterworksEmulator = StartedEmulator<BssState, InterworksCredentials>;

const credentials = (state: BssState): InterworksCredentials => ({ application_id: state.registration.applicationId, application_key: state.registration.applicationKey });

export const interworksDefinition: EmulatorDefinition<BssState> = {
  system: INTERWORKS_SYSTEM,
  seed: (dataset) => new BssState(dataset),
  credentials,
  errorBody: (status, message) => ({ Message: message, Status: status }),
  routes: async (app) => {
    app.get('/api/health', async () => ({ status: 'ok' }));
  },
  controlRoutes: interworksControlRoutes,
  inspect: (state) => ({
    hub_url: state.hubUrl,
    instances: state.instances.size,
    catalogue: state.catalogue.size,
    accounts: state.accounts.size,
    subscriptions: state.subscriptions.size,
    usage_records: state.usageRecords.length,
    invoice_lines: state.invoiceLines.length,
    calls: state.calls.length,
  }),
};

export async function startInterworksEmulator(options: EmulatorOptions = {}): Promise<InterworksEmulator> {
  const server = await startEmulatorServer(interworksDefinition, options);
  return startedEmulator(server, credentials);
}
