import { describe, expect, it } from 'vitest';
import type { ItemDecision, ProvisioningPlan } from './provisioning-plan.ts';
import { changeKey, guardServiceReductions, hasReductionCandidate } from './service-reduction-guard.ts';
import type { VendorUsage } from './vendor-model.ts';

const decision = (name: string, from: number | null, to: number | null | 'off'): ItemDecision => ({
  name,
  infraId: null,
  reason: 'contract_prepaid',
  from: { enabled: true, quota: { value: from, overage: 0 } },
  to: to === 'off' ? { enabled: false, quota: null } : { enabled: true, quota: { value: to, overage: 0 } },
  lineIds: [],
});
const plan = (decisions: ItemDecision[], extra: ProvisioningPlan['operations'] = []): ProvisioningPlan => ({
  companyId: 'c1',
  problems: [],
  operations: [
    {
      kind: 'set_offering_items',
      key: 'set:c1:abc',
      tenant: { kind: 'existing', tenantId: 't1' },
      changes: decisions.map((d) => ({ applicationId: 'app', name: d.name, enabled: d.to.enabled, ...(d.to.quota ? { quota: d.to.quota } : {}) })),
      decisions,
    },
    ...extra,
  ],
});
const usage = (name: string, value: number): VendorUsage =>
  ({ tenantId: 't1', applicationId: 'app', name, usageName: name.replace(/^pw_base_/, ''), edition: null, type: 'count', measurementUnit: 'quantity', infraId: null, rangeStart: null, value }) as VendorUsage;
const base = { companyName: 'Contoso', allowReductions: false, approved: new Set<string>(), contracts: [{ active: true }], itemLabel: (n: string) => n.replace(/^pw_base_/, '') };

describe('guardServiceReductions', () => {
  it('holds a quota lowered below usage and an item in use turned off, saying what would happen; the rest goes out', () => {
    const input = plan([decision('pw_base_workstations', 60, 0), decision('pw_base_m365_seats', null, 'off'), decision('pw_base_servers', 4, 10)]);
    expect(hasReductionCandidate(input)).toBe(true);
    const { plan: guarded, held } = guardServiceReductions({ ...base, plan: input, usage: [usage('pw_base_workstations', 55), usage('pw_base_m365_seats', 43)] });
    expect(held.map((h) => h.description)).toEqual(['workstations 60 → 0, 55 in use', 'm365_seats unlimited → off, 43 in use']);
    const op = guarded.operations[0]!;
    expect(op.kind === 'set_offering_items' && op.changes.map((c) => c.name)).toEqual(['pw_base_servers']);
    expect(op.key).not.toBe('set:c1:abc');
    expect(guarded.problems.map((p) => [p.code, p.severity, p.message])).toEqual([
      ['awaiting_approval', 'warning', 'Waiting for approval: workstations 60 → 0, 55 in use.'],
      ['awaiting_approval', 'warning', 'Waiting for approval: m365_seats unlimited → off, 43 in use.'],
    ]);
  });

  it('lets a reduction above usage, or with nothing in use, go out; an approved change goes out under the plan key', () => {
    const input = plan([decision('pw_base_workstations', 60, 50)]);
    expect(guardServiceReductions({ ...base, plan: input, usage: [usage('pw_base_workstations', 40)] }).held).toEqual([]);
    expect(guardServiceReductions({ ...base, plan: plan([decision('pw_base_workstations', 60, 0)]), usage: [] }).held).toEqual([]);
    const approved = new Set([changeKey('c1', 'quota_below_usage', 'pw_base_workstations', null, 0)]);
    const result = guardServiceReductions({ ...base, plan: plan([decision('pw_base_workstations', 60, 0)]), approved, usage: [usage('pw_base_workstations', 55)] });
    expect(result.held).toEqual([]);
    expect(result.plan.operations[0]!.key).toBe('set:c1:abc');
    // Settings that allow reductions hold nothing.
    expect(guardServiceReductions({ ...base, allowReductions: true, plan: plan([decision('pw_base_workstations', 60, 0)]), usage: [usage('pw_base_workstations', 55)] }).held).toEqual([]);
  });

  it('holds disabling and deleting a tenant; an approval for another target value does not count', () => {
    const input = plan([decision('pw_base_workstations', 60, 1)], [{ kind: 'disable_tenant', key: 'dis:c1', tenantId: 't1' }]);
    const approved = new Set([changeKey('c1', 'quota_below_usage', 'pw_base_workstations', null, 0)]);
    const { plan: guarded, held } = guardServiceReductions({ ...base, plan: input, approved, usage: [usage('pw_base_workstations', 55)] });
    expect(held.map((h) => h.kind)).toEqual(['quota_below_usage', 'disable_tenant']);
    expect(guarded.operations).toEqual([]);
  });

  it('drops a new tenant for a company whose contracts are all cancelled, saying so', () => {
    const creating: ProvisioningPlan = { companyId: 'c1', problems: [], operations: [{ kind: 'create_tenant', key: 'k', parentId: 'p', name: 'Contoso', companyId: 'c1', pricingMode: 'production' }] };
    const result = guardServiceReductions({ ...base, plan: creating, usage: [], contracts: [{ active: false }, { active: false }] });
    expect(result.plan.operations).toEqual([]);
    expect(result.plan.problems).toEqual([expect.objectContaining({ code: 'contracts_cancelled', message: 'Every contract of "Contoso" is cancelled, so no customer tenant is created for it.' })]);
    expect(guardServiceReductions({ ...base, plan: creating, usage: [], contracts: [{ active: false }, { active: true }] }).plan.operations).toHaveLength(1);
  });
});
