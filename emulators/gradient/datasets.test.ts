import { describe, expect, it } from 'vitest';
import { acronisCustomerNames, buildDataset, DEMO_PSA_ONLY, DEMO_RENAMED } from './datasets.ts';

describe('datasets', () => {
  it('use the same keys in every dataset', () => {
    const keys = (['empty', 'demo', 'large'] as const).map((d) => {
      const s = buildDataset(d);
      return `${s.vendorKey}:${s.primary().partnerKey}`;
    });
    expect(new Set(keys).size).toBe(1);
  });

  it('demo: the Acronis demo customers as PSA companies, a few spelled differently, two PSA-only', () => {
    const s = buildDataset('demo');
    const names = [...s.primary().psa.companies.values()].map((c) => c.name);
    const acronis = acronisCustomerNames('demo');
    expect(names).toHaveLength(acronis.length + DEMO_PSA_ONLY.length);
    const exact = acronis.filter((n) => names.includes(n));
    expect(acronis.length - exact.length).toBe(Object.keys(DEMO_RENAMED).length);
    for (const [from, to] of Object.entries(DEMO_RENAMED)) {
      expect(names).not.toContain(from);
      expect(names).toContain(to);
    }
    expect(s.skus.size).toBe(0);
    expect(s.primary().status).toBe('inactive');
  });

  it('large: 10,000 PSA companies named as the Acronis large customers; empty: none', () => {
    const s = buildDataset('large');
    expect(s.primary().psa.companies.size).toBe(10_000);
    expect([...s.primary().psa.companies.values()][42]?.name).toBe(acronisCustomerNames('large')[42]);
    expect(buildDataset('empty').primary().psa.companies.size).toBe(0);
    expect(buildDataset('large', 25).primary().psa.companies.size).toBe(25);
  });
});
