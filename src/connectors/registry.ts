/**
 * The targets the hub connects to: the list of connector manifests. Adding a target is a folder
 * under src/connectors with its `manifest.ts` and one line in this list
 * (docs/connectors/adding-a-target.md); the HTTP API, the CLI, the loops and the portal read the
 * manifests and name no target.
 */
import { autotaskManifest } from './autotask/manifest.ts';
import { cloudBlueManifest } from './cloudblue/manifest.ts';
import { connectWiseManifest } from './connectwise/manifest.ts';
import { gradientManifest } from './gradient/manifest.ts';
import { interworksManifest } from './interworks/manifest.ts';
import { ConnectorError } from './kit/errors.ts';
import type { BillingPlatform } from './billing-ports.ts';
import { checkManifest, type BillingPlatformManifest, type PsaManifest, type ServiceManagerManifest, type TargetFactoryInput, type TargetManifest } from './manifest-schema.ts';
import type { Target } from './ports.ts';

export type { TargetFactory, TargetFactoryInput } from './manifest-schema.ts';

export const TARGET_MANIFESTS = checkManifests([autotaskManifest, connectWiseManifest, cloudBlueManifest, gradientManifest, interworksManifest] as const);

/** A target the hub has a connector for: an id of TARGET_MANIFESTS. */
export type TargetSystem = (typeof TARGET_MANIFESTS)[number]['id'];

export const TARGET_SYSTEMS: readonly TargetSystem[] = TARGET_MANIFESTS.map((manifest) => manifest.id);

function checkManifests<const L extends readonly TargetManifest[]>(list: L): L {
  const ids = new Set<string>();
  for (const manifest of list) {
    if (ids.has(manifest.id)) throw new Error(`Two connector manifests have the id "${manifest.id}"`);
    ids.add(manifest.id);
  }
  return list.map((manifest) => checkManifest(manifest)) as unknown as L;
}

export function isTargetSystem(value: string): value is TargetSystem {
  return (TARGET_SYSTEMS as readonly string[]).includes(value);
}

export function manifestOf(system: TargetSystem): TargetManifest<TargetSystem> {
  const manifest = TARGET_MANIFESTS.find((candidate) => candidate.id === system);
  if (manifest === undefined) throw new Error(`There is no ${String(system)} connector`);
  return manifest;
}

/** The manifest of a target reached through the `Target` port (a PSA), or null for other kinds. */
export function psaManifestOf(system: TargetSystem): PsaManifest<TargetSystem> | null {
  const manifest = manifestOf(system);
  return manifest.kind === 'psa' ? manifest : null;
}

export function hasTarget(system: TargetSystem): boolean {
  return psaManifestOf(system) !== null;
}

export function createTarget(system: TargetSystem, input: TargetFactoryInput): Target {
  const manifest = psaManifestOf(system);
  if (manifest === null) {
    const { label, kind } = manifestOf(system);
    throw new ConnectorError({ code: 'bad_request', system, message: `${label} is a ${kind.replace('-', ' ')}: the hub's PSA loops do not run against it`, context: { operation: 'configure connector' } });
  }
  return manifest.createTarget(input);
}

/** The manifests of service managers: systems that call the hub's inbound API. */
export function serviceManagerManifests(): ServiceManagerManifest<TargetSystem>[] {
  return TARGET_MANIFESTS.filter((manifest): manifest is typeof manifest & ServiceManagerManifest<TargetSystem> => manifest.kind === 'service-manager');
}

/** The manifest of a billing platform (the hub pushes to it through the `BillingPlatform` port), or null for other kinds. */
export function billingPlatformManifestOf(system: TargetSystem): BillingPlatformManifest<TargetSystem> | null {
  const manifest = manifestOf(system);
  return manifest.kind === 'billing-platform' ? manifest : null;
}

export function createBillingPlatform(system: TargetSystem, input: TargetFactoryInput): BillingPlatform {
  const manifest = billingPlatformManifestOf(system);
  if (manifest === null) {
    const { label, kind } = manifestOf(system);
    throw new ConnectorError({ code: 'bad_request', system, message: `${label} is a ${kind}, not a billing platform`, context: { operation: 'configure connector' } });
  }
  return manifest.createPlatform(input);
}
