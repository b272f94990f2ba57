import { describe, expect, it } from 'vitest';
import { QuotaVersions } from './quota-versions.ts';
import { offeringItem } from './wire.ts';

const item = (name: string, status: number, version?: number, infra_id?: string) =>
  offeringItem.parse({ application_id: 'a', name, status, ...(infra_id ? { infra_id } : {}), ...(version === undefined ? {} : { quota: { value: 5, overage: null, version } }) });

describe('QuotaVersions', () => {
  it('knows a tenant only from a complete view; an item missing from it, or disabled, has version 0', () => {
    const v = new QuotaVersions();
    expect(v.versionOf('t', { name: 'pw_base_servers' })).toBeUndefined();
    v.rememberTenant('t', [item('pw_base_servers', 1, 111), item('pw_base_vms', 0), item('pw_base_storage', 1, 333, 'i1')]);
    expect(v.versionOf('t', { name: 'pw_base_servers' })).toBe(111);
    expect(v.versionOf('t', { name: 'pw_base_vms' })).toBe(0);
    expect(v.versionOf('t', { name: 'pw_base_workstations' })).toBe(0);
    expect(v.versionOf('t', { name: 'pw_base_storage', infraId: 'i1' })).toBe(333);
    expect(v.versionOf('t', { name: 'pw_base_storage', infraId: 'i2' })).toBe(0);
  });

  it('a full listing makes its tenants known only once it ended; changed items update known tenants only', () => {
    const v = new QuotaVersions();
    const listing = v.startListing();
    listing.add('t1', item('pw_base_servers', 1, 111));
    expect(v.knows('t1')).toBe(false); // a listing cut short teaches nothing
    listing.finish();
    expect(v.versionOf('t1', { name: 'pw_base_servers' })).toBe(111);

    v.rememberItems('t1', [item('pw_base_servers', 1, 222)]);
    v.rememberItems('t2', [item('pw_base_servers', 1, 999)]);
    expect(v.versionOf('t1', { name: 'pw_base_servers' })).toBe(222);
    expect(v.knows('t2')).toBe(false);
    v.rememberItems('t1', [item('pw_base_servers', 0)]);
    expect(v.versionOf('t1', { name: 'pw_base_servers' })).toBe(0);
  });

  it('forgets a tenant after a refused write, so the next write reads first', () => {
    const v = new QuotaVersions();
    v.rememberTenant('t', [item('pw_base_servers', 1, 111)]);
    v.forget('t');
    expect(v.knows('t')).toBe(false);
  });
});
