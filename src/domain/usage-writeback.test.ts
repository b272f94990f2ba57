import { describe, expect, it } from 'vitest';
import type { ContractLine } from './contract-line.ts';
import { BACKUP_APPLICATION_ID, BYTES_PER_GB } from './offering-item-catalog.ts';
import type { ProductMapping, ProductMappingEntry } from './product-mapping.ts';
import { planUsageWriteback, usagePeriodStart, type UsageWritebackInput, type UsageWritebackPlan, type WrittenUsage } from './usage-writeback.ts';
import type { VendorUsage } from './vendor-model.ts';

const e = (itemKey: ProductMappingEntry['itemKey'], productId: string, infraId: string | null = null, bundleIds?: string[]): ProductMappingEntry => ({
  itemKey,
  infraId,
  service: { kind: 'existing', productId },
  periodType: 'monthly',
  serviceCode: null,
  ...(bundleIds ? { bundleIds } : {}),
});

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

const line = (lineId: string, productId: string, over: Partial<ContractLine> = {}): ContractLine => ({
  lineId,
  contractId: 'C1',
  productId,
  quantity: 0,
  billing: 'payg',
  active: true,
  startDate: '2026-01-01',
  endDate: null,
  ...over,
});

const usage = (name: string, usageName: string, value: number, infraId: string | null = null): VendorUsage => ({
  tenantId: 'T1',
  applicationId: BACKUP_APPLICATION_ID,
  name,
  usageName,
  edition: 'pck_per_workload',
  type: 'count',
  measurementUnit: 'quantity',
  infraId,
  rangeStart: '2026-03-01T00:00:00Z',
  value,
  absoluteValue: value,
  offeringItem: null,
});

const MARCH = new Date('2026-03-15T10:00:00Z');

function plan(over: Partial<UsageWritebackInput>): UsageWritebackPlan {
  return planUsageWriteback({
    integrationId: 'INT',
    tenantId: 'T1',
    lines: [],
    mapping,
    usages: [],
    written: [],
    mode: 'delta',
    allowMixedBilling: false,
    now: MARCH,
    ...over,
  });
}

/** What the loop records after applying a plan. */
const record = (p: UsageWritebackPlan, before: readonly WrittenUsage[]): WrittenUsage[] => {
  const next = before.filter((w) => !p.writes.some((x) => x.lineId === w.lineId && x.periodStart === w.periodStart));
  return [...next, ...p.writes.map((x) => ({ lineId: x.lineId, periodStart: x.periodStart, quantity: x.quantity }))];
};

describe('usage write-back', () => {
  it('uses the calendar month in UTC as the billing period', () => {
    expect(usagePeriodStart(new Date('2026-03-31T23:59:59Z'))).toBe('2026-03-01T00:00:00.000Z');
    expect(usagePeriodStart(new Date('2026-04-01T00:00:00Z'))).toBe('2026-04-01T00:00:00.000Z');
  });

  it('writes the first delta from the line units, effective at the period start', () => {
    const p = plan({ lines: [line('L1', 'P-WS', { quantity: 2 })], usages: [usage('pw_base_workstations', 'workstations', 7)] });
    expect(p.problems).toEqual([]);
    expect(p.writes).toEqual([
      {
        kind: 'write_usage',
        key: expect.stringMatching(/^write_usage:INT:L1:2026-03-01T00%3A00%3A00\.000Z:[0-9a-f]{16}$/),
        mode: 'delta',
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

  it('delta: never counts twice in a period, and writes only the change on later runs', () => {
    const lines = [line('L1', 'P-WS')];
    const first = plan({ lines, usages: [usage('pw_base_workstations', 'workstations', 7)] });
    expect(first.writes.map((w) => w.delta)).toEqual([7]);
    let written = record(first, []);
    // Same usage, and the target read still shows the old units (stale): nothing to write.
    expect(plan({ lines, usages: [usage('pw_base_workstations', 'workstations', 7)], written }).writes).toEqual([]);
    const grew = plan({ lines, usages: [usage('pw_base_workstations', 'workstations', 9)], written });
    expect(grew.writes.map((w) => [w.previous, w.quantity, w.delta])).toEqual([[7, 9, 2]]);
    written = record(grew, written);
    const shrank = plan({ lines, usages: [usage('pw_base_workstations', 'workstations', 4)], written });
    expect(shrank.writes.map((w) => w.delta)).toEqual([-5]);
  });

  it('delta: across a month boundary, carries the units over instead of counting the usage again', () => {
    const lines = [line('L1', 'P-WS')];
    const march = plan({ lines, usages: [usage('pw_base_workstations', 'workstations', 10)] });
    const written = record(march, []);
    const april = new Date('2026-04-01T00:05:00Z');
    expect(plan({ lines, usages: [usage('pw_base_workstations', 'workstations', 10)], written, now: april }).writes).toEqual([]);
    const more = plan({ lines, usages: [usage('pw_base_workstations', 'workstations', 12)], written, now: april });
    expect(more.writes).toMatchObject([{ periodStart: '2026-04-01T00:00:00.000Z', effectiveDate: '2026-04-01T00:00:00.000Z', previous: 10, quantity: 12, delta: 2 }]);
    // A record of a later period (clock skew between workers) is not a baseline for this one.
    expect(plan({ lines, usages: [usage('pw_base_workstations', 'workstations', 12)], written: [{ lineId: 'L1', periodStart: '2026-05-01T00:00:00.000Z', quantity: 99 }] }).writes[0]?.previous).toBe(0);
  });

  it('delta: a line starting mid-month takes effect on its start day', () => {
    const p = plan({ lines: [line('L1', 'P-WS', { startDate: '2026-03-10' })], usages: [usage('pw_base_workstations', 'workstations', 3)] });
    expect(p.writes[0]?.effectiveDate).toBe('2026-03-10T00:00:00.000Z');
  });

  it('absolute: sets the quantity to the usage, compared with what the target shows', () => {
    const u = [usage('pw_base_workstations', 'workstations', 7)];
    const p = plan({ mode: 'absolute', lines: [line('L1', 'P-WS', { quantity: 3 })], usages: u });
    expect(p.writes).toMatchObject([{ mode: 'absolute', previous: 3, quantity: 7, delta: 4 }]);
    expect(plan({ mode: 'absolute', lines: [line('L1', 'P-WS', { quantity: 7 })], usages: u }).writes).toEqual([]);
    // Next month: the same usage is the same quantity, nothing to write.
    expect(plan({ mode: 'absolute', lines: [line('L1', 'P-WS', { quantity: 7 })], usages: u, now: new Date('2026-04-02T00:00:00Z') }).writes).toEqual([]);
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
