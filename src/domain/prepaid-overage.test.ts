import { describe, expect, it } from 'vitest';
import type { ContractLine } from './contract-line.ts';
import { BYTES_PER_GB } from './offering-item-catalog.ts';
import { comparePrepaidUsage, type PrepaidUsageInput } from './prepaid-overage.ts';
import type { ProductMapping } from './product-mapping.ts';
import { backupUsage, contractLine, mappedItem } from './billing-fixtures.test-support.ts';
import type { Quota, VendorUsage } from './vendor-model.ts';

const e = mappedItem;
const mapping: ProductMapping = {
  entries: [e('workstations', 'P-WS', null, ['B']), e('servers', 'P-SRV', null, ['B']), e('storage', 'P-STA', 'infra-A'), e('m365_mailboxes', 'P-MBX'), e('vms', 'P-VM')],
  bundles: [{ bundleId: 'B', name: 'Pack' }],
};
const line = (lineId: string, productId: string, quantity: number, over: Partial<ContractLine> = {}): ContractLine => contractLine({ lineId, productId, quantity, ...over });
const usage = (name: string, usageName: string, value: number, quota: Quota | null = null, infraId: string | null = null): VendorUsage =>
  backupUsage(name, usageName, value, { infraId, offeringItem: quota === null ? null : { enabled: true, quota } });
const run = (over: Partial<PrepaidUsageInput>) =>
  comparePrepaidUsage({ tenantId: 'T1', lines: [], mapping, usages: [], allowMixedBilling: false, now: new Date('2026-03-15T00:00:00Z'), ...over });

describe('prepaid usage compared with the contract', () => {
  it('shows usage against contracted quantity and quota, and the overage of an item used beyond it', () => {
    const r = run({
      lines: [line('L1', 'P-WS', 10), line('L2', 'P-WS', 5), line('L3', 'P-STA', 100)],
      usages: [
        usage('pw_base_workstations', 'workstations', 18, { value: 15, overage: 2 }),
        usage('pw_base_storage', 'storage', 80.5 * BYTES_PER_GB, { value: 100 * BYTES_PER_GB, overage: 10 * BYTES_PER_GB }, 'infra-A'),
      ],
    });
    expect(r.rows).toEqual([
      expect.objectContaining({ itemKey: 'storage', infraId: 'infra-A', contracted: 100, usage: 81, quotaValue: 100, quotaOverage: 10, overage: 0, over: false, billingUnit: 'GB' }),
      expect.objectContaining({ itemKey: 'workstations', contracted: 15, usage: 18, quotaValue: 15, quotaOverage: 2, overage: 3, over: true, lineIds: ['L1', 'L2'] }),
    ]);
    expect(r.over).toBe(true);
    expect(r.totalOverage).toBe(3);
  });

  it('leaves PAYG lines, ended lines, feature items and refused mixed contracts out', () => {
    const r = run({
      lines: [
        line('L1', 'P-VM', 3, { billing: 'payg', contractId: 'C2' }),
        line('L2', 'P-SRV', 2, { endDate: '2026-02-01' }),
        line('L3', 'P-MBX', 5),
        line('L4', 'P-WS', 4, { contractId: 'C3' }),
        line('L5', 'P-VM', 4, { contractId: 'C3', billing: 'payg' }),
      ],
      usages: [usage('pw_base_vms', 'vms', 9), usage('pw_base_servers', 'servers', 9), usage('pw_base_workstations', 'workstations', 9)],
    });
    expect(r.rows).toEqual([]);
    expect(r.over).toBe(false);
  });

  it('a bundle line counts for each member; unknown usage is unknown, never over', () => {
    const r = run({ lines: [line('L1', 'B', 4)], usages: [usage('pw_base_servers', 'servers', 6)] });
    expect(r.rows.map((x) => [x.itemKey, x.contracted, x.usage, x.overage])).toEqual([
      ['servers', 4, 6, 2],
      ['workstations', 4, null, 0],
    ]);
    expect(r.rows.find((x) => x.itemKey === 'workstations')?.quotaValue).toBeNull();
  });
});
