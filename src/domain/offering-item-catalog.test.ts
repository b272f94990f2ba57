import { describe, expect, it } from 'vitest';
import {
  BYTES_PER_GB,
  autoServiceName,
  catalogItem,
  catalogItemForVendorName,
  offeringItemCatalog,
  unitsToQuotaValue,
  usageToBillingUnits,
} from './offering-item-catalog.ts';

describe('offering item catalog', () => {
  it('lists every Standard workload the seed names and the Advanced packs', () => {
    const keys = offeringItemCatalog.map((i) => i.key);
    for (const key of [
      'workstations',
      'servers',
      'vms',
      'web_hosting_servers',
      'm365_seats',
      'm365_mailboxes',
      'm365_onedrive',
      'm365_sharepoint_sites',
      'm365_teams',
      'hosted_exchange',
      'gworkspace_seats',
      'google_mail',
      'google_drive',
      'google_team_drive',
      'mobiles',
      'websites',
      'storage',
      'local_storage',
      'adv_backup_workstations',
      'adv_backup_servers',
      'adv_backup_vms',
      'adv_backup_web_hosting_servers',
      'adv_management',
      'adv_security',
      'adv_dlp',
      'adv_email_security',
    ]) {
      expect(keys).toContain(key);
    }
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('uses the vendor names and usage names of reference §3', () => {
    expect(catalogItem('workstations').names[0]).toBe('pw_base_workstations');
    expect(catalogItem('m365_seats').usageName).toBe('mailboxes');
    expect(catalogItem('gworkspace_seats').usageName).toBe('gsuite_seats');
    expect(catalogItem('adv_email_security').usageName).toBe('pack_adv_email_security_mailboxes');
    expect(catalogItem('adv_backup_vms').names).toEqual(['pw_pack_adv_backup_vms']);
    expect(catalogItem('adv_backup_vms').usageName).toBe('pack_adv_backup_vms');
    expect(catalogItem('local_storage').names).toEqual(['local_storage']);
    expect(catalogItemForVendorName('mailboxes')?.key).toBe('m365_seats');
    expect(catalogItemForVendorName('pw_base_dr_base')).toBeUndefined();
  });

  it('marks storage, its classes and its geo-redundant copies as the per-storage (infra) items, billed in GB', () => {
    const perStorage = offeringItemCatalog.filter((i) => i.perStorage).map((i) => i.key);
    expect(perStorage).toEqual(['storage', 'storage_class1', 'storage_class2', 'geo_storage', 'geo_storage_class2']);
    expect(offeringItemCatalog.filter((i) => i.perStorage).every((i) => i.billingUnit === 'GB' && i.type === 'infra')).toBe(true);
    expect(catalogItem('storage')).toMatchObject({ type: 'infra', measurementUnit: 'bytes', billingUnit: 'GB' });
    expect(catalogItem('local_storage')).toMatchObject({ perStorage: false, billingUnit: 'GB' });
  });

  it('gives every Advanced pack Standard items it requires, and Standard items none', () => {
    for (const item of offeringItemCatalog) {
      if (item.pack === 'advanced') {
        expect(item.requiresAnyOf.length).toBeGreaterThan(0);
        for (const k of item.requiresAnyOf) expect(catalogItem(k).pack).toBe('standard');
      } else {
        expect(item.requiresAnyOf).toEqual([]);
      }
    }
    expect(catalogItem('adv_backup_workstations').requiresAnyOf).toEqual(['workstations']);
  });

  it('auto-generates service names, per storage for storage', () => {
    expect(autoServiceName(catalogItem('workstations'))).toBe('Acronis Cyber Protect - Workstations');
    expect(autoServiceName(catalogItem('adv_security'))).toBe('Acronis Cyber Protect - Advanced Security');
    expect(autoServiceName(catalogItem('storage'), { name: 'EU Cloud', infraId: 'x' })).toBe('Acronis Cyber Protect - Cloud storage (EU Cloud)');
    expect(autoServiceName(catalogItem('storage'), { infraId: 'infra-1' })).toBe('Acronis Cyber Protect - Cloud storage (infra-1)');
  });

  it('converts units to quotas and usage to billing units', () => {
    expect(unitsToQuotaValue(catalogItem('storage'), 100)).toBe(100 * BYTES_PER_GB);
    expect(unitsToQuotaValue(catalogItem('storage'), 0.5)).toBe(BYTES_PER_GB / 2);
    expect(unitsToQuotaValue(catalogItem('workstations'), 3.7)).toBe(3);
    expect(usageToBillingUnits(catalogItem('storage'), 10 * BYTES_PER_GB)).toBe(10);
    expect(usageToBillingUnits(catalogItem('storage'), 10 * BYTES_PER_GB + 1)).toBe(11);
    expect(usageToBillingUnits(catalogItem('storage'), 0)).toBe(0);
    expect(usageToBillingUnits(catalogItem('workstations'), 7)).toBe(7);
    expect(usageToBillingUnits(catalogItem('workstations'), -1)).toBe(0);
  });
});
