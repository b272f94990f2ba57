import { describe, expect, it } from 'vitest';
import type { AlertMapping } from './alert-mapping.ts';
import { billingAlertDecision, legacyAlertMapping, nextDeliveryCheckMs, priorityPicklist } from './billing-alert-policy.ts';

const target = { target: 'Gradient', fields: [{ name: 'priority', label: 'Priority', required: false }], textLimits: { title: 250, description: 8000, noteTitle: 250, noteText: 8000 }, recurrenceWhenUnset: 'new_always' as const };
const mapping = (types: AlertMapping['types'], defaults: AlertMapping['defaults'] = {}): AlertMapping => ({ target, defaults, types });

describe('billing alert policy', () => {
  it('raises only the types a person enabled, with the priority chosen for the type, else the default, else by severity', () => {
    const m = mapping({ BackupFailed: { enabled: true, fields: { priority: '4' } }, Quota: { enabled: true, fields: {} }, Off: { enabled: false, fields: { priority: '4' } } });
    const settings = { minSeverity: 'information' as const };
    expect(billingAlertDecision(m, settings, { type: 'BackupFailed', severity: 'warning' })).toEqual({ raise: true, priority: 4 });
    expect(billingAlertDecision(m, settings, { type: 'Quota', severity: 'error' })).toEqual({ raise: true, priority: 3 });
    expect(billingAlertDecision({ ...m, defaults: { priority: '1' } }, settings, { type: 'Quota', severity: 'error' })).toEqual({ raise: true, priority: 1 });
    expect(billingAlertDecision(m, settings, { type: 'Off', severity: 'critical' })).toEqual({ raise: false, why: 'type_not_enabled' });
    expect(billingAlertDecision(m, settings, { type: 'Unknown', severity: 'critical' })).toEqual({ raise: false, why: 'type_not_enabled' });
  });

  it('drops alerts below the minimum severity, the type\'s own minimum first', () => {
    const m = mapping({ A: { enabled: true, fields: {}, minSeverity: 'critical' }, B: { enabled: true, fields: {} } });
    expect(billingAlertDecision(m, { minSeverity: 'warning' }, { type: 'A', severity: 'error' })).toEqual({ raise: false, why: 'below_min_severity' });
    expect(billingAlertDecision(m, { minSeverity: 'warning' }, { type: 'B', severity: 'information' })).toEqual({ raise: false, why: 'below_min_severity' });
    expect(billingAlertDecision(m, { minSeverity: 'warning' }, { type: 'B', severity: 'warning' })).toEqual({ raise: true, priority: 2 });
  });

  it('carries the old connector text over: listed types enabled with their priority, unreadable entries named, nothing set = null', () => {
    expect(legacyAlertMapping({})).toBeNull();
    expect(legacyAlertMapping({ alertTypes: ' , ' })).toBeNull();
    expect(legacyAlertMapping({ alertTypes: 'BackupFailed, MalwareDetected', alertPriorities: 'BackupFailed=3, nonsense' })).toEqual({
      types: { BackupFailed: { enabled: true, fields: { priority: '3' } }, MalwareDetected: { enabled: true, fields: {} } },
      dropped: ['nonsense'],
    });
    expect(legacyAlertMapping({ alertPriorities: 'Quota=2' })).toEqual({ types: { Quota: { enabled: true, fields: { priority: '2' } } }, dropped: [] });
  });

  it('offers the priorities as picklist values and backs delivery checks off to an hour', () => {
    expect(priorityPicklist([{ value: 4, label: 'Very high' }])).toEqual([{ value: '4', label: '4 Very high' }]);
    expect([0, 1, 2, 20].map(nextDeliveryCheckMs)).toEqual([30_000, 60_000, 120_000, 3_600_000]);
  });
});
