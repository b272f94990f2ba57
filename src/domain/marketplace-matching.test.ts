import { describe, expect, it } from 'vitest';
import { matchMarketplace, readCustomId, type MarketplaceCompany, type MarketplaceTenant } from './marketplace-matching.ts';

const co = (id: string, name: string, ids: string[], active = true): MarketplaceCompany => ({ id, name, active, marketplaceIds: ids });
const te = (id: string, name: string, customId: string | null, over: Partial<MarketplaceTenant> = {}): MarketplaceTenant => ({ id, name, customId, enabled: true, unmanageable: null, ...over });

describe('readCustomId', () => {
  it('recognises osa_account_id=<number> only', () => {
    expect(readCustomId('osa_account_id=1100244869')).toEqual({ kind: 'osa', accountId: '1100244869' });
    expect(readCustomId(' OSA_ACCOUNT_ID = 001100244869 ')).toEqual({ kind: 'osa', accountId: '1100244869' });
    expect(readCustomId('osa_account_id=abc')).toEqual({ kind: 'invalid', raw: 'osa_account_id=abc' });
    expect(readCustomId('NW-12')).toEqual({ kind: 'none' });
    expect(readCustomId(null)).toEqual({ kind: 'none' });
  });
});

describe('matchMarketplace', () => {
  it('pairs by id, not by name', () => {
    const r = matchMarketplace([co('c1', 'Coho Winery Ltd.', ['1100244803'])], [te('t1', 'Coho Winery', 'osa_account_id=1100244803')], []);
    expect(r.proposals).toEqual([{ accountId: '1100244803', companyId: 'c1', companyName: 'Coho Winery Ltd.', tenantId: 't1', tenantName: 'Coho Winery', preselected: true, warnings: [] }]);
    expect(r.issues).toEqual([]);
  });

  it('proposes the only active customer of a duplicated id and flags the duplicate', () => {
    const r = matchMarketplace([co('c1', 'Tailspin Travel', ['1']), co('c2', 'Tailspin Travel (old account)', ['1'], false)], [te('t1', 'Tailspin Travel', 'osa_account_id=1')], []);
    expect(r.proposals.map((p) => p.companyId)).toEqual(['c1']);
    expect(r.proposals[0]?.warnings[0]).toMatch(/old account/);
    expect(r.issues).toMatchObject([{ code: 'duplicate_company_id', companyIds: ['c1', 'c2'] }]);
  });

  it('proposes nothing for two active customers or two tenants with one id', () => {
    const a = matchMarketplace([co('c1', 'A', ['1']), co('c2', 'B', ['1'])], [te('t1', 'A', 'osa_account_id=1')], []);
    expect(a.proposals).toEqual([]);
    expect(a.issues[0]?.code).toBe('duplicate_company_id');
    const b = matchMarketplace([co('c1', 'A', ['1'])], [te('t1', 'A', 'osa_account_id=1'), te('t2', 'A2', 'osa_account_id=1')], []);
    expect(b.proposals).toEqual([]);
    expect(b.issues[0]).toMatchObject({ code: 'duplicate_tenant_id', tenantIds: ['t1', 't2'] });
  });

  it('does not preselect inactive customers or disabled tenants, and skips unmanageable tenants', () => {
    const r = matchMarketplace(
      [co('c1', 'Margie', ['5'], false), co('c2', 'Southridge', ['6']), co('c3', 'Trey', ['7'])],
      [te('t1', 'Margie', 'osa_account_id=5'), te('t2', 'Southridge', 'osa_account_id=6', { enabled: false }), te('t3', 'Trey', 'osa_account_id=7', { unmanageable: 'self-service' })],
      [],
    );
    expect(r.proposals.map((p) => [p.companyName, p.preselected])).toEqual([['Margie', false], ['Southridge', false]]);
    expect(r.issues.map((i) => i.code)).toEqual(['tenant_unmanageable']);
  });

  it('leaves mapped pairs out and reports conflicts with other mappings', () => {
    const r = matchMarketplace(
      [co('c1', 'A', ['1']), co('c2', 'B', ['2']), co('c3', 'C', ['3'])],
      [te('t1', 'A', 'osa_account_id=1'), te('t2', 'B', 'osa_account_id=2'), te('t3', 'C', 'osa_account_id=3')],
      [
        { companyId: 'c1', tenantId: 't1', state: 'mapped' },
        { companyId: 'c2', tenantId: 'tX', state: 'mapped' },
        { companyId: 'c9', tenantId: 't3', state: 'mapped' },
      ],
    );
    expect(r.alreadyMapped).toBe(1);
    expect(r.proposals).toEqual([]);
    const ready = matchMarketplace([co('c1', 'A', ['1'])], [te('t1', 'A', 'osa_account_id=1')], [{ companyId: 'c1', tenantId: 't1', state: 'ready' }]);
    expect(ready.proposals.map((p) => p.companyId)).toEqual(['c1']);
    expect(r.issues.map((i) => i.code).sort()).toEqual(['company_mapped_elsewhere', 'tenant_mapped_elsewhere']);
  });

  it('lists one-sided ids, invalid ids, and customers whose ids lead to different tenants', () => {
    const r = matchMarketplace(
      [co('c1', 'Wilbur', ['869']), co('c2', 'Multi', ['1', '2']), co('c3', 'Bad', ['XC-1'])],
      [te('t1', 'Nod', 'osa_account_id=899'), te('t2', 'One', 'osa_account_id=1'), te('t3', 'Two', 'osa_account_id=2'), te('t4', 'Odd', 'osa_account_id=x')],
      [],
    );
    expect(r.proposals).toEqual([]);
    expect(r.issues.map((i) => i.code).sort()).toEqual(['ambiguous_company', 'invalid_custom_id', 'invalid_marketplace_id', 'unmatched_company', 'unmatched_tenant']);
  });
});
