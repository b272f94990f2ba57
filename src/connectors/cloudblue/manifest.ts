/** CloudBlue PSA, declared once (src/connectors/manifest-schema.ts says what each part means). */
import { psaCapabilities, type PsaManifest } from '../manifest-schema.ts';
import { cloudBlueDemo } from './demo.ts';
import { checkCloudBlueCredentials, cloudBlueTargetFactory } from './factory.ts';
import { settingsSchema } from './settings.ts';
import { CLOUDBLUE_CAPABILITIES } from './target.ts';

export const cloudBlueManifest: PsaManifest<'cloudblue'> = {
  id: 'cloudblue',
  kind: 'psa',
  label: 'CloudBlue PSA',
  shortLabel: 'CloudBlue PSA',
  credentials: [
    { name: 'siteUrl', label: 'Site URL', format: 'url', endpoint: true, help: 'e.g. https://yourcompany.harmonypsa.com' },
    { name: 'apiKey', label: 'API key', secret: true },
  ],
  settingsSchema,
  endpointSettings: [],
  // Customers carry their Ingram Cloud Marketplace ids (seed 001): mapping can go through them.
  capabilities: psaCapabilities(CLOUDBLUE_CAPABILITIES, { marketplace: true }),
  // Seed 001: type, category and team; a category belongs to one type ("TCB" exists under Bug and
  // under Incident A). CloudBlue PSA publishes no text limits: Autotask's, the stricter documented ones.
  tickets: {
    fields: [
      { name: 'type', label: 'Type', required: true },
      { name: 'category', label: 'Category', required: true, parent: 'type' },
      { name: 'team', label: 'Team', required: true },
    ],
    textLimits: { title: 255, description: 8000, noteTitle: 250, noteText: 8000 },
    recurrenceWhenUnset: 'new_always',
  },
  // CloudBlue PSA sells nothing through the hub (seed 001): no product mapping.
  words: { company: 'customer', companies: 'customers', product: 'service', products: 'services', companyMapping: 'Customer mapping' },
  tabs: ['settings', 'provisioning', 'mapping', 'tickets', 'summary'],
  createTarget: cloudBlueTargetFactory,
  checkCredentials: checkCloudBlueCredentials,
  demo: cloudBlueDemo,
};
