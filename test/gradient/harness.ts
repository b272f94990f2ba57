// Test-only: the Acronis and Gradient emulators over real HTTP, a hub store on a test database, and a
// Gradient integration between them. Connector retries sleep 0 ms.
import { startAcronisEmulator, type AcronisEmulator } from '../../emulators/acronis/server.ts';
import { startGradientEmulator, type GradientEmulator } from '../../emulators/gradient/server.ts';
import type { DatasetName } from '../../emulators/kit/types.ts';
import type { BillingPlatform } from '../../src/connectors/billing-ports.ts';
import { createGradientPlatform } from '../../src/connectors/gradient/platform.ts';
import type { CallObserver } from '../../src/connectors/kit/call-metrics.ts';
import type { VendorCloud } from '../../src/connectors/ports.ts';
import type { Store } from '../../src/store/store.ts';
import { buildBillingRuntime, type BillingRuntime } from '../../src/sync/billing/billing-runtime.ts';
import { openTestStore, type TestDatabase } from '../support/databases.ts';
import { startHub, type TestHub } from '../support/hub.ts';
import { connectAcronis, emulatorControl, instantRetryRuntime } from '../support/world.ts';
import { alertTypes as acronisAlertTypes } from '../../emulators/acronis/alert-catalog.ts';
import { TicketConfig, ticketProfileFor } from '../../src/sync/settings/tickets.ts';

export interface GradientHubHarness {
  acronis: AcronisEmulator;
  gradient: GradientEmulator;
  store: Store;
  integrationId: string;
  runtime(extra?: { wrapVendor?: (v: VendorCloud) => VendorCloud; wrapPlatform?: (p: BillingPlatform) => BillingPlatform; onPlatformCall?: CallObserver; journalLeaseMs?: number; clock?: () => Date }): Promise<BillingRuntime>;
  control(system: 'acronis' | 'gradient', method: string, path: string, body?: unknown): Promise<any>;
  close(): Promise<void>;
}

/** Either emulator's control API, by system. */
function controlOf(acronis: AcronisEmulator, gradient: GradientEmulator) {
  const acronisControl = emulatorControl(acronis.url);
  const gradientControl = emulatorControl(gradient.url);
  return (system: 'acronis' | 'gradient', method: string, path: string, body?: unknown): Promise<any> => (system === 'acronis' ? acronisControl : gradientControl)(method, path, body);
}

export async function startGradientHubHarness(
  database: TestDatabase,
  options: { acronisSeed?: DatasetName; gradientSeed?: DatasetName; size?: number } = {},
): Promise<GradientHubHarness> {
  const size = options.size === undefined ? {} : { size: options.size };
  const acronis = await startAcronisEmulator({ port: 0, seed: options.acronisSeed ?? 'demo', ...size });
  const gradient = await startGradientEmulator({ port: 0, seed: options.gradientSeed ?? 'demo', ...size });
  const { store, cleanup } = await openTestStore(database);
  const control = controlOf(acronis, gradient);
  const connection = await connectAcronis(store, acronis);
  const integration = await store.repos.integrations.create({
    name: 'gradient-emulator',
    connectionId: connection.id,
    target: 'gradient',
    credentials: { vendorKey: gradient.credentials.vendor_key, partnerKey: gradient.credentials.partner_key, baseUrl: gradient.url },
    features: {},
  });
  return {
    acronis,
    gradient,
    store,
    integrationId: integration.id,
    control,
    runtime: (extra = {}) =>
      buildBillingRuntime(store, integration.id, {
        ...instantRetryRuntime(extra),
        platformFactory: (_system, input) =>
          createGradientPlatform({
            vendorKey: input.credentials.vendorKey as string,
            partnerKey: input.credentials.partnerKey as string,
            baseUrl: input.credentials.baseUrl as string,
            sleep: async () => {},
            ...(extra.onPlatformCall === undefined ? {} : { onCall: extra.onPlatformCall }),
          }),
        ...(extra.wrapPlatform === undefined ? {} : { wrapPlatform: extra.wrapPlatform }),
      }),
    async close() {
      await Promise.allSettled([acronis.close(), gradient.close()]);
      await cleanup();
    },
  };
}

/**
 * Ticket creation on for a Gradient integration, through the shared ticket settings as a person
 * would set them: every alert type the Acronis emulator knows enabled (priority from severity),
 * or the given types with their priority.
 */
export async function enableGradientTickets(store: Store, integrationId: string, types?: Record<string, string | null>): Promise<void> {
  const profile = ticketProfileFor('gradient')!;
  const config = new TicketConfig(store.repos.settings);
  const picklists = { priority: ['1', '2', '3', '4'].map((value) => ({ value, label: value })) };
  const chosen = types ?? Object.fromEntries(acronisAlertTypes.map((t) => [t.id, null]));
  await config.saveMapping(integrationId, profile, { types: Object.fromEntries(Object.entries(chosen).map(([id, priority]) => [id, { enabled: true, fields: priority === null ? {} : { priority } }])) }, picklists);
  await config.saveSettings(integrationId, profile, { enabled: true }, picklists);
}

/** The hub's HTTP app on a test database with a Gradient integration against both emulators (demo data). */
export interface GradientApiHarness {
  hub: TestHub;
  acronis: AcronisEmulator;
  gradient: GradientEmulator;
  /** An admin's token headers for `hub.app.inject`. */
  auth: Record<string, string>;
  connectionId: string;
  integrationId: string;
  /** An emulator's control API (`/_emulator…`). */
  control(system: 'acronis' | 'gradient', method: string, path: string, body?: unknown): Promise<any>;
  /** The integration's billing runtime; connector retries sleep 0 ms. */
  runtime(options?: { clock?: () => Date }): Promise<BillingRuntime>;
  close(): Promise<void>;
}

export async function startGradientApiHarness(database: TestDatabase): Promise<GradientApiHarness> {
  const acronis = await startAcronisEmulator({ port: 0, seed: 'demo' });
  const gradient = await startGradientEmulator({ port: 0, seed: 'demo' });
  const hub = await startHub(database);
  const auth = await hub.tokenHeaders();
  const connection = await connectAcronis(hub.store, acronis, { name: 'acronis' });
  const integration = await hub.store.repos.integrations.create({
    name: 'gradient',
    connectionId: connection.id,
    target: 'gradient',
    credentials: { vendorKey: gradient.credentials.vendor_key!, partnerKey: gradient.credentials.partner_key!, baseUrl: gradient.url },
    features: {},
  });
  return {
    hub,
    acronis,
    gradient,
    auth,
    connectionId: connection.id,
    integrationId: integration.id,
    control: controlOf(acronis, gradient),
    runtime: (options = {}) => buildBillingRuntime(hub.store, integration.id, instantRetryRuntime(options)),
    close: async () => {
      await hub.close();
      await Promise.allSettled([acronis.close(), gradient.close()]);
    },
  };
}
