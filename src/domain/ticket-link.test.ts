import { describe, expect, it } from 'vitest';
import { DomainError } from './domain-error.ts';
import {
  ACTIVE_ALERT_IDS_MAX,
  applyLinkEvent,
  applyLinkEvents,
  createLink,
  findAlertInHistory,
  linkDisplayState,
  linkState,
  orderedHistory,
  type TicketLink,
} from './ticket-link.ts';
import { at } from './ticket-fixtures.test-support.ts';

function opened(): TicketLink {
  return createLink({ type: 'created', keyString: 'k', episode: 1, externalRef: 'pb:x:1', companyId: '174', alertId: 'a1', at: at(0) }, 'T1');
}

describe('ticket link state machine', () => {
  it('starts open with the alert that raised it', () => {
    const link = opened();
    expect(link).toMatchObject({ status: 'open', ticketId: 'T1', activeAlertIds: ['a1'], reopenCount: 0, createdAt: at(0), openedAt: at(0) });
    expect(linkState(link)).toBe('open');
    expect(linkDisplayState(link)).toBe('open');
  });

  it('goes open → closed → reopened → closed', () => {
    let link = applyLinkEvent(opened(), { type: 'closed', by: 'hub', at: at(10) });
    expect(linkState(link)).toBe('closed');
    expect(link).toMatchObject({ closedAt: at(10), closedBy: 'hub' });
    link = applyLinkEvent(link, { type: 'reopened', by: 'hub', alertId: 'a2', at: at(20) });
    expect(linkState(link)).toBe('reopened');
    expect(link).toMatchObject({ closedAt: null, closedBy: null, openedAt: at(20), reopenCount: 1, activeAlertIds: ['a1', 'a2'] });
    link = applyLinkEvent(link, { type: 'closed', by: 'technician', at: at(30) });
    expect(link).toMatchObject({ status: 'closed', closedBy: 'technician' });
  });

  it('shows "alert cleared" for an open ticket whose alerts all cleared, and closed once closed', () => {
    let link = applyLinkEvent(opened(), { type: 'alert_cleared', alertId: 'a1', at: at(5) });
    expect(link.alertClearedAt).toBe(at(5));
    expect(linkDisplayState(link)).toBe('alert_cleared');
    link = applyLinkEvent(link, { type: 'closed', by: 'technician', at: at(6) });
    expect(linkDisplayState(link)).toBe('closed');
  });

  it('counts repeats and resets the count with a note', () => {
    let link = applyLinkEvents(opened(), [
      { type: 'repeat_counted', alertId: 'a2', at: at(1) },
      { type: 'repeat_counted', alertId: 'a3', at: at(2) },
    ]);
    expect(link).toMatchObject({ pendingRepeats: 2, repeatCount: 2, activeAlertIds: ['a1', 'a2', 'a3'] });
    link = applyLinkEvent(link, { type: 'noted', alertId: 'a4', at: at(61) });
    expect(link).toMatchObject({ pendingRepeats: 0, repeatCount: 3, noteCount: 1, notesThisCycle: 1, lastNoteAt: at(61) });
  });

  it('a new occurrence makes a cleared link raised again', () => {
    let link = applyLinkEvent(opened(), { type: 'alert_cleared', alertId: 'a1', at: at(5) });
    link = applyLinkEvent(link, { type: 'repeat_counted', alertId: 'a2', at: at(6) });
    expect(link.alertClearedAt).toBeNull();
    expect(linkDisplayState(link)).toBe('open');
  });

  it('refuses what the state does not allow', () => {
    const closed = applyLinkEvent(opened(), { type: 'closed', by: 'hub', at: at(1) });
    expect(() => applyLinkEvent(closed, { type: 'closed', by: 'hub', at: at(2) })).toThrow(DomainError);
    expect(() => applyLinkEvent(closed, { type: 'noted', alertId: null, at: at(2) })).toThrow(/cannot take "noted"/);
    expect(() => applyLinkEvent(closed, { type: 'repeat_counted', alertId: 'a2', at: at(2) })).toThrow(DomainError);
    expect(() => applyLinkEvent(opened(), { type: 'reopened', by: 'hub', alertId: 'a2', at: at(2) })).toThrow(DomainError);
    expect(() => applyLinkEvent(opened(), { type: 'alert_cleared', alertId: 'zz', at: at(2) })).toThrow(DomainError);
    const requested = applyLinkEvent(opened(), { type: 'alert_clear_requested', at: at(2) });
    expect(() => applyLinkEvent(requested, { type: 'alert_clear_requested', at: at(3) })).toThrow(DomainError);
  });

  it('allows a new clear request in the next cycle', () => {
    let link = applyLinkEvent(opened(), { type: 'alert_clear_requested', at: at(2) });
    link = applyLinkEvents(link, [{ type: 'closed', by: 'technician', at: at(3) }, { type: 'reopened', by: 'technician', alertId: null, at: at(4) }]);
    expect(applyLinkEvent(link, { type: 'alert_clear_requested', at: at(5) }).alertClearRequestedCycle).toBe(1);
  });

  it('bounds the alert ids it remembers', () => {
    let link = opened();
    for (let index = 0; index < ACTIVE_ALERT_IDS_MAX + 50; index += 1) link = applyLinkEvent(link, { type: 'repeat_counted', alertId: `r${index}`, at: at(1) });
    expect(link.activeAlertIds).toHaveLength(ACTIVE_ALERT_IDS_MAX);
    expect(link.repeatCount).toBe(ACTIVE_ALERT_IDS_MAX + 50);
  });
});

describe('history helpers', () => {
  it('orders by episode and refuses foreign or duplicate links', () => {
    const first = opened();
    const second = { ...opened(), episode: 2, ticketId: 'T2' };
    expect(orderedHistory([second, first], 'k').map((l) => l.episode)).toEqual([1, 2]);
    expect(() => orderedHistory([first], 'other')).toThrow(DomainError);
    expect(() => orderedHistory([first, { ...first }], 'k')).toThrow(/share episode 1/);
  });

  it('finds an alert as active or recently cleared', () => {
    const link = applyLinkEvents(opened(), [{ type: 'repeat_counted', alertId: 'a2', at: at(1) }, { type: 'alert_cleared', alertId: 'a1', at: at(2) }]);
    expect(findAlertInHistory([link], 'a2')?.as).toBe('active');
    expect(findAlertInHistory([link], 'a1')?.as).toBe('cleared');
    expect(findAlertInHistory([link], 'a9')).toBeNull();
  });
});
