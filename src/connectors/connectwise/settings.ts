/**
 * The ConnectWise connector's settings (the integration's `connector` section when the target is
 * ConnectWise Manage): configuration, not secrets. Read by `connectWiseOptionsFrom` (factory.ts).
 */
import { z } from 'zod';

export const settingsSchema = z.strictObject({
  /** The API codebase (e.g. `v4_6_release/`), when the site's discovery is not wanted. */
  connectwiseCodebase: z.string().trim().min(1).max(100).optional(),
  /** Caption of the agreement-addition custom field that marks pay-as-you-go. */
  paygFieldCaption: z.string().trim().min(1).max(100).optional(),
});
