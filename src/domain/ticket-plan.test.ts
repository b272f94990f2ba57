import { describe, expect, it } from 'vitest';
import type { AlertDecision, TicketDecision } from './ticket-lifecycle.ts';
import type { TicketLink } from './ticket-link.ts';
import { alertPlanEntry, deferredPlanEntry, isPlanChange, isPlanWorthy, parkedPlanEntry, ticketPlanEntry } from './ticket-plan.ts';

const base = { idempotencyKey: 'k', linkEvents: [], event: 'raised' as const, alertId: 'a-1', keyString: 'key' };
const fields = { target: 'autotask', fields: {} } as unknown as Extract<AlertDecision, { kind: 'add_note' }>['fields'];
const mapping = { state: 'mapped' as const, companyId: '7', companyName: 'Contoso' };

describe('ticket plans', () => {
  it('says what each alert decision writes, on which ticket, for which company', () => {
    const create: AlertDecision = {
      ...base,
      kind: 'create_ticket',
      episode: 1,
      cause: 'first_occurrence',
      externalRef: 'pb:x',
      companyId: '7',
      contractName: 'Contoso - Managed Backup',
      fields,
      title: 'Contoso: Backup failed on vm-1',
      description: '…',
    };
    expect(alertPlanEntry(create, { type: 'BackupFailed', tenantId: 't-1', typeName: 'Backup failed' }, mapping)).toEqual({
      kind: 'create_ticket',
      alertId: 'a-1',
      alertType: 'BackupFailed',
      alertTypeName: 'Backup failed',
      tenantId: 't-1',
      companyId: '7',
      companyName: 'Contoso',
      ticketId: null,
      what: 'Contoso: Backup failed on vm-1 (contract Contoso - Managed Backup)',
    });
    const note: AlertDecision = { ...base, kind: 'add_note', episode: 1, ticketId: '55', fields, note: { title: 'Repeated', text: '…' }, occurrences: 3 };
    expect(alertPlanEntry(note, { type: 'BackupFailed' }, mapping)).toMatchObject({ kind: 'add_note', ticketId: '55', what: 'note "Repeated" (occurrence 3)', tenantId: null, alertTypeName: null });
    const close: AlertDecision = { ...base, kind: 'close_ticket', episode: 1, ticketId: '55', status: null, fields, note: { title: 'Alert cleared', text: '…' } };
    expect(alertPlanEntry(close, { type: 'BackupFailed' }, mapping).what).toBe('status (no close status set): Alert cleared');
    const wait: AlertDecision = { ...base, episode: null, kind: 'wait_unmapped', tenantId: 't-9', mappingState: 'none', detail: 'tenant t-9 is not mapped' };
    expect(alertPlanEntry(wait, { type: 'BackupFailed', tenantId: 't-9' }, null)).toMatchObject({ kind: 'wait_unmapped', companyId: null, companyName: null, what: 'tenant t-9 is not mapped' });
  });

  it('says when a recurrence gets a new ticket instead of reopening the old one', () => {
    const again: AlertDecision = {
      ...base,
      kind: 'create_ticket',
      episode: 2,
      cause: 'recurrence_after_window',
      externalRef: 'pb:x:2',
      companyId: '7',
      contractName: null,
      fields,
      title: 'Contoso: Backup failed on vm-1',
      description: '…',
    };
    expect(alertPlanEntry(again, { type: 'BackupFailed' }, mapping)).toMatchObject({
      kind: 'create_ticket',
      what: 'Contoso: Backup failed on vm-1 — a new ticket: the last one was closed longer ago than the reopen window',
    });
  });

  it('names deferred and parked alerts with their company and why they wait', () => {
    expect(deferredPlanEntry('a-2', { type: 'NoBackupForXDays', tenantId: 't-1' }, mapping, 'the PSA budget is spent')).toEqual({
      kind: 'defer',
      alertId: 'a-2',
      alertType: 'NoBackupForXDays',
      alertTypeName: null,
      tenantId: 't-1',
      companyId: '7',
      companyName: 'Contoso',
      ticketId: null,
      what: 'the PSA budget is spent',
    });
    expect(parkedPlanEntry('a-3', { type: 'BackupFailed', tenantId: 't-1' }, null, 3, 'HTTP 500')).toMatchObject({ kind: 'park', companyName: null, what: 'failed 3 time(s), retried with backoff: HTTP 500' });
  });

  it('leaves re-reads of handled alerts and unchanged tickets out of the plan, and counts no `nothing` as a change', () => {
    const handled: AlertDecision = { ...base, episode: null, kind: 'nothing', reason: 'already_handled', detail: 'seen' };
    const disabled: AlertDecision = { ...base, episode: null, kind: 'nothing', reason: 'alert_type_disabled', detail: 'off' };
    expect(isPlanWorthy(handled)).toBe(false);
    expect(isPlanWorthy(disabled)).toBe(true);
    const unchanged: TicketDecision = { idempotencyKey: 'k', episode: 1, linkEvents: [], kind: 'nothing', reason: 'ticket_unchanged', detail: 'same' };
    expect(isPlanWorthy(unchanged)).toBe(false);
    expect(isPlanChange(alertPlanEntry(disabled, { type: 'MalwareDetected' }, mapping))).toBe(false);
    expect(isPlanChange({ kind: 'create_ticket' })).toBe(true);
    expect(isPlanChange({ kind: 'defer' })).toBe(true);
  });

  it('says which alerts a ticket status clears, on which company', () => {
    const clear: TicketDecision = { idempotencyKey: 'k', episode: 1, linkEvents: [], kind: 'clear_alert', ticketId: '55', alertIds: ['a-1', 'a-2'] };
    const link = { link: { companyId: '7' } as TicketLink, labels: { companyName: 'Contoso', tenantId: 't-1', alertType: 'BackupFailed' } };
    expect(ticketPlanEntry(clear, { id: '55', number: 'T1', status: '5' }, link)).toEqual({
      kind: 'clear_alert',
      ticketId: '55',
      ticketNumber: 'T1',
      companyId: '7',
      companyName: 'Contoso',
      tenantId: 't-1',
      alertType: 'BackupFailed',
      alertIds: ['a-1', 'a-2'],
      what: 'ticket reached status 5: clear 2 alert(s)',
    });
    expect(ticketPlanEntry(clear, { id: '55', number: null, status: '5' })).toMatchObject({ companyId: null, companyName: null, alertType: null });
  });

  it("records a technician's close or reopen as its own kind, not as nothing", () => {
    const closed: TicketDecision = { idempotencyKey: 'k', episode: 1, linkEvents: [{ type: 'closed', by: 'technician', at: '2026-01-01T00:00:00Z' }], kind: 'nothing', reason: 'ticket_state_recorded', detail: 'off' };
    expect(ticketPlanEntry(closed, { id: '55', number: 'T1', status: '5' })).toMatchObject({ kind: 'record_close', alertIds: [], what: 'a technician closed the ticket (status 5); recorded on its link' });
    const reopened: TicketDecision = { ...closed, linkEvents: [{ type: 'reopened', by: 'technician', alertId: null, at: '2026-01-01T00:00:00Z' }] };
    expect(ticketPlanEntry(reopened, { id: '55', number: 'T1', status: '8' }).kind).toBe('record_reopen');
    const off: TicketDecision = { idempotencyKey: 'k', episode: null, linkEvents: [], kind: 'nothing', reason: 'clear_alert_off', detail: 'Clearing alerts from tickets is off.' };
    expect(ticketPlanEntry(off, { id: '55', number: 'T1', status: '5' })).toMatchObject({ kind: 'nothing', what: 'clear_alert_off: Clearing alerts from tickets is off.' });
  });
});
