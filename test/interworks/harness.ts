// The world of the interworks tests: an Acronis emulator with the distributor dataset, the hub
// listening with its Service Management API, and the BSS emulator registered with it and pointed
// at its base URL.
import { startAcronisEmulator, type AcronisEmulator } from '../../emulators/acronis/server.ts';
import { startInterworksEmulator, type InterworksEmulator } from '../../emulators/interworks/server.ts';
import { registerApplication } from '../../src/sync/service-manager/overview.ts';
import type { TestDatabase } from '../support/databases.ts';
import { startHub, type StartHubOptions, type TestHub } from '../support/hub.ts';
import { emulatorControl } from '../support/world.ts';

export interface InterworksWorld {
  acronis: AcronisEmulator;
  bss: InterworksEmulator;
  hub: TestHub;
  baseUrl: string;
  bssControl<T = any>(method: string, path: string, body?: unknown): Promise<T>;
  acronisControl<T = any>(method: string, path: string, body?: unknown): Promise<T>;
  /** Settings of an instance of the first (or second) distributor agreement. */
  settings(overrides?: Record<string, string>, agreement?: 'first' | 'second'): Record<string, string>;
  close(): Promise<void>;
}

export async function startInterworksWorld(db: TestDatabase, options: StartHubOptions = {}): Promise<InterworksWorld> {
  const acronis = await startAcronisEmulator({ port: 0, seed: 'distributor' });
  const bss = await startInterworksEmulator({ port: 0, seed: 'demo' });
  const hub = await startHub(db, { listen: true, ...options });
  const registered = await registerApplication(hub.store, {
    name: 'BSS test',
    hubUrl: hub.url as string,
    applicationId: bss.credentials.application_id,
    applicationKey: bss.credentials.application_key,
  });
  const bssControl = emulatorControl(bss.url);
  await bssControl('POST', '/hub', { base_url: registered.baseUrl });
  return {
    acronis,
    bss,
    hub,
    baseUrl: registered.baseUrl,
    bssControl,
    acronisControl: emulatorControl(acronis.url),
    settings: (overrides = {}, agreement = 'first') => ({
      SystemName: agreement === 'first' ? 'Acronis EU' : 'Acronis US',
      Gateway: acronis.url,
      ClientId: agreement === 'first' ? acronis.credentials.client_id : (acronis.credentials.second_client_id as string),
      ClientSecret: agreement === 'first' ? acronis.credentials.client_secret : (acronis.credentials.second_client_secret as string),
      DistributorDiscount: '18',
      PrimaryCurrency: 'EUR',
      UpdateProductNames: 'continuous',
      ...overrides,
    }),
    close: async () => {
      await hub.close();
      await bss.close();
      await acronis.close();
    },
  };
}

/** The first day and last day of last month (UTC), as the BSS bills a closed cycle. */
export function lastMonth(now = new Date()): { start: string; end: string } {
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
  const end = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 0));
  return { start: start.toISOString().slice(0, 10), end: end.toISOString().slice(0, 10) };
}
