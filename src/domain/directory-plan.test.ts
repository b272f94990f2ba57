import { describe, expect, it } from 'vitest';
import { createTenantKey, planDirectory, type KnownCompany, type SeenTenant } from './directory-plan.ts';

const company = (companyId: string, companyName: string, over: Partial<KnownCompany> = {}): KnownCompany => ({ companyId, companyName, state: 'not_mapped', tenantId: null, error: null, unlinkedAt: null, ...over });
const tenant = (id: string, name: string, over: Partial<SeenTenant['tenant']> = {}): SeenTenant => ({ tenant: { id, name, customerId: null, internalTag: null, ...over }, gone: false });

describe('planDirectory', () => {
  it('never suggests nor restores a self-service tenant (ancestralAccess false)', () => {
    const plan = planDirectory('I', [company('c1', 'Trey Research'), company('c2', 'Acme')], [
      tenant('t1', 'Trey Research', { ancestralAccess: false }),
      tenant('t2', 'Other', { ancestralAccess: false, internalTag: createTenantKey('I', 'c2') }),
    ]);
    expect(plan).toEqual([]);
  });

  it('leaves a company a person unlinked alone: neither the hub tag, the Custom ID nor the name maps it again', () => {
    const unlinked = { unlinkedAt: '2026-01-01T00:00:00.000Z' };
    const plan = planDirectory('I', [company('c1', 'Acme', unlinked), company('c2', 'Trey', unlinked), company('c3', 'Fabrikam', unlinked)], [
      tenant('t1', 'Other', { internalTag: createTenantKey('I', 'c1') }),
      tenant('t2', 'Whatever', { customerId: 'c2' }),
      tenant('t3', 'Fabrikam'),
    ]);
    expect(plan).toEqual([]);
  });

  it('suggests a manageable tenant by name (a snapshot without the flag reads as manageable)', () => {
    const plan = planDirectory('I', [company('c1', 'Trey Research')], [tenant('t1', 'Trey Research')]);
    expect(plan).toMatchObject([{ kind: 'map', companyId: 'c1', tenantId: 't1', state: 'ready', rule: 'name' }]);
  });
});
