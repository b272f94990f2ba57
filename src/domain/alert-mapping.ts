/**
 * Which vendor alerts become tickets, with which target fields, and the integration-wide ticket
 * rules. Target-neutral: the target's ticket fields come as data (its `TicketProfile`, declared by
 * its connector's manifest), values are picklist values as text (Autotask picklist values,
 * ConnectWise ids, CloudBlue ids) validated against the target's real picklists, handed in as data.
 *
 * Seeds: Autotask 000 §5.5 (source, note type and publish for all tickets, per-alert parameters,
 * new ticket after N days, auto-close); ConnectWise 002 §7 (board, type, subtype, status, priority,
 * new ticket after N days, auto-close); CloudBlue 001 (type, category, team; auto-close, reopen
 * within N days, clear the alert when the ticket reaches a status). All features off by default.
 */
import type { TicketFieldSpec, TicketProfile } from './ticket-profile.ts';
import type { AlertSeverity } from './vendor-model.ts';

export type { TicketFieldSpec, TicketProfile } from './ticket-profile.ts';

/** A ticket field bag: picklist values as text, by the target's field name (its profile's `fields`). */
export type TicketFields = Readonly<Partial<Record<string, string>>>;

export interface AlertTypeSetting<F = TicketFields> {
  enabled: boolean;
  fields: F;
  /** Overrides TicketSettings.minSeverity for this alert type. */
  minSeverity?: AlertSeverity;
}

export interface AlertMapping {
  /** The target's ticket rules: which fields exist, which are required, which hang under which. */
  target: TicketProfile;
  /** Fields for every alert type (Autotask source / note type / publish, ConnectWise board); a type's own fields win. */
  defaults: TicketFields;
  /** By vendor alert type id. A type that is absent is not enabled. */
  types: Record<string, AlertTypeSetting>;
}

/** The field bag a ticket of one alert type is written with. */
export interface EffectiveTicketFields {
  target: TicketProfile;
  fields: Record<string, string>;
}

// ---------------------------------------------------------------------------------------------
// Global ticket settings

/**
 * What happens when an alert comes back after its ticket was closed:
 * - `reopen_always`: reopen the last ticket on every occurrence (Autotask/ConnectWise with the
 *   "new ticket after N days" box unchecked);
 * - `reopen_within_days`: reopen when the ticket was closed less than `days` days before the
 *   occurrence, otherwise create a new ticket (Autotask/ConnectWise box checked with N; CloudBlue
 *   "Automatically reopen ticket" on with N; the Acronis PSA spec's N=1 default);
 * - `new_always`: always a new ticket (CloudBlue with reopening off, its default).
 */
export type RecurrencePolicy =
  | { mode: 'reopen_always' }
  | { mode: 'reopen_within_days'; days: number }
  | { mode: 'new_always' };

export interface TicketSettings {
  /** The ticket feature as a whole; off by default in every seed. */
  enabled: boolean;
  recurrence: RecurrencePolicy;
  /** Status set on reopen; null = the alert type's own status field, else the target's default. */
  reopenStatus: string | null;
  /** Close the ticket with `status` when its alert clears (manually or automatically). */
  autoClose: { enabled: boolean; status: string | null };
  /** Clear the vendor alert when the ticket reaches one of `statuses`. */
  clearAlert: { enabled: boolean; statuses: string[] };
  /**
   * Rate limit for recurrence notes on an open ticket: at most one note per `windowMinutes`
   * (repeats in between are counted and reported by the next note), and at most `maxPerCycle` notes
   * per open period of a ticket (after that repeats are only counted; the close note says how many).
   */
  notes: { windowMinutes: number; maxPerCycle: number };
  /** Alerts below this severity make no ticket. `information` by default: only `ok` is dropped. */
  minSeverity: AlertSeverity;
}

export function defaultTicketSettings(target: TicketProfile): TicketSettings {
  return {
    enabled: false,
    recurrence: recurrenceFromSeedOption(target, null),
    reopenStatus: null,
    autoClose: { enabled: false, status: null },
    clearAlert: { enabled: false, statuses: [] },
    notes: { windowMinutes: 60, maxPerCycle: 10 },
    minSeverity: 'information',
  };
}

/**
 * The seeds' one checkbox-with-days, read the way each seed states it. Autotask and ConnectWise:
 * "create a new ticket … if the initial ticket is closed for N days; otherwise the initial ticket is
 * re-opened on every occurrence". CloudBlue: "reopen … if raised within N days after closing the
 * original ticket", off by default, in which case a recurrence is a new ticket. Unchecked, the
 * target's profile says which (`recurrenceWhenUnset`).
 */
export function recurrenceFromSeedOption(target: TicketProfile, days: number | null): RecurrencePolicy {
  if (days !== null) return { mode: 'reopen_within_days', days };
  return { mode: target.recurrenceWhenUnset };
}

// ---------------------------------------------------------------------------------------------
// Picklists and validation

export interface PicklistEntry {
  value: string;
  label: string;
  /** Inactive entries exist on the target but cannot be chosen. Default true. */
  active?: boolean;
  /** Value(s) of the parent field this entry belongs to (sub-issue type → issue type, CW type → board). */
  parent?: string | string[];
}

/** The target's picklists by field name (`status`, `queue`, `board`, …). */
export type TargetPicklists = Partial<Record<string, PicklistEntry[]>>;

export type MappingErrorCode =
  | 'field_required'
  | 'value_not_allowed'
  | 'value_inactive'
  | 'parent_mismatch'
  | 'picklist_unavailable'
  | 'unknown_field'
  | 'invalid_setting';

export interface MappingError {
  code: MappingErrorCode;
  /** Null for the defaults and for global settings. */
  alertType: string | null;
  field: string;
  value: string | null;
  /** The values a person may choose from, when a picklist applies. */
  allowed: { value: string; label: string }[];
  message: string;
}

function bagOf(fields: TicketFields): Record<string, string | undefined> {
  return fields as Record<string, string | undefined>;
}

/** Defaults, then the type's own fields; an unset (undefined or empty) value does not override. */
export function effectiveFields(mapping: AlertMapping, alertType: string): EffectiveTicketFields {
  const merged: Record<string, string> = {};
  const setting = mapping.types[alertType];
  for (const bag of [bagOf(mapping.defaults), bagOf(setting?.fields ?? {})]) {
    for (const [name, value] of Object.entries(bag)) if (value !== undefined && value !== '') merged[name] = value;
  }
  return { target: mapping.target, fields: merged };
}

export function alertTypeSetting(mapping: AlertMapping, alertType: string): AlertTypeSetting | null {
  return mapping.types[alertType] ?? null;
}

const MESSAGE_LIST_MAX = 15;

function describeAllowed(allowed: { value: string; label: string }[]): string {
  if (allowed.length === 0) return 'none are available';
  const shown = allowed.slice(0, MESSAGE_LIST_MAX).map((entry) => (entry.label === entry.value ? entry.value : `${entry.value} (${entry.label})`));
  const more = allowed.length > MESSAGE_LIST_MAX ? `, … ${allowed.length - MESSAGE_LIST_MAX} more` : '';
  return `one of: ${shown.join(', ')}${more}`;
}

function parents(entry: PicklistEntry): string[] {
  if (entry.parent === undefined) return [];
  return Array.isArray(entry.parent) ? entry.parent : [entry.parent];
}

/**
 * A problem's sentence without where it is ("Priority is required; choose …" of "Autotask ticket
 * fields of alert type "BackupFailed": Priority is required; choose …"): what a screen shows next
 * to the field, which already says where. Every message here is "<where>: <sentence>".
 */
export function problemSentence(message: string): string {
  const at = message.indexOf(': ');
  if (at < 0) return message;
  const sentence = message.slice(at + 2);
  return sentence.charAt(0).toUpperCase() + sentence.slice(1);
}

function where(target: TicketProfile, alertType: string | null): string {
  return alertType === null ? `${target.target} default ticket fields` : `${target.target} ticket fields of alert type "${alertType}"`;
}

function checkValue(
  target: TicketProfile,
  alertType: string | null,
  spec: TicketFieldSpec,
  value: string,
  bag: Record<string, string | undefined>,
  picklists: TargetPicklists,
): MappingError[] {
  const list = picklists[spec.name];
  const base = { alertType, field: spec.name, value };
  if (list === undefined) {
    return [{ ...base, code: 'picklist_unavailable', allowed: [], message: `${where(target, alertType)}: ${spec.label} "${value}" cannot be checked because the ${spec.label} picklist was not read from ${target.target}; reload the picklists and save again.` }];
  }
  const parentValue = spec.parent === undefined ? undefined : bag[spec.parent];
  const underParent = (entry: PicklistEntry): boolean =>
    spec.parent === undefined || parentValue === undefined || parentValue === '' || parents(entry).length === 0 || parents(entry).includes(parentValue);
  const choosable = list.filter((entry) => entry.active !== false && underParent(entry)).map(({ value: v, label }) => ({ value: v, label }));
  const entry = list.find((candidate) => candidate.value === value);
  if (entry === undefined) {
    return [{ ...base, code: 'value_not_allowed', allowed: choosable, message: `${where(target, alertType)}: ${spec.label} "${value}" is unknown to ${target.target}; choose ${describeAllowed(choosable)}.` }];
  }
  if (entry.active === false) {
    return [{ ...base, code: 'value_inactive', allowed: choosable, message: `${where(target, alertType)}: ${spec.label} "${entry.label}" (${value}) is inactive in ${target.target}; choose ${describeAllowed(choosable)}.` }];
  }
  if (!underParent(entry)) {
    const parentLabel = target.fields.find((candidate) => candidate.name === spec.parent)?.label ?? spec.parent;
    return [{ ...base, code: 'parent_mismatch', allowed: choosable, message: `${where(target, alertType)}: ${spec.label} "${entry.label}" (${value}) does not belong to ${parentLabel} "${parentValue}"; choose ${describeAllowed(choosable)}.` }];
  }
  return [];
}

function validateBag(
  target: TicketProfile,
  alertType: string | null,
  bag: Record<string, string | undefined>,
  picklists: TargetPicklists,
  requireAll: boolean,
): MappingError[] {
  const specs = target.fields;
  const errors: MappingError[] = [];
  for (const name of Object.keys(bag)) {
    if (bag[name] !== undefined && !specs.some((spec) => spec.name === name)) {
      errors.push({ code: 'unknown_field', alertType, field: name, value: bag[name] ?? null, allowed: specs.map((spec) => ({ value: spec.name, label: spec.label })), message: `${where(target, alertType)}: "${name}" is not a ${target.target} ticket field; the fields are ${specs.map((spec) => spec.name).join(', ')}.` });
    }
  }
  for (const spec of specs) {
    const value = bag[spec.name];
    if (value === undefined || value === '') {
      if (requireAll && spec.required) {
        const choosable = (picklists[spec.name] ?? []).filter((entry) => entry.active !== false).map(({ value: v, label }) => ({ value: v, label }));
        errors.push({ code: 'field_required', alertType, field: spec.name, value: null, allowed: choosable, message: `${where(target, alertType)}: ${spec.label} is required; choose ${describeAllowed(choosable)}.` });
      }
      continue;
    }
    errors.push(...checkValue(target, alertType, spec, value, bag, picklists));
  }
  return errors;
}

/**
 * Every problem with the alert mapping, each naming the alert type, the field and the values a
 * person may choose. Enabled types are checked with their defaults merged in and must have every
 * required field; defaults and disabled types are checked only for the values they hold.
 */
export function validateAlertMapping(mapping: AlertMapping, picklists: TargetPicklists): MappingError[] {
  const errors = validateBag(mapping.target, null, bagOf(mapping.defaults), picklists, false);
  for (const [alertType, setting] of Object.entries(mapping.types)) {
    const bag = setting.enabled ? bagOf(effectiveFields(mapping, alertType).fields) : bagOf(setting.fields);
    const own = validateBag(mapping.target, alertType, bag, picklists, setting.enabled);
    // A default value that is wrong in itself is reported once, for the defaults, not again for
    // every type; a default that clashes with the type's own parent value is the type's problem.
    const inheritedValueError = (error: MappingError): boolean =>
      error.code !== 'parent_mismatch' && error.value !== null && bagOf(setting.fields)[error.field] === undefined;
    errors.push(...own.filter((error) => !inheritedValueError(error)));
  }
  return errors;
}

/**
 * Problems with the global ticket settings: the statuses must be the target's ticket statuses, and
 * each enabled option must say which status. The recurrence days are whole days from 1 to 3650.
 */
export function validateTicketSettings(target: TicketProfile, settings: TicketSettings, picklists: TargetPicklists): MappingError[] {
  const errors: MappingError[] = [];
  const statusSpec: TicketFieldSpec = { name: 'status', label: 'Status', required: true };
  const statuses = picklists['status'];
  const choosable = (statuses ?? []).filter((entry) => entry.active !== false).map(({ value, label }) => ({ value, label }));
  const setting = (field: string, label: string, value: string | null, required: boolean): void => {
    if (value === null || value === '') {
      if (required) errors.push({ code: 'field_required', alertType: null, field, value: null, allowed: choosable, message: `${target.target} ticket settings: ${label} needs a status; choose ${describeAllowed(choosable)}.` });
      return;
    }
    for (const error of checkValue(target, null, statusSpec, value, {}, picklists)) {
      errors.push({ ...error, field, message: error.message.replace(`${target.target} default ticket fields: Status`, `${target.target} ticket settings: ${label}`) });
    }
  };
  const { recurrence } = settings;
  if (recurrence.mode === 'reopen_within_days' && (!Number.isInteger(recurrence.days) || recurrence.days < 1 || recurrence.days > 3650)) {
    errors.push({ code: 'invalid_setting', alertType: null, field: 'recurrence.days', value: String(recurrence.days), allowed: [], message: `${target.target} ticket settings: the number of days must be a whole number from 1 to 3650, got ${recurrence.days}.` });
  }
  setting('reopenStatus', 'the reopen status', settings.reopenStatus, false);
  setting('autoClose.status', 'auto-closing', settings.autoClose.status, settings.autoClose.enabled);
  if (settings.clearAlert.enabled && settings.clearAlert.statuses.length === 0) {
    errors.push({ code: 'field_required', alertType: null, field: 'clearAlert.statuses', value: null, allowed: choosable, message: `${target.target} ticket settings: clearing the alert needs at least one status; choose ${describeAllowed(choosable)}.` });
  }
  for (const status of settings.clearAlert.statuses) setting('clearAlert.statuses', 'clearing the alert', status, false);
  const cannot = (field: string, what: string, fix: string) =>
    errors.push({ code: 'invalid_setting', alertType: null, field, value: null, allowed: [], message: `${target.target} ticket settings: ${target.target} cannot ${what}; ${fix}.` });
  if (target.lifecycle?.close === false) {
    if (settings.autoClose.enabled) cannot('autoClose.enabled', 'close a ticket', 'turn auto-close off');
    // The vendor alert is cleared when the ticket reaches a status: a target that never reports or sets one cannot.
    if (settings.clearAlert.enabled) cannot('clearAlert.enabled', 'say when a ticket is closed', 'turn clearing the alert off');
  }
  if (target.lifecycle?.reopen === false) {
    if (recurrence.mode !== 'new_always') cannot('recurrence', 'reopen a ticket', 'a returning alert makes a new ticket there (mode new_always)');
    if (settings.reopenStatus !== null) cannot('reopenStatus', 'reopen a ticket', 'leave the reopen status empty');
  }
  const { windowMinutes, maxPerCycle } = settings.notes;
  if (!Number.isInteger(windowMinutes) || windowMinutes < 1) {
    errors.push({ code: 'invalid_setting', alertType: null, field: 'notes.windowMinutes', value: String(windowMinutes), allowed: [], message: `${target.target} ticket settings: the note window must be a whole number of minutes, at least 1, got ${windowMinutes}.` });
  }
  if (!Number.isInteger(maxPerCycle) || maxPerCycle < 0) {
    errors.push({ code: 'invalid_setting', alertType: null, field: 'notes.maxPerCycle', value: String(maxPerCycle), allowed: [], message: `${target.target} ticket settings: the note limit must be a whole number, 0 or more, got ${maxPerCycle}.` });
  }
  return errors;
}

// ---------------------------------------------------------------------------------------------
// Severity

const SEVERITY_RANK: Record<AlertSeverity, number> = { ok: 0, information: 1, warning: 2, error: 3, critical: 4 };

/** An unknown severity ranks as `warning`: better a ticket too many than a silently dropped alert. */
export function severityRank(severity: string): number {
  return (SEVERITY_RANK as Record<string, number | undefined>)[severity.toLowerCase()] ?? SEVERITY_RANK.warning;
}

export function passesSeverity(severity: string, minimum: AlertSeverity): boolean {
  return severityRank(severity) >= SEVERITY_RANK[minimum];
}
