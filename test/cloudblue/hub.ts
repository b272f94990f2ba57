// Test-only: the world of the CloudBlue hub tests — the hub (test/support/hub.ts) with an API
// token, the Acronis and CloudBlue emulators on their demo datasets, and a CloudBlue integration on
// them — opened before each test and closed after it.
import { afterEach, beforeEach } from 'vitest';
import { startAcronisEmulator, type AcronisEmulator } from '../../emulators/acronis/server.ts';
import { startCloudBlueEmulator, type CloudBlueEmulator } from '../../emulators/cloudblue/server.ts';
import type { TestDatabase } from '../support/databases.ts';
import { startHub, type TestHub } from '../support/hub.ts';

export interface CloudBlueHub {
  hub: TestHub;
  acronis: AcronisEmulator;
  cloudblue: CloudBlueEmulator;
  integrationId: string;
  headers: Record<string, string>;
}

/** Registers the hooks in the calling `describe`; the object returned holds each test's fresh world. */
export function useCloudBlueHub(database: TestDatabase): CloudBlueHub {
  const w = {} as CloudBlueHub;
  beforeEach(async () => {
    const acronis = (w.acronis = await startAcronisEmulator({ port: 0, seed: 'demo' }));
    const cloudblue = (w.cloudblue = await startCloudBlueEmulator({ port: 0, seed: 'demo' }));
    w.hub = await startHub(database);
    w.headers = await w.hub.tokenHeaders();
    const connection = await w.hub.store.repos.connections.create({ name: 'dc', baseUrl: acronis.url, clientId: acronis.credentials.client_id, clientSecret: acronis.credentials.client_secret, tenantId: acronis.partnerId });
    const integration = await w.hub.store.repos.integrations.create({ name: 'cb', connectionId: connection.id, target: 'cloudblue', credentials: { siteUrl: cloudblue.url, apiKey: cloudblue.credentials.api_key } });
    w.integrationId = integration.id;
  });
  afterEach(async () => {
    await w.hub.close();
    await w.acronis.close();
    await w.cloudblue.close();
  });
  return w;
}
