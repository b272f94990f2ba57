/** Autotask PSA, declared once (src/connectors/manifest-schema.ts says what each part means). */
import { psaCapabilities, type PsaManifest } from '../manifest-schema.ts';
import { autotaskDemo } from './demo.ts';
import { AUTOTASK_DISCOVERY_URL } from './client.ts';
import { autotaskTargetFactory } from './factory.ts';
import { settingsSchema } from './settings.ts';
import { AUTOTASK_CAPABILITIES } from './target.ts';

export const autotaskManifest: PsaManifest<'autotask'> = {
  id: 'autotask',
  kind: 'psa',
  label: 'Autotask',
  shortLabel: 'Autotask',
  credentials: [
    { name: 'username', label: 'API user name', help: 'The API user (system) created for this integration' },
    { name: 'secret', label: 'Secret', secret: true },
    { name: 'integrationCode', label: 'Integration code', secret: true, help: 'The API tracking identifier of the API user' },
    {
      name: 'discoveryUrl',
      label: 'Zone discovery URL (advanced)',
      format: 'url',
      optional: true,
      endpoint: true,
      help: `Leave empty for Autotask production (${AUTOTASK_DISCOVERY_URL}); set it for a sandbox or an emulator`,
    },
  ],
  settingsSchema,
  endpointSettings: ['zoneUrl'],
  capabilities: psaCapabilities(AUTOTASK_CAPABILITIES, { marketplace: false, nameSuggestions: true }),
  // Required fields follow what Autotask refuses a ticket (or note) without (seed 000 §5.5).
  tickets: {
    fields: [
      { name: 'source', label: 'Source', required: false, defaultOnly: true },
      { name: 'queue', label: 'Queue', required: false },
      { name: 'status', label: 'Status', required: true },
      { name: 'priority', label: 'Priority', required: true },
      { name: 'issueType', label: 'Issue Type', required: false },
      { name: 'subIssueType', label: 'Sub-Issue Type', required: false, parent: 'issueType' },
      { name: 'noteType', label: 'Note Type', required: true, defaultOnly: true },
      { name: 'publish', label: 'Note Publish', required: true, defaultOnly: true },
    ],
    textLimits: { title: 255, description: 8000, noteTitle: 250, noteText: 32000 },
    recurrenceWhenUnset: 'reopen_always',
  },
  words: { company: 'account', companies: 'accounts', contract: 'contract', product: 'service', products: 'services', companyMapping: 'Customer mapping' },
  tabs: ['settings', 'product-mapping', 'provisioning', 'mapping', 'tickets', 'summary'],
  createTarget: autotaskTargetFactory,
  checkCredentials: async (input) => autotaskTargetFactory({ credentials: input.credentials, ...(input.fetch === undefined ? {} : { fetch: input.fetch }) }).testConnection(),
  demo: autotaskDemo,
};
