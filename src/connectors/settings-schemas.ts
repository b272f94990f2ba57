/**
 * Each target's connector settings schema (exported by its connector folder as `settingsSchema`):
 * the integration's `connector` settings section is validated by its target's. Targets without a
 * connector take no settings.
 */
import { z } from 'zod';
import { settingsSchema as autotask } from './autotask/settings.ts';
import { settingsSchema as cloudblue } from './cloudblue/settings.ts';
import { settingsSchema as connectwise } from './connectwise/settings.ts';
import type { TargetSystem } from './ports.ts';

export const CONNECTOR_SETTINGS_SCHEMAS: Record<TargetSystem, z.ZodType<Record<string, string | undefined>, unknown>> = {
  autotask,
  connectwise,
  cloudblue,
  gradient: z.strictObject({}),
  interworks: z.strictObject({}),
};
