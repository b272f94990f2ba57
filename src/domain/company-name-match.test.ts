import { describe, expect, it } from 'vitest';
import { nameMatch, nameTokens, normaliseCompanyName, suggestNameMatches } from './company-name-match.ts';

describe('normaliseCompanyName', () => {
  it('sets aside case, accents, punctuation, "&" and trailing legal suffixes', () => {
    expect(normaliseCompanyName('Contoso, Ltd.')).toBe('contoso');
    expect(normaliseCompanyName('CONTOSO LIMITED')).toBe('contoso');
    expect(normaliseCompanyName('Müller & Söhne GmbH & Co. KG')).toBe('muller and sohne');
    expect(normaliseCompanyName('Acme Pty Ltd')).toBe('acme');
    expect(normaliseCompanyName('Fabrikam G.m.b.H.')).toBe('fabrikam');
    expect(normaliseCompanyName('Widgets Inc')).toBe('widgets');
  });

  it('never drops the whole name, nor a suffix-like word that is not at the end', () => {
    expect(nameTokens('Company')).toEqual(['company']);
    expect(nameTokens('Ltd')).toEqual(['ltd']);
    expect(nameTokens('AS Roma Fan Shop')).toEqual(['as', 'roma', 'fan', 'shop']);
  });
});

describe('nameMatch', () => {
  it('is 1 for the exact name', () => {
    expect(nameMatch('Tailspin Toys', '  Tailspin Toys ')).toEqual({ confidence: 1, basis: 'exact' });
  });

  it('is 0.95 for the same normalised name', () => {
    expect(nameMatch('Tailspin Toys, Inc.', 'tailspin toys')).toEqual({ confidence: 0.95, basis: 'normalised' });
    expect(nameMatch('Alpine Ski House GmbH', 'Alpine Ski House AG')).toEqual({ confidence: 0.95, basis: 'normalised' });
  });

  it('grades similar names below 0.9 by their words and letter pairs', () => {
    const reordered = nameMatch('Blue Yonder Airlines', 'Yonder Blue Airlines');
    const oneWordOff = nameMatch('Alpine Ski House', 'Alpine Ski Hut');
    const unrelated = nameMatch('Contoso', 'Fabrikam');
    expect(reordered.basis).toBe('similar');
    expect(reordered.confidence).toBeLessThan(0.9);
    expect(reordered.confidence).toBeGreaterThan(0.7);
    expect(oneWordOff.confidence).toBeGreaterThan(0.5);
    expect(oneWordOff.confidence).toBeLessThan(reordered.confidence);
    expect(unrelated.confidence).toBeLessThan(0.2);
  });
});

describe('suggestNameMatches', () => {
  const tenant = (id: string, name: string, enabled = true) => ({ id, name, enabled });
  const company = (id: string, name: string, active: boolean | null = true) => ({ id, name, active });

  it('suggests each company and tenant once, the most confident pair first, preselecting only the sure ones', () => {
    const result = suggestNameMatches(
      [company('c1', 'Contoso Ltd'), company('c2', 'Alpine Ski House'), company('c3', 'Woodgrove Bank')],
      [tenant('t1', 'Contoso'), tenant('t2', 'Alpine Ski Hut'), tenant('t3', 'Litware')],
    );
    expect(result.ambiguous).toEqual([]);
    expect(result.suggestions.map((s) => [s.companyId, s.tenantId, s.basis, s.preselected])).toEqual([
      ['c1', 't1', 'normalised', true],
      ['c2', 't2', 'similar', false],
    ]);
    expect(result.suggestions[0]!.confidence).toBe(0.95);
  });

  it('prefers the exact tenant over a merely similar one for the same company', () => {
    const result = suggestNameMatches([company('c1', 'Northwind Traders')], [tenant('t1', 'Northwind Trading'), tenant('t2', 'Northwind Traders')]);
    expect(result.suggestions).toEqual([expect.objectContaining({ tenantId: 't2', confidence: 1, basis: 'exact' })]);
  });

  it('does not guess between tenants (or companies) tied at the same confidence', () => {
    const twoTenants = suggestNameMatches([company('c1', 'Proseware Inc')], [tenant('t1', 'Proseware Ltd'), tenant('t2', 'PROSEWARE')]);
    expect(twoTenants.suggestions).toEqual([]);
    expect(twoTenants.ambiguous).toEqual([expect.objectContaining({ companyId: 'c1', confidence: 0.95, message: expect.stringMatching(/matches 2 tenants equally \(95 %\)/) })]);
    const twoCompanies = suggestNameMatches([company('c1', 'Proseware Inc'), company('c2', 'Proseware LLC')], [tenant('t1', 'Proseware')]);
    expect(twoCompanies.suggestions).toEqual([]);
    expect(twoCompanies.ambiguous.map((a) => a.companyId).sort()).toEqual(['c1', 'c2']);
  });

  it('suggests an inactive company or a disabled tenant with a warning, never preselected', () => {
    const result = suggestNameMatches([company('c1', 'Fourth Coffee', false), company('c2', 'Lucerne Publishing')], [tenant('t1', 'Fourth Coffee'), tenant('t2', 'Lucerne Publishing', false)]);
    expect(result.suggestions).toEqual([
      expect.objectContaining({ companyId: 'c1', confidence: 1, preselected: false, warnings: ['The company is inactive in the PSA.'] }),
      expect.objectContaining({ companyId: 'c2', confidence: 1, preselected: false, warnings: ['Tenant "Lucerne Publishing" is disabled.'] }),
    ]);
  });

  it('leaves out pairs below the threshold', () => {
    expect(suggestNameMatches([company('c1', 'Contoso')], [tenant('t1', 'Fabrikam')]).suggestions).toEqual([]);
  });
});
