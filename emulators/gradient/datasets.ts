// Deterministic datasets. The MSP (partner organization "Northwind MSP", the Acronis emulator's
// partner) runs ConnectWise PSA; its PSA companies are the Acronis emulator's customer tenants of
// the same dataset, so the exact-name auto-match has something real to do. In `demo` a few PSA
// companies are spelled differently from the tenant (a person maps those by hand), and two exist in
// the PSA only. The vendor profile and the keys come from their own seed: the same in every dataset.
import { buildDataset as buildAcronisDataset } from '../acronis/datasets.ts';
import { createRng } from '../kit/prng.ts';
import { LARGE_DATASET_SIZE, type DatasetName } from '../kit/types.ts';
import { GradientState, newOrganization, quantityKey, type Organization } from './state.ts';

/** 2025-06-01T00:00:00Z, as the Acronis emulator's datasets. */
export const DATASET_EPOCH_MS = Date.UTC(2025, 5, 1);

/** Demo PSA spellings that differ from the Acronis tenant name: no exact match, mapped by a person. */
export const DEMO_RENAMED: Readonly<Record<string, string>> = {
  'Contoso Dental Group': 'Contoso Dental Group, Inc.',
  'Litware Legal LLP': 'Litware Legal',
  'VanArsdel Ltd': 'VanArsdel Ltd.',
  'City Power & Light': 'City Power and Light',
};
/** Demo PSA companies with no Acronis tenant. */
export const DEMO_PSA_ONLY = ['Adventure Works Cycles', 'Wide World Importers'] as const;

/** The MSP's PSA products an Acronis service is mapped to (a person does this in Gradient). */
export const DEMO_PSA_PRODUCTS = [
  'Cyber Protect - Workstation',
  'Cyber Protect - Server',
  'Cyber Protect - Virtual Machine',
  'Cloud Backup Storage (per GB)',
  'Microsoft 365 Backup - Seat',
  'Advanced Security Pack',
  'Advanced Email Security',
  'Managed Backup Service (flat fee)',
] as const;

const customerNamesCache = new Map<string, string[]>();

/** Customer tenant names of the Acronis emulator's dataset (of that size), in its order; built once per process. */
export function acronisCustomerNames(dataset: DatasetName, size: number = LARGE_DATASET_SIZE): string[] {
  const key = dataset === 'large' ? `large:${size}` : dataset;
  let names = customerNamesCache.get(key);
  if (names === undefined) {
    names = dataset === 'empty' ? [] : [...buildAcronisDataset(dataset, size).tenants.values()].filter((t) => t.kind === 'customer').map((t) => t.name);
    customerNamesCache.set(key, names);
  }
  return names;
}

function addCompany(state: GradientState, org: Organization, name: string): string {
  const id = String(org.psa.companies.size + 250);
  org.psa.companies.set(id, { id, name });
  return id;
}

/** `size`: customers of the `large` dataset (the Acronis emulator's large dataset of the same size). */
export function buildDataset(dataset: DatasetName, size: number = LARGE_DATASET_SIZE): GradientState {
  const keys = createRng('gradient/platform');
  const state = new GradientState(`gradient/${dataset}`);
  state.vendorKey = `gv_${keys.hex(40)}`;
  const at = new Date(DATASET_EPOCH_MS - 30 * 86_400_000).toISOString();
  state.vendor = {
    id: keys.hex(24),
    name: 'psa-bridge for Acronis Cyber Protect',
    description: 'Acronis Cyber Protect Cloud accounts, services and usage, pushed by a self-hosted psa-bridge hub',
    imageUri: 'https://app.usegradient.com/images/vendors/custom.png',
    integrationPortalUrl: '',
    vendorSupportPageUrl: '',
    createdAt: at,
    updatedAt: at,
  };
  const org = newOrganization(state, { name: 'Northwind MSP', partnerKey: `gp_${keys.hex(40)}`, psaSystem: 'ConnectWise PSA' });
  if (dataset === 'empty') return state;

  const rng = createRng(`gradient/${dataset}/psa`);
  const names = acronisCustomerNames(dataset, size);
  const companyIds: string[] = [];
  for (const name of names) companyIds.push(addCompany(state, org, dataset === 'demo' ? (DEMO_RENAMED[name] ?? name) : name));
  if (dataset === 'demo') for (const name of DEMO_PSA_ONLY) companyIds.push(addCompany(state, org, name));

  DEMO_PSA_PRODUCTS.forEach((name, i) => {
    const id = String(9000 + i);
    org.psa.products.set(id, { id, name });
  });
  // Agreement quantities on the PSA side: what the MSP bills today, for the cards to compare against.
  for (const companyId of companyIds) {
    org.psa.quantities.set(quantityKey(companyId, '9000'), rng.int(3, 60));
    org.psa.quantities.set(quantityKey(companyId, '9003'), rng.int(50, 4000));
    if (rng.chance(0.3)) org.psa.quantities.set(quantityKey(companyId, '9001'), rng.int(1, 6));
  }
  return state;
}
