import { describe, expect, it } from 'vitest';
import { linePhase, mixedBillingAllowed, readContractLines, type ContractLine } from './contract-line.ts';
import { indexProductMapping, type ProductMapping } from './product-mapping.ts';

const mapping: ProductMapping = {
  entries: [
    { itemKey: 'workstations', infraId: null, service: { kind: 'existing', productId: 'WS' }, periodType: 'monthly', serviceCode: null },
    { itemKey: 'storage', infraId: 'A', service: { kind: 'existing', productId: 'ST' }, periodType: 'monthly', serviceCode: null },
  ],
};
const products = indexProductMapping(mapping);
const now = new Date('2026-03-15T10:00:00Z');

const line = (over: Partial<ContractLine>): ContractLine => ({
  lineId: 'L1',
  contractId: 'C1',
  productId: 'WS',
  quantity: 5,
  billing: 'prepaid',
  active: true,
  startDate: '2026-01-01',
  endDate: '2026-12-31',
  ...over,
});

describe('contract lines', () => {
  it('reads dates as whole UTC days, both ends inclusive', () => {
    expect(linePhase(line({ endDate: '2026-03-15T00:00:00Z' }), now)).toBe('effective');
    expect(linePhase(line({ endDate: '2026-03-14' }), now)).toBe('ended');
    expect(linePhase(line({ startDate: '2026-03-15T23:00:00Z' }), now)).toBe('effective');
    expect(linePhase(line({ startDate: '2026-03-16' }), now)).toBe('future');
    expect(linePhase(line({ startDate: null, endDate: null }), now)).toBe('effective');
    expect(linePhase(line({ active: false }), now)).toBe('ended');
  });

  it('ignores lines on products that are not mapped', () => {
    const r = readContractLines([line({ productId: 'OTHER' })], products, now);
    expect(r).toEqual({ effective: [], ended: [], held: [], problems: [] });
  });

  it('refuses a contract mixing PAYG and prepaid lines in effect, and holds its lines', () => {
    const r = readContractLines(
      [line({ lineId: 'L1' }), line({ lineId: 'L2', productId: 'ST', billing: 'payg' }), line({ lineId: 'L3', contractId: 'C2' })],
      products,
      now,
    );
    expect(r.problems.map((p) => p.code)).toEqual(['mixed_billing']);
    expect(r.problems[0]?.context).toEqual({ contractId: 'C1' });
    expect(r.problems[0]?.message).toContain('both pay-as-you-go and prepaid');
    expect(r.held.map((m) => m.line.lineId)).toEqual(['L1', 'L2']);
    expect(r.effective.map((m) => m.line.lineId)).toEqual(['L3']);
  });

  it('does not count an ended line of the other billing mode as a mix', () => {
    const r = readContractLines([line({ lineId: 'L1' }), line({ lineId: 'L2', billing: 'payg', endDate: '2026-02-28' })], products, now);
    expect(r.problems).toEqual([]);
    expect(r.effective.map((m) => m.line.lineId)).toEqual(['L1']);
    expect(r.ended.map((m) => m.line.lineId)).toEqual(['L2']);
  });

  it('accepts the mix when the target allows it (ConnectWise)', () => {
    const r = readContractLines([line({ lineId: 'L1' }), line({ lineId: 'L2', billing: 'payg' })], products, now, { allowMixedBilling: true });
    expect(r.problems).toEqual([]);
    expect(r.effective).toHaveLength(2);
  });

  it('reports invalid lines and fractional workload units', () => {
    const r = readContractLines(
      [line({ lineId: 'bad', quantity: -1 }), line({ lineId: 'date', startDate: 'soon' }), line({ lineId: 'frac', quantity: 2.5 }), line({ lineId: 'gb', productId: 'ST', quantity: 0.5, contractId: 'C2' })],
      products,
      now,
    );
    expect(r.problems.map((p) => [p.code, p.context.lineId])).toEqual([
      ['invalid_line', 'bad'],
      ['invalid_line', 'date'],
      ['fractional_units', 'frac'],
    ]);
  });
});

describe('mixedBillingAllowed', () => {
  it('allows the mix when the target does, or the settings accept it; never for a target without contracts unless the settings do', () => {
    expect(mixedBillingAllowed(false, { allowMixedBilling: true })).toBe(true);
    expect(mixedBillingAllowed(false, { allowMixedBilling: false })).toBe(false);
    expect(mixedBillingAllowed(true, { allowMixedBilling: false })).toBe(true);
    expect(mixedBillingAllowed(false, false)).toBe(false);
    expect(mixedBillingAllowed(true, false)).toBe(true);
  });
});
