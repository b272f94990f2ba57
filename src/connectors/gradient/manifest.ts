/** Gradient Synthesize, declared once (src/connectors/manifest-schema.ts says what each part means). */
import { z } from 'zod';
import type { BillingPlatformManifest, TargetFactoryInput } from '../manifest-schema.ts';
import { ConnectorError } from '../kit/errors.ts';
import { GRADIENT_PRODUCTION_URL } from './client.ts';
import { createGradientPlatform } from './platform.ts';
import { gradientDemo } from './demo.ts';

function platformOf(input: TargetFactoryInput) {
  const c = input.credentials;
  return createGradientPlatform({
    vendorKey: c.vendorKey ?? '',
    partnerKey: c.partnerKey ?? '',
    ...(c.baseUrl === undefined || c.baseUrl.trim() === '' ? {} : { baseUrl: c.baseUrl }),
    ...(input.connectionName === undefined ? {} : { connectionName: input.connectionName }),
    ...(input.onCall === undefined ? {} : { onCall: input.onCall }),
    ...(input.fetch === undefined ? {} : { fetch: input.fetch }),
  });
}

/**
 * `GET /organization` is Gradient's own preferred credential check and names the partner
 * organization. A URL that answers but not as Gradient gets a message about the URL, not the keys.
 */
async function checkGradientCredentials(input: TargetFactoryInput) {
  const platform = platformOf(input);
  try {
    return await platform.testConnection();
  } catch (error) {
    if (error instanceof ConnectorError && ['not_found', 'bad_payload', 'unexpected_response'].includes(error.code)) {
      throw error.with({
        message: `${error.message}. The base URL does not answer as Gradient's vendor API: leave it empty for production (${GRADIENT_PRODUCTION_URL}) or enter the URL Gradient vendor support gave`,
      });
    }
    throw error;
  }
}

export const gradientManifest: BillingPlatformManifest<'gradient'> = {
  id: 'gradient',
  kind: 'billing-platform',
  label: 'Gradient Synthesize',
  shortLabel: 'Gradient',
  credentials: [
    { name: 'vendorKey', label: 'Vendor API key', secret: true, help: 'Gradient: Integrations → Custom → Generate API Tokens (shown once)' },
    { name: 'partnerKey', label: 'Partner API key', secret: true, help: 'Generated with the vendor key; a regenerated partner key must be entered again' },
    {
      name: 'baseUrl',
      label: 'Base URL',
      format: 'url',
      optional: true,
      endpoint: true,
      help: `Empty = production (${GRADIENT_PRODUCTION_URL}); /api/vendor-api is added`,
    },
  ],
  // Which alerts become tickets, and their priority, are the shared alert mappings (the tickets tab).
  settingsSchema: z.strictObject({}),
  endpointSettings: [],
  capabilities: {
    accounts: true,
    services: true,
    unitCounts: true,
    alerts: {
      priorities: [
        { value: 1, label: 'Low' },
        { value: 2, label: 'Medium' },
        { value: 3, label: 'High' },
        { value: 4, label: 'Very high' },
      ],
      // Gradient's alerting API only creates: no close, no reopen.
      close: false,
      reopen: false,
    },
  },
  // An alert type's ticket in Gradient has one field a person sets: its priority (CreateAlertingDto:
  // 1 low … 4 very high; the values are capabilities.alerts.priorities). Unset = from the alert's
  // severity. A returning alert after its ticket was made is a new ticket: Gradient cannot reopen.
  // Gradient takes no notes on a ticket; the note limits are never used.
  tickets: {
    fields: [{ name: 'priority', label: 'Priority', required: false }],
    textLimits: { title: 250, description: 8000, noteTitle: 250, noteText: 8000 },
    recurrenceWhenUnset: 'new_always',
  },
  words: { company: 'account', companies: 'accounts', product: 'service', products: 'services', companyMapping: 'Accounts' },
  tabs: ['settings', 'tickets', 'billing', 'summary'],
  createPlatform: platformOf,
  checkCredentials: checkGradientCredentials,
  demo: gradientDemo,
};
