/** ConnectWise Manage (PSA), declared once (src/connectors/manifest-schema.ts says what each part means). */
import { psaCapabilities, type PsaManifest } from '../manifest-schema.ts';
import { connectWiseDemo } from './demo.ts';
import { connectWiseTargetFactory } from './factory.ts';
import { settingsSchema } from './settings.ts';
import { CONNECTWISE_CAPABILITIES } from './target.ts';

export const connectWiseManifest: PsaManifest<'connectwise'> = {
  id: 'connectwise',
  kind: 'psa',
  label: 'ConnectWise Manage',
  shortLabel: 'ConnectWise',
  credentials: [
    { name: 'site', label: 'Site', endpoint: true, help: 'e.g. api-na.myconnectwise.net' },
    { name: 'companyId', label: 'Company', help: 'The company id you log in with' },
    { name: 'publicKey', label: 'Public key' },
    { name: 'privateKey', label: 'Private key', secret: true },
    { name: 'clientId', label: 'Client id', help: 'From the ConnectWise developer network' },
  ],
  settingsSchema,
  endpointSettings: [],
  capabilities: psaCapabilities(CONNECTWISE_CAPABILITIES, { marketplace: false, nameSuggestions: true }),
  // Seed 002 §7: a ticket needs its service board; type, subtype and status belong to a board.
  tickets: {
    fields: [
      { name: 'board', label: 'Service Board', required: true, defaultOnly: true },
      { name: 'type', label: 'Type', required: false, parent: 'board' },
      { name: 'subtype', label: 'Subtype', required: false, parent: 'type' },
      { name: 'status', label: 'Status', required: false, parent: 'board' },
      { name: 'priority', label: 'Priority', required: false },
    ],
    textLimits: { title: 100, description: 8000, noteTitle: 100, noteText: 8000 },
    recurrenceWhenUnset: 'reopen_always',
  },
  words: { company: 'company', companies: 'companies', contract: 'agreement', product: 'product', products: 'products', companyMapping: 'Company mapping' },
  tabs: ['settings', 'product-mapping', 'provisioning', 'mapping', 'tickets', 'summary'],
  createTarget: connectWiseTargetFactory,
  checkCredentials: async (input) => connectWiseTargetFactory({ credentials: input.credentials, ...(input.fetch === undefined ? {} : { fetch: input.fetch }) }).testConnection(),
  demo: connectWiseDemo,
};
