import { describe, expect, it } from 'vitest';
import {
  EXTERNAL_REF_MAX_LENGTH,
  alertKeyHash,
  alertKeyOf,
  alertKeyString,
  alertOperationKey,
  alertResource,
  externalRefPrefix,
  parseTicketExternalRef,
  ticketExternalRef,
  type AlertKey,
} from './alert-identity.ts';
import { MACHINE_A, MACHINE_B, PLAN, TENANT, at, makeAlert } from './ticket-fixtures.test-support.ts';

function keyOf(...args: Parameters<typeof makeAlert>): AlertKey {
  const key = alertKeyOf(makeAlert(...args));
  if (key === null) throw new Error('expected a key');
  return key;
}

describe('alertResource', () => {
  it('is the resource id when the alert names one', () => {
    expect(alertResource(makeAlert({ resourceId: MACHINE_A }))).toEqual({ source: 'resource', id: MACHINE_A });
  });

  it('falls back to the plan id, then to none', () => {
    expect(alertResource(makeAlert({ resourceId: null }))).toEqual({ source: 'plan', id: PLAN });
    expect(alertResource(makeAlert({ details: {} }))).toEqual({ source: 'none', id: null });
  });

  it('reads details.fields, where injected alerts carry their fields', () => {
    expect(alertResource(makeAlert({ details: { fields: { resourceId: 'ABC' } } }))).toEqual({ source: 'resource', id: 'abc' });
  });

  it('ignores blank ids', () => {
    expect(alertResource(makeAlert({ details: { resourceId: '  ', planId: PLAN } }))).toEqual({ source: 'plan', id: PLAN });
  });
});

describe('alertKeyOf', () => {
  it('is the same for a storm of alerts on one machine, whatever their ids, times and texts', () => {
    const first = keyOf({ createdAt: at(0) });
    const changed = { ...makeAlert({ createdAt: at(90) }), title: 'Backup failed (again)', severity: 'critical' };
    const later = alertKeyOf(changed);
    expect(later).toEqual(first);
    expect(alertKeyString(first)).toBe(alertKeyString(later as AlertKey));
  });

  it('differs per machine, per alert type and per tenant', () => {
    const base = alertKeyString(keyOf({ resourceId: MACHINE_A }));
    expect(alertKeyString(keyOf({ resourceId: MACHINE_B }))).not.toBe(base);
    expect(alertKeyString(keyOf({ type: 'BackupDidNotStart' }))).not.toBe(base);
    expect(alertKeyString(keyOf({ tenantId: '11111111-2222-3333-4444-555555555555' }))).not.toBe(base);
  });

  it('compares tenant and resource ids case-insensitively but keeps the type as sent', () => {
    const upper = keyOf({ tenantId: TENANT.toUpperCase(), resourceId: MACHINE_A.toUpperCase() });
    expect(upper).toEqual(keyOf({}));
    expect(keyOf({ type: 'backupfailed' }).alertType).toBe('backupfailed');
  });

  it('is null when the alert names no tenant', () => {
    expect(alertKeyOf(makeAlert({ tenantId: null }))).toBeNull();
  });

  it('cannot be confused by separators inside ids', () => {
    const a = alertKeyString({ tenantId: 't', alertType: 'X|Y', resource: { source: 'none', id: null } });
    const b = alertKeyString({ tenantId: 't|X', alertType: 'Y', resource: { source: 'none', id: null } });
    expect(a).not.toBe(b);
  });
});

describe('ticketExternalRef', () => {
  const key = keyOf({});

  it('is deterministic, short and readable', () => {
    const ref = ticketExternalRef(key, 1);
    expect(ref).toBe(ticketExternalRef(keyOf({}), 1));
    expect(ref).toMatch(/^pb:[0-9a-f]{16}:1:BackupFailed$/);
    expect(ref.length).toBeLessThanOrEqual(EXTERNAL_REF_MAX_LENGTH);
  });

  it('differs per episode and shares the key prefix', () => {
    expect(ticketExternalRef(key, 2)).not.toBe(ticketExternalRef(key, 1));
    expect(ticketExternalRef(key, 2).startsWith(externalRefPrefix(key))).toBe(true);
  });

  it('is the same from the key or from its string form', () => {
    expect(ticketExternalRef(alertKeyString(key), 3)).toBe(ticketExternalRef(key, 3));
    expect(alertKeyHash(alertKeyString(key))).toBe(alertKeyHash(key));
  });

  it('fits Autotask externalID even for long CTI type ids and large episodes', () => {
    const cti = keyOf({ type: 'cti.a.p.am.alert.v1.0~a.p.backup.protection.plan.failed.with.many.words.v1.0' });
    const ref = ticketExternalRef(cti, 123456);
    expect(ref.length).toBeLessThanOrEqual(EXTERNAL_REF_MAX_LENGTH);
    expect(ref).toContain(':123456:BackupProtection');
  });

  it('reads back what it wrote and nothing else', () => {
    expect(parseTicketExternalRef(ticketExternalRef(key, 4))).toEqual({ keyHash: alertKeyHash(key), episode: 4 });
    expect(parseTicketExternalRef('TICKET-1234')).toBeNull();
    expect(parseTicketExternalRef('pb:xyz:1')).toBeNull();
  });

  it('refuses episode 0', () => {
    expect(() => ticketExternalRef(key, 0)).toThrow(RangeError);
  });
});

describe('alertOperationKey', () => {
  it('names one version of one alert, whatever the id case', () => {
    const alert = makeAlert({ id: '33A7E16F-9FE4-08BB-0EA1-EF91855ACAFC' });
    expect(alertOperationKey(alert)).toBe(`alert:33a7e16f-9fe4-08bb-0ea1-ef91855acafc@${alert.updatedAtNs}`);
    expect(alertOperationKey({ ...alert, id: alert.id.toLowerCase() })).toBe(alertOperationKey(alert));
    expect(alertOperationKey({ ...alert, updatedAtNs: '1' })).not.toBe(alertOperationKey(alert));
  });
});
