// What the platform sells: applications, offering-item definitions per edition, and the alert types
// the emulator knows. Names and ids follow reference/acronis.md §3 and §6.
import { storageClassItems } from './storage-classes.ts';

export const APP = {
  backup: '6e6d758d-8e74-3ae3-ac84-50eb0dff12eb',
  filesCloud: 'dfd85a5f-a464-32ab-81fd-99bcc66a070f',
  platform: '7459244f-68f3-3bf4-9f53-5f63ecc1d91f',
  physicalDataShipping: 'b71b2c18-590a-303c-9d5a-8444fbe713ac',
  hci: 'cc29685d-a9ca-3e87-a83d-069f18b588f0',
} as const;

export interface Application {
  id: string;
  name: string;
  type: string;
  api_base_url: string;
}

// api_base_url values are not documented; these are plausible relative bases (inf).
export const applications: readonly Application[] = [
  { id: APP.platform, name: 'Management Portal', type: 'platform', api_base_url: '/api/2' },
  { id: APP.backup, name: 'Cyber Protection', type: 'backup', api_base_url: '/bc/api' },
  { id: APP.filesCloud, name: 'File Sync & Share', type: 'files_cloud', api_base_url: '/fc/api' },
  { id: APP.physicalDataShipping, name: 'Physical Data Shipping', type: 'physical_data_shipping', api_base_url: '/pds/api' },
  { id: APP.hci, name: 'Cyber Infrastructure', type: 'hci', api_base_url: '/hci/api' },
];

export type ItemType = 'count' | 'feature' | 'infra';
export type MeasurementUnit = 'quantity' | 'bytes' | 'seconds' | 'n/a';
export type InfraCapability = 'backup' | 'disaster_recovery' | 'files_cloud';

export interface ItemDefinition {
  name: string;
  usage_name: string;
  edition: string | null;
  application_id: string;
  type: ItemType;
  measurement_unit: MeasurementUnit;
  /** Items tied to storage exist once per infra with this capability, and carry its infra_id. */
  infra?: InfraCapability;
  /** Geo-redundant copies: offered only to tenants with geo-redundancy on (storage-classes.ts). */
  geo?: boolean;
}

const PW = 'pck_per_workload';
const pw = (suffix: string, type: ItemType, unit: MeasurementUnit, usage = suffix, infra?: InfraCapability): ItemDefinition => ({
  name: `pw_base_${suffix}`,
  usage_name: usage,
  edition: PW,
  application_id: APP.backup,
  type,
  measurement_unit: unit,
  ...(infra ? { infra } : {}),
});
const pack = (suffix: string, usage = `pack_${suffix}`): ItemDefinition => ({
  name: `pw_pack_${suffix}`,
  usage_name: usage,
  edition: PW,
  application_id: APP.backup,
  type: 'count',
  measurement_unit: 'quantity',
});
const legacy = (name: string, type: ItemType, unit: MeasurementUnit, infra?: InfraCapability): ItemDefinition => ({
  name,
  usage_name: name,
  edition: 'standard',
  application_id: APP.backup,
  type,
  measurement_unit: unit,
  ...(infra ? { infra } : {}),
});

export const itemDefinitions: readonly ItemDefinition[] = [
  pw('workstations', 'count', 'quantity'),
  pw('servers', 'count', 'quantity'),
  pw('vms', 'count', 'quantity'),
  pw('web_hosting_servers', 'count', 'quantity'),
  pw('mobiles', 'count', 'quantity'),
  pw('websites', 'count', 'quantity'),
  // M365 and Google Workspace seats are counted under usage names that differ from the item name.
  pw('m365_seats', 'count', 'quantity', 'mailboxes'),
  pw('m365_mailboxes', 'feature', 'n/a', 'o365_mailboxes'),
  pw('m365_onedrive', 'feature', 'n/a', 'o365_onedrive'),
  pw('m365_sharepoint_sites', 'count', 'quantity', 'o365_sharepoint_sites'),
  pw('m365_teams', 'count', 'quantity', 'o365_teams'),
  pw('gworkspace_seats', 'count', 'quantity', 'gsuite_seats'),
  pw('google_mail', 'feature', 'n/a'),
  pw('google_drive', 'feature', 'n/a'),
  pw('google_team_drive', 'feature', 'n/a'),
  pw('storage', 'infra', 'bytes', 'storage', 'backup'),
  pw('dr_base', 'feature', 'n/a', 'dr_base', 'disaster_recovery'),
  pw('adv_dr_storage', 'infra', 'bytes', 'dr_storage', 'disaster_recovery'),
  pw('adv_dr_compute_points', 'infra', 'seconds', 'compute_points', 'disaster_recovery'),
  pw('adv_dr_cloud_servers', 'infra', 'quantity', 'dr_cloud_servers', 'disaster_recovery'),
  pw('adv_dr_internet_access', 'feature', 'n/a', 'dr_internet_access', 'disaster_recovery'),
  pack('adv_backup_workstations'),
  pack('adv_backup_servers'),
  pack('adv_backup_vms'),
  pack('adv_backup_web_hosting_servers'),
  pack('adv_management'),
  pack('adv_security'),
  pack('adv_dlp'),
  pack('adv_email_security', 'pack_adv_email_security_mailboxes'),
  // Editionless; [DUMP] shows count/bytes.
  { name: 'local_storage', usage_name: 'local_storage', edition: null, application_id: APP.backup, type: 'count', measurement_unit: 'bytes' },
  // A few legacy `standard` items, so the default edition filter of GET offering_items is observable.
  legacy('workstations', 'count', 'quantity'),
  legacy('servers', 'count', 'quantity'),
  legacy('vms', 'count', 'quantity'),
  legacy('mobiles', 'count', 'quantity'),
  legacy('mailboxes', 'count', 'quantity'),
  legacy('storage', 'infra', 'bytes', 'backup'),
  {
    name: 'pu_base_fc_seats',
    usage_name: 'fc_seats',
    edition: 'fss_per_user',
    application_id: APP.filesCloud,
    type: 'count',
    measurement_unit: 'quantity',
  },
  {
    name: 'pu_base_fc_storage',
    usage_name: 'fc_storage',
    edition: 'fss_per_user',
    application_id: APP.filesCloud,
    type: 'infra',
    measurement_unit: 'bytes',
    infra: 'files_cloud',
  },
  ...storageClassItems,
];

export const itemsByName: ReadonlyMap<string, ItemDefinition> = new Map(itemDefinitions.map((d) => [d.name, d]));

/** (usage_name, edition) → definition, to give usages their item name. */
export const itemsByUsage: ReadonlyMap<string, ItemDefinition> = new Map(itemDefinitions.map((d) => [`${d.usage_name}|${d.edition ?? ''}`, d]));

export function usagesOf(applicationId: string): string[] {
  return [...new Set(itemDefinitions.filter((d) => d.application_id === applicationId).map((d) => d.usage_name))];
}

export const severities = ['ok', 'information', 'warning', 'error', 'critical'] as const;
export type Severity = (typeof severities)[number];
export const severityRank: ReadonlyMap<string, number> = new Map(severities.map((s, i) => [s, i]));

// The alert catalogue lives in alert-catalog.ts.
export { alertTypes, alertTypesById, type AlertType } from './alert-catalog.ts';

export const roleIds = [
  'root_admin',
  'partner_admin',
  'company_admin',
  'unit_admin',
  'readonly_admin',
  'backup_admin',
  'backup_user',
  'sync_share_admin',
  'sync_share_user',
  'sync_share_guest',
  'monitoring_admin',
  'hci_admin',
] as const;
