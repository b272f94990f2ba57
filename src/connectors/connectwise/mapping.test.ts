import { describe, expect, it } from 'vitest';
import { and, cwDateTime, literal, where } from './conditions.ts';
import { identifierFor, isPayg, noteText, toContract } from './mapping.ts';
import type * as wire from './wire.ts';

describe('conditions', () => {
  it('quotes strings, brackets dates to the second, leaves numbers and booleans bare', () => {
    expect(literal('Say "Hi" \\o/')).toBe('"Say \\"Hi\\" \\\\o/"');
    expect(literal(new Date('2026-03-01T10:20:30.456Z'))).toBe('[2026-03-01T10:20:30Z]');
    expect(cwDateTime('2026-03-01T10:20:30.999Z')).toBe('2026-03-01T10:20:30Z');
    expect(and([where.eq('deletedFlag', false), undefined, false, where.in('company/id', [1, 2]), where.startsWith('externalXRef', 'pb:')])).toBe(
      'deletedFlag = false and company/id in (1,2) and externalXRef like "pb:%"',
    );
    expect(and([])).toBeUndefined();
  });
});

const addition = (id: number, product: number, quantity: number, payg: unknown, extra: Partial<wire.WireAddition> = {}): wire.WireAddition => ({
  id,
  product: { id: product },
  quantity,
  customFields: payg === undefined ? [] : [{ id: 7, caption: 'Acronis PAYG', type: 'Checkbox', value: payg }],
  ...extra,
});

describe('agreement additions → contract lines (seed 002 §9)', () => {
  const agreement: wire.WireAgreement = { id: 77, name: 'Backup', company: { id: 250 }, startDate: '2026-01-01T00:00:00Z', endDate: '2027-12-31T00:00:00Z' };

  it('the PAYG checkbox marks a line; unchecked or absent is prepaid; quantity is the total quantity', () => {
    const c = toContract(agreement, [addition(1, 10, 12, false), addition(2, 10, 0, true), addition(3, 11, 500, undefined), addition(4, 12, 3, 'True')]);
    expect(c.lines.map((l) => [l.lineId, l.billing, l.quantity])).toEqual([
      ['1', 'prepaid', 12],
      ['2', 'payg', 0],
      ['3', 'prepaid', 500],
      ['4', 'payg', 3],
    ]);
    expect(c.billing).toBe('payg');
    expect(toContract(agreement, [addition(1, 10, 12, false)]).billing).toBe('prepaid');
  });

  it('a line runs from its effective date to its cancelled date or the agreement end; a cancelled agreement ends every line', () => {
    const c = toContract(agreement, [addition(1, 10, 1, false, { effectiveDate: '2026-02-01T00:00:00Z', cancelledDate: '2026-02-28T00:00:00Z' }), addition(2, 10, 1, false)]);
    expect(c.lines[0]).toMatchObject({ startDate: '2026-02-01T00:00:00.000Z', endDate: '2026-02-28T00:00:00.000Z', active: true });
    expect(c.lines[1]).toMatchObject({ startDate: '2026-01-01T00:00:00.000Z', endDate: '2027-12-31T00:00:00.000Z' });
    const open = toContract({ ...agreement, noEndingDateFlag: true }, [addition(1, 10, 1, false)]);
    expect(open.lines[0]?.endDate).toBeNull();
    const cancelled = toContract({ ...agreement, cancelledFlag: true }, [addition(1, 10, 1, false)]);
    expect(cancelled.active).toBe(false);
    expect(cancelled.lines[0]?.active).toBe(false);
  });

  it('reads the caption without regard to case, and a configured caption', () => {
    const x: wire.WireAddition = { id: 1, product: { id: 1 }, customFields: [{ id: 9, caption: 'Billing PAYG', value: true }] };
    expect(isPayg(x)).toBe(false);
    expect(isPayg(x, 'billing payg')).toBe(true);
  });
});

describe('small rules', () => {
  it('identifiers have no spaces and fit 25 characters; notes carry their title as the first line', () => {
    expect(identifierFor('Acronis Cyber Protect – Servers (per month)')).toBe('AcronisCyberProtectServer');
    expect(identifierFor('Acronis Cyber Protect – Servers', '-ab12')).toHaveLength(25);
    expect(noteText('Recurred', 'Seen again')).toBe('Recurred\n\nSeen again');
    expect(noteText(undefined, 'x')).toBe('x');
  });
});
