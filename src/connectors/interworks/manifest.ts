/** interworks.cloud BSS in distributor mode, declared once (src/connectors/manifest-schema.ts says what each part means). */
import { z } from 'zod';
import { ConnectorError } from '../kit/errors.ts';
import type { ServiceManagerManifest } from '../manifest-schema.ts';
import { serviceManagementRoutes } from './routes.ts';

/** Where the BSS reaches the hub: the base URL an operator enters in the BSS is `<hub URL>` + this. */
export const SERVICE_MANAGEMENT_BASE_PATH = '/interworks/api';

export const interworksManifest: ServiceManagerManifest<'interworks'> = {
  id: 'interworks',
  kind: 'service-manager',
  label: 'interworks.cloud BSS',
  shortLabel: 'interworks.cloud',
  // The BSS authorizes with an application registration the hub issues (`psa-bridge service-manager
  // register`); its instances bring their own Acronis credentials with every call.
  credentials: [{ name: 'applicationId', label: 'Application Id', help: 'Issued by `psa-bridge service-manager register`; the BSS sends it with every call' }],
  settingsSchema: z.strictObject({}),
  endpointSettings: [],
  capabilities: { inbound: true, provisioning: true, usage: true },
  words: { company: 'service provider', companies: 'service providers', product: 'product', products: 'products', companyMapping: 'Service providers' },
  tabs: ['summary'],
  inbound: { basePath: SERVICE_MANAGEMENT_BASE_PATH, register: (app, options) => serviceManagementRoutes(app, options) },
  checkCredentials: async () => {
    throw new ConnectorError({
      code: 'bad_request',
      system: 'interworks',
      message: 'interworks.cloud BSS calls the hub, not the other way round: create an application registration (psa-bridge service-manager register) and enter its base URL, application id and key in the BSS; each instance appears here when the BSS saves it',
      context: { operation: 'check credentials' },
    });
  },
};
