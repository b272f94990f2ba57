/**
 * The Autotask connector's settings (the integration's `connector` section when the target is
 * Autotask): configuration, not secrets. Read by the registry's Autotask factory.
 */
import { z } from 'zod';
import { isHttpUrl } from '../../domain/http-url.ts';

const httpUrl = z
  .string()
  .trim()
  .refine(isHttpUrl, 'must be an http(s) URL');

// The zone discovery root is not here: it is the optional credential field `discoveryUrl` (one
// source of truth, checked by "Test credentials" before saving).
export const settingsSchema = z.strictObject({
  /** Skip discovery and use this API root. */
  zoneUrl: httpUrl.optional(),
  /** The contract field that marks PAYG (default "Acronis PAYG"). */
  paygUdfName: z.string().trim().min(1).max(64).optional(),
});
