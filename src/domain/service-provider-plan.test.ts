import { describe, expect, it } from 'vitest';
import type { OfferingItem } from './vendor-model.ts';
import { planServiceProviderServices, servicesInForce } from './service-provider-plan.ts';

const APP = 'backup';
const item = (name: string, enabled: boolean, value: number | null = null, infraId: string | null = null): OfferingItem => ({
  applicationId: APP, name, usageName: name, edition: 'pck_per_workload', type: 'count', measurementUnit: 'quantity', infraId, enabled, locked: false,
  quota: enabled ? { value, overage: null } : null,
});

const available = [item('ws', true), item('srv', true), item('storage', true, null, 'infra-1'), item('vms', true)];

describe('service-provider services plan', () => {
  it('enables the desired items with their quotas (storage on its offered infra)', () => {
    const plan = planServiceProviderServices({ current: [], available, desired: { ws: 50, storage: null }, previouslyGranted: [] });
    expect(plan.changes).toEqual([
      { applicationId: APP, name: 'storage', infraId: 'infra-1', enabled: true, quota: { value: null, overage: null } },
      { applicationId: APP, name: 'ws', infraId: null, enabled: true, quota: { value: 50, overage: null } },
    ]);
  });

  it('changes nothing when the tenant already holds the absolute set (a repeated order)', () => {
    const current = [item('ws', true, 50), item('storage', true, null, 'infra-1')];
    expect(planServiceProviderServices({ current, available, desired: { ws: 50, storage: null }, previouslyGranted: ['ws', 'storage'] }).changes).toEqual([]);
    expect(servicesInForce(current, { ws: 50, storage: null }, ['ws', 'storage'])).toBe(true);
    expect(servicesInForce(current, { ws: 60, storage: null }, ['ws', 'storage'])).toBe(false);
  });

  it('turns off what the subscription granted and no longer lists, and leaves items it never granted alone', () => {
    const current = [item('ws', true, 50), item('srv', true, 5), item('vms', true, 3)];
    const plan = planServiceProviderServices({ current, available, desired: { ws: 50 }, previouslyGranted: ['ws', 'srv'] });
    expect(plan.changes).toEqual([{ applicationId: APP, name: 'srv', infraId: null, enabled: false }]);
  });

  it('refuses items the distributor cannot give, changing nothing', () => {
    const plan = planServiceProviderServices({ current: [], available, desired: { ws: 5, pw_unknown: 1 }, previouslyGranted: [] });
    expect(plan).toEqual({ changes: [], unavailable: ['pw_unknown'] });
  });
});
