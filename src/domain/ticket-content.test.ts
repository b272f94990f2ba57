import { describe, expect, it } from 'vitest';
import { alertKeyOf, type AlertKey } from './alert-identity.ts';
import {
  alertInWords,
  autoCloseNote,
  humanizeAlertType,
  nsToUtcIso,
  recurrenceNote,
  reopenNote,
  ticketText,
  type TicketContentInput,
} from './ticket-content.ts';
import { AUTOTASK, CLOUDBLUE, CONNECTWISE, CONSOLE, MACHINE_A, PLAN, TENANT, at, cleared, makeAlert } from './ticket-fixtures.test-support.ts';
import type { VendorAlert } from './vendor-model.ts';

function input(alert: VendorAlert = makeAlert({ createdAt: '2025-10-24T17:19:15+02:00' }), extra: Partial<TicketContentInput> = {}): TicketContentInput {
  return {
    target: AUTOTASK,
    alert,
    key: alertKeyOf(alert) as AlertKey,
    companyName: 'Acme Ltd',
    tenantName: 'Acme',
    contractName: 'Acme Managed Backup 2026',
    consoleUrl: CONSOLE,
    externalRef: 'pb:0123456789abcdef:1:BackupFailed',
    ...extra,
  };
}

describe('ticket title', () => {
  it('names the customer, the alert in words and the machine', () => {
    expect(ticketText(input()).title).toBe('Acme Ltd: Backup failed on srv-files-01');
  });

  it('has no time or counter, so repeats and later alerts read the same', () => {
    const later = makeAlert({ createdAt: at(600) });
    expect(ticketText(input(later)).title).toBe(ticketText(input()).title);
    expect(ticketText(input()).title).not.toMatch(/\d{4}-\d{2}-\d{2}/);
  });

  it('falls back to the plan, then to the customer alone', () => {
    expect(ticketText(input(makeAlert({ resourceId: null, resourceName: null }))).title).toBe('Acme Ltd: Backup failed on Daily servers');
    expect(ticketText(input({ ...makeAlert({ details: {} }), title: null })).title).toBe('Acme Ltd: Backup failed');
  });

  it('keeps within each target\'s limit', () => {
    const long = { ...makeAlert(), title: 'Backup failed '.repeat(40) };
    for (const target of [AUTOTASK, CONNECTWISE, CLOUDBLUE]) {
      const { title } = ticketText(input(long, { target }));
      expect(title.length).toBeLessThanOrEqual(target.textLimits.title);
      expect(title.startsWith('Acme Ltd: Backup failed')).toBe(true);
    }
    expect(AUTOTASK.textLimits.title).toBe(255);
    expect(CONNECTWISE.textLimits.title).toBe(100);
  });
});

describe('alert in words', () => {
  it('prefers the alert\'s title, then the type\'s title, then the type id made readable', () => {
    const alert = makeAlert({ type: 'NoBackupForXDays' });
    expect(alertInWords(alert)).toBe('Backup failed');
    expect(alertInWords({ ...alert, title: null }, 'No backup for X days')).toBe('No backup for X days');
    expect(alertInWords({ ...alert, title: null })).toBe('No backup for X days');
  });

  it('reads CTI and acronym type ids', () => {
    expect(humanizeAlertType('cti.a.p.am.alert.v1.0~a.p.backup.failed.v1.0')).toBe('Backup failed');
    expect(humanizeAlertType('EDRIncidentDetected')).toBe('EDR incident detected');
    expect(humanizeAlertType('DrStorageHardQuotaExceeds')).toBe('Dr storage hard quota exceeds');
  });
});

describe('ticket description', () => {
  const { description } = ticketText(input());

  it('says who, what, where and when, in UTC', () => {
    expect(description).toContain('Customer: Acme Ltd (Acronis tenant "Acme")');
    expect(description).toContain(`Machine or resource: srv-files-01 (resource id ${MACHINE_A})`);
    expect(description).toContain(`Plan: Daily servers (plan id ${PLAN})`);
    expect(description).toContain('Severity: error');
    expect(description).toContain('What happened: The backup of srv-files-01 failed: the destination is not reachable.');
    expect(description).toContain('Raised at (UTC): 2025-10-24T15:19:15.000Z');
    expect(description).toMatch(/Alert id: 33a7e16f-/);
    expect(description).toContain(`Acronis tenant: ${TENANT} (legacy id 104)`);
    expect(description).toContain(`Open the Acronis management console to investigate: ${CONSOLE}`);
    expect(description).toContain('Reference: pb:0123456789abcdef:1:BackupFailed');
    expect(description).toContain('  startTime: 1761319142');
  });

  it('names the contract only when billing is mapped', () => {
    expect(description).toContain('Contract: Acme Managed Backup 2026');
    expect(ticketText(input(undefined, { contractName: null })).description).not.toContain('Contract:');
  });

  it('says when the alert is about the plan or the customer as a whole', () => {
    expect(ticketText(input(makeAlert({ resourceId: null }))).description).toContain('Machine or resource: no single machine; the alert is about the plan');
    expect(ticketText(input(makeAlert({ details: {} }))).description).toContain('the alert is about the customer as a whole');
  });

  it('keeps within the description limit', () => {
    const alert = { ...makeAlert(), description: 'x'.repeat(20_000) };
    expect(ticketText(input(alert)).description.length).toBeLessThanOrEqual(AUTOTASK.textLimits.description);
  });
});

describe('notes', () => {
  const alert = makeAlert({ createdAt: at(70) });

  it('reports repeats with their count and the period', () => {
    const note = recurrenceNote({ target: AUTOTASK, alert, occurrences: 12, since: at(0), at: at(70) });
    expect(note.title).toBe('Alert raised again: Backup failed');
    expect(note.text).toContain(`raised again 12 times since ${at(0)} (UTC)`);
    expect(note.text).toContain(`raised at ${at(70)} (UTC)`);
  });

  it('says why a ticket is reopened and with which status', () => {
    const note = reopenNote({ target: AUTOTASK, alert, closedAt: at(30), closedBy: 'technician', occurrences: 1, status: '8', withinDays: 7 });
    expect(note.text).toContain(`raised again (once); this ticket was closed at ${at(30)}`);
    expect(note.text).toContain('within 7 day(s)');
    expect(note.text).toContain('Status set to 8.');
    const always = reopenNote({ target: AUTOTASK, alert, closedAt: at(30), closedBy: 'hub', occurrences: 3, status: null, withinDays: null });
    expect(always.text).toContain('closed automatically when the alert cleared');
    expect(always.text).toContain('reopened on every recurrence');
  });

  it('says when the alert cleared and reports repeats not yet noted', () => {
    const note = autoCloseNote({ target: AUTOTASK, alert: cleared(alert, at(95)), status: '5', unreportedRepeats: 4 });
    expect(note.text).toContain(`cleared in Acronis at ${at(95)} (UTC)`);
    expect(note.text).toContain('raised again 4 times since the last note');
    expect(note.text).toContain('closed automatically with status 5');
  });

  it('converts nanosecond cursors to UTC', () => {
    expect(nsToUtcIso('1761319155216375706')).toBe('2025-10-24T15:19:15.216Z');
    expect(nsToUtcIso('not-a-number')).toBeNull();
  });
});
