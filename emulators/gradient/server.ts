// The Gradient Synthesize emulator: the vendor API (/api/vendor-api) as reference/billing-and-peers.md §1
// and reference/interworks-gradient-wire.md §2 describe it, plus Gradient's own side (the MSP's PSA,
// mappings, billing view, service cards, tickets) behind the control API, on top of the emulator kit.
import { startedEmulator, startEmulatorServer, type EmulatorDefinition, type StartedEmulator } from '../kit/server.ts';
import type { EmulatorOptions } from '../kit/types.ts';
import { gradientControlRoutes } from './control.ts';
import { buildDataset } from './datasets.ts';
import { anomaly, errorBody, tooManyRequests } from './errors.ts';
import { API_PREFIX, vendorApiRoutes } from './routes.ts';
import type { GradientState } from './state.ts';

export const GRADIENT_SYSTEM = 'gradient';

export interface GradientCredentials {
  vendor_key: string;
  partner_key: string;
  [key: string]: string;
}

export interface GradientEmulator extends StartedEmulator<GradientState, GradientCredentials> {
  /** `${url}/api/vendor-api`: what a vendor integration calls. */
  readonly apiUrl: string;
}

function credentials(state: GradientState): GradientCredentials {
  return { vendor_key: state.vendorKey, partner_key: state.primary().partnerKey };
}

export const gradientDefinition: EmulatorDefinition<GradientState> = {
  system: GRADIENT_SYSTEM,
  seed: (dataset, _clock, options) => buildDataset(dataset, options.size),
  credentials,
  errorBody: (status, message) => (status === 429 ? tooManyRequests().body() : errorBody(status, message)),
  routes: vendorApiRoutes,
  controlRoutes: gradientControlRoutes,
  // 100 requests per second (429 above, api-docs.meetgradient.com/reference/createbilling), then the
  // 403 "anomaly" switch; both before authentication, as a global throttler guard runs.
  onApiRequest: async (request, reply, ctx) => {
    if (!request.url.startsWith(API_PREFIX)) return;
    const decision = ctx.state.rate.take(ctx.clock.nowMs());
    if (!decision.allowed) {
      await reply.code(429).header('retry-after', String(decision.retryAfterSeconds)).type('application/json').send(tooManyRequests().body());
      return;
    }
    if (decision.used > ctx.state.peakPerSecond) ctx.state.peakPerSecond = decision.used;
    if (ctx.state.limits.anomaly) await reply.code(403).type('application/json').send(anomaly().body());
  },
  inspect: (state) => ({
    vendor: state.vendor.name,
    services: state.skus.size,
    organizations: [...state.organizations.values()].map((o) => ({
      organizationId: o.organizationId, name: o.name, status: o.status, accounts: o.accounts.length,
      psaCompanies: o.psa.companies.size, accountMaps: o.accountMaps.size, serviceMaps: o.serviceMaps.size,
      counts: o.counts.size, alerts: o.alerts.size, tickets: o.tickets.length,
    })),
  }),
};

export async function startGradientEmulator(options: EmulatorOptions = {}): Promise<GradientEmulator> {
  const server = await startEmulatorServer(gradientDefinition, options);
  return startedEmulator(server, credentials, { apiUrl: `${server.url}${API_PREFIX}` });
}
