/**
 * `psa-bridge demo` against the CloudBlue PSA emulator (customer mapping and tickets; no
 * contracts): a directory pass, then the Ingram Cloud Marketplace wizard's first run (the
 * manifest's `marketplace` capability) proposes the demo's osa_account_id pairs to confirm.
 */
import type { DemoSetup } from '../manifest-schema.ts';

export const cloudBlueDemo: DemoSetup = {
  emulator: 'cloudblue',
  credentials: ({ url, credentials }) => ({ siteUrl: url, apiKey: credentials.api_key ?? '' }),
};
