// Test-only: the world of the ticket route tests — the hub (test/support/hub.ts) with an API token,
// the Acronis and Autotask emulators on their demo datasets, and an Autotask integration with one
// company mapped to a customer tenant that has no alerts of its own and a second such tenant left
// unmapped — opened before each test and closed after it.
import { afterEach, beforeEach } from 'vitest';
import { startAcronisEmulator, type AcronisEmulator } from '../../emulators/acronis/server.ts';
import { startAutotaskEmulator, type AutotaskEmulator } from '../../emulators/autotask/server.ts';
import type { TestDatabase } from './databases.ts';
import { startHub, type TestHub } from './hub.ts';

export interface AutotaskTicketsHub {
  hub: TestHub;
  acronis: AcronisEmulator;
  autotask: AutotaskEmulator;
  integrationId: string;
  headers: Record<string, string>;
  /** A customer tenant without alerts of its own, mapped to `companyId` ('Mapped Co'). */
  mappedTenant: string;
  /** Another customer tenant without alerts, mapped to nothing. */
  unmappedTenant: string;
  companyId: string;
  /** The integration's API (`/api/v1/integrations/<id><url>`) with the token. */
  call(method: 'GET' | 'PUT' | 'POST', url: string, payload?: unknown): ReturnType<TestHub['app']['inject']>;
}

/** Registers the hooks in the calling `describe`; the object returned holds each test's fresh world. */
export function useAutotaskTicketsHub(database: TestDatabase): AutotaskTicketsHub {
  const w = {
    call: (method, url, payload) =>
      w.hub.app.inject({ method, url: `/api/v1/integrations/${w.integrationId}${url}`, headers: w.headers, ...(payload === undefined ? {} : { payload: payload as object }) }),
  } as AutotaskTicketsHub;
  beforeEach(async () => {
    const acronis = (w.acronis = await startAcronisEmulator({ port: 0, seed: 'demo' }));
    const autotask = (w.autotask = await startAutotaskEmulator({ port: 0, seed: 'demo' }));
    w.hub = await startHub(database);
    w.headers = await w.hub.tokenHeaders();
    const { repos } = w.hub.store;
    const connection = await repos.connections.create({ name: 'dc', baseUrl: acronis.url, clientId: acronis.credentials.client_id, clientSecret: acronis.credentials.client_secret, tenantId: acronis.partnerId });
    const integration = await repos.integrations.create({
      name: 'at',
      connectionId: connection.id,
      target: 'autotask',
      credentials: { username: autotask.credentials.username, secret: autotask.credentials.secret, integrationCode: autotask.credentials.integration_code },
    });
    w.integrationId = integration.id;
    await repos.settings.set(w.integrationId, 'connector', { zoneUrl: autotask.zoneUrl });
    // Customers without the demo dataset's own alerts, so only this test's alerts make tickets.
    const customers = [...acronis.state.tenants.values()].filter((t) => t.kind === 'customer' && t.enabled && (acronis.state.alertsByTenant.get(t.id)?.size ?? 0) === 0);
    w.mappedTenant = customers[0]!.id;
    w.unmappedTenant = customers[1]!.id;
    const companies = ((await (await fetch(`${autotask.url}/_emulator/entities/Companies?limit=5`)).json()) as { items: Array<{ id: number }> }).items;
    w.companyId = String(companies.find((c) => c.id > 0)!.id);
    await repos.mappings.upsertCompanies(w.integrationId, [{ companyId: w.companyId, companyName: 'Mapped Co' }]);
    await repos.mappings.map(w.integrationId, w.companyId, { tenantId: w.mappedTenant });
  });
  afterEach(async () => {
    await w.hub.close();
    await w.acronis.close();
    await w.autotask.close();
  });
  return w;
}
