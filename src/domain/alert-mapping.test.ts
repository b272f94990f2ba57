import { describe, expect, it } from 'vitest';
import {
  defaultTicketSettings,
  effectiveFields,
  passesSeverity,
  recurrenceFromSeedOption,
  severityRank,
  validateAlertMapping,
  validateTicketSettings,
  type AlertMapping,
  type TargetPicklists,
} from './alert-mapping.ts';
import { AUTOTASK, CLOUDBLUE, CONNECTWISE, autotaskMapping, enabledSettings } from './ticket-fixtures.test-support.ts';

const autotaskPicklists: TargetPicklists = {
  source: [{ value: '2', label: 'Monitoring Alert' }, { value: '4', label: 'Phone' }],
  queue: [{ value: '5', label: 'Monitoring' }, { value: '6', label: 'Help Desk' }, { value: '7', label: 'Old queue', active: false }],
  status: [{ value: '1', label: 'New' }, { value: '5', label: 'Complete' }, { value: '8', label: 'In Progress' }, { value: '13', label: 'Waiting Customer' }],
  priority: [{ value: '1', label: 'High' }, { value: '2', label: 'Medium' }, { value: '3', label: 'Low' }],
  issueType: [{ value: '10', label: 'Backup' }, { value: '11', label: 'Hardware' }],
  subIssueType: [{ value: '101', label: 'Backup failed', parent: '10' }, { value: '111', label: 'Disk', parent: '11' }],
  noteType: [{ value: '1', label: 'Task Summary' }, { value: '2', label: 'Task Detail' }],
  publish: [{ value: '1', label: 'All Autotask Users' }, { value: '2', label: 'Internal Only' }],
};

describe('ticket settings defaults', () => {
  it('has the feature off for every target', () => {
    for (const target of [AUTOTASK, CONNECTWISE, CLOUDBLUE]) expect(defaultTicketSettings(target).enabled).toBe(false);
  });

  it('reads the seeds\' N-days option per target', () => {
    // Autotask / ConnectWise: unchecked → reopen on every occurrence; checked → new ticket after N days.
    expect(recurrenceFromSeedOption(AUTOTASK, null)).toEqual({ mode: 'reopen_always' });
    expect(recurrenceFromSeedOption(CONNECTWISE, 30)).toEqual({ mode: 'reopen_within_days', days: 30 });
    // CloudBlue: reopening off (default) → a new ticket; on → reopen within N days, else new.
    expect(recurrenceFromSeedOption(CLOUDBLUE, null)).toEqual({ mode: 'new_always' });
    expect(recurrenceFromSeedOption(CLOUDBLUE, 1)).toEqual({ mode: 'reopen_within_days', days: 1 });
    expect(defaultTicketSettings(CLOUDBLUE).recurrence).toEqual({ mode: 'new_always' });
    expect(defaultTicketSettings(AUTOTASK).recurrence).toEqual({ mode: 'reopen_always' });
  });

  it('has auto-close and alert clearing off', () => {
    const settings = defaultTicketSettings(CONNECTWISE);
    expect(settings.autoClose.enabled).toBe(false);
    expect(settings.clearAlert.enabled).toBe(false);
  });
});

describe('effectiveFields', () => {
  it('merges the defaults under the type\'s own fields', () => {
    const mapping = autotaskMapping();
    mapping.types['BackupFailed'] = { enabled: true, fields: { status: '1', priority: '1', noteType: '2', source: '' } };
    expect(effectiveFields(mapping, 'BackupFailed')).toEqual({
      target: AUTOTASK,
      fields: { source: '2', noteType: '2', publish: '1', status: '1', priority: '1' },
    });
  });

  it('is the defaults alone for an unknown type', () => {
    expect(effectiveFields(autotaskMapping(), 'Nope').fields).toEqual({ source: '2', noteType: '1', publish: '1' });
  });
});

describe('validateAlertMapping (Autotask)', () => {
  it('accepts a mapping that uses the picklists\' values', () => {
    expect(validateAlertMapping(autotaskMapping(), autotaskPicklists)).toEqual([]);
  });

  it('names the field, the alert type and the allowed values of an unknown value', () => {
    const mapping = autotaskMapping();
    mapping.types['BackupFailed'] = { enabled: true, fields: { queue: '99', status: '1', priority: '2' } };
    const [error, ...rest] = validateAlertMapping(mapping, autotaskPicklists);
    expect(rest).toEqual([]);
    expect(error).toMatchObject({ code: 'value_not_allowed', alertType: 'BackupFailed', field: 'queue', value: '99' });
    expect(error?.allowed).toEqual([{ value: '5', label: 'Monitoring' }, { value: '6', label: 'Help Desk' }]);
    expect(error?.message).toBe('Autotask ticket fields of alert type "BackupFailed": Queue "99" is unknown to Autotask; choose one of: 5 (Monitoring), 6 (Help Desk).');
  });

  it('refuses an inactive value', () => {
    const mapping = autotaskMapping();
    mapping.types['BackupDidNotStart'] = { enabled: true, fields: { queue: '7', status: '1', priority: '3' } };
    const errors = validateAlertMapping(mapping, autotaskPicklists);
    expect(errors.map((e) => [e.code, e.field])).toEqual([['value_inactive', 'queue']]);
    expect(errors[0]?.message).toContain('"Old queue" (7) is inactive');
  });

  it('requires status and priority on an enabled type, listing the choices', () => {
    const mapping = autotaskMapping();
    mapping.types['BackupDidNotStart'] = { enabled: true, fields: { queue: '5' } };
    const errors = validateAlertMapping(mapping, autotaskPicklists);
    expect(errors.map((e) => [e.code, e.alertType, e.field])).toEqual([
      ['field_required', 'BackupDidNotStart', 'status'],
      ['field_required', 'BackupDidNotStart', 'priority'],
    ]);
    expect(errors[1]?.message).toBe('Autotask ticket fields of alert type "BackupDidNotStart": Priority is required; choose one of: 1 (High), 2 (Medium), 3 (Low).');
  });

  it('requires the note type and publish, from the defaults or the type', () => {
    const mapping = autotaskMapping();
    mapping.defaults = { source: '2' };
    const fields = validateAlertMapping(mapping, autotaskPicklists).map((e) => `${e.alertType}.${e.field}`);
    expect(fields).toEqual(['BackupFailed.noteType', 'BackupFailed.publish', 'BackupDidNotStart.noteType', 'BackupDidNotStart.publish']);
  });

  it('does not require fields of a disabled type, but checks the values it holds', () => {
    const mapping = autotaskMapping();
    mapping.types['QuotaExceeded'] = { enabled: false, fields: { priority: '9' } };
    const errors = validateAlertMapping(mapping, autotaskPicklists);
    expect(errors.map((e) => [e.code, e.alertType, e.field])).toEqual([['value_not_allowed', 'QuotaExceeded', 'priority']]);
  });

  it('refuses a sub-issue type of another issue type', () => {
    const mapping = autotaskMapping();
    mapping.types['BackupFailed'] = { enabled: true, fields: { status: '1', priority: '2', issueType: '10', subIssueType: '111' } };
    const errors = validateAlertMapping(mapping, autotaskPicklists);
    expect(errors.map((e) => [e.code, e.field])).toEqual([['parent_mismatch', 'subIssueType']]);
    expect(errors[0]?.message).toContain('Sub-Issue Type "Disk" (111) does not belong to Issue Type "10"; choose one of: 101 (Backup failed)');
  });

  it('reports a wrong default once, for the defaults', () => {
    const mapping = autotaskMapping();
    mapping.defaults = { ...mapping.defaults, source: '42' };
    const errors = validateAlertMapping(mapping, autotaskPicklists);
    expect(errors.map((e) => [e.alertType, e.field])).toEqual([[null, 'source']]);
    expect(errors[0]?.message).toContain('Autotask default ticket fields: Source "42"');
  });

  it('says when a picklist was not read instead of accepting the value', () => {
    const { queue: _queue, ...withoutQueue } = autotaskPicklists;
    const errors = validateAlertMapping(autotaskMapping(), withoutQueue);
    expect(errors.map((e) => [e.code, e.alertType, e.field])).toEqual([['picklist_unavailable', 'BackupFailed', 'queue'], ['picklist_unavailable', 'BackupDidNotStart', 'queue']]);
  });

  it('refuses a field the target does not have', () => {
    const mapping = autotaskMapping();
    (mapping.types['BackupFailed']?.fields as Record<string, string>)['board'] = '1';
    const errors = validateAlertMapping(mapping, autotaskPicklists);
    expect(errors.map((e) => [e.code, e.field])).toEqual([['unknown_field', 'board']]);
  });
});

describe('validateAlertMapping (ConnectWise and CloudBlue)', () => {
  const cwPicklists: TargetPicklists = {
    board: [{ value: '1', label: 'Professional Services' }, { value: '2', label: 'Help Desk' }],
    type: [{ value: '12', label: 'Break-fix', parent: '1' }, { value: '13', label: 'Request', parent: '2' }],
    subtype: [{ value: '40', label: 'Break-fix subtype', parent: ['12'] }, { value: '41', label: 'Common subtype', parent: ['12', '13'] }],
    status: [{ value: '100', label: 'New (not responded)', parent: '1' }, { value: '200', label: 'New', parent: '2' }],
    priority: [{ value: '4', label: 'Priority 2 - Quick Response' }],
  };

  it('checks type and status against the board, and subtype against the type', () => {
    const mapping: AlertMapping = {
      target: CONNECTWISE,
      defaults: { board: '1' },
      types: {
        BackupFailed: { enabled: true, fields: { type: '12', subtype: '41', status: '100', priority: '4' } },
        BackupIsMissing: { enabled: true, fields: { type: '13', status: '200' } },
      },
    };
    const errors = validateAlertMapping(mapping, cwPicklists);
    expect(errors.map((e) => [e.code, e.alertType, e.field])).toEqual([
      ['parent_mismatch', 'BackupIsMissing', 'type'],
      ['parent_mismatch', 'BackupIsMissing', 'status'],
    ]);
    expect(errors[0]?.message).toContain('ConnectWise ticket fields of alert type "BackupIsMissing": Type "Request" (13) does not belong to Service Board "1"; choose one of: 12 (Break-fix)');
  });

  it('requires a board', () => {
    const mapping: AlertMapping = { target: CONNECTWISE, defaults: {}, types: { BackupFailed: { enabled: true, fields: {} } } };
    expect(validateAlertMapping(mapping, cwPicklists).map((e) => [e.code, e.field])).toEqual([['field_required', 'board']]);
  });

  it('requires CloudBlue type, category and team', () => {
    const mapping: AlertMapping = { target: CLOUDBLUE, defaults: {}, types: { BackupFailed: { enabled: true, fields: { type: 'Bug' } } } };
    const picklists: TargetPicklists = { type: [{ value: 'Bug', label: 'Bug' }], category: [{ value: 'TCB', label: 'TCB' }], team: [{ value: 'Support', label: 'Support' }] };
    const errors = validateAlertMapping(mapping, picklists);
    expect(errors.map((e) => e.field)).toEqual(['category', 'team']);
    expect(errors[1]?.message).toBe('CloudBlue PSA ticket fields of alert type "BackupFailed": Team is required; choose one of: Support.');
  });
});

describe('validateTicketSettings', () => {
  const picklists = autotaskPicklists;

  it('accepts the fixture settings', () => {
    expect(validateTicketSettings(AUTOTASK, enabledSettings(), picklists)).toEqual([]);
  });

  it('needs a status for auto-close and for alert clearing when they are on', () => {
    const settings = enabledSettings({ autoClose: { enabled: true, status: null }, clearAlert: { enabled: true, statuses: [] } });
    const errors = validateTicketSettings(AUTOTASK, settings, picklists);
    expect(errors.map((e) => [e.code, e.field])).toEqual([['field_required', 'autoClose.status'], ['field_required', 'clearAlert.statuses']]);
    expect(errors[0]?.message).toBe('Autotask ticket settings: auto-closing needs a status; choose one of: 1 (New), 5 (Complete), 8 (In Progress), 13 (Waiting Customer).');
  });

  it('refuses statuses the target does not have', () => {
    const errors = validateTicketSettings(AUTOTASK, enabledSettings({ reopenStatus: '77', clearAlert: { enabled: true, statuses: ['5', '99'] } }), picklists);
    expect(errors.map((e) => [e.code, e.field, e.value])).toEqual([['value_not_allowed', 'reopenStatus', '77'], ['value_not_allowed', 'clearAlert.statuses', '99']]);
    expect(errors[0]?.message).toContain('Autotask ticket settings: the reopen status "77" is unknown to Autotask');
  });

  it('refuses days and note limits that are not whole positive numbers', () => {
    const settings = enabledSettings({ recurrence: { mode: 'reopen_within_days', days: 0.5 }, notes: { windowMinutes: 0, maxPerCycle: -1 } });
    expect(validateTicketSettings(AUTOTASK, settings, picklists).map((e) => e.field)).toEqual(['recurrence.days', 'notes.windowMinutes', 'notes.maxPerCycle']);
  });
});

describe('severity', () => {
  it('ranks the vendor\'s severities and treats unknown ones as warning', () => {
    expect(severityRank('ok')).toBeLessThan(severityRank('information'));
    expect(severityRank('critical')).toBeGreaterThan(severityRank('error'));
    expect(severityRank('Something')).toBe(severityRank('warning'));
    expect(passesSeverity('ok', 'information')).toBe(false);
    expect(passesSeverity('WARNING', 'warning')).toBe(true);
    expect(passesSeverity('information', 'error')).toBe(false);
  });
});
