/**
 * `psa-bridge demo` against the Autotask emulator, as a person would set it up: the demo services
 * mapped, automatic provisioning with 2FA, so the portal opens on companies, mappings and tenants.
 */
import type { DemoSetup } from '../manifest-schema.ts';

const SERVICES = [
  ['workstations', 'Workstations'],
  ['servers', 'Servers'],
  ['vms', 'Virtual machines'],
  ['web_hosting_servers', 'Web hosting servers'],
  ['m365_seats', 'Microsoft 365 seats'],
  ['m365_mailboxes', 'Microsoft 365 Mailboxes'],
  ['m365_onedrive', 'Microsoft OneDrive'],
  ['gworkspace_seats', 'Google Workspace seats'],
  ['mobiles', 'Mobile devices'],
  ['websites', 'Websites'],
  ['storage', 'Acronis Hosted storage (GB)'],
] as const;

export const autotaskDemo: DemoSetup = {
  emulator: 'autotask',
  credentials: ({ url, credentials: c }) => ({ username: c.username ?? '', secret: c.secret ?? '', integrationCode: c.integration_code ?? '', discoveryUrl: `${url}/ATServicesRest/` }),
  products: SERVICES.map(([itemKey, tail]) => [itemKey, `Acronis Cyber Protect - ${tail}`] as const),
  provisions: true,
};
