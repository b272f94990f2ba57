// Authenticates against the vendor cloud with a set of credentials and says who they belong to,
// or why they do not work, in words a person can act on.
import type { Logger } from 'pino';
import { ConnectorError } from '../connectors/kit/errors.ts';
import type { VendorCredentials, VendorFactory } from './vendor-factory.ts';

export type ConnectionCheck =
  | { ok: true; tenant: { id: string; name: string; kind: string } }
  | { ok: false; error: { code: string; message: string } };

export const CHECK_TIMEOUT_MS = 15_000;

export async function checkConnection(
  vendorFactory: VendorFactory,
  credentials: VendorCredentials,
  log: Pick<Logger, 'error'>,
): Promise<ConnectionCheck> {
  try {
    const identity = await vendorFactory({ timeoutMs: CHECK_TIMEOUT_MS, ...credentials }).whoAmI();
    return { ok: true, tenant: { id: identity.tenantId, name: identity.tenantName, kind: identity.tenantKind } };
  } catch (error) {
    if (error instanceof ConnectorError) return { ok: false, error: { code: error.code, message: error.message } };
    log.error({ err: error }, 'unexpected error while checking a connection');
    return { ok: false, error: { code: 'internal_error', message: 'The check failed unexpectedly; the server log has the details' } };
  }
}
