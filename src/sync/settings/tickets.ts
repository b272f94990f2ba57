/**
 * The ticket settings of an integration, two sections:
 * - `tickets`: the feature switch (off by default, as every seed has it), recurrence (reopen on
 *   every occurrence, reopen within N days else a new ticket, or always new), the reopen status,
 *   auto-close with its status, clearing the vendor alert when the ticket reaches one of some
 *   statuses, the note rate limit and the minimum severity (src/domain/alert-mapping.ts
 *   `TicketSettings`).
 * - `alert-mappings`: per vendor alert type, enabled or not and the target's ticket fields (its
 *   manifest's ticket profile), plus defaults for every type (seed 000 §5.5: one source, note type
 *   and publish for all tickets).
 *
 * Shapes are checked with zod; values are checked against the target's real picklists
 * (`target.tickets.picklists()`), and every problem names the field and the values allowed.
 * Stored one row per section in `integration_settings`, as the other sections are.
 */
import { z } from 'zod';
import { SettingsError, type SettingsIssue } from './settings-error.ts';
import {
  defaultTicketSettings,
  problemSentence,
  recurrenceFromSeedOption,
  validateAlertMapping,
  validateTicketSettings,
  type AlertMapping,
  type MappingError,
  type TargetPicklists,
  type TicketSettings,
  type TicketProfile,
} from '../../domain/alert-mapping.ts';
import { ticketProfileOf } from '../../connectors/manifest-schema.ts';
import { manifestOf, type TargetSystem } from '../../connectors/registry.ts';
import type { TargetTickets } from '../../connectors/ports.ts';
import type { SettingsRepository } from '../../store/repositories/settings.ts';

export const TICKETS_SECTION = 'tickets';
export const ALERT_MAPPINGS_SECTION = 'alert-mappings';

const severity = z.enum(['ok', 'information', 'warning', 'error', 'critical'], { error: 'must be one of ok, information, warning, error, critical' });
const statusValue = z.string().trim().min(1, 'choose a status');

const recurrenceSchema = z.discriminatedUnion('mode', [
  z.strictObject({ mode: z.literal('reopen_always') }),
  z.strictObject({ mode: z.literal('reopen_within_days'), days: z.number({ error: 'The number of days must be a number from 1 to 3650' }).int('The number of days must be whole days, from 1 to 3650').min(1, 'The number of days must be from 1 to 3650').max(3650, 'The number of days must be from 1 to 3650') }),
  z.strictObject({ mode: z.literal('new_always') }),
]);

/**
 * `recurrence` absent means the target's default (Autotask/ConnectWise: reopen on every
 * occurrence; CloudBlue: a new ticket), read by `ticketSettingsOf`.
 */
export const ticketSettingsSchema = z.strictObject({
  enabled: z.boolean().default(false),
  recurrence: recurrenceSchema.optional(),
  reopenStatus: statusValue.nullable().default(null),
  autoClose: z.strictObject({ enabled: z.boolean().default(false), status: statusValue.nullable().default(null) }).default({ enabled: false, status: null }),
  clearAlert: z.strictObject({ enabled: z.boolean().default(false), statuses: z.array(statusValue).default([]) }).default({ enabled: false, statuses: [] }),
  notes: z
    .strictObject({
      windowMinutes: z.number({ error: 'must be a number of minutes' }).int('must be whole minutes').min(1, 'must be at least 1 minute').default(60),
      maxPerCycle: z.number({ error: 'must be a number' }).int('must be a whole number').min(0, 'must be 0 or more').default(10),
    })
    .default({ windowMinutes: 60, maxPerCycle: 10 }),
  minSeverity: severity.default('information'),
});

export type StoredTicketSettings = z.output<typeof ticketSettingsSchema>;

const fieldBag = z.record(z.string().min(1), z.string().trim());

export const alertMappingSettingsSchema = z.strictObject({
  defaults: fieldBag.default({}),
  types: z
    .record(
      z.string().min(1, 'an alert type id is required'),
      z.strictObject({ enabled: z.boolean().default(false), fields: fieldBag.default({}), minSeverity: severity.optional() }),
    )
    .default({}),
});

export type StoredAlertMapping = z.output<typeof alertMappingSettingsSchema>;


/** The target's ticket rules from its connector's manifest; null for a target without tickets. */
export function ticketProfileFor(system: TargetSystem): TicketProfile | null {
  return ticketProfileOf(manifestOf(system));
}

function zodIssues(section: string, error: z.ZodError): SettingsIssue[] {
  return error.issues.map((issue) => ({
    field: [section, ...issue.path.map(String)].join('.'),
    message: issue.code === 'unrecognized_keys' ? `unknown setting${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}: remove it` : issue.message,
  }));
}

function mappingIssues(section: string, errors: readonly MappingError[]): SettingsIssue[] {
  return errors.map((error) => ({
    field: [section, ...(error.alertType === null ? (section === ALERT_MAPPINGS_SECTION ? ['defaults'] : []) : ['types', error.alertType, 'fields']), error.field].join('.'),
    message: error.message,
    text: problemSentence(error.message),
    ...(error.allowed.length > 0 ? { allowed: error.allowed } : {}),
  }));
}

export function parseTicketSettings(value: unknown): StoredTicketSettings {
  const parsed = ticketSettingsSchema.safeParse(value ?? {});
  if (!parsed.success) throw new SettingsError(TICKETS_SECTION, zodIssues(TICKETS_SECTION, parsed.error));
  return parsed.data;
}

export function parseAlertMapping(value: unknown): StoredAlertMapping {
  const parsed = alertMappingSettingsSchema.safeParse(value ?? {});
  if (!parsed.success) throw new SettingsError(ALERT_MAPPINGS_SECTION, zodIssues(ALERT_MAPPINGS_SECTION, parsed.error));
  return parsed.data;
}

/** The domain's settings from the stored section (target defaults filled in). */
export function ticketSettingsOf(target: TicketProfile, stored: StoredTicketSettings): TicketSettings {
  const defaults = defaultTicketSettings(target);
  return {
    ...defaults,
    enabled: stored.enabled,
    recurrence: stored.recurrence ?? recurrenceFromSeedOption(target, null),
    reopenStatus: stored.reopenStatus,
    autoClose: { ...stored.autoClose },
    clearAlert: { enabled: stored.clearAlert.enabled, statuses: [...stored.clearAlert.statuses] },
    notes: { ...stored.notes },
    minSeverity: stored.minSeverity,
  };
}

export function alertMappingOf(target: TicketProfile, stored: StoredAlertMapping): AlertMapping {
  const types: AlertMapping['types'] = {};
  for (const [id, setting] of Object.entries(stored.types)) {
    types[id] = { enabled: setting.enabled, fields: { ...setting.fields }, ...(setting.minSeverity === undefined ? {} : { minSeverity: setting.minSeverity }) };
  }
  return { target, defaults: { ...stored.defaults }, types };
}

/**
 * The target's ticket picklists, read once per run (a loop pass or an API request) however often
 * they are asked for. A failed read is not cached.
 */
export function picklistCache(tickets: Pick<TargetTickets, 'picklists'>): () => Promise<TargetPicklists> {
  let pending: Promise<TargetPicklists> | undefined;
  return () => {
    pending ??= tickets.picklists().catch((error: unknown) => {
      pending = undefined;
      throw error;
    });
    return pending;
  };
}

/** Reads and writes both sections of one integration. */
export class TicketConfig {
  constructor(private readonly repo: SettingsRepository) {}

  async readStoredSettings(integrationId: string): Promise<StoredTicketSettings> {
    return parseTicketSettings(await this.repo.get(integrationId, TICKETS_SECTION));
  }

  async readSettings(integrationId: string, target: TicketProfile): Promise<TicketSettings> {
    return ticketSettingsOf(target, await this.readStoredSettings(integrationId));
  }

  async readStoredMapping(integrationId: string): Promise<StoredAlertMapping> {
    return parseAlertMapping(await this.repo.get(integrationId, ALERT_MAPPINGS_SECTION));
  }

  async readMapping(integrationId: string, target: TicketProfile): Promise<AlertMapping> {
    return alertMappingOf(target, await this.readStoredMapping(integrationId));
  }

  /**
   * Merges `patch` into the stored settings (objects merge, arrays and values replace; `recurrence`
   * replaces as a whole), validates shape and statuses, and stores the result. Throws
   * `SettingsError` naming each field and the statuses allowed.
   */
  async saveSettings(integrationId: string, target: TicketProfile, patch: unknown, picklists: TargetPicklists): Promise<StoredTicketSettings> {
    const current = (await this.repo.get(integrationId, TICKETS_SECTION)) ?? {};
    const next = parseTicketSettings(mergeTicketPatch(current, patch));
    const errors = validateTicketSettings(target, ticketSettingsOf(target, next), picklists);
    if (errors.length > 0) throw new SettingsError(TICKETS_SECTION, mappingIssues(TICKETS_SECTION, errors));
    await this.repo.set(integrationId, TICKETS_SECTION, next);
    return next;
  }

  /**
   * Merges `patch` per alert type (a type in the patch replaces that type's setting; `defaults`
   * merge field by field, an empty value removes a default), validates against the picklists and
   * stores. `replace: true` stores the patch as the whole mapping.
   */
  async saveMapping(integrationId: string, target: TicketProfile, patch: unknown, picklists: TargetPicklists, options: { replace?: boolean } = {}): Promise<StoredAlertMapping> {
    const incoming = parseAlertMapping(patch);
    let next = incoming;
    if (options.replace !== true) {
      const current = await this.readStoredMapping(integrationId);
      const defaults = { ...current.defaults, ...incoming.defaults };
      for (const [name, value] of Object.entries(defaults)) if (value === '') delete defaults[name];
      next = { defaults, types: { ...current.types, ...incoming.types } };
    }
    const errors = validateAlertMapping(alertMappingOf(target, next), picklists);
    if (errors.length > 0) throw new SettingsError(ALERT_MAPPINGS_SECTION, mappingIssues(ALERT_MAPPINGS_SECTION, errors));
    await this.repo.set(integrationId, ALERT_MAPPINGS_SECTION, next);
    return next;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function mergeTicketPatch(base: unknown, patch: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(patch)) return patch === undefined ? base : patch;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    out[key] = key === 'recurrence' || !isPlainObject(value) ? value : mergeTicketPatch(base[key], value);
  }
  return out;
}
