// The ticket fields each PSA's manifest offers, against the vendor's own screens (../shared/seeds):
// what a person sets once for every ticket and what per alert. The seeds are the product's spec, so
// a field dropped or renamed in a manifest fails here with the seed's words.
import { describe, expect, it } from 'vitest';
import { autotaskManifest } from './autotask/manifest.ts';
import { cloudBlueManifest } from './cloudblue/manifest.ts';
import { connectWiseManifest } from './connectwise/manifest.ts';

type Field = { name: string; label: string; required: boolean; defaultOnly?: boolean; parent?: string };
const fieldsOf = (manifest: { tickets: { fields: readonly Field[] } | null }): readonly Field[] => {
  if (manifest.tickets === null) throw new Error('this PSA declares no ticket fields');
  return manifest.tickets.fields;
};
const split = (manifest: { tickets: { fields: readonly Field[] } | null }) => ({
  once: fieldsOf(manifest).filter((f) => f.defaultOnly === true).map((f) => f.label),
  perAlert: fieldsOf(manifest).filter((f) => f.defaultOnly !== true).map((f) => f.label),
});

describe('ticket fields as the vendor screens show them', () => {
  it('Autotask (seed 000 §5.5): Source, Note Type and Note Publish for all tickets; the ticket parameters per alert', () => {
    const { once, perAlert } = split(autotaskManifest);
    expect(once).toEqual(['Source', 'Note Type', 'Note Publish']);
    // "Configure the parameters for each of the customer alerts": the ticket's own picklists.
    expect(perAlert).toEqual(['Queue', 'Status', 'Priority', 'Issue Type', 'Sub-Issue Type']);
  });

  it('ConnectWise (seed 002, Ticket creation tab): one service board, then Type, Subtype, Status and Priority per alert', () => {
    const { once, perAlert } = split(connectWiseManifest);
    expect(once).toEqual(['Service Board']);
    expect(perAlert).toEqual(['Type', 'Subtype', 'Status', 'Priority']);
    // Type and Status follow the board, Subtype the type (the board's picklists).
    const parents = Object.fromEntries(fieldsOf(connectWiseManifest).map((f) => [f.name, f.parent]));
    expect(parents).toMatchObject({ type: 'board', subtype: 'type', status: 'board' });
  });

  it('CloudBlue PSA (seed 001, "Choosing Acronis Alerts that Generate Tickets"): Type, Category and Team per alert, all three required', () => {
    const { once, perAlert } = split(cloudBlueManifest);
    expect(once).toEqual([]);
    expect(perAlert).toEqual(['Type', 'Category', 'Team']);
    expect(fieldsOf(cloudBlueManifest).every((f) => f.required)).toBe(true);
  });
});
