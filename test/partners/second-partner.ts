// Test-only: a second partner account of the MSP in the Acronis emulator (POST /_emulator/partners)
// with two customers, stored as a tested connection, for the multi-partner tests.
import type { Connection } from '../../src/store/repositories/connections.ts';
import type { Store } from '../../src/store/store.ts';
import { emulatorControl } from '../support/world.ts';
import type { SyncWorld } from '../support/autotask-sync-world.ts';

export interface SecondPartner {
  connection: Connection;
  partnerId: string;
  clientId: string;
  clientSecret: string;
  customers: string[];
}

/** A second partner account of the MSP in the emulator, with two customers, as a tested connection. */
export async function addSecondPartner(store: Store, world: Pick<SyncWorld, 'acronis'>): Promise<SecondPartner> {
  const control = emulatorControl(world.acronis.url);
  const made = await control<{ partner_id: string; client_id: string; client_secret: string; customer_ids: string[] }>('POST', '/partners', {
    name: 'Northwind MSP Nordics',
    customers: ['Fjord Shipping', 'Oslo Dental Care'],
  });
  const connection = await store.repos.connections.create({
    name: 'nordics',
    baseUrl: world.acronis.url,
    clientId: made.client_id,
    clientSecret: made.client_secret,
    tenantId: made.partner_id,
    tenantName: 'Northwind MSP Nordics',
  });
  return { connection, partnerId: made.partner_id, clientId: made.client_id, clientSecret: made.client_secret, customers: made.customer_ids };
}

