// The contract every connector manifest keeps, checked against the target's emulator over real
// HTTP (127.0.0.1:0): its capabilities are what its target reports and the method groups it has,
// its credential fields are exactly what its credential check and factory read, and its ticket
// field specs agree with the picklists the emulator serves (each field has one; a field that hangs
// under another has entries that name values of that other field). A new manifest is held to it
// by being in the registry.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../emulators/kit/types.ts';
import { emulators } from '../../emulators/registry.ts';
import { isConnectorError } from './kit/errors.ts';
import { portCapabilities, type PsaManifest, type TargetManifest } from './manifest-schema.ts';
import { TARGET_MANIFESTS } from './registry.ts';
import type { Target } from './ports.ts';

/** The credentials as a record that remembers which fields were read. */
function recording(credentials: Record<string, string>): { credentials: Record<string, string>; read: Set<string> } {
  const read = new Set<string>();
  const proxy = new Proxy(credentials, {
    get(on, key, receiver) {
      if (typeof key === 'string') read.add(key);
      return Reflect.get(on, key, receiver) as unknown;
    },
    has(on, key) {
      if (typeof key === 'string') read.add(key);
      return Reflect.has(on, key);
    },
    ownKeys(on) {
      for (const key of Reflect.ownKeys(on)) if (typeof key === 'string') read.add(key);
      return Reflect.ownKeys(on);
    },
  });
  return { credentials: proxy, read };
}

function startEmulatorOf(manifest: TargetManifest): Promise<RunningEmulator> {
  const name = manifest.demo?.emulator;
  if (name === undefined) throw new Error(`the ${manifest.id} manifest declares no demo: say which emulator reaches the target and with which credentials`);
  const start = (emulators as Record<string, (typeof emulators)[keyof typeof emulators] | undefined>)[name];
  if (start === undefined) throw new Error(`the ${manifest.id} manifest names the emulator "${name}", which emulators/registry.ts does not list`);
  return start({ port: 0, seed: 'demo' });
}

// A service manager calls the hub (its inbound API); the others are called, with credentials.
const OUTBOUND = TARGET_MANIFESTS.filter((manifest) => manifest.kind !== 'service-manager');
const INBOUND = TARGET_MANIFESTS.filter((manifest) => manifest.kind === 'service-manager');

describe.each(INBOUND.map((manifest) => ({ id: manifest.id, manifest: manifest as TargetManifest })))('service manager manifest contract: $id', ({ manifest }) => {
  it('mounts an inbound API and says, when asked to check credentials, that the system calls the hub', async () => {
    expect(manifest.kind === 'service-manager' && manifest.inbound.basePath.startsWith('/')).toBe(true);
    const refused = await manifest.checkCredentials({ credentials: {} }).then(
      () => null,
      (error: unknown) => error,
    );
    expect(isConnectorError(refused)).toBe(true);
    expect(manifest.settingsSchema.safeParse({}).success).toBe(true);
  });
});

describe.each(OUTBOUND.map((manifest) => ({ id: manifest.id, manifest: manifest as TargetManifest })))('manifest contract: $id', ({ manifest }) => {
  let emulator: RunningEmulator;
  let credentials: Record<string, string>;
  const names = manifest.credentials.map((field) => field.name);
  const required = manifest.credentials.filter((field) => field.optional !== true).map((field) => field.name);

  beforeAll(async () => {
    emulator = await startEmulatorOf(manifest);
    credentials = manifest.demo!.credentials({ url: emulator.url, credentials: emulator.credentials });
  });
  afterAll(async () => {
    await emulator?.close();
  });

  it('has credential fields that are exactly what its check reads, each required one needed', async () => {
    expect(Object.keys(credentials).every((name) => names.includes(name))).toBe(true);
    const { credentials: watched, read } = recording({ ...credentials });
    const check = await manifest.checkCredentials({ credentials: watched });
    expect(check.displayName.length).toBeGreaterThan(0);
    expect([...read].filter((name) => !names.includes(name))).toEqual([]);
    expect(required.filter((name) => !read.has(name))).toEqual([]);
    for (const name of required) {
      const { [name]: _left, ...without } = credentials;
      const refused = await manifest.checkCredentials({ credentials: without }).then(
        () => null,
        (error: unknown) => error,
      );
      expect(isConnectorError(refused), `the check passes without ${name}`).toBe(true);
    }
  });

  it('takes its connector settings empty (every setting has a default)', () => {
    expect(manifest.settingsSchema.safeParse({}).success).toBe(true);
  });
});

const PSAS = TARGET_MANIFESTS.filter((manifest): manifest is Extract<(typeof TARGET_MANIFESTS)[number], { kind: 'psa' }> => manifest.kind === 'psa');

describe.each(PSAS.map((manifest) => ({ id: manifest.id, manifest: manifest as PsaManifest })))('PSA manifest contract: $id', ({ manifest }) => {
  let emulator: RunningEmulator;
  let target: Target;
  let read: Set<string>;

  beforeAll(async () => {
    emulator = await startEmulatorOf(manifest);
    const watched = recording(manifest.demo!.credentials({ url: emulator.url, credentials: emulator.credentials }));
    read = watched.read;
    target = manifest.createTarget({ credentials: watched.credentials, connectionName: 'contract' });
  });
  afterAll(async () => {
    await emulator?.close();
  });

  it('declares the capabilities its target reports, and a method group exactly for each', async () => {
    expect(target.system).toBe(manifest.id);
    expect(target.capabilities).toEqual(portCapabilities(manifest.capabilities));
    const groups = { catalog: manifest.capabilities.catalog, contracts: manifest.capabilities.contracts, usage: manifest.capabilities.usage, tickets: manifest.capabilities.tickets, callbacks: manifest.capabilities.callbacks };
    for (const [group, capability] of Object.entries(groups)) {
      expect(target[group as keyof typeof groups] !== undefined, `${group}: the capability says ${JSON.stringify(capability)}`).toBe(capability !== false);
    }
    if (manifest.capabilities.usage !== false) expect(target.usage?.mode).toBe(manifest.capabilities.usage.mode);
    // The factory, like the check, reads only the declared credential fields.
    await target.testConnection();
    expect([...read].filter((name) => !manifest.credentials.some((field) => field.name === name))).toEqual([]);
  });

  it("has ticket field specs that agree with the emulator's picklists", async () => {
    if (manifest.tickets === null) {
      expect(target.tickets).toBeUndefined();
      return;
    }
    const picklists = await target.tickets!.picklists();
    for (const spec of manifest.tickets.fields) {
      const entries = picklists[spec.name];
      expect(entries?.length ?? 0, `no picklist for ${spec.name}`).toBeGreaterThan(0);
      if (spec.parent === undefined) continue;
      const parentValues = new Set((picklists[spec.parent] ?? []).map((entry) => entry.value));
      const parents = entries!.flatMap((entry) => (entry.parent === undefined ? [] : Array.isArray(entry.parent) ? entry.parent : [entry.parent]));
      expect(parents.length, `${spec.name} hangs under ${spec.parent}, but no entry says under which`).toBeGreaterThan(0);
      expect(parents.filter((value) => !parentValues.has(value)), `${spec.name} entries under values ${spec.parent} does not have`).toEqual([]);
    }
    // The external reference fits the field that holds it: the hub's refs are at most 50 characters.
    if (manifest.capabilities.tickets !== false) expect(manifest.capabilities.tickets.externalRefMaxLength).toBeGreaterThanOrEqual(50);
  });
});
