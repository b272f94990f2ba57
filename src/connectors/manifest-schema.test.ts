import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { autotaskManifest } from './autotask/manifest.ts';
import { cloudBlueManifest } from './cloudblue/manifest.ts';
import { checkManifest, portCapabilities, ticketProfileOf, type BillingPlatformManifest, type PsaManifest } from './manifest-schema.ts';
import { TARGET_MANIFESTS, TARGET_SYSTEMS, isTargetSystem, manifestOf } from './registry.ts';

const refusal = (manifest: unknown): string => {
  try {
    checkManifest(manifest as PsaManifest);
  } catch (error) {
    return (error as Error).message;
  }
  return 'accepted';
};

describe('connector manifests', () => {
  it('are the registry, with the defaults filled in and their code kept', () => {
    expect(TARGET_SYSTEMS).toEqual(TARGET_MANIFESTS.map((manifest) => manifest.id));
    expect(isTargetSystem('autotask')).toBe(true);
    expect(isTargetSystem('no-such-target')).toBe(false);
    const autotask = manifestOf('autotask');
    expect(autotask.credentials.find((field) => field.name === 'username')).toMatchObject({ secret: false, optional: false, endpoint: false, format: 'text' });
    expect(autotask.credentials.find((field) => field.name === 'discoveryUrl')).toMatchObject({ optional: true, endpoint: true, format: 'url' });
    expect(typeof autotask.checkCredentials).toBe('function');
    expect(autotask.settingsSchema).toBe(autotaskManifest.settingsSchema);
  });

  it('refuses a manifest whose parts disagree, naming the manifest and the field', () => {
    expect(refusal({ ...cloudBlueManifest, tabs: [...cloudBlueManifest.tabs, 'product-mapping'] })).toBe(
      'The cloudblue connector manifest is not valid: tabs: the product-mapping tab applies exactly when the target has a catalog',
    );
    expect(refusal({ ...autotaskManifest, tickets: null })).toMatch(/tickets: ticket field specs are given exactly when the target has the tickets capability/);
    expect(refusal({ ...autotaskManifest, credentials: [...autotaskManifest.credentials, { name: 'secret', label: 'Again' }] })).toMatch(/credentials\.4\.name: "secret" is declared twice/);
    expect(refusal({ ...autotaskManifest, credentials: [{ name: 'key', label: 'Key', pattern: { regex: '(', message: 'x' } }] })).toMatch(/credentials\.0\.pattern\.regex: is not a regular expression/);
    const tickets = autotaskManifest.tickets!;
    expect(refusal({ ...autotaskManifest, tickets: { ...tickets, fields: [...tickets.fields, { name: 'colour', label: 'Colour', required: false, parent: 'shade' }] } })).toMatch(
      /tickets\.fields\.8\.name: "colour" is not among the fields the target's picklists answer for.*tickets\.fields\.8\.parent: "shade" is not a ticket field/,
    );
    expect(refusal({ ...autotaskManifest, createTarget: 'not code' })).toMatch(/createTarget: must be a function/);
    expect(refusal({ ...autotaskManifest, kind: 'crm' })).toMatch(/kind/);
  });

  it('fits a billing platform that has no contracts and no tickets without pretending to be a PSA', () => {
    const billing: BillingPlatformManifest<'ledger'> = {
      id: 'ledger',
      kind: 'billing-platform',
      label: 'Ledger',
      shortLabel: 'Ledger',
      credentials: [{ name: 'apiKey', label: 'API key', secret: true }],
      settingsSchema: z.strictObject({}),
      words: { company: 'account', companies: 'accounts', product: 'service', products: 'services', companyMapping: 'Account mapping' },
      tabs: ['settings', 'summary'],
      capabilities: { accounts: true, services: true, unitCounts: true, alerts: false },
      checkCredentials: async () => ({ displayName: 'Ledger', warnings: [] }),
      createPlatform: () => {
        throw new Error('this test checks the manifest only');
      },
    };
    expect(checkManifest(billing).kind).toBe('billing-platform');
    expect(ticketProfileOf(billing)).toBeNull();
    expect(refusal({ ...billing, tabs: ['settings', 'tickets'] })).toMatch(/tabs: the tickets tab needs the tickets capability/);
  });

  it("gives the domain a target's ticket rules and the port its capabilities", () => {
    expect(ticketProfileOf(cloudBlueManifest)).toMatchObject({ target: 'CloudBlue PSA', recurrenceWhenUnset: 'new_always', textLimits: { title: 255 } });
    const port = portCapabilities(autotaskManifest.capabilities);
    expect(port).not.toHaveProperty('marketplace');
    expect(port.tickets).toEqual({ fields: ['source', 'queue', 'status', 'priority', 'issueType', 'subIssueType', 'noteType', 'publish'], externalRefMaxLength: 50 });
  });
});
