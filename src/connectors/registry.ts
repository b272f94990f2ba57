/**
 * Target name → connector factory. Adding a target is a folder under src/connectors and one line
 * here; loops, the HTTP API and the CLI build targets through `createTarget` only.
 */
import type { CallObserver } from './kit/call-metrics.ts';
import { ConnectorError } from './kit/errors.ts';
import type { Target, TargetSystem } from './ports.ts';
import { createAutotaskTarget } from './autotask/target.ts';
import { cloudBlueTargetFactory } from './cloudblue/factory.ts';
import { connectWiseTargetFactory } from './connectwise/factory.ts';

export interface TargetFactoryInput {
  /** The integration's stored credentials, by field name (as the portal's form names them). */
  credentials: Readonly<Record<string, string>>;
  /** Connector settings that are configuration, not secrets (Autotask `zoneUrl`, `paygUdfName`). */
  settings?: Readonly<Record<string, string | undefined>>;
  connectionName?: string;
  onCall?: CallObserver;
  fetch?: typeof globalThis.fetch;
}

export type TargetFactory = (input: TargetFactoryInput) => Target;

function required(input: TargetFactoryInput, system: TargetSystem, names: readonly string[]): Record<string, string> {
  const missing = names.filter((n) => (input.credentials[n] ?? '').trim() === '');
  if (missing.length > 0) {
    throw new ConnectorError({
      code: 'auth_failed',
      system,
      message: `The ${system} connection${input.connectionName === undefined ? '' : ` '${input.connectionName}'`} lacks ${missing.join(', ')}: fill them in on the integration settings`,
      context: { operation: 'configure connector' },
    });
  }
  return Object.fromEntries(names.map((n) => [n, (input.credentials[n] ?? '').trim()]));
}

const optional = <T extends object>(entries: T): Partial<T> =>
  Object.fromEntries(Object.entries(entries).filter(([, v]) => v !== undefined && v !== '')) as Partial<T>;

export const TARGET_FACTORIES: Partial<Record<TargetSystem, TargetFactory>> = {
  autotask: (input) => {
    const c = required(input, 'autotask', ['username', 'secret', 'integrationCode']);
    // The zone discovery URL is a (non-secret) credential field: the form that tests the
    // credentials before saving must reach the same Autotask the runtime will.
    const discoveryUrl = input.credentials.discoveryUrl?.trim();
    return createAutotaskTarget({
      credentials: { username: c.username as string, secret: c.secret as string, integrationCode: c.integrationCode as string },
      ...optional({
        discoveryUrl,
        zoneUrl: input.settings?.zoneUrl,
        paygUdfName: input.settings?.paygUdfName,
        connectionName: input.connectionName,
        onCall: input.onCall,
        fetch: input.fetch,
      }),
    });
  },
  cloudblue: (input) => cloudBlueTargetFactory(input),
  connectwise: (input) => connectWiseTargetFactory(input),
};

export function hasTarget(system: TargetSystem): boolean {
  return TARGET_FACTORIES[system] !== undefined;
}

export function createTarget(system: TargetSystem, input: TargetFactoryInput): Target {
  const factory = TARGET_FACTORIES[system];
  if (factory === undefined) {
    throw new ConnectorError({ code: 'bad_request', system, message: `There is no ${system} connector yet`, context: { operation: 'configure connector' } });
  }
  return factory(input);
}
