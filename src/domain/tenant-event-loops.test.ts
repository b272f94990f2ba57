import { describe, expect, it } from 'vitest';
import { loopsForTenantEvents, type TenantEventFacts } from './tenant-event-loops.ts';

const mapped = new Set(['t-mapped']);
const on = { mappedTenants: mapped, provisioning: true };
const ev = (kind: TenantEventFacts['kind'], tenantId = 't-mapped'): TenantEventFacts => ({ kind, tenantId });

describe('loopsForTenantEvents', () => {
  it('runs nothing for no events or only unknown types', () => {
    expect(loopsForTenantEvents([], on)).toEqual([]);
    expect(loopsForTenantEvents([ev('other'), ev('other', 'x')], on)).toEqual([]);
  });

  it('runs the directory for a new tenant, mapped or not, and for changes of unmapped tenants', () => {
    expect(loopsForTenantEvents([ev('created', 'new')], on)).toEqual(['directory']);
    expect(loopsForTenantEvents([ev('created')], on)).toEqual(['directory']);
    expect(loopsForTenantEvents([ev('disabled', 'unmapped'), ev('deleted', 'unmapped')], on)).toEqual(['directory']);
  });

  it('adds provisioning, after the directory, when a mapped tenant is renamed, disabled, enabled or deleted', () => {
    for (const kind of ['updated', 'enabled', 'disabled', 'deleted'] as const) {
      expect(loopsForTenantEvents([ev('created', 'new'), ev(kind)], on)).toEqual(['directory', 'provisioning']);
    }
  });

  it('leaves provisioning out when the integration does not provision', () => {
    expect(loopsForTenantEvents([ev('disabled')], { mappedTenants: mapped, provisioning: false })).toEqual(['directory']);
  });

  it('asks for each pass once however many events the batch holds', () => {
    const burst = Array.from({ length: 50 }, (_, i) => ev(i % 2 === 0 ? 'updated' : 'created', i % 2 === 0 ? 't-mapped' : `n${i}`));
    expect(loopsForTenantEvents(burst, on)).toEqual(['directory', 'provisioning']);
  });
});
