/**
 * `psa-bridge demo` against the ConnectWise emulator: the procurement catalog's Acronis products
 * mapped; automatic provisioning off (the Autotask integration already creates the demo partner's
 * tenants), so the company mapping screen has its companies. Callbacks are registered once the hub
 * listens (the manifest's `callbacks` capability).
 */
import type { DemoSetup } from '../manifest-schema.ts';

export const connectWiseDemo: DemoSetup = {
  emulator: 'connectwise',
  credentials: ({ url, credentials: c }) => ({ site: url, companyId: c.company_id ?? '', publicKey: c.public_key ?? '', privateKey: c.private_key ?? '', clientId: c.client_id ?? '' }),
  products: [
    ['workstations', 'AcronisPhysicalWorkstations'],
    ['servers', 'AcronisServers'],
    ['vms', 'AcronisVirtualMachines'],
    ['web_hosting_servers', 'AcronisWebHostingServers'],
    ['m365_seats', 'AcronisM365Seats'],
    ['m365_mailboxes', 'AcronisM365Mailboxes'],
    ['m365_onedrive', 'AcronisOneDrive'],
    ['gworkspace_seats', 'AcronisGoogleWorkspace'],
    ['mobiles', 'AcronisMobileDevices'],
    ['websites', 'AcronisWebsites'],
    ['storage', 'AcronisStorageQuota'],
  ],
};
