// Storage classes and geo-redundancy (the vendor's SKU-mapping rules, reference/interworks-gradient-wire.md
// §3 "Each storage under a location is mapped separately, with extra class1 (free) and class2 (billable)
// mappings; with geo-redundancy, extra mappings for backup storage, class2, M365 seats and Google
// Workspace seats").
//
// The rules name the items but no source we hold gives their wire names, so the names below are our
// inference (inf), built like the items the reference does show (`pw_base_` prefix, a `usage_name`
// without it, one entry per storage `infra_id` for storage items):
// - per backup storage: `pw_base_storage_class1` (usage `storage_class1`, free) and
//   `pw_base_storage_class2` (usage `storage_class2`, billable), next to `pw_base_storage`;
// - geo-redundant copies, which exist only for a tenant with geo-redundancy on (its own flag or an
//   ancestor's): `pw_base_geo_storage` and `pw_base_geo_storage_class2` per backup storage,
//   `pw_base_geo_m365_seats` (usage `geo_mailboxes`) and `pw_base_geo_gworkspace_seats`
//   (usage `geo_gsuite_seats`).
// Only type imports from catalog.ts: catalog.ts spreads these definitions into its own list.
import type { ItemDefinition } from './catalog.ts';

const BACKUP_APP = '6e6d758d-8e74-3ae3-ac84-50eb0dff12eb';
const PW = 'pck_per_workload';

const item = (suffix: string, usage: string, kind: 'storage' | 'seats', geo: boolean): ItemDefinition => ({
  name: `pw_base_${suffix}`,
  usage_name: usage,
  edition: PW,
  application_id: BACKUP_APP,
  type: kind === 'storage' ? 'infra' : 'count',
  measurement_unit: kind === 'storage' ? 'bytes' : 'quantity',
  ...(kind === 'storage' ? { infra: 'backup' as const } : {}),
  ...(geo ? { geo: true } : {}),
});

export const storageClassItems: readonly ItemDefinition[] = [
  item('storage_class1', 'storage_class1', 'storage', false),
  item('storage_class2', 'storage_class2', 'storage', false),
  item('geo_storage', 'geo_storage', 'storage', true),
  item('geo_storage_class2', 'geo_storage_class2', 'storage', true),
  item('geo_m365_seats', 'geo_mailboxes', 'seats', true),
  item('geo_gworkspace_seats', 'geo_gsuite_seats', 'seats', true),
];
