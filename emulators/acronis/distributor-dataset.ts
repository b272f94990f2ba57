// The `distributor` dataset: a distributor (a partner tenant right under the root, as in the
// Acronis Cyber Cloud Distributor Program) whose API client is the seeded credential, with several
// service providers (partner tenants), each with customers and usage; and a second distributor of
// another agreement (region), with its own API client, for hubs serving several instances.
import { createRng } from '../kit/prng.ts';
import { APP } from './catalog.ts';
import { contact, DATASET_EPOCH_MS, enabled, provisionCustomer, tenant, user, type Builder } from './datasets.ts';
import { ZERO_UUID, type AcronisState, type TenantRecord } from './state.ts';

const DAY = 86_400_000;

export interface DistributorInfo {
  /** The second distributor, of another agreement; its API client. */
  secondDistributorId: string;
  secondClientId: string;
  secondClientSecret: string;
  /** The service providers seeded under the first distributor. */
  serviceProviderIds: string[];
}

const infos = new WeakMap<AcronisState, DistributorInfo>();

/** What the distributor dataset seeded besides `state.info`; undefined for other datasets. */
export const distributorInfo = (state: AcronisState): DistributorInfo | undefined => infos.get(state);

const SERVICE_PROVIDERS: ReadonlyArray<{ name: string; domain: string; customers: ReadonlyArray<string> }> = [
  { name: 'Adatum IT Services', domain: 'adatum-it.example', customers: ['Baker Street Dental', 'Canal Side Logistics', 'Elm Tree Nursery', 'Harbour Lights Hotel', 'Oakridge Accountants'] },
  { name: 'Fabrikam Managed Services', domain: 'fabrikam-ms.example', customers: ['Juniper Law', 'Kestrel Engineering', 'Meadow Farm Supplies', 'Northgate Pharmacy'] },
  { name: 'Litware Cloud Partners', domain: 'litware-cp.example', customers: ['Pinecrest School', 'Quarry Hill Builders', 'Riverside Clinic', 'Summit Outdoor', 'Tidewater Marine', 'Upland Brewery'] },
];

function distributorTenant(b: Builder, root: TenantRecord, name: string, domain: string, at: number): TenantRecord {
  const t = tenant(b, { name, kind: 'partner', parent_id: root.id, createdAt: at, contact: contact(b.rng, domain, at, { types: ['legal', 'billing'] }) });
  // A distributor may sell everything the platform offers.
  for (const inst of b.state.itemInstances(t)) t.items.set(inst.key, enabled(at));
  t.apps = new Set([APP.platform, APP.backup, APP.filesCloud]);
  return t;
}

function apiClient(b: Builder, t: TenantRecord, at: number): { id: string; secret: string } {
  const id = b.rng.uuid();
  const secret = b.rng.hex(32);
  b.state.clients.set(id, {
    client_id: id, client_secret: secret, tenant_id: t.id, client_name: 'interworks.cloud BSS', created_by: ZERO_UUID,
    created_at: at, last_access_at: null, status: 'enabled',
  });
  return { id, secret };
}

/** A service provider (partner tenant) with the items its parent offers, an admin and customers. */
export function addServiceProvider(b: Builder, parent: TenantRecord, name: string, domain: string, at: number): TenantRecord {
  const sp = tenant(b, { name, kind: 'partner', parent_id: parent.id, createdAt: at, contact: contact(b.rng, domain, at) });
  for (const inst of b.state.itemInstances(sp)) sp.items.set(inst.key, enabled(at));
  sp.apps = new Set([APP.platform, APP.backup]);
  user(b, sp, `${domain.split('.')[0]?.replace(/-/g, '_') ?? 'sp'}_admin`, contact(b.rng, domain, at), 'partner_admin', at, true);
  return sp;
}

/** A customer of a service provider, provisioned and with usage, as the demo's customers are. */
export function addSpCustomer(b: Builder, sp: TenantRecord, name: string, domain: string, at: number, heavy: boolean): TenantRecord {
  const t = tenant(b, { name, kind: 'customer', parent_id: sp.id, createdAt: at, contact: contact(b.rng, domain, at) });
  provisionCustomer(b, t, at + DAY, heavy, b.acronisInfra);
  return t;
}

export function distributor(b: Builder): void {
  b.rng = createRng('acronis/distributor');
  const { state, info } = b;
  const root = state.tenants.get(info.rootId) as TenantRecord;
  const at0 = DATASET_EPOCH_MS - 500 * DAY;
  const eu = distributorTenant(b, root, 'Contoso Cloud Distribution EU', 'contoso-dist-eu.example', at0);
  const euClient = apiClient(b, eu, at0 + DAY);
  const us = distributorTenant(b, root, 'Contoso Cloud Distribution US', 'contoso-dist-us.example', at0 + 2 * DAY);
  const usClient = apiClient(b, us, at0 + 3 * DAY);
  // The seeded credentials of this dataset are the first distributor's API client.
  b.info.partnerId = eu.id;
  b.info.clientId = euClient.id;
  b.info.clientSecret = euClient.secret;
  state.info = b.info;

  const serviceProviderIds: string[] = [];
  SERVICE_PROVIDERS.forEach((spec, i) => {
    const at = at0 + (10 + i * 20) * DAY;
    const sp = addServiceProvider(b, eu, spec.name, spec.domain, at);
    serviceProviderIds.push(sp.id);
    spec.customers.forEach((name, j) => {
      addSpCustomer(b, sp, name, `${name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}.example`, at + (j + 1) * 3 * DAY, j % 2 === 0);
    });
  });
  const usSp = addServiceProvider(b, us, 'Proseware Cloud Solutions', 'proseware-cs.example', at0 + 30 * DAY);
  addSpCustomer(b, usSp, 'Wabash Valley Realty', 'wabash-realty.example', at0 + 33 * DAY, false);
  addSpCustomer(b, usSp, 'Lakeshore Pediatrics', 'lakeshore-peds.example', at0 + 36 * DAY, true);

  infos.set(state, { secondDistributorId: us.id, secondClientId: usClient.id, secondClientSecret: usClient.secret, serviceProviderIds });
}
