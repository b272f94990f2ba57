import { describe, expect, it } from 'vitest';
import { QuotaVersions } from './quota-versions.ts';
import { rfc3339ToNs, toAlert, toOfferingItem, toOfferingItemsUpdate, toTenant, toUsage, usageNameOf } from './mapping.ts';
import { alert, offeringItem, tenant, usage } from './wire.ts';

describe('acronis mapping', () => {
  it('reads alert timestamps to the nanosecond, with or without a zone', () => {
    expect(rfc3339ToNs('2025-10-24T15:19:15.216375706Z')).toBe(1761319155216375706n);
    expect(rfc3339ToNs('2025-10-24T15:19:15Z')).toBe(1761319155000000000n);
    expect(rfc3339ToNs('2025-10-24T15:19:15.5')).toBe(1761319155500000000n);
    expect(rfc3339ToNs('2025-10-24T17:19:15.1+02:00')).toBe(1761319155100000000n);
    expect(() => rfc3339ToNs('yesterday')).toThrow(RangeError);
  });

  it('maps an alert: legacy tenant id kept aside, dismissal from deletedAt', () => {
    const a = toAlert(
      alert.parse({
        id: '33A7E16F-9FE4-08BB-0EA1-EF91855ACAFC',
        type: 'BackupCanceled',
        category: 'Backup',
        severity: 'warning',
        createdAt: '2025-10-24T15:19:15Z',
        updatedAt: '2025-10-24T15:19:15.216375706Z',
        tenant: { id: 104, uuid: '04cc830f-cc2d-4d85-bc0c-154d3246ed55', locator: '/1/100/103/104/' },
        details: { planName: 'Linux', title: 'Backup canceled' },
      }),
    );
    expect(a).toMatchObject({
      tenantId: '04cc830f-cc2d-4d85-bc0c-154d3246ed55',
      tenantLegacyId: '104',
      updatedAtNs: '1761319155216375706',
      dismissed: false,
      title: 'Backup canceled',
      details: { planName: 'Linux' },
    });
    const gone = toAlert(alert.parse({ id: 'x', type: 't', updatedAt: '2025-10-24T15:19:15Z', deletedAt: '2025-10-24T15:20:00Z' }));
    expect(gone.dismissed).toBe(true);
    const zero = toAlert(alert.parse({ id: 'x', type: 't', updatedAt: '2025-10-24T15:19:15Z', deletedAt: '0001-01-01T00:00:00Z' }));
    expect(zero.dismissed).toBe(false);
  });

  it('maps offering items: status to enabled, null quota value = unlimited, disabled has no quota', () => {
    const on = toOfferingItem(
      offeringItem.parse({
        application_id: 'app',
        name: 'pw_base_m365_seats',
        usage_name: 'mailboxes',
        edition: 'pck_per_workload',
        type: 'count',
        measurement_unit: 'quantity',
        status: 1,
        quota: { value: null, overage: null, version: 0 },
      }),
    );
    expect(on).toMatchObject({ enabled: true, usageName: 'mailboxes', infraId: null, quota: { value: null, overage: null } });
    const off = toOfferingItem(offeringItem.parse({ application_id: 'app', name: 'pw_base_servers', status: 0 }));
    expect(off).toMatchObject({ enabled: false, quota: null, usageName: 'servers' });
  });

  it('derives usage names when missing', () => {
    expect(usageNameOf('pw_base_workstations', undefined)).toBe('workstations');
    expect(usageNameOf('pw_pack_adv_security', null)).toBe('pack_adv_security');
    expect(usageNameOf('local_storage', '')).toBe('local_storage');
  });

  it('fills quota versions from what was last read, matching on (name, infra_id)', () => {
    const versions = new QuotaVersions();
    versions.rememberTenant('t', [
      offeringItem.parse({ application_id: 'a', name: 'pw_base_storage', infra_id: 'i1', status: 1, quota: { value: 1, overage: null, version: 111 } }),
      offeringItem.parse({ application_id: 'a', name: 'pw_base_storage', infra_id: 'i2', status: 1, quota: { value: 1, overage: null, version: 222 } }),
    ]);
    const body = toOfferingItemsUpdate(
      [
        { applicationId: 'a', name: 'pw_base_storage', infraId: 'i2', quota: { value: 10, overage: 2 } },
        { applicationId: 'a', name: 'pw_base_servers', enabled: false },
      ],
      (item) => versions.versionOf('t', item) ?? 0,
    );
    expect(body).toEqual({
      offering_items: [
        { application_id: 'a', name: 'pw_base_storage', infra_id: 'i2', quota: { value: 10, overage: 2, version: 222 } },
        { application_id: 'a', name: 'pw_base_servers', status: 0 },
      ],
    });
  });

  it('maps usages keyed by the batch tenant uuid, not the legacy integer', () => {
    const u = toUsage(
      'd851',
      usage.parse({
        application_id: 'a',
        name: 'pw_base_storage',
        usage_name: 'storage',
        edition: 'pck_per_workload',
        type: 'infra',
        measurement_unit: 'bytes',
        infra_id: '0190',
        range_start: '2025-06-01T00:00:00Z',
        value: 344064,
        absolute_value: 344064,
        tenant_id: 6492521,
        offering_item: { status: 1, quota: { value: null, overage: null, version: 0 } },
      }),
    );
    expect(u).toMatchObject({ tenantId: 'd851', usageName: 'storage', infraId: '0190', value: 344064, offeringItem: { enabled: true, quota: { value: null } } });
  });

  it('maps tenants, picking the primary contact from a list view', () => {
    const t = toTenant(
      tenant.parse({
        id: 't1',
        name: 'Acme',
        parent_id: 'p',
        kind: 'customer',
        enabled: true,
        version: 3,
        customer_id: 'CRM-42',
        internal_tag: null,
        contacts: [
          { email: 'billing@acme.test', types: ['billing'] },
          { email: 'boss@acme.test', firstname: 'Ada', types: ['primary'] },
        ],
        extra_field: 'kept',
      }),
    );
    expect(t).toMatchObject({ id: 't1', customerId: 'CRM-42', internalTag: null, contact: { email: 'boss@acme.test', firstName: 'Ada' } });
  });

  it('reads ancestral_access: false is a self-service customer; absent is the vendor default (true)', () => {
    const base = { id: 't1', name: 'Acme', parent_id: 'p', kind: 'customer', version: 1 };
    expect(toTenant(tenant.parse({ ...base, ancestral_access: false })).ancestralAccess).toBe(false);
    expect(toTenant(tenant.parse({ ...base, ancestral_access: true })).ancestralAccess).toBe(true);
    expect(toTenant(tenant.parse(base)).ancestralAccess).toBe(true);
  });
});
