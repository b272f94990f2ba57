/**
 * The CloudBlue connector's settings (the integration's `connector` section when the target is
 * CloudBlue PSA): the API layout, which is configuration rather than code (factory.ts lists the keys
 * and defaults). Values are text, as the factory reads them; `cloudbluePaths` may be given as an
 * object and is stored as its JSON text. Each value is checked the way the factory reads it, so a
 * setting the connector would refuse is refused when it is saved, naming the field.
 */
import { z } from 'zod';
import { isConnectorError } from '../kit/errors.ts';
import { apiOverridesFromSettings, type CLOUDBLUE_SETTING_KEYS } from './factory.ts';

const text = z.string().trim().min(1, 'must not be empty').max(500, 'must be at most 500 characters');

const shape = {
  cloudblueApiBase: text.refine((v) => v.startsWith('/'), 'must be a path starting with "/", e.g. /webapi/v1.3').optional(),
  cloudblueKeyPlacement: z.enum(['query', 'header'], { error: 'must be "query" or "header"' }).optional(),
  cloudblueKeyParameter: text.optional(),
  cloudblueKeyHeader: text.refine((v) => /^[A-Za-z0-9-]+$/.test(v), 'must be an HTTP header name').optional(),
  cloudbluePageSize: z
    .union([z.number(), z.string()])
    .transform((v) => String(v).trim())
    .refine((v) => /^\d+$/.test(v) && Number(v) >= 1 && Number(v) <= 1000, 'must be a whole number from 1 to 1000')
    .optional(),
  cloudblueMarketplaceSystem: text.optional(),
  cloudbluePaths: z
    .union([z.record(z.string(), z.string().trim().min(1).refine((v) => v.startsWith('/'), 'each path must start with "/"')), z.string()])
    .transform((v) => (typeof v === 'string' ? v : JSON.stringify(v)))
    .optional(),
} satisfies Record<(typeof CLOUDBLUE_SETTING_KEYS)[number], z.ZodType>;

export const settingsSchema = z.strictObject(shape).superRefine((value, ctx) => {
  try {
    apiOverridesFromSettings(value);
  } catch (error) {
    if (!isConnectorError(error)) throw error;
    ctx.addIssue({ code: 'custom', path: ['cloudbluePaths'], message: error.message.replace(/^CloudBlue PSA connector settings: /, '') });
  }
});
