/**
 * Builds the Autotask target from an integration's stored credentials (`username`, `secret`,
 * `integrationCode`, optional `discoveryUrl`, as the manifest names them) and its connector
 * settings (`zoneUrl`, `paygUdfName`).
 */
import { ConnectorError } from '../kit/errors.ts';
import type { TargetFactory, TargetFactoryInput } from '../manifest-schema.ts';
import { createAutotaskTarget } from './target.ts';

const REQUIRED = ['username', 'secret', 'integrationCode'] as const;

function requiredCredentials(input: TargetFactoryInput): Record<(typeof REQUIRED)[number], string> {
  const missing = REQUIRED.filter((n) => (input.credentials[n] ?? '').trim() === '');
  if (missing.length > 0) {
    throw new ConnectorError({
      code: 'auth_failed',
      system: 'autotask',
      message: `The autotask connection${input.connectionName === undefined ? '' : ` '${input.connectionName}'`} lacks ${missing.join(', ')}: fill them in on the integration settings`,
      context: { operation: 'configure connector' },
    });
  }
  const value = (n: (typeof REQUIRED)[number]) => (input.credentials[n] ?? '').trim();
  return { username: value('username'), secret: value('secret'), integrationCode: value('integrationCode') };
}

const optional = <T extends object>(entries: T): Partial<T> =>
  Object.fromEntries(Object.entries(entries).filter(([, v]) => v !== undefined && v !== '')) as Partial<T>;

export const autotaskTargetFactory: TargetFactory = (input) =>
  createAutotaskTarget({
    credentials: requiredCredentials(input),
    // The zone discovery URL is a (non-secret) credential field: the form that tests the
    // credentials before saving must reach the same Autotask the runtime will.
    ...optional({
      discoveryUrl: input.credentials.discoveryUrl?.trim(),
      zoneUrl: input.settings?.zoneUrl,
      paygUdfName: input.settings?.paygUdfName,
      connectionName: input.connectionName,
      onCall: input.onCall,
      fetch: input.fetch,
    }),
  });
