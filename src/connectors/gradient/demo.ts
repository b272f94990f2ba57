/**
 * `psa-bridge demo` against the Gradient emulator: the vendor and partner keys it prints, and its
 * URL as the base URL (the client adds /api/vendor-api, as against production).
 */
import type { DemoSetup } from '../manifest-schema.ts';

export const gradientDemo: DemoSetup = {
  emulator: 'gradient',
  credentials: ({ url, credentials: c }) => ({ vendorKey: c.vendor_key ?? '', partnerKey: c.partner_key ?? '', baseUrl: url }),
};
