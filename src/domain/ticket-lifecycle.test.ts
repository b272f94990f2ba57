import { describe, expect, it } from 'vitest';
import { alertKeyHash, alertKeyOf, alertKeyString, ticketExternalRef, type AlertKey } from './alert-identity.ts';
import type { TicketSettings } from './alert-mapping.ts';
import { DomainError } from './domain-error.ts';
import {
  alertEventOf,
  applyDecision,
  decideAlertEvent,
  decideTicketEvent,
  type AlertDecision,
  type AlertEventInput,
  type CompanyMapping,
  type ObservedTicket,
} from './ticket-lifecycle.ts';
import { linkDisplayState, type TicketLink } from './ticket-link.ts';
import { AUTOTASK, CONSOLE, MACHINE_A, MACHINE_B, MAPPED, TENANT, at, atDays, autotaskMapping, cleared, enabledSettings, makeAlert } from './ticket-fixtures.test-support.ts';
import type { VendorAlert } from './vendor-model.ts';

const KEY_A = alertKeyOf(makeAlert({ resourceId: MACHINE_A })) as AlertKey;
const HASH_A = alertKeyHash(KEY_A);

function decide(alert: VendorAlert, links: readonly TicketLink[], now: string, extra: Partial<AlertEventInput> = {}): AlertDecision {
  return decideAlertEvent({
    alert,
    links,
    mapping: MAPPED,
    alertMapping: autotaskMapping(),
    settings: enabledSettings(),
    now,
    consoleUrl: CONSOLE,
    ...extra,
  });
}

/** A tiny target: ticket ids T1, T2, … in creation order. */
class World {
  links: TicketLink[] = [];
  decisions: AlertDecision[] = [];
  private nextTicket = 1;

  constructor(private readonly extra: Partial<AlertEventInput> = {}) {}

  /** Decides and, like a successful apply, persists the decision's link events. */
  see(alert: VendorAlert, now: string, extra: Partial<AlertEventInput> = {}): AlertDecision {
    const decision = decide(alert, this.links, now, { ...this.extra, ...extra });
    this.decisions.push(decision);
    const ticketId = decision.kind === 'create_ticket' ? `T${this.nextTicket++}` : undefined;
    this.links = applyDecision(this.links, decision, ticketId === undefined ? {} : { ticketId });
    return decision;
  }

  ticket(observed: Omit<ObservedTicket, 'id'>, settings: TicketSettings = enabledSettings(), episode = this.links.length) {
    const link = this.links.find((l) => l.episode === episode) as TicketLink;
    const decision = decideTicketEvent({ ticket: { id: link.ticketId, ...observed }, link, settings });
    this.links = applyDecision(this.links, decision);
    return decision;
  }

  kinds(): string[] {
    return this.decisions.map((d) => d.kind);
  }

  get last(): TicketLink {
    return this.links.at(-1) as TicketLink;
  }
}

describe('preconditions', () => {
  it('does nothing while the feature is off', () => {
    const decision = decide(makeAlert(), [], at(0), { settings: { ...enabledSettings(), enabled: false } });
    expect(decision).toMatchObject({ kind: 'nothing', reason: 'feature_off', linkEvents: [] });
  });

  it('does nothing for an alert type that is disabled or not mapped', () => {
    expect(decide(makeAlert({ type: 'QuotaExceeded' }), [], at(0))).toMatchObject({ kind: 'nothing', reason: 'alert_type_disabled' });
    expect(decide(makeAlert({ type: 'EDRIncidentDetected' }), [], at(0))).toMatchObject({ kind: 'nothing', reason: 'alert_type_disabled' });
  });

  it('filters by severity, globally and per alert type', () => {
    expect(decide(makeAlert({ severity: 'ok' }), [], at(0))).toMatchObject({ kind: 'nothing', reason: 'severity_filtered' });
    const mapping = autotaskMapping();
    (mapping.types['BackupFailed'] as { minSeverity?: 'critical' }).minSeverity = 'critical';
    expect(decide(makeAlert({ severity: 'error' }), [], at(0), { alertMapping: mapping })).toMatchObject({ kind: 'nothing', reason: 'severity_filtered' });
    expect(decide(makeAlert({ severity: 'critical' }), [], at(0), { alertMapping: mapping }).kind).toBe('create_ticket');
  });

  it('does nothing for an alert that names no tenant', () => {
    expect(decide(makeAlert({ tenantId: null }), [], at(0))).toMatchObject({ kind: 'nothing', reason: 'no_tenant', keyString: null });
  });
});

describe('unmapped tenants', () => {
  it('wait, never fall back to another company, and get their ticket once mapped', () => {
    const alert = makeAlert();
    for (const mapping of [null, { ...MAPPED, state: 'not_mapped' }, { ...MAPPED, state: 'failed' }, { ...MAPPED, state: 'ready' }] as (CompanyMapping | null)[]) {
      const decision = decide(alert, [], at(0), { mapping });
      expect(decision).toMatchObject({ kind: 'wait_unmapped', tenantId: TENANT, linkEvents: [] });
      if (decision.kind === 'wait_unmapped') expect(decision.detail).toContain('not mapped');
    }
    const world = new World({ mapping: null });
    expect(world.see(alert, at(0)).kind).toBe('wait_unmapped');
    expect(world.links).toEqual([]);
    // Re-evaluated once the directory loop mapped the tenant.
    const created = world.see(alert, at(30), { mapping: MAPPED });
    expect(created).toMatchObject({ kind: 'create_ticket', companyId: '174', episode: 1 });
  });

  it('keeps the wait decision stable for the visible queue', () => {
    const alert = makeAlert();
    expect(decide(alert, [], at(0), { mapping: null }).idempotencyKey).toBe(decide(alert, [], at(5), { mapping: null }).idempotencyKey);
  });
});

describe('first occurrence', () => {
  it('creates one ticket on the mapped company with the type\'s fields and a technician-ready text', () => {
    const decision = decide(makeAlert(), [], at(0));
    expect(decision.kind).toBe('create_ticket');
    if (decision.kind !== 'create_ticket') return;
    expect(decision).toMatchObject({
      cause: 'first_occurrence',
      episode: 1,
      companyId: '174',
      contractName: 'Acme Managed Backup 2026',
      externalRef: ticketExternalRef(KEY_A, 1),
      idempotencyKey: `tkt:${HASH_A}:e1:create`,
      fields: { target: AUTOTASK, fields: { source: '2', noteType: '1', publish: '1', queue: '5', status: '1', priority: '2', issueType: '10', subIssueType: '101' } },
      title: 'Acme Ltd: Backup failed on srv-files-01',
    });
    expect(decision.description).toContain('Contract: Acme Managed Backup 2026');
    expect(decision.description).toContain(CONSOLE);
    expect(decision.keyString).toBe(alertKeyString(KEY_A));
  });
});

describe('storms and repeats', () => {
  it('a storm of 50 alerts for one machine within minutes is one ticket and no note flood', () => {
    const world = new World();
    for (let index = 0; index < 50; index += 1) world.see(makeAlert({ createdAt: at(index * 0.2) }), at(index * 0.2));
    expect(world.kinds().filter((k) => k === 'create_ticket')).toHaveLength(1);
    expect(world.kinds().filter((k) => k === 'add_note')).toHaveLength(0);
    expect(world.links).toHaveLength(1);
    expect(world.last).toMatchObject({ pendingRepeats: 49, repeatCount: 49 });
    expect(world.decisions[1]).toMatchObject({ kind: 'nothing', reason: 'repeat_coalesced' });
  });

  it('a storm over hours gets at most one note per window, each with the count since the last', () => {
    const world = new World();
    for (let index = 0; index < 50; index += 1) world.see(makeAlert({ createdAt: at(index * 6) }), at(index * 6));
    const notes = world.decisions.filter((d) => d.kind === 'add_note');
    expect(world.links).toHaveLength(1);
    // 294 minutes of repeats, one note per 60 minutes at most.
    expect(notes.length).toBeLessThanOrEqual(5);
    expect(notes.length).toBeGreaterThanOrEqual(4);
    expect(notes[0]).toMatchObject({ occurrences: 10, idempotencyKey: `tkt:${HASH_A}:e1:note:1` });
    expect(notes[1]?.idempotencyKey).toBe(`tkt:${HASH_A}:e1:note:2`);
    const reported = notes.reduce((sum, note) => sum + (note.kind === 'add_note' ? note.occurrences : 0), 0);
    expect(reported + world.last.pendingRepeats).toBe(49);
  });

  it('caps the notes per open period; later repeats are only counted', () => {
    const world = new World();
    for (let index = 0; index < 200; index += 1) world.see(makeAlert({ createdAt: at(index * 120) }), at(index * 120));
    expect(world.kinds().filter((k) => k === 'add_note')).toHaveLength(10);
    expect(world.decisions.at(-1)).toMatchObject({ kind: 'nothing', reason: 'note_limit_reached' });
    expect(world.last.repeatCount).toBe(199);
  });

  it('two machines are two tickets', () => {
    const world = new World();
    const onA = world.see(makeAlert({ resourceId: MACHINE_A }), at(0));
    const links = world.links;
    world.links = [];
    const onB = world.see(makeAlert({ resourceId: MACHINE_B, resourceName: 'srv-mail-02' }), at(1));
    expect(onA.kind).toBe('create_ticket');
    expect(onB.kind).toBe('create_ticket');
    if (onA.kind !== 'create_ticket' || onB.kind !== 'create_ticket') return;
    expect(onA.externalRef).not.toBe(onB.externalRef);
    expect(onA.idempotencyKey).not.toBe(onB.idempotencyKey);
    expect(onB.title).toBe('Acme Ltd: Backup failed on srv-mail-02');
    // Histories are per key: handing one machine's links in for the other is a caller bug.
    expect(() => decide(makeAlert({ resourceId: MACHINE_B }), links, at(2))).toThrow(DomainError);
  });
});

describe('recurrence after the ticket closed', () => {
  function closedWorld(settings: TicketSettings, closedAt = at(30)): World {
    const world = new World({ settings });
    const first = makeAlert({ createdAt: at(0) });
    world.see(first, at(0));
    world.see(cleared(first, closedAt), closedAt);
    expect(world.last).toMatchObject({ status: 'closed', closedBy: 'hub', closedAt });
    return world;
  }

  it('reopens the last ticket with the configured status within N days', () => {
    const world = closedWorld(enabledSettings());
    const decision = world.see(makeAlert({ createdAt: atDays(6) }), atDays(6));
    expect(decision).toMatchObject({ kind: 'reopen_ticket', ticketId: 'T1', status: '8', idempotencyKey: `tkt:${HASH_A}:e1:reopen:c1` });
    if (decision.kind === 'reopen_ticket') expect(decision.note.text).toContain('within 7 day(s)');
    expect(linkDisplayState(world.last)).toBe('reopened');
  });

  it('reopens with the alert type\'s status when no reopen status is set', () => {
    const world = closedWorld(enabledSettings({ reopenStatus: null }));
    expect(world.see(makeAlert({ createdAt: at(60) }), at(60))).toMatchObject({ kind: 'reopen_ticket', status: '1' });
  });

  it('creates a new ticket once the last one has been closed for N days', () => {
    const world = closedWorld(enabledSettings());
    const decision = world.see(makeAlert({ createdAt: at(30 + 7 * 24 * 60) }), atDays(8));
    expect(decision).toMatchObject({ kind: 'create_ticket', episode: 2, cause: 'recurrence_after_window', idempotencyKey: `tkt:${HASH_A}:e2:create` });
    if (decision.kind === 'create_ticket') expect(decision.externalRef).toBe(ticketExternalRef(KEY_A, 2));
    expect(world.links.map((l) => [l.ticketId, l.status])).toEqual([['T1', 'closed'], ['T2', 'open']]);
  });

  it('measures the window from when the alert was raised, not from when the loop saw it', () => {
    const world = closedWorld(enabledSettings());
    // Raised on day 6, observed on day 9 (the loop was down): still within the 7 days.
    expect(world.see(makeAlert({ createdAt: atDays(6) }), atDays(9)).kind).toBe('reopen_ticket');
  });

  it('reopens on every occurrence when no N is set (Autotask and ConnectWise default)', () => {
    const world = closedWorld(enabledSettings({ recurrence: { mode: 'reopen_always' } }));
    expect(world.see(makeAlert({ createdAt: atDays(400) }), atDays(400)).kind).toBe('reopen_ticket');
  });

  it('always creates a new ticket when reopening is off (CloudBlue default)', () => {
    const world = closedWorld(enabledSettings({ recurrence: { mode: 'new_always' } }));
    expect(world.see(makeAlert({ createdAt: at(31) }), at(31))).toMatchObject({ kind: 'create_ticket', episode: 2, cause: 'recurrence_new_always' });
  });

  it('reopens a ticket a technician closed while the condition went on', () => {
    const world = new World();
    world.see(makeAlert({ createdAt: at(0) }), at(0));
    const recorded = world.ticket({ status: '1', closed: true, lastModifiedAt: at(45) }, enabledSettings({ clearAlert: { enabled: false, statuses: [] } }));
    expect(recorded).toMatchObject({ kind: 'nothing', reason: 'ticket_state_recorded' });
    expect(world.last).toMatchObject({ status: 'closed', closedBy: 'technician', closedAt: at(45) });
    const decision = world.see(makeAlert({ createdAt: at(50) }), at(50));
    expect(decision).toMatchObject({ kind: 'reopen_ticket', ticketId: 'T1' });
    if (decision.kind === 'reopen_ticket') expect(decision.note.text).toContain(`this ticket was closed at ${at(45)}`);
  });
});

describe('alert cleared', () => {
  it('closes the ticket with the closing status and a note when auto-close is on', () => {
    const world = new World();
    const alert = makeAlert();
    world.see(alert, at(0));
    world.see(makeAlert({ createdAt: at(10) }), at(10));
    const repeat = world.links[0]?.activeAlertIds[1] as string;
    expect(world.see(cleared(alert, at(20)), at(20))).toMatchObject({ kind: 'nothing', reason: 'other_alerts_active' });
    const decision = world.see(cleared({ ...alert, id: repeat }, at(21)), at(21));
    expect(decision).toMatchObject({ kind: 'close_ticket', ticketId: 'T1', status: '5', idempotencyKey: `tkt:${HASH_A}:e1:close:c0` });
    if (decision.kind === 'close_ticket') expect(decision.note.text).toContain('raised again once since the last note');
    expect(world.last).toMatchObject({ status: 'closed', closedBy: 'hub', alertClearedAt: at(21) });
  });

  it('leaves the ticket open, marked "alert cleared", when auto-close is off', () => {
    const world = new World({ settings: enabledSettings({ autoClose: { enabled: false, status: null } }) });
    const alert = makeAlert();
    world.see(alert, at(0));
    expect(world.see(cleared(alert, at(5)), at(5))).toMatchObject({ kind: 'nothing', reason: 'auto_close_off' });
    expect(world.last.status).toBe('open');
    expect(linkDisplayState(world.last)).toBe('alert_cleared');
  });

  it('still closes the ticket when the alert type was disabled or the tenant unmapped since', () => {
    const world = new World();
    const alert = makeAlert();
    world.see(alert, at(0));
    const mapping = autotaskMapping();
    mapping.types['BackupFailed'] = { enabled: false, fields: {} };
    expect(world.see(cleared(alert, at(5)), at(5), { alertMapping: mapping, mapping: null }).kind).toBe('close_ticket');
  });

  it('makes a recurrence on a tenant that lost its mapping wait, rather than touch the old ticket', () => {
    const world = new World();
    world.see(makeAlert(), at(0));
    expect(world.see(makeAlert({ createdAt: at(90) }), at(90), { mapping: { ...MAPPED, state: 'not_mapped', companyId: null } }).kind).toBe('wait_unmapped');
  });

  it('ignores the clear of an alert that never made a ticket', () => {
    expect(decide(cleared(makeAlert(), at(5)), [], at(5))).toMatchObject({ kind: 'nothing', reason: 'not_linked' });
  });

  it('derives the event from the alert: deletedAt set is cleared', () => {
    const alert = makeAlert();
    expect(alertEventOf(alert, [])).toBe('raised');
    expect(alertEventOf(cleared(alert, at(1)), [])).toBe('cleared');
    expect(alertEventOf({ ...alert, deletedAt: null, dismissed: true }, [])).toBe('cleared');
    expect(() => decide(alert, [], at(0), { event: 'cleared' })).toThrow(/handed in as "cleared"/);
  });
});

describe('ticket reaches the clear status', () => {
  it('clears the vendor alert once; the dismissal that follows leaves the technician\'s ticket alone', () => {
    const world = new World();
    const alert = makeAlert();
    world.see(alert, at(0));
    // "Waiting Customer" (13) is a clear status but not a closed one.
    const first = world.ticket({ status: '13', closed: false, lastModifiedAt: at(40) });
    expect(first).toMatchObject({ kind: 'clear_alert', ticketId: 'T1', alertIds: [alert.id.toLowerCase()], idempotencyKey: `tkt:${HASH_A}:e1:clear-alert:c0` });
    expect(world.ticket({ status: '13', closed: false, lastModifiedAt: at(41) })).toMatchObject({ kind: 'nothing', reason: 'clear_already_requested' });
    expect(world.see(cleared(alert, at(42)), at(42))).toMatchObject({ kind: 'nothing', reason: 'cleared_by_ticket_status' });
    expect(world.last.status).toBe('open');
    expect(world.ticket({ status: '13', closed: false, lastModifiedAt: at(50) })).toMatchObject({ kind: 'nothing', reason: 'alert_already_cleared' });
  });

  it('records a technician\'s close and clears the alert in one decision', () => {
    const world = new World();
    world.see(makeAlert(), at(0));
    const decision = world.ticket({ status: '5', closed: true, lastModifiedAt: at(40) });
    expect(decision.kind).toBe('clear_alert');
    expect(decision.linkEvents.map((e) => e.type)).toEqual(['closed', 'alert_clear_requested']);
    expect(world.last).toMatchObject({ status: 'closed', closedBy: 'technician' });
    expect(world.ticket({ status: '5', closed: true, lastModifiedAt: at(40) })).toMatchObject({ kind: 'nothing', reason: 'clear_already_requested' });
  });

  it('does not clear again after the hub auto-closed the ticket for a cleared alert', () => {
    const world = new World();
    const alert = makeAlert();
    world.see(alert, at(0));
    world.see(cleared(alert, at(10)), at(10));
    expect(world.ticket({ status: '5', closed: true, lastModifiedAt: at(10) })).toMatchObject({ kind: 'nothing', reason: 'alert_already_cleared', linkEvents: [] });
  });

  it('does nothing for other statuses, or when clearing is off', () => {
    const world = new World();
    world.see(makeAlert(), at(0));
    expect(world.ticket({ status: '8', closed: false, lastModifiedAt: at(5) })).toMatchObject({ kind: 'nothing', reason: 'ticket_unchanged' });
    const off = enabledSettings({ clearAlert: { enabled: false, statuses: ['5'] } });
    expect(world.ticket({ status: '5', closed: false, lastModifiedAt: at(6) }, off)).toMatchObject({ kind: 'nothing', reason: 'clear_alert_off' });
  });

  it('keeps recording a technician\'s close while the feature is off', () => {
    const world = new World();
    world.see(makeAlert(), at(0));
    const decision = world.ticket({ status: '5', closed: true, lastModifiedAt: at(9) }, { ...enabledSettings(), enabled: false });
    expect(decision).toMatchObject({ kind: 'nothing', reason: 'ticket_state_recorded' });
    expect(world.last).toMatchObject({ status: 'closed', closedBy: 'technician' });
  });

  it('records a technician reopening', () => {
    const world = new World();
    const alert = makeAlert();
    world.see(alert, at(0));
    world.see(cleared(alert, at(10)), at(10));
    expect(world.ticket({ status: '1', closed: false, lastModifiedAt: at(20) })).toMatchObject({ kind: 'nothing', reason: 'ticket_state_recorded' });
    expect(world.last).toMatchObject({ status: 'open', reopenCount: 1 });
  });

  it('refuses a ticket handed in with another ticket\'s link', () => {
    const world = new World();
    world.see(makeAlert(), at(0));
    expect(() => decideTicketEvent({ ticket: { id: 'T9', status: '5', closed: true, lastModifiedAt: at(1) }, link: world.last, settings: enabledSettings() })).toThrow(DomainError);
  });
});

describe('idempotency', () => {
  it('decides the same thing, with the same key, for the same inputs', () => {
    const alert = makeAlert();
    expect(decide(alert, [], at(0))).toEqual(decide(alert, [], at(0)));
    expect(decide(alert, [], at(0)).idempotencyKey).toBe(decide({ ...alert, id: alert.id.toUpperCase() }, [], at(3)).idempotencyKey);
  });

  it('reprocessing an event after its decision was applied does nothing', () => {
    const world = new World();
    const alert = makeAlert({ createdAt: at(0) });
    world.see(alert, at(0));
    expect(world.see(alert, at(1))).toMatchObject({ kind: 'nothing', reason: 'already_handled', linkEvents: [] });
    const repeat = makeAlert({ createdAt: at(61) });
    expect(world.see(repeat, at(61)).kind).toBe('add_note');
    expect(world.see(repeat, at(62))).toMatchObject({ kind: 'nothing', reason: 'already_handled' });
    const gone = cleared(alert, at(70));
    expect(world.see(gone, at(70))).toMatchObject({ kind: 'nothing', reason: 'other_alerts_active' });
    expect(world.see(gone, at(71))).toMatchObject({ kind: 'nothing', reason: 'already_handled', linkEvents: [] });
    expect(world.see(cleared(repeat, at(72)), at(72)).kind).toBe('close_ticket');
    expect(world.see(cleared(repeat, at(72)), at(73))).toMatchObject({ kind: 'nothing', reason: 'already_handled' });
    const back = makeAlert({ createdAt: at(80) });
    expect(world.see(back, at(80)).kind).toBe('reopen_ticket');
    expect(world.see(back, at(81))).toMatchObject({ kind: 'nothing', reason: 'already_handled' });
  });

  it('an update of a linked alert (same id, newer cursor) does nothing', () => {
    const world = new World();
    const alert = makeAlert();
    world.see(alert, at(0));
    expect(world.see({ ...alert, updatedAtNs: (BigInt(alert.updatedAtNs) + 5n).toString(), severity: 'critical' }, at(90))).toMatchObject({ kind: 'nothing', reason: 'already_handled', event: 'updated' });
  });

  it('after a crash before the link was saved, the same create comes back with the same key and reference', () => {
    const alert = makeAlert();
    const before = decide(alert, [], at(0));
    const after = decide(alert, [], at(7));
    expect(after.kind).toBe('create_ticket');
    if (before.kind !== 'create_ticket' || after.kind !== 'create_ticket') return;
    expect(after.idempotencyKey).toBe(before.idempotencyKey);
    expect(after.externalRef).toBe(before.externalRef);
  });

  it('close, reopen and clear keys are numbered by the open period', () => {
    const world = new World();
    const keys: string[] = [];
    for (let cycle = 0; cycle < 3; cycle += 1) {
      const alert = makeAlert({ createdAt: at(cycle * 100) });
      keys.push(world.see(alert, at(cycle * 100)).idempotencyKey);
      keys.push(world.see(cleared(alert, at(cycle * 100 + 50)), at(cycle * 100 + 50)).idempotencyKey);
    }
    expect(keys).toEqual([
      `tkt:${HASH_A}:e1:create`,
      `tkt:${HASH_A}:e1:close:c0`,
      `tkt:${HASH_A}:e1:reopen:c1`,
      `tkt:${HASH_A}:e1:close:c1`,
      `tkt:${HASH_A}:e1:reopen:c2`,
      `tkt:${HASH_A}:e1:close:c2`,
    ]);
  });

  it('applying a create needs the created ticket\'s id', () => {
    const decision = decide(makeAlert(), [], at(0));
    expect(() => applyDecision([], decision)).toThrow(/needs the id/);
  });
});
