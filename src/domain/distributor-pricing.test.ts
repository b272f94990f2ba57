import { describe, expect, it } from 'vitest';
import { billableQuantity, costFromSell, rateUsage } from './distributor-pricing.ts';

describe('distributor pricing', () => {
  it('derives cost from sell and the discount (the seed: 100 sell, 18 % → 82 cost)', () => {
    expect(costFromSell(100, 18)).toBe(82);
    expect(costFromSell(0.05, 18)).toBe(0.041);
    expect(costFromSell(3.5, 0)).toBe(3.5);
    expect(costFromSell(3.5, 100)).toBe(0);
  });

  it('refuses a discount outside 0–100 %', () => {
    expect(() => costFromSell(100, 150)).toThrow(/between 0 and 100/);
    expect(() => costFromSell(100, -1)).toThrow(RangeError);
  });

  it('bills bytes in GB and seconds in hours', () => {
    expect(billableQuantity(5 * 1024 ** 3, 'bytes')).toBe(5);
    expect(billableQuantity(7200, 'seconds')).toBe(2);
    expect(billableQuantity(12, 'quantity')).toBe(12);
  });

  it('rates usage per customer and item in a stable order with totals, skipping zero and unpriced usage', () => {
    const usage = (customerName: string, offeringItem: string, value: number, measurementUnit = 'quantity') => ({
      customerTenantId: `t-${customerName}`, customerName, offeringItem, usageName: offeringItem, measurementUnit, infraId: null, value,
    });
    const rated = rateUsage(
      [usage('Zeta', 'pw_base_servers', 2), usage('Alpha', 'pw_base_storage', 10 * 1024 ** 3, 'bytes'), usage('Alpha', 'pw_base_workstations', 10), usage('Alpha', 'pw_base_vms', 0), usage('Beta', 'mystery', 4)],
      [{ name: 'pw_base_workstations', price: 3.5 }, { name: 'pw_base_servers', price: 15 }, { name: 'pw_base_storage', price: 0.05 }, { name: 'pw_base_vms', price: 9 }],
      18,
    );
    expect(rated.lines.map((l) => [l.customerName, l.offeringItem, l.quantity, l.unit, l.sell, l.cost])).toEqual([
      ['Alpha', 'pw_base_storage', 10, 'GB', 0.5, 0.41],
      ['Alpha', 'pw_base_workstations', 10, 'units', 35, 28.7],
      ['Zeta', 'pw_base_servers', 2, 'units', 30, 24.6],
    ]);
    expect(rated.totals).toEqual({ items: 3, sell: 65.5, cost: 53.71 });
    expect(rated.unpriced).toEqual(['mystery']);
  });
});
