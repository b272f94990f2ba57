/**
 * What a technician reads: the ticket's title and description, and the notes the hub adds.
 *
 * The title names the customer, the alert in words and the machine or resource, and never a time
 * or a counter: titles stay the same across repeats, so nobody (and no PSA rule) mistakes a repeat
 * for a new problem. Times are UTC ISO-8601. Lengths are cut to the smallest limit we know for the
 * target (its profile's `textLimits`: Autotask title 255, ConnectWise summary 100, …).
 */
import { alertDetail, type AlertKey } from './alert-identity.ts';
import type { ClosedBy } from './ticket-link.ts';
import type { TicketProfile, TicketTextLimits } from './ticket-profile.ts';
import type { VendorAlert } from './vendor-model.ts';

export type { TicketTextLimits } from './ticket-profile.ts';

export interface TicketContentInput {
  /** The target's ticket rules (its text limits cut the texts). */
  target: TicketProfile;
  alert: VendorAlert;
  key: AlertKey;
  /** The target company's name (what the technician knows the customer as). */
  companyName: string;
  /** The vendor tenant's name, when it differs from the company name. */
  tenantName?: string | null;
  /** The contract (agreement) the customer's protection is billed under, when billing is mapped. */
  contractName?: string | null;
  /** Vendor management console for the connection's data center (https://…). */
  consoleUrl: string;
  /** The vendor's title of the alert type (GET /types), if known. */
  alertTypeTitle?: string | null;
  /** The ticket's external reference, printed so a person can search for it. */
  externalRef: string;
}

export interface TicketText {
  title: string;
  description: string;
}

export interface NoteText {
  title: string;
  text: string;
}

function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, Math.max(0, max - 1)).trimEnd()}…`;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** Any parseable time → `2025-10-24T15:19:15.000Z`; unparseable text is shown as it came. */
export function utcIso(text: string | null): string | null {
  if (text === null || text.trim() === '') return null;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? text : new Date(ms).toISOString();
}

/** Unix nanoseconds (decimal text) → UTC ISO to the millisecond. */
export function nsToUtcIso(ns: string): string | null {
  if (!/^\d+$/.test(ns)) return null;
  return new Date(Number(BigInt(ns) / 1_000_000n)).toISOString();
}

/** "BackupFailed" → "Backup failed"; a CTI id's last segment likewise ("a.p.backup.failed.v1.0" → "Backup failed"). */
export function humanizeAlertType(alertType: string): string {
  const last = (alertType.split('~').pop() ?? alertType).replace(/^a\.p\./, '').replace(/\.v\d+(\.\d+)*$/, '');
  const words = last
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter((word) => word !== '')
    .map((word) => (/^[A-Z0-9]+$/.test(word) ? word : word.toLowerCase()));
  const sentence = words.join(' ');
  return sentence === '' ? alertType : sentence.charAt(0).toUpperCase() + sentence.slice(1);
}

/** The alert in words: the alert's own title, else the type's title, else the type id made readable. */
export function alertInWords(alert: VendorAlert, alertTypeTitle?: string | null): string {
  const own = alert.title ?? alertDetail(alert, 'title');
  if (own !== null && own.trim() !== '') return oneLine(own);
  if (alertTypeTitle !== undefined && alertTypeTitle !== null && alertTypeTitle.trim() !== '') return oneLine(alertTypeTitle);
  return humanizeAlertType(alert.type);
}

/** The machine or resource in words: its name, else its id, else the plan, else null (tenant-wide). */
export function resourceInWords(alert: VendorAlert, key: AlertKey): string | null {
  return alertDetail(alert, 'resourceName') ?? alertDetail(alert, 'resourceId') ?? alertDetail(alert, 'planName') ?? key.resource.id;
}

/** `Acme Ltd: Backup failed on syslog`, cut to the target's title limit (customer and alert kept first). */
export function ticketTitle(input: Pick<TicketContentInput, 'target' | 'alert' | 'key' | 'companyName' | 'alertTypeTitle'>): string {
  const what = alertInWords(input.alert, input.alertTypeTitle);
  const resource = resourceInWords(input.alert, input.key);
  const title = `${oneLine(input.companyName)}: ${what}${resource === null ? '' : ` on ${oneLine(resource)}`}`;
  return cut(title, input.target.textLimits.title);
}

const SHOWN_DETAILS = new Set(['resourceId', 'resourceName', 'planId', 'planName', 'title', 'description', 'category', 'fields']);

function scalarDetails(details: Record<string, unknown>): [string, string][] {
  const pairs: [string, string][] = [];
  const visit = (record: Record<string, unknown>): void => {
    for (const [name, value] of Object.entries(record)) {
      if (SHOWN_DETAILS.has(name)) continue;
      if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') pairs.push([name, oneLine(String(value))]);
    }
  };
  visit(details);
  const fields = details['fields'];
  if (fields !== null && typeof fields === 'object' && !Array.isArray(fields)) visit(fields as Record<string, unknown>);
  return pairs.slice(0, 20);
}

export function ticketDescription(input: TicketContentInput): string {
  const { alert, key } = input;
  const what = alertInWords(alert, input.alertTypeTitle);
  const resourceName = alertDetail(alert, 'resourceName');
  const planName = alertDetail(alert, 'planName');
  const planId = alertDetail(alert, 'planId');
  const raisedAt = utcIso(alert.createdAt) ?? nsToUtcIso(alert.updatedAtNs);
  const happened = alert.description ?? alertDetail(alert, 'description');
  const customer = input.tenantName && input.tenantName !== input.companyName ? `${input.companyName} (Acronis tenant "${input.tenantName}")` : input.companyName;
  const machine =
    key.resource.source === 'resource'
      ? `${resourceName ?? key.resource.id} (resource id ${alertDetail(alert, 'resourceId')})`
      : key.resource.source === 'plan'
        ? `no single machine; the alert is about the plan`
        : 'no single machine; the alert is about the customer as a whole';
  const lines = [
    `Acronis Cyber Protect Cloud raised the alert "${what}" for ${customer}.`,
    '',
    `Customer: ${customer}`,
    `Machine or resource: ${machine}`,
    `Plan: ${planName ?? planId ?? 'none named'}${planName !== null && planId !== null ? ` (plan id ${planId})` : ''}`,
    `Severity: ${alert.severity}`,
    `Category: ${alert.category ?? 'not given'}`,
    `Alert type: ${alert.type}`,
    `What happened: ${happened !== null && happened.trim() !== '' ? oneLine(happened) : what}`,
    `Raised at (UTC): ${raisedAt ?? 'not given'}`,
    `Alert id: ${alert.id}`,
    `Acronis tenant: ${key.tenantId}${alert.tenantLegacyId !== null ? ` (legacy id ${alert.tenantLegacyId})` : ''}`,
  ];
  if (input.contractName) lines.push(`Contract: ${input.contractName}`);
  const extra = scalarDetails(alert.details);
  if (extra.length > 0) lines.push('', 'Alert details:', ...extra.map(([name, value]) => `  ${name}: ${value}`));
  lines.push(
    '',
    `Open the Acronis management console to investigate: ${input.consoleUrl}`,
    `Repeats of this alert for the same machine are added to this ticket as notes. Reference: ${input.externalRef}`,
  );
  return cut(lines.join('\n'), input.target.textLimits.description);
}

export function ticketText(input: TicketContentInput): TicketText {
  return { title: ticketTitle(input), description: ticketDescription(input) };
}

function occurrences(count: number): string {
  return count === 1 ? 'once' : `${count} times`;
}

function noteOf(target: TicketProfile, title: string, lines: string[]): NoteText {
  const limits: TicketTextLimits = target.textLimits;
  return { title: cut(title, limits.noteTitle), text: cut(lines.join('\n'), limits.noteText) };
}

export interface RecurrenceNoteInput {
  target: TicketProfile;
  alert: VendorAlert;
  alertTypeTitle?: string | null;
  /** Occurrences this note reports, the triggering one included. */
  occurrences: number;
  /** Start of the period the note covers: the last note, or the opening of the ticket. */
  since: string;
  at: string;
}

export function recurrenceNote(input: RecurrenceNoteInput): NoteText {
  const what = alertInWords(input.alert, input.alertTypeTitle);
  return noteOf(input.target, `Alert raised again: ${what}`, [
    `The alert "${what}" was raised again ${occurrences(input.occurrences)} since ${utcIso(input.since)} (UTC).`,
    `Latest: alert id ${input.alert.id}, severity ${input.alert.severity}, raised at ${utcIso(input.alert.createdAt) ?? nsToUtcIso(input.alert.updatedAtNs) ?? utcIso(input.at)} (UTC).`,
    'Further repeats are summarized in one note at most every so often, so this ticket is not flooded.',
  ]);
}

export interface ReopenNoteInput {
  target: TicketProfile;
  alert: VendorAlert;
  alertTypeTitle?: string | null;
  closedAt: string | null;
  closedBy: ClosedBy | null;
  /** Occurrences reported, the triggering one included. */
  occurrences: number;
  status: string | null;
  /** The reopen window, null when the ticket is reopened on every occurrence. */
  withinDays: number | null;
}

export function reopenNote(input: ReopenNoteInput): NoteText {
  const what = alertInWords(input.alert, input.alertTypeTitle);
  const closed = input.closedBy === 'hub' ? 'closed automatically when the alert cleared' : 'closed';
  const rule = input.withinDays === null ? 'Tickets are reopened on every recurrence of their alert.' : `The alert came back within ${input.withinDays} day(s) of the ticket being closed, so the ticket is reopened instead of creating a new one.`;
  return noteOf(input.target, `Reopened: ${what} raised again`, [
    `The alert "${what}" was raised again (${occurrences(input.occurrences)}); this ticket was ${closed} at ${utcIso(input.closedAt) ?? 'an unknown time'} (UTC).`,
    `Latest: alert id ${input.alert.id}, severity ${input.alert.severity}, raised at ${utcIso(input.alert.createdAt) ?? nsToUtcIso(input.alert.updatedAtNs) ?? 'not given'} (UTC).`,
    rule,
    ...(input.status === null ? [] : [`Status set to ${input.status}.`]),
  ]);
}

export interface AutoCloseNoteInput {
  target: TicketProfile;
  alert: VendorAlert;
  alertTypeTitle?: string | null;
  status: string | null;
  /** Occurrences counted since the last note and not reported yet. */
  unreportedRepeats: number;
}

export function autoCloseNote(input: AutoCloseNoteInput): NoteText {
  const what = alertInWords(input.alert, input.alertTypeTitle);
  const clearedAt = utcIso(input.alert.deletedAt) ?? nsToUtcIso(input.alert.updatedAtNs);
  return noteOf(input.target, `Alert cleared: ${what}`, [
    `The alert "${what}" was cleared in Acronis at ${clearedAt ?? 'an unknown time'} (UTC) (alert id ${input.alert.id}).`,
    ...(input.unreportedRepeats > 0 ? [`It had been raised again ${occurrences(input.unreportedRepeats)} since the last note.`] : []),
    `The ticket is closed automatically${input.status === null ? '' : ` with status ${input.status}`}. If the alert comes back, the ticket rules decide whether this ticket is reopened or a new one is created.`,
  ]);
}
