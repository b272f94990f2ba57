// The ConnectWise PSA (Manage) emulator: REST API 3.0 under /v4_6_release/apis/3.0 as reference/psa.md
// §B describes it (Basic auth + clientId, the conditions grammar, navigable and forward-only paging,
// JSON-patch, 201/204, `{code,message,errors}` errors, 429 + Retry-After, `_info`, signed callbacks),
// on top of the emulator kit.
import { startedEmulator, startEmulatorServer, type EmulatorDefinition, type StartedEmulator } from '../kit/server.ts';
import type { EmulatorOptions } from '../kit/types.ts';
import { Deliveries } from './callbacks.ts';
import { connectWiseControlRoutes } from './control.ts';
import { buildDataset } from './datasets.ts';
import { CwError, errorBody } from './errors.ts';
import { restRoutes } from './rest.ts';
import type { CwState } from './state.ts';
import { API_PREFIX } from './views.ts';

export const CONNECTWISE_SYSTEM = 'connectwise';

export interface ConnectWiseCredentials {
  company_id: string;
  public_key: string;
  private_key: string;
  client_id: string;
  [key: string]: string;
}

export interface ConnectWiseEmulator extends StartedEmulator<CwState, ConnectWiseCredentials> {
  /** `${url}/v4_6_release/apis/3.0` */
  readonly apiUrl: string;
  /** Callback deliveries (log, pending, flush). */
  readonly deliveries: Deliveries;
}

function credentials(state: CwState): ConnectWiseCredentials {
  const [publicKey, key] = [...state.apiKeys][0] ?? ['', { privateKey: '' }];
  return { company_id: state.info.companyId, public_key: publicKey, private_key: key.privateKey, client_id: [...state.clientIds][0] ?? '' };
}

const apiPrefix = API_PREFIX.toLowerCase() + '/';

export function connectWiseDefinition(deliveries = new Deliveries()): EmulatorDefinition<CwState> {
  return {
    system: CONNECTWISE_SYSTEM,
    seed: (dataset, clock, { size }) => {
      const state = buildDataset(dataset, clock.nowMs(), size);
      state.now = () => clock.nowMs();
      return state;
    },
    credentials,
    errorBody,
    caseInsensitivePaths: true,
    routes: restRoutes(deliveries),
    controlRoutes: connectWiseControlRoutes(deliveries),
    // The rate limit counts every API call (authenticated or not) before it is routed.
    onApiRequest: async (request, reply, ctx) => {
      if (!request.url.toLowerCase().startsWith(apiPrefix)) return;
      const decision = ctx.state.rate.take(ctx.clock.nowMs());
      if (decision.allowed) return;
      const err = new CwError(429, `Request rate exceeded. Retry after ${decision.retryAfterSeconds} seconds.`);
      await reply.code(429).header('retry-after', String(decision.retryAfterSeconds)).type('application/json').send(err.body());
    },
    onReseed: () => deliveries.reset(),
    inspect: (state) => ({
      company_id: state.info.companyId,
      tables: Object.fromEntries([...state.tables].map(([k, t]) => [k, t.rows.size])),
      callbacks: state.table('callbacks').rows.size,
      rate_limit: { limit: state.rate.settings.limit, windowSeconds: state.rate.settings.windowMs / 1000 },
    }),
  };
}

export async function startConnectWiseEmulator(options: EmulatorOptions = {}): Promise<ConnectWiseEmulator> {
  const deliveries = new Deliveries();
  const server = await startEmulatorServer(connectWiseDefinition(deliveries), options);
  return startedEmulator(server, credentials, { apiUrl: `${server.url}${API_PREFIX}`, deliveries });
}
