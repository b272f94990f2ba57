import { describe, expect, it } from 'vitest';
import type { AlertDecision, TicketDecision } from './ticket-lifecycle.ts';
import { alertPlanEntry, isPlanWorthy, ticketPlanEntry } from './ticket-plan.ts';

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
    expect(alertPlanEntry(create, { type: 'BackupFailed', tenantId: 't-1' }, mapping)).toEqual({
      alertId: 'a-1',
      alertType: 'BackupFailed',
      tenantId: 't-1',
      company: 'Contoso',
      action: 'create_ticket',
      ticketId: null,
      what: 'Contoso: Backup failed on vm-1 (contract Contoso - Managed Backup)',
    });
    const note: AlertDecision = { ...base, kind: 'add_note', episode: 1, ticketId: '55', fields, note: { title: 'Repeated', text: '…' }, occurrences: 3 };
    expect(alertPlanEntry(note, { type: 'BackupFailed' }, mapping)).toMatchObject({ action: 'add_note', ticketId: '55', what: 'note "Repeated" (occurrence 3)', tenantId: null });
    const close: AlertDecision = { ...base, kind: 'close_ticket', episode: 1, ticketId: '55', status: null, fields, note: { title: 'Alert cleared', text: '…' } };
    expect(alertPlanEntry(close, { type: 'BackupFailed' }, mapping).what).toBe('status (no close status set): Alert cleared');
    const wait: AlertDecision = { ...base, episode: null, kind: 'wait_unmapped', tenantId: 't-9', mappingState: 'none', detail: 'tenant t-9 is not mapped' };
    expect(alertPlanEntry(wait, { type: 'BackupFailed', tenantId: 't-9' }, null)).toMatchObject({ action: 'wait_unmapped', company: null, what: 'tenant t-9 is not mapped' });
  });

  it('leaves re-reads of handled alerts and unchanged tickets out of the plan', () => {
    const handled: AlertDecision = { ...base, episode: null, kind: 'nothing', reason: 'already_handled', detail: 'seen' };
    const disabled: AlertDecision = { ...base, episode: null, kind: 'nothing', reason: 'alert_type_disabled', detail: 'off' };
    expect(isPlanWorthy(handled)).toBe(false);
    expect(isPlanWorthy(disabled)).toBe(true);
    const unchanged: TicketDecision = { idempotencyKey: 'k', episode: 1, linkEvents: [], kind: 'nothing', reason: 'ticket_unchanged', detail: 'same' };
    expect(isPlanWorthy(unchanged)).toBe(false);
  });

  it('says which alerts a ticket status clears', () => {
    const clear: TicketDecision = { idempotencyKey: 'k', episode: 1, linkEvents: [], kind: 'clear_alert', ticketId: '55', alertIds: ['a-1', 'a-2'] };
    expect(ticketPlanEntry(clear, { id: '55', number: 'T1', status: '5' })).toEqual({
      ticketId: '55',
      ticketNumber: 'T1',
      action: 'clear_alert',
      alertIds: ['a-1', 'a-2'],
      what: 'ticket reached status 5: clear 2 alert(s)',
    });
  });
});
