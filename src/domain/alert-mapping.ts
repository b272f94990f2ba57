/**
 * Which vendor alerts become tickets, with which target fields, and the integration-wide ticket
 * rules. Target-neutral in shape (enabled + a field bag per alert type), target-specific in the
 * bag's fields. Values are picklist values as text (Autotask picklist values, ConnectWise ids,
 * CloudBlue ids) and are validated against the target's real picklists, handed in as data.
 *
 * Seeds: Autotask 000 §5.5 (source, note type and publish for all tickets, per-alert parameters,
 * new ticket after N days, auto-close); ConnectWise 002 §7 (board, type, subtype, status, priority,
 * new ticket after N days, auto-close); CloudBlue 001 (type, category, team; auto-close, reopen
 * within N days, clear the alert when the ticket reaches a status). All features off by default.
 */
import type { AlertSeverity } from './vendor-model.ts';

export type TicketTarget = 'autotask' | 'connectwise' | 'cloudblue';

export interface AutotaskTicketFields {
  source?: string;
  queue?: string;
  status?: string;
  priority?: string;
  issueType?: string;
  subIssueType?: string;
  noteType?: string;
  publish?: string;
}

export interface ConnectWiseTicketFields {
  board?: string;
  type?: string;
  subtype?: string;
  status?: string;
  priority?: string;
}

export interface CloudBlueTicketFields {
  type?: string;
  category?: string;
  team?: string;
}

export interface TargetFieldsByTarget {
  autotask: AutotaskTicketFields;
  connectwise: ConnectWiseTicketFields;
  cloudblue: CloudBlueTicketFields;
}

export interface AlertTypeSetting<F> {
  enabled: boolean;
  fields: F;
  /** Overrides TicketSettings.minSeverity for this alert type. */
  minSeverity?: AlertSeverity;
}

interface AlertMappingOf<T extends TicketTarget> {
  target: T;
  /** Fields for every alert type (Autotask source / note type / publish, ConnectWise board); a type's own fields win. */
  defaults: TargetFieldsByTarget[T];
  /** By vendor alert type id. A type that is absent is not enabled. */
  types: Record<string, AlertTypeSetting<TargetFieldsByTarget[T]>>;
}

export type AlertMapping = AlertMappingOf<'autotask'> | AlertMappingOf<'connectwise'> | AlertMappingOf<'cloudblue'>;

/** The field bag a ticket of one alert type is written with, tagged by target. */
export type EffectiveTicketFields =
  | { target: 'autotask'; fields: AutotaskTicketFields }
  | { target: 'connectwise'; fields: ConnectWiseTicketFields }
  | { target: 'cloudblue'; fields: CloudBlueTicketFields };

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

export function defaultTicketSettings(target: TicketTarget): TicketSettings {
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
 * original ticket", off by default, in which case a recurrence is a new ticket.
 */
export function recurrenceFromSeedOption(target: TicketTarget, days: number | null): RecurrencePolicy {
  if (days !== null) return { mode: 'reopen_within_days', days };
  return target === 'cloudblue' ? { mode: 'new_always' } : { mode: 'reopen_always' };
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

interface FieldSpec {
  name: string;
  label: string;
  /** Must be set (in the type's fields or the defaults) for an enabled alert type. */
  required: boolean;
  /** The field whose value this field's entries hang under. */
  parent?: string;
}

const TARGET_NAMES: Record<TicketTarget, string> = { autotask: 'Autotask', connectwise: 'ConnectWise', cloudblue: 'CloudBlue PSA' };

/** Required fields follow what each target refuses a ticket (or note) without. */
export const TICKET_FIELD_SPECS: Record<TicketTarget, readonly FieldSpec[]> = {
  autotask: [
    { name: 'source', label: 'Source', required: false },
    { name: 'queue', label: 'Queue', required: false },
    { name: 'status', label: 'Status', required: true },
    { name: 'priority', label: 'Priority', required: true },
    { name: 'issueType', label: 'Issue Type', required: false },
    { name: 'subIssueType', label: 'Sub-Issue Type', required: false, parent: 'issueType' },
    { name: 'noteType', label: 'Note Type', required: true },
    { name: 'publish', label: 'Note Publish', required: true },
  ],
  connectwise: [
    { name: 'board', label: 'Service Board', required: true },
    { name: 'type', label: 'Type', required: false, parent: 'board' },
    { name: 'subtype', label: 'Subtype', required: false, parent: 'type' },
    { name: 'status', label: 'Status', required: false, parent: 'board' },
    { name: 'priority', label: 'Priority', required: false },
  ],
  cloudblue: [
    { name: 'type', label: 'Type', required: true },
    // A category belongs to one type (seed 001: "TCB" exists under Bug and under Incident A).
    { name: 'category', label: 'Category', required: true, parent: 'type' },
    { name: 'team', label: 'Team', required: true },
  ],
};

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

function bagOf(fields: object): Record<string, string | undefined> {
  return fields as Record<string, string | undefined>;
}

/** Defaults, then the type's own fields; an unset (undefined or empty) value does not override. */
export function effectiveFields(mapping: AlertMapping, alertType: string): EffectiveTicketFields {
  const merged: Record<string, string> = {};
  const setting = mapping.types[alertType];
  for (const bag of [bagOf(mapping.defaults), bagOf(setting?.fields ?? {})]) {
    for (const [name, value] of Object.entries(bag)) if (value !== undefined && value !== '') merged[name] = value;
  }
  return { target: mapping.target, fields: merged } as EffectiveTicketFields;
}

export function alertTypeSetting(mapping: AlertMapping, alertType: string): AlertTypeSetting<object> | null {
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

function where(target: TicketTarget, alertType: string | null): string {
  return alertType === null ? `${TARGET_NAMES[target]} default ticket fields` : `${TARGET_NAMES[target]} ticket fields of alert type "${alertType}"`;
}

function checkValue(
  target: TicketTarget,
  alertType: string | null,
  spec: FieldSpec,
  value: string,
  bag: Record<string, string | undefined>,
  picklists: TargetPicklists,
): MappingError[] {
  const list = picklists[spec.name];
  const base = { alertType, field: spec.name, value };
  if (list === undefined) {
    return [{ ...base, code: 'picklist_unavailable', allowed: [], message: `${where(target, alertType)}: ${spec.label} "${value}" cannot be checked because the ${spec.label} picklist was not read from ${TARGET_NAMES[target]}; reload the picklists and save again.` }];
  }
  const parentValue = spec.parent === undefined ? undefined : bag[spec.parent];
  const underParent = (entry: PicklistEntry): boolean =>
    spec.parent === undefined || parentValue === undefined || parentValue === '' || parents(entry).length === 0 || parents(entry).includes(parentValue);
  const choosable = list.filter((entry) => entry.active !== false && underParent(entry)).map(({ value: v, label }) => ({ value: v, label }));
  const entry = list.find((candidate) => candidate.value === value);
  if (entry === undefined) {
    return [{ ...base, code: 'value_not_allowed', allowed: choosable, message: `${where(target, alertType)}: ${spec.label} "${value}" is unknown to ${TARGET_NAMES[target]}; choose ${describeAllowed(choosable)}.` }];
  }
  if (entry.active === false) {
    return [{ ...base, code: 'value_inactive', allowed: choosable, message: `${where(target, alertType)}: ${spec.label} "${entry.label}" (${value}) is inactive in ${TARGET_NAMES[target]}; choose ${describeAllowed(choosable)}.` }];
  }
  if (!underParent(entry)) {
    const parentLabel = TICKET_FIELD_SPECS[target].find((candidate) => candidate.name === spec.parent)?.label ?? spec.parent;
    return [{ ...base, code: 'parent_mismatch', allowed: choosable, message: `${where(target, alertType)}: ${spec.label} "${entry.label}" (${value}) does not belong to ${parentLabel} "${parentValue}"; choose ${describeAllowed(choosable)}.` }];
  }
  return [];
}

function validateBag(
  target: TicketTarget,
  alertType: string | null,
  bag: Record<string, string | undefined>,
  picklists: TargetPicklists,
  requireAll: boolean,
): MappingError[] {
  const specs = TICKET_FIELD_SPECS[target];
  const errors: MappingError[] = [];
  for (const name of Object.keys(bag)) {
    if (bag[name] !== undefined && !specs.some((spec) => spec.name === name)) {
      errors.push({ code: 'unknown_field', alertType, field: name, value: bag[name] ?? null, allowed: specs.map((spec) => ({ value: spec.name, label: spec.label })), message: `${where(target, alertType)}: "${name}" is not a ${TARGET_NAMES[target]} ticket field; the fields are ${specs.map((spec) => spec.name).join(', ')}.` });
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
export function validateTicketSettings(target: TicketTarget, settings: TicketSettings, picklists: TargetPicklists): MappingError[] {
  const errors: MappingError[] = [];
  const statusSpec: FieldSpec = { name: 'status', label: 'Status', required: true };
  const statuses = picklists['status'];
  const choosable = (statuses ?? []).filter((entry) => entry.active !== false).map(({ value, label }) => ({ value, label }));
  const setting = (field: string, label: string, value: string | null, required: boolean): void => {
    if (value === null || value === '') {
      if (required) errors.push({ code: 'field_required', alertType: null, field, value: null, allowed: choosable, message: `${TARGET_NAMES[target]} ticket settings: ${label} needs a status; choose ${describeAllowed(choosable)}.` });
      return;
    }
    for (const error of checkValue(target, null, statusSpec, value, {}, picklists)) {
      errors.push({ ...error, field, message: error.message.replace(`${TARGET_NAMES[target]} default ticket fields: Status`, `${TARGET_NAMES[target]} ticket settings: ${label}`) });
    }
  };
  const { recurrence } = settings;
  if (recurrence.mode === 'reopen_within_days' && (!Number.isInteger(recurrence.days) || recurrence.days < 1 || recurrence.days > 3650)) {
    errors.push({ code: 'invalid_setting', alertType: null, field: 'recurrence.days', value: String(recurrence.days), allowed: [], message: `${TARGET_NAMES[target]} ticket settings: the number of days must be a whole number from 1 to 3650, got ${recurrence.days}.` });
  }
  setting('reopenStatus', 'the reopen status', settings.reopenStatus, false);
  setting('autoClose.status', 'auto-closing', settings.autoClose.status, settings.autoClose.enabled);
  if (settings.clearAlert.enabled && settings.clearAlert.statuses.length === 0) {
    errors.push({ code: 'field_required', alertType: null, field: 'clearAlert.statuses', value: null, allowed: choosable, message: `${TARGET_NAMES[target]} ticket settings: clearing the alert needs at least one status; choose ${describeAllowed(choosable)}.` });
  }
  for (const status of settings.clearAlert.statuses) setting('clearAlert.statuses', 'clearing the alert', status, false);
  const { windowMinutes, maxPerCycle } = settings.notes;
  if (!Number.isInteger(windowMinutes) || windowMinutes < 1) {
    errors.push({ code: 'invalid_setting', alertType: null, field: 'notes.windowMinutes', value: String(windowMinutes), allowed: [], message: `${TARGET_NAMES[target]} ticket settings: the note window must be a whole number of minutes, at least 1, got ${windowMinutes}.` });
  }
  if (!Number.isInteger(maxPerCycle) || maxPerCycle < 0) {
    errors.push({ code: 'invalid_setting', alertType: null, field: 'notes.maxPerCycle', value: String(maxPerCycle), allowed: [], message: `${TARGET_NAMES[target]} ticket settings: the note limit must be a whole number, 0 or more, got ${maxPerCycle}.` });
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
