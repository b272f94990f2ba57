import { describe, expect, it } from 'vitest';
import type { TargetContract } from '../connectors/ports.ts';
import type { VendorUsage } from '../domain/vendor-model.ts';
import { usagePointsOf } from './usage-history.ts';

const usage = (name: string, usageName: string, value: number, infraId: string | null = null): VendorUsage => ({
  tenantId: 't1', applicationId: 'app', name, usageName, edition: 'pck_per_workload', type: 'count', measurementUnit: 'quantity', infraId, rangeStart: null, value, absoluteValue: null, offeringItem: null,
});
const line = (lineId: string, productId: string, quantity: number, billing: 'prepaid' | 'payg' = 'prepaid') => ({ lineId, contractId: 'c1', productId, quantity, billing, active: true, startDate: '2026-01-01', endDate: null });
const contract = (lines: ReturnType<typeof line>[]): TargetContract => ({ id: 'c1', companyId: 'co1', name: 'Backup', billing: 'prepaid', active: true, startDate: '2026-01-01', endDate: null, updatedAt: null, lines });
const mapping = {
  entries: [
    { itemKey: 'workstations' as const, infraId: null, service: { kind: 'existing' as const, productId: 'p-ws' }, periodType: 'monthly' as const, serviceCode: null },
    { itemKey: 'servers' as const, infraId: null, service: { kind: 'existing' as const, productId: 'p-srv' }, periodType: 'monthly' as const, serviceCode: null },
    { itemKey: 'm365_mailboxes' as const, infraId: null, service: { kind: 'existing' as const, productId: 'p-mbx' }, periodType: 'monthly' as const, serviceCode: null },
  ],
};

describe('usagePointsOf', () => {
  const now = new Date('2026-06-15T12:00:00Z');
  it('sums prepaid units per item, reports usage in billing units, and leaves PAYG-only items without a contracted value', () => {
    const points = usagePointsOf(
      { companyId: 'co1', tenantId: 't1' },
      [contract([line('l1', 'p-ws', 10), line('l2', 'p-ws', 5), line('l3', 'p-srv', 0, 'payg'), line('l4', 'p-mbx', 3)])],
      [usage('pw_base_workstations', 'workstations', 12), usage('pw_base_servers', 'servers', 2)],
      { mapping, allowMixedBilling: true, now },
    );
    expect(points).toEqual([
      { companyId: 'co1', tenantId: 't1', itemKey: 'workstations', infraId: null, contracted: 15, used: 12 },
      { companyId: 'co1', tenantId: 't1', itemKey: 'servers', infraId: null, contracted: null, used: 2 },
    ]); // mailboxes are an on/off feature: nothing to chart
  });

  it('says "no usage" (null), not zero, when the vendor reported none', () => {
    const points = usagePointsOf({ companyId: 'co1', tenantId: 't1' }, [contract([line('l1', 'p-ws', 4)])], [], { mapping, allowMixedBilling: false, now });
    expect(points).toEqual([{ companyId: 'co1', tenantId: 't1', itemKey: 'workstations', infraId: null, contracted: 4, used: null }]);
  });
});
