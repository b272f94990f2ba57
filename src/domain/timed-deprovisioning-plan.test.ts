// The provisioning planner with the vendor's provisioning options: tenant mode of new tenants and
// timed deprovisioning (disable after N days, delete after M days, cancelled when a contract returns).
import { describe, expect, it } from 'vitest';
import type { ContractLine } from './contract-line.ts';
import { BACKUP_APPLICATION_ID } from './offering-item-catalog.ts';
import { defaultProvisioningSettings, planProvisioning, type ProvisioningInput, type ProvisioningSettings } from './provisioning-plan.ts';
import type { OfferingItem, VendorTenant } from './vendor-model.ts';

const T0 = '2026-03-01T00:00:00.000Z';
const day = (n: number) => new Date(Date.parse(T0) + n * 86_400_000);
const ws: OfferingItem = {
  applicationId: BACKUP_APPLICATION_ID,
  name: 'pw_base_workstations',
  usageName: 'workstations',
  edition: 'pck_per_workload',
  type: 'count',
  measurementUnit: 'quantity',
  infraId: null,
  enabled: true,
  locked: false,
  quota: { value: 5, overage: null },
};
const tenant = (over: Partial<VendorTenant> = {}): VendorTenant => ({
  id: 'T1', name: 'Acme', parentId: 'PARTNER', kind: 'customer', enabled: true, version: 2, customerId: null, internalTag: null, language: 'en',
  mfaStatus: null, pricingMode: 'production', ancestralAccess: true, contact: null, createdAt: null, updatedAt: null, deletedAt: null, ...over,
});
const ended: ContractLine = { lineId: 'L1', contractId: 'C1', productId: 'P-WS', quantity: 5, billing: 'prepaid', active: true, startDate: '2025-01-01', endDate: '2026-02-27' };
const inEffect: ContractLine = { ...ended, lineId: 'L2', endDate: null };
const timed: ProvisioningSettings['timedDeprovisioning'] = { disable: { enabled: true, days: 10 }, delete: { enabled: true, days: 30 } };

function plan(over: Partial<Omit<ProvisioningInput, 'settings'>> & { settings?: Partial<ProvisioningSettings> } = {}) {
  const { settings, ...rest } = over;
  return planProvisioning({
    integrationId: 'INT',
    parentTenantId: 'PARTNER',
    company: { id: 'CO1', name: 'Acme', primaryContact: { email: 'jane@acme.test', firstName: 'Jane', lastName: 'Doe' } },
    lines: [ended],
    mapping: { entries: [{ itemKey: 'workstations', infraId: null, service: { kind: 'existing', productId: 'P-WS' }, periodType: 'monthly', serviceCode: null }] },
    tenant: { state: 'mapped', tenant: tenant(), manageable: true, items: [ws] },
    availableForChild: [ws],
    now: day(0),
    ...rest,
    settings: { ...defaultProvisioningSettings, timedDeprovisioning: timed, ...settings },
  });
}
const kinds = (p: ReturnType<typeof plan>) => p.operations.map((o) => o.kind);

describe('tenant mode of new tenants', () => {
  it('creates new tenants in Production by default, in Trial when the setting says so', () => {
    const unmapped = { tenant: { state: 'not_mapped' as const }, lines: [inEffect] };
    const prod = plan({ ...unmapped, settings: { automaticProvisioning: true } }).operations[0];
    expect(prod).toMatchObject({ kind: 'create_tenant', pricingMode: 'production' });
    const trial = plan({ ...unmapped, settings: { automaticProvisioning: true, tenantMode: 'trial' } }).operations[0];
    expect(trial).toMatchObject({ kind: 'create_tenant', pricingMode: 'trial' });
    expect(defaultProvisioningSettings.tenantMode).toBe('production');
  });
});

describe('timed deprovisioning in the plan', () => {
  it('starts the countdown when the contract has lapsed, changing nothing yet and saying when', () => {
    const p = plan({ lapsedAt: null });
    expect(kinds(p)).toEqual([]);
    expect(p.countdown).toMatchObject({ state: 'counting', lapsedAt: T0, next: { action: 'disable', daysLeft: 10 } });
    expect(p.problems.find((x) => x.code === 'deprovisioning_scheduled')?.message).toMatch(/will be disabled in 10 days \(2026-03-11\)/);
  });

  it('disables the tenant after N days and deletes it after M days', () => {
    expect(kinds(plan({ lapsedAt: T0, now: day(9) }))).toEqual([]);
    const disable = plan({ lapsedAt: T0, now: day(10) });
    expect(kinds(disable)).toEqual(['disable_tenant']);
    expect(disable.problems.find((x) => x.code === 'deprovisioning_scheduled')?.message).toMatch(/deleted in 20 days/);
    // Once disabled, nothing more until deletion is due.
    expect(kinds(plan({ lapsedAt: T0, now: day(11), tenant: { state: 'mapped', tenant: tenant({ enabled: false }), manageable: true, items: [ws] } }))).toEqual([]);
    expect(kinds(plan({ lapsedAt: T0, now: day(30) }))).toEqual(['delete_tenant']);
  });

  it('is off by default: a lapsed contract only says so, as before', () => {
    const p = plan({ lapsedAt: T0, now: day(100), settings: { timedDeprovisioning: defaultProvisioningSettings.timedDeprovisioning } });
    expect(kinds(p)).toEqual([]);
    expect(p.problems.map((x) => x.code)).toContain('contract_ended');
    expect(p.countdown?.state).toBe('none');
  });

  it('a contract in effect again cancels the countdown and enables the tenant the countdown disabled', () => {
    const back = plan({ lines: [ended, inEffect], lapsedAt: T0, now: day(15), tenant: { state: 'mapped', tenant: tenant({ enabled: false }), manageable: true, items: [ws] } });
    expect(back.countdown).toMatchObject({ state: 'none', lapsedAt: null, cancelled: true });
    expect(kinds(back)).toEqual(['enable_tenant']);
  });

  it('immediate deletion still acts at once, and zeroing quotas happens at once while the countdown runs', () => {
    expect(kinds(plan({ lapsedAt: T0, now: day(1), settings: { deprovisioning: { zeroQuotas: false, disableTenant: false, deleteTenant: true } } }))).toEqual(['delete_tenant']);
    const zero = plan({ lapsedAt: T0, now: day(1), settings: { deprovisioning: { zeroQuotas: true, disableTenant: false, deleteTenant: false } } });
    expect(kinds(zero)).toEqual(['set_offering_items']);
  });
});
