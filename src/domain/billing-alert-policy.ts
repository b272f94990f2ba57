/**
 * Which vendor alerts a billing platform gets as tickets, and with which priority (1 low … 4 very
 * high), read from the shared alert mappings (src/domain/alert-mapping.ts) as for every other
 * target: an alert type a person enabled, its `priority` ticket field (or the defaults'), and for a
 * type without one a priority from the alert's severity; the ticket settings' minimum severity (or
 * the type's own) drops the alerts below it. The platform only creates tickets, so nothing here
 * closes, reopens or clears.
 *
 * Also the conversion of the settings Gradient integrations had before they used the shared
 * mappings (`alertTypes` / `alertPriorities` text in the connector section), for the migration
 * that moves them.
 */
import { passesSeverity, type AlertMapping, type TicketSettings } from './alert-mapping.ts';
import type { AlertSeverity } from './vendor-model.ts';

export type Priority = 1 | 2 | 3 | 4;

/** The ticket field a billing platform's alert mapping sets. */
export const PRIORITY_FIELD = 'priority';

const BY_SEVERITY: Readonly<Record<string, Priority>> = { critical: 4, error: 3, warning: 2, information: 1, ok: 1 };

export type BillingAlertDecision = { raise: true; priority: Priority } | { raise: false; why: 'type_not_enabled' | 'below_min_severity' };

const asPriority = (value: string | undefined): Priority | null => (value === '1' || value === '2' || value === '3' || value === '4' ? (Number(value) as Priority) : null);

export function billingAlertDecision(mapping: AlertMapping, settings: Pick<TicketSettings, 'minSeverity'>, alert: { type: string; severity: string }): BillingAlertDecision {
  const setting = mapping.types[alert.type];
  if (setting === undefined || !setting.enabled) return { raise: false, why: 'type_not_enabled' };
  if (!passesSeverity(alert.severity, setting.minSeverity ?? settings.minSeverity)) return { raise: false, why: 'below_min_severity' };
  const priority = asPriority(setting.fields[PRIORITY_FIELD]) ?? asPriority(mapping.defaults[PRIORITY_FIELD]) ?? BY_SEVERITY[alert.severity.toLowerCase()] ?? 2;
  return { raise: true, priority };
}

/** A priority picklist entry for the mapping screens: the value as text, as every picklist has it. */
export function priorityPicklist(priorities: readonly { value: number; label: string }[]): { value: string; label: string }[] {
  return priorities.map((p) => ({ value: String(p.value), label: `${p.value} ${p.label}` }));
}

export interface LegacyAlertSettings {
  alertTypes?: string | undefined;
  alertPriorities?: string | undefined;
}

/**
 * The old connector settings as shared alert mappings: each type named in `alertTypes` or
 * `alertPriorities` enabled, with its priority. Null when neither was set (the old default, "every
 * type", has no list to carry over: the shared default, nothing enabled, applies). Unreadable
 * priority entries are kept out rather than guessed, and named in `dropped`.
 */
export function legacyAlertMapping(settings: LegacyAlertSettings): { types: Record<string, { enabled: true; fields: Record<string, string> }>; dropped: string[] } | null {
  const types = (settings.alertTypes ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
  const entries = (settings.alertPriorities ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (types.length === 0 && entries.length === 0) return null;
  const priorities = new Map<string, string>();
  const dropped: string[] = [];
  for (const part of entries) {
    const match = /^([^=\s]+)\s*=\s*([1-4])$/.exec(part);
    if (match === null) dropped.push(part);
    else priorities.set(match[1] as string, match[2] as string);
  }
  // With a type list, only those types were raised; without one every type was, so those named with a priority are the ones a person chose.
  const enabled = types.length > 0 ? types : [...priorities.keys()];
  const out: Record<string, { enabled: true; fields: Record<string, string> }> = {};
  for (const type of enabled) {
    const priority = priorities.get(type);
    out[type] = { enabled: true, fields: priority === undefined ? {} : { [PRIORITY_FIELD]: priority } };
  }
  return { types: out, dropped };
}

/** When to ask again whether a queued alert became a ticket: 30 s, 1, 2, 4 … minutes, at most an hour. */
export function nextDeliveryCheckMs(checks: number): number {
  return Math.min(60 * 60_000, 30_000 * 2 ** Math.max(0, checks));
}

