// Test-only: the pieces every hub test world is built from, whatever the target: a vendor-cloud
// connection to the Acronis emulator, the Acronis API as the partner's own API client, and the
// runtime options a test passes through to buildIntegrationRuntime. Each target's harness
// (test/<target>/harness.ts) adds its emulator, its integration and its product mapping on top.
import type { AcronisEmulator } from '../../emulators/acronis/server.ts';
import { rawCall } from '../../emulators/kit/raw-client.test-support.ts';
import type { CallObserver } from '../../src/connectors/kit/call-metrics.ts';
import type { Target, VendorCloud } from '../../src/connectors/ports.ts';
import type { Clock } from '../../src/store/columns.ts';
import type { Connection } from '../../src/store/repositories/connections.ts';
import type { JournalRepository } from '../../src/store/repositories/journal.ts';
import type { Store } from '../../src/store/store.ts';
import type { RuntimeOptions } from '../../src/sync/integration-runtime.ts';

export { emulatorControl } from '../../emulators/kit/raw-client.test-support.ts';

/**
 * The connection a person adds for the emulator's partner. `checked`: also recorded as tested
 * (status ok), as after "Test connection" in the portal.
 */
export async function connectAcronis(store: Store, acronis: AcronisEmulator, options: { name?: string; tenantName?: string; checked?: boolean } = {}): Promise<Connection> {
  const tenantName = options.tenantName ?? 'Northwind MSP';
  const connection = await store.repos.connections.create({
    name: options.name ?? 'acronis-emulator',
    baseUrl: acronis.url,
    clientId: acronis.credentials.client_id,
    clientSecret: acronis.credentials.client_secret,
    tenantId: acronis.partnerId,
    tenantName,
  });
  if (options.checked === true) await store.repos.connections.recordCheck(connection.id, { ok: true, tenantId: acronis.partnerId, tenantName });
  return connection;
}

/** The Acronis API (`/api/2`) as the partner's API client: a client-credentials token, then bearer calls that throw on an error status. */
export function acronisApi(acronis: AcronisEmulator): { token(): Promise<string>; call<T = any>(method: string, path: string, body?: unknown): Promise<T> } {
  let cached: string | undefined;
  const token = async (): Promise<string> => {
    const basic = Buffer.from(`${acronis.credentials.client_id}:${acronis.credentials.client_secret}`).toString('base64');
    const res = await fetch(`${acronis.url}/api/2/idp/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    });
    if (!res.ok) throw new Error(`acronis token: ${res.status} ${await res.text()}`);
    return ((await res.json()) as { access_token: string }).access_token;
  };
  return {
    token,
    call: async <T>(method: string, path: string, body?: unknown): Promise<T> => {
      cached ??= await token();
      const reply = await rawCall(`${acronis.url}/api/2${path}`, method, { authorization: `Bearer ${cached}` }, body);
      if (reply.status >= 400) throw new Error(`acronis ${method} ${path}: ${reply.status} ${JSON.stringify(reply.body)}`);
      return reply.body as T;
    },
  };
}

/** What a test may change in a world's runtime. */
export interface WorldRuntimeOptions {
  clock?: Clock;
  wrapVendor?: (vendor: VendorCloud) => VendorCloud;
  wrapTarget?: (target: Target) => Target;
  journalRepo?: JournalRepository;
  journalLeaseMs?: number;
  onVendorCall?: CallObserver;
  onTargetCall?: CallObserver;
  /** Patient retries for fault tests. */
  patient?: boolean;
}

/** Connector retries of a test world: short backoff, more attempts when the test injects faults. */
export function testRetry(patient: boolean | undefined): { maxAttempts?: number; baseDelayMs: number; maxDelayMs: number } {
  return patient === true ? { maxAttempts: 8, baseDelayMs: 5, maxDelayMs: 50 } : { baseDelayMs: 5, maxDelayMs: 50 };
}

/** The part of buildIntegrationRuntime's options a WorldRuntimeOptions sets (the target factory is the harness's). */
export function runtimeOptions(o: WorldRuntimeOptions): Omit<RuntimeOptions, 'targetFactory'> {
  return {
    ...(o.clock ? { clock: o.clock } : {}),
    ...(o.wrapVendor ? { wrapVendor: o.wrapVendor } : {}),
    ...(o.wrapTarget ? { wrapTarget: o.wrapTarget } : {}),
    ...(o.journalRepo ? { journalRepo: o.journalRepo } : {}),
    ...(o.journalLeaseMs === undefined ? {} : { journalLeaseMs: o.journalLeaseMs }),
    ...(o.onVendorCall ? { onVendorCall: o.onVendorCall } : {}),
    vendorOptions: { timeoutMs: 2_000, retry: testRetry(o.patient) },
  };
}

/** What a test may change in the runtime of a world whose connector retries sleep 0 ms. */
export interface InstantRetryOptions {
  wrapVendor?: (vendor: VendorCloud) => VendorCloud;
  journalRepo?: JournalRepository;
  journalLeaseMs?: number;
  clock?: Clock;
}

/**
 * The runtime options of such a world (buildIntegrationRuntime's or buildBillingRuntime's; the
 * target or platform factory is the harness's): vendor retries without waiting, pages of 500, and
 * what the test changed.
 */
export function instantRetryRuntime(extra: InstantRetryOptions) {
  return {
    vendorOptions: { sleep: async () => {}, pageSize: 500 },
    ...(extra.wrapVendor === undefined ? {} : { wrapVendor: extra.wrapVendor }),
    ...(extra.journalRepo === undefined ? {} : { journalRepo: extra.journalRepo }),
    ...(extra.journalLeaseMs === undefined ? {} : { journalLeaseMs: extra.journalLeaseMs }),
    ...(extra.clock === undefined ? {} : { clock: extra.clock }),
  };
}
