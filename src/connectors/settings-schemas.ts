/**
 * Each target's connector settings schema (its manifest's `settingsSchema`): the integration's
 * `connector` settings section is validated by its target's.
 */
import { z } from 'zod';
import { manifestOf, TARGET_MANIFESTS, type TargetSystem } from './registry.ts';

/** Connector settings are text by key (the factories read them so). */
export type ConnectorSettingsSchema = z.ZodType<Record<string, string | undefined>, unknown>;

export function connectorSettingsSchemaOf(target: TargetSystem): ConnectorSettingsSchema {
  return manifestOf(target).settingsSchema as unknown as ConnectorSettingsSchema;
}

/**
 * Any target's connector settings, as stored: every connector's keys. A write is validated by the
 * integration's own target's schema (`connectorSettingsSchemaOf`), so a key of another target is
 * refused there, naming it.
 */
export const anyConnectorSettingsSchema = z.strictObject(
  Object.assign({}, ...TARGET_MANIFESTS.map((manifest) => manifest.settingsSchema.shape)) as z.ZodRawShape,
) as unknown as z.ZodObject<Record<string, z.ZodOptional<z.ZodString>>, z.core.$strict>;
