/**
 * `psa-bridge demo` against the Gradient emulator: the vendor and partner keys it prints, and its
 * URL as the base URL (the client adds /api/vendor-api, as against production).
 *
 * After the hub's first push, Gradient has matched the accounts whose names are exact in the PSA
 * (the demo PSA spells four differently, so those wait), but no service: services are always
 * mapped by a person. The demo plays that person through the emulator's control API, mapping three
 * services and leaving the rest, so the portal's 'Accounts in Gradient' tab shows counts Gradient
 * took next to accounts and services waiting for mapping.
 */
import type { DemoSetup } from '../manifest-schema.ts';

/** Service (as the hub names it) → the demo PSA product a person maps it to (emulators/gradient/datasets.ts). */
const DEMO_SERVICE_MAPPING: readonly (readonly [RegExp, string])[] = [
  [/ - Workstations$/, 'Cyber Protect - Workstation'],
  [/ - Servers$/, 'Cyber Protect - Server'],
  [/ - Cloud storage \(Acronis Cloud Storage/, 'Cloud Backup Storage (per GB)'],
];

async function control<T>(url: string, method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${url}/_emulator${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!response.ok) throw new Error(`the Gradient emulator answered ${response.status} to ${method} ${path}: ${await response.text()}`);
  return (await response.json()) as T;
}

async function mapDemoServices({ url }: { url: string }): Promise<string> {
  const { items: services } = await control<{ items: { id: string; name: string }[] }>(url, 'GET', '/services');
  const { products } = await control<{ products: { id: string; name: string }[] }>(url, 'GET', '/psa');
  const mapped: string[] = [];
  for (const [pattern, productName] of DEMO_SERVICE_MAPPING) {
    const product = products.find((p) => p.name === productName);
    // The first service of the pattern only: one storage location mapped, the others left waiting.
    const service = services.find((s) => pattern.test(s.name));
    if (product === undefined || service === undefined) continue;
    await control(url, 'POST', `/services/${service.id}/map`, { psaId: product.id });
    mapped.push(service.name);
  }
  return `mapped in Gradient as a person would: ${mapped.length} of ${services.length} services (${mapped.join(', ')})`;
}

export const gradientDemo: DemoSetup = {
  emulator: 'gradient',
  credentials: ({ url, credentials: c }) => ({ vendorKey: c.vendor_key ?? '', partnerKey: c.partner_key ?? '', baseUrl: url }),
  mapInPlatform: mapDemoServices,
};
