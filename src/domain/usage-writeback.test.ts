import { describe, expect, it } from 'vitest';
import type { ContractLine } from './contract-line.ts';
import { BYTES_PER_GB } from './offering-item-catalog.ts';
import type { ProductMapping } from './product-mapping.ts';
import { backupUsage, contractLine, mappedItem } from './billing-fixtures.test-support.ts';
import { planUsageWriteback, usagePeriodStart, type UsageWritebackInput, type UsageWritebackPlan } from './usage-writeback.ts';
import type { VendorUsage } from './vendor-model.ts';

const e = mappedItem;

const mapping: ProductMapping = {
  entries: [
    e('workstations', 'P-WS', null, ['BUNDLE']),
    e('servers', 'P-SRV', null, ['BUNDLE']),
    e('m365_seats', 'P-M365'),
    e('m365_mailboxes', 'P-MBX'),
    e('storage', 'P-STA', 'infra-A'),
    e('vms', 'P-VM'),
  ],
  bundles: [{ bundleId: 'BUNDLE', name: 'Pack' }],
};

const line = (lineId: string, productId: string, over: Partial<ContractLine> = {}): ContractLine => contractLine({ lineId, productId, quantity: 0, billing: 'payg', ...over });

const usage = (name: string, usageName: string, value: number, infraId: string | null = null): VendorUsage => backupUsage(name, usageName, value, { infraId });

const MARCH = new Date('2026-03-15T10:00:00Z');

function plan(over: Partial<UsageWritebackInput>): UsageWritebackPlan {
  return planUsageWriteback({
    integrationId: 'INT',
    tenantId: 'T1',
    lines: [],
    mapping,
    usages: [],
    allowMixedBilling: false,
    now: MARCH,
    ...over,
  });
}

describe('usage write-back', () => {
  it('uses the calendar month in UTC as the billing period', () => {
    expect(usagePeriodStart(new Date('2026-03-31T23:59:59Z'))).toBe('2026-03-01T00:00:00.000Z');
    expect(usagePeriodStart(new Date('2026-04-01T00:00:00Z'))).toBe('2026-04-01T00:00:00.000Z');
  });

  it('writes the usage over the units the line holds, effective at the period start', () => {
    const p = plan({ lines: [line('L1', 'P-WS', { quantity: 2 })], usages: [usage('pw_base_workstations', 'workstations', 7)] });
    expect(p.problems).toEqual([]);
    expect(p.writes).toEqual([
      {
        kind: 'write_usage',
        key: expect.stringMatching(/^write_usage:INT:L1:2026-03-01T00%3A00%3A00\.000Z:[0-9a-f]{16}$/),
        lineId: 'L1',
        contractId: 'C1',
        productId: 'P-WS',
        periodStart: '2026-03-01T00:00:00.000Z',
        effectiveDate: '2026-03-01T00:00:00.000Z',
        previous: 2,
        quantity: 7,
        delta: 5,
      },
    ]);
  });

  it('is level-triggered: compares with what the line holds, so a repeat writes nothing', () => {
    const u = [usage('pw_base_workstations', 'workstations', 7)];
    expect(plan({ lines: [line('L1', 'P-WS', { quantity: 3 })], usages: u }).writes).toMatchObject([{ previous: 3, quantity: 7, delta: 4 }]);
    // After the write the line holds 7: nothing more, in this period or the next.
    expect(plan({ lines: [line('L1', 'P-WS', { quantity: 7 })], usages: u }).writes).toEqual([]);
    expect(plan({ lines: [line('L1', 'P-WS', { quantity: 7 })], usages: u, now: new Date('2026-04-02T00:00:00Z') }).writes).toEqual([]);
    const shrank = plan({ lines: [line('L1', 'P-WS', { quantity: 7 })], usages: [usage('pw_base_workstations', 'workstations', 4)] });
    expect(shrank.writes.map((w) => w.delta)).toEqual([-3]);
  });

  it('across a month boundary, writes only the change, effective at the new period start', () => {
    const april = new Date('2026-04-01T00:05:00Z');
    const more = plan({ lines: [line('L1', 'P-WS', { quantity: 10 })], usages: [usage('pw_base_workstations', 'workstations', 12)], now: april });
    expect(more.writes).toMatchObject([{ periodStart: '2026-04-01T00:00:00.000Z', effectiveDate: '2026-04-01T00:00:00.000Z', previous: 10, quantity: 12, delta: 2 }]);
  });

  it('a line starting mid-month takes effect on its start day', () => {
    const p = plan({ lines: [line('L1', 'P-WS', { startDate: '2026-03-10' })], usages: [usage('pw_base_workstations', 'workstations', 3)] });
    expect(p.writes[0]?.effectiveDate).toBe('2026-03-10T00:00:00.000Z');
  });

  it('counts Microsoft 365 seats under the usage `mailboxes`, in every edition', () => {
    const p = plan({
      lines: [line('L1', 'P-M365')],
      usages: [usage('pw_base_m365_seats', 'mailboxes', 12), usage('mailboxes', 'mailboxes', 3), usage('pw_base_m365_mailboxes', 'o365_mailboxes', 40)],
    });
    expect(p.writes.map((w) => w.quantity)).toEqual([15]);
  });

  it('bills storage of the mapped storage only, per started GB', () => {
    const p = plan({
      lines: [line('L1', 'P-STA')],
      usages: [usage('pw_base_storage', 'storage', 10 * BYTES_PER_GB + 1, 'infra-A'), usage('pw_base_storage', 'storage', 500 * BYTES_PER_GB, 'infra-B')],
    });
    expect(p.writes.map((w) => w.quantity)).toEqual([11]);
  });

  it('writes only pay-as-you-go lines in effect, in accepted contracts', () => {
    const u = [usage('pw_base_workstations', 'workstations', 5), usage('pw_base_servers', 'servers', 2), usage('pw_base_vms', 'vms', 1)];
    const p = plan({
      lines: [
        line('prepaid', 'P-WS', { billing: 'prepaid', contractId: 'C0' }),
        line('ended', 'P-SRV', { endDate: '2026-02-28', contractId: 'C2' }),
        line('future', 'P-VM', { startDate: '2026-04-01', contractId: 'C3' }),
      ],
      usages: u,
    });
    expect(p.writes).toEqual([]);
    const mixed = plan({ lines: [line('a', 'P-WS'), line('b', 'P-SRV', { billing: 'prepaid' })], usages: u });
    expect(mixed.writes).toEqual([]);
    expect(mixed.problems.map((x) => x.code)).toEqual(['mixed_billing']);
    const allowed = plan({ allowMixedBilling: true, lines: [line('a', 'P-WS'), line('b', 'P-WS', { billing: 'prepaid' })], usages: u });
    // ConnectWise rule 5: the PAYG addition shows the whole usage.
    expect(allowed.writes.map((w) => [w.lineId, w.quantity])).toEqual([['a', 5]]);
  });

  it('gives an item’s usage to one PAYG line only', () => {
    const p = plan({
      lines: [line('L2', 'P-WS', { contractId: 'C2', startDate: '2026-02-01' }), line('L1', 'P-WS', { contractId: 'C1' })],
      usages: [usage('pw_base_workstations', 'workstations', 5)],
    });
    expect(p.writes.map((w) => w.lineId)).toEqual(['L1']);
    expect(p.problems).toMatchObject([{ code: 'duplicate_payg_line', context: { lineId: 'L2', ownerLineId: 'L1' } }]);
  });

  it('does not write an unknown usage as zero, a feature, or a bundle', () => {
    const p = plan({ lines: [line('L1', 'P-VM', { quantity: 4 }), line('L2', 'P-MBX', { contractId: 'C2' }), line('L3', 'BUNDLE', { contractId: 'C3' })], usages: [] });
    expect(p.writes).toEqual([]);
    expect(p.problems.map((x) => x.code).sort()).toEqual(['not_metered', 'payg_bundle_unsupported', 'usage_missing']);
  });

  it('keys writes by line, period and change, deterministically', () => {
    const input = { lines: [line('L1', 'P-WS')], usages: [usage('pw_base_workstations', 'workstations', 5)] };
    const a = plan(input).writes[0]?.key;
    expect(plan(input).writes[0]?.key).toBe(a);
    expect(plan({ ...input, usages: [usage('pw_base_workstations', 'workstations', 6)] }).writes[0]?.key).not.toBe(a);
    expect(plan({ ...input, now: new Date('2026-04-15T00:00:00Z') }).writes[0]?.key).not.toBe(a);
  });
});
