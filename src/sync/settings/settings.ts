/**
 * Reading and writing integration settings by section (sections.ts), through the settings
 * repository. An absent section reads as its defaults; a write is validated as a whole and stored
 * with its defaults filled in, so what is stored is what the loops run with.
 *
 * @example
 *   const provisioning = await settings.read(integrationId, 'provisioning');
 *   await settings.patch(integrationId, 'schedule', { provisioning: { intervalMinutes: 5 } });
 */
import type { z } from 'zod';
import type { SettingsRepository } from '../../store/repositories/settings.ts';
import { SettingsError, type SettingsIssue } from './settings-error.ts';
import type { TargetSystem } from '../../connectors/ports.ts';
import { connectorSettingsSchemaFor, settingsSections, SETTINGS_SECTION_NAMES, type SettingsOf, type SettingsSectionName } from './sections.ts';

export type SettingsValidation<N extends SettingsSectionName> = { ok: true; value: SettingsOf<N> } | { ok: false; issues: SettingsIssue[] };

/** `target`: the integration's, so the `connector` section is checked by that target's connector schema. */
export function validateSettings<N extends SettingsSectionName>(name: N, value: unknown, target?: TargetSystem): SettingsValidation<N> {
  const schema = name === 'connector' && target !== undefined ? connectorSettingsSchemaFor(target) : (settingsSections[name] as z.ZodType);
  const parsed = schema.safeParse(value ?? {});
  if (parsed.success) return { ok: true, value: parsed.data as SettingsOf<N> };
  return { ok: false, issues: parsed.error.issues.map((issue) => ({ field: [name, ...issue.path.map(String)].join('.'), message: fixOf(issue) })) };
}

/** The defaults of a section (what an integration runs with before anyone saves it). */
export function defaultSettings<N extends SettingsSectionName>(name: N): SettingsOf<N> {
  const result = validateSettings(name, {});
  if (!result.ok) throw new Error(`defaults of ${name} do not validate: ${JSON.stringify(result.issues)}`);
  return result.value;
}

/** Deep merge of plain objects; arrays and scalars in `patch` replace; `undefined` leaves a value as it is. */
export function mergeSettings(base: unknown, patch: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(patch)) return patch === undefined ? base : patch;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(patch)) out[key] = mergeSettings(base[key], value);
  return out;
}

export interface IntegrationSettings {
  read<N extends SettingsSectionName>(integrationId: string, name: N): Promise<SettingsOf<N>>;
  readAll(integrationId: string): Promise<{ [N in SettingsSectionName]: SettingsOf<N> }>;
  /** Replaces the section (validated; defaults filled in). Throws `SettingsError`. */
  write<N extends SettingsSectionName>(integrationId: string, name: N, value: unknown): Promise<SettingsOf<N>>;
  /** Merges `patch` into the stored section, then validates and stores the whole. Throws `SettingsError`. */
  patch<N extends SettingsSectionName>(integrationId: string, name: N, patch: unknown): Promise<SettingsOf<N>>;
  /** Back to defaults. */
  reset(integrationId: string, name: SettingsSectionName): Promise<void>;
}

export interface IntegrationSettingsOptions {
  onChange?: (integrationId: string, name: SettingsSectionName) => void | Promise<void>;
  /** The integration's target: a `connector` write is then validated by that target's connector schema. */
  targetOf?: (integrationId: string) => Promise<TargetSystem | undefined>;
}

export function integrationSettings(repo: SettingsRepository, options: IntegrationSettingsOptions = {}): IntegrationSettings {
  const changed = async (integrationId: string, name: SettingsSectionName) => {
    await options.onChange?.(integrationId, name);
  };

  async function read<N extends SettingsSectionName>(integrationId: string, name: N): Promise<SettingsOf<N>> {
    const stored = await repo.get(integrationId, name);
    const result = validateSettings(name, stored);
    if (!result.ok) throw new SettingsError(name, result.issues, { stored: true });
    return result.value;
  }

  async function write<N extends SettingsSectionName>(integrationId: string, name: N, value: unknown): Promise<SettingsOf<N>> {
    const target = name === 'connector' ? await options.targetOf?.(integrationId) : undefined;
    const result = validateSettings(name, value, target);
    if (!result.ok) throw new SettingsError(name, result.issues);
    await repo.set(integrationId, name, result.value);
    await changed(integrationId, name);
    return result.value;
  }

  return {
    read,
    async readAll(integrationId) {
      const stored = await repo.getAll(integrationId);
      const out: Record<string, unknown> = {};
      for (const name of SETTINGS_SECTION_NAMES) {
        const result = validateSettings(name, stored[name]);
        if (!result.ok) throw new SettingsError(name, result.issues, { stored: true });
        out[name] = result.value;
      }
      return out as { [N in SettingsSectionName]: SettingsOf<N> };
    },
    write,
    async patch(integrationId, name, patch) {
      const current = (await repo.get(integrationId, name)) ?? {};
      return write(integrationId, name, mergeSettings(current, patch));
    },
    async reset(integrationId, name) {
      await repo.delete(integrationId, name);
      await changed(integrationId, name);
    },
  };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fixOf(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'unrecognized_keys':
      return `unknown setting${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}: remove ${issue.keys.length > 1 ? 'them' : 'it'}`;
    case 'invalid_type':
      return issue.message.startsWith('Invalid input') ? `must be ${issue.expected}` : issue.message;
    default:
      return issue.message;
  }
}
