/**
 * Property-style check of the lifecycle: random sequences of alert raises, repeats, updates,
 * duplicate deliveries, clears, technician closes / reopens / clear statuses and crashes between
 * "external write done" and "link saved", run through a tiny simulator of the alerts loop, the
 * tickets loop, the journal and a PSA. Whatever happens: never two open tickets for one key, never
 * two tickets for one (key, episode), and the links agree with the PSA once nothing is pending.
 * Seeded, so a failure names the seed that reproduces it.
 */
import { describe, expect, it } from 'vitest';
import { alertKeyOf, alertKeyString } from './alert-identity.ts';
import type { RecurrencePolicy, TicketSettings } from './alert-mapping.ts';
import { applyDecision, decideAlertEvent, decideTicketEvent, type Decision } from './ticket-lifecycle.ts';
import type { TicketLink } from './ticket-link.ts';
import { CONSOLE, MAPPED, T0_MS, autotaskMapping, enabledSettings, makeAlert, nsAt } from './ticket-fixtures.test-support.ts';
import type { VendorAlert } from './vendor-model.ts';

function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface PsaTicket {
  id: string;
  keyString: string;
  externalRef: string;
  open: boolean;
  notes: string[];
}

type Pending = { kind: 'alert'; alert: VendorAlert } | { kind: 'ticket'; ticketId: string; status: string; closed: boolean };

const RESOURCES = ['11111111-0000-4000-8000-000000000001', '11111111-0000-4000-8000-000000000002', '11111111-0000-4000-8000-000000000003'];

function runScenario(seed: number, steps: number): { tickets: number; decisions: Record<string, number> } {
  const random = mulberry32(seed);
  const pick = <T,>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const recurrences: RecurrencePolicy[] = [{ mode: 'reopen_always' }, { mode: 'new_always' }, { mode: 'reopen_within_days', days: 1 + Math.floor(random() * 5) }];
  const settings: TicketSettings = enabledSettings({
    recurrence: pick(recurrences),
    autoClose: random() < 0.7 ? { enabled: true, status: '5' } : { enabled: false, status: null },
    clearAlert: random() < 0.6 ? { enabled: true, statuses: ['5', '13'] } : { enabled: false, statuses: [] },
    notes: { windowMinutes: pick([1, 30, 60]), maxPerCycle: pick([0, 2, 10]) },
  });

  let nowMs = T0_MS;
  let alertSeq = 0;
  const now = (): string => new Date(nowMs).toISOString();
  const vendorActive = new Map<string, VendorAlert>(); // alert id → raised alert
  const histories = new Map<string, TicketLink[]>(); // keyString → links
  const psa = new Map<string, PsaTicket>();
  const journal = new Map<string, { done: boolean; ticketId?: string }>();
  const queue: Pending[] = [];
  const counts: Record<string, number> = {};
  let lastDelivered: VendorAlert | null = null;

  const keyOfAlert = (alert: VendorAlert): string => alertKeyString(alertKeyOf(alert) as NonNullable<ReturnType<typeof alertKeyOf>>);

  /** Applies a decision the way the sync layer will: journal first, look up by key after a crash, then save the link. */
  const apply = (keyString: string, decision: Decision, crash: boolean): boolean => {
    counts[decision.kind] = (counts[decision.kind] ?? 0) + 1;
    let ticketId: string | undefined;
    const entry = journal.get(decision.idempotencyKey);
    if (decision.kind !== 'nothing' && decision.kind !== 'wait_unmapped' && entry?.done !== true) {
      journal.set(decision.idempotencyKey, { done: false });
      switch (decision.kind) {
        case 'create_ticket': {
          const found = [...psa.values()].find((ticket) => ticket.externalRef === decision.externalRef);
          if (found !== undefined) ticketId = found.id;
          else {
            ticketId = `T${psa.size + 1}`;
            psa.set(ticketId, { id: ticketId, keyString, externalRef: decision.externalRef, open: true, notes: [] });
          }
          break;
        }
        case 'add_note': {
          const ticket = psa.get(decision.ticketId) as PsaTicket;
          if (!ticket.notes.includes(decision.idempotencyKey)) ticket.notes.push(decision.idempotencyKey);
          break;
        }
        case 'reopen_ticket':
          (psa.get(decision.ticketId) as PsaTicket).open = true;
          break;
        case 'close_ticket':
          (psa.get(decision.ticketId) as PsaTicket).open = false;
          break;
        case 'clear_alert':
          for (const id of decision.alertIds) {
            const alert = vendorActive.get(id);
            if (alert === undefined) continue;
            vendorActive.delete(id);
            queue.push({ kind: 'alert', alert: { ...alert, deletedAt: now(), dismissed: true, updatedAtNs: nsAt(now()) } });
          }
          break;
      }
      if (crash) return false; // the external write happened; the journal entry and the link were not saved
      journal.set(decision.idempotencyKey, { done: true, ...(ticketId === undefined ? {} : { ticketId }) });
    } else if (entry?.done === true) {
      ticketId = entry.ticketId;
    }
    if (crash) return false;
    histories.set(keyString, applyDecision(histories.get(keyString) ?? [], decision, ticketId === undefined ? {} : { ticketId }));
    return true;
  };

  const deliverAlert = (alert: VendorAlert, crash: boolean): boolean => {
    const keyString = keyOfAlert(alert);
    const decision = decideAlertEvent({
      alert,
      links: histories.get(keyString) ?? [],
      mapping: MAPPED,
      alertMapping: autotaskMapping(),
      settings,
      now: now(),
      consoleUrl: CONSOLE,
    });
    lastDelivered = alert;
    return apply(keyString, decision, crash);
  };

  const deliverTicket = (ticketId: string, status: string, closed: boolean, crash: boolean): boolean => {
    const ticket = psa.get(ticketId) as PsaTicket;
    const links = histories.get(ticket.keyString) ?? [];
    const link = links.find((candidate) => candidate.ticketId === ticketId);
    if (link === undefined) return true;
    const decision = decideTicketEvent({ ticket: { id: ticketId, status, closed, lastModifiedAt: now() }, link, settings });
    return apply(ticket.keyString, decision, crash);
  };

  // Plain checks in the hot loop; expect() only to report a failure.
  const checkInvariants = (step: number, quiet: boolean): void => {
    const openByKey = new Map<string, number>();
    const refs = new Set<string>();
    for (const ticket of psa.values()) {
      if (ticket.open) openByKey.set(ticket.keyString, (openByKey.get(ticket.keyString) ?? 0) + 1);
      if (refs.has(ticket.externalRef)) expect.fail(`seed ${seed} step ${step}: two tickets for ${ticket.externalRef}`);
      refs.add(ticket.externalRef);
    }
    for (const [keyString, open] of openByKey) if (open > 1) expect.fail(`seed ${seed} step ${step}: ${open} open tickets for ${keyString}`);
    if (!quiet) return;
    for (const links of histories.values()) {
      for (const link of links) {
        const ticket = psa.get(link.ticketId) as PsaTicket;
        if (ticket.open !== (link.status === 'open')) expect.fail(`seed ${seed} step ${step}: link ${link.ticketId} says ${link.status}, the PSA says ${ticket.open ? 'open' : 'closed'}`);
      }
    }
  };

  for (let step = 0; step < steps; step += 1) {
    nowMs += pick([0, 1, 5, 20, 61, 600, 1440, 4000]) * 60_000;
    const crash = random() < 0.1;
    const pending = queue.shift();
    let settled = true;
    if (pending !== undefined) {
      settled = pending.kind === 'alert' ? deliverAlert(pending.alert, crash) : deliverTicket(pending.ticketId, pending.status, pending.closed, crash);
      if (!settled) queue.unshift(pending); // the cursor did not move: the same event comes again
    } else {
      const roll = random();
      if (roll < 0.45) {
        alertSeq += 1;
        const alert = makeAlert({ id: `alert-${seed}-${alertSeq}`, resourceId: pick(RESOURCES), createdAt: now() });
        vendorActive.set(alert.id, alert);
        queue.push({ kind: 'alert', alert });
      } else if (roll < 0.55 && vendorActive.size > 0) {
        const alert = pick([...vendorActive.values()]);
        queue.push({ kind: 'alert', alert: { ...alert, updatedAtNs: nsAt(now()) } });
      } else if (roll < 0.75 && vendorActive.size > 0) {
        const alert = pick([...vendorActive.values()]);
        vendorActive.delete(alert.id);
        queue.push({ kind: 'alert', alert: { ...alert, deletedAt: now(), dismissed: true, updatedAtNs: nsAt(now()) } });
      } else if (roll < 0.8 && lastDelivered !== null) {
        queue.push({ kind: 'alert', alert: lastDelivered });
      } else {
        // A technician acts on the latest ticket of some key.
        const links = pick([...histories.values(), []]);
        const link = links.at(-1);
        if (link !== undefined) {
          const ticket = psa.get(link.ticketId) as PsaTicket;
          const action = pick(['close', 'reopen', 'clear-status-open', 'clear-status-closed']);
          if (action === 'close' && ticket.open) ticket.open = false;
          else if (action === 'reopen' && !ticket.open) ticket.open = true;
          else if (action === 'clear-status-closed') ticket.open = false;
          const status = action === 'clear-status-open' ? '13' : action === 'clear-status-closed' ? '5' : ticket.open ? '1' : '7';
          queue.push({ kind: 'ticket', ticketId: ticket.id, status, closed: !ticket.open });
        }
      }
    }
    checkInvariants(step, settled && queue.length === 0);
  }
  return { tickets: psa.size, decisions: counts };
}

describe('lifecycle under random event sequences', () => {
  it('never has two open tickets for one key, nor two tickets for one episode', () => {
    const totals: Record<string, number> = {};
    for (let seed = 1; seed <= 100; seed += 1) {
      const { decisions } = runScenario(seed, 200);
      for (const [kind, count] of Object.entries(decisions)) totals[kind] = (totals[kind] ?? 0) + count;
    }
    // The runs must have exercised every kind of decision, or the property proves little.
    for (const kind of ['create_ticket', 'add_note', 'reopen_ticket', 'close_ticket', 'clear_alert', 'nothing']) {
      expect(totals[kind] ?? 0, `no ${kind} decision in any run`).toBeGreaterThan(0);
    }
  });
});
