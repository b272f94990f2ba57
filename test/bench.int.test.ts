import { describe, expect, it } from 'vitest';
import type { Measurement } from '../bench/measure.ts';
import { BENCH_SCALES } from '../bench/scale.ts';
import { workloads } from '../bench/workloads/index.ts';

// Every benchmark workload, at its smallest size: a change that breaks a workload (a setting it
// writes that is now refused, a harness it uses that moved) fails here, not at the next measurement.
// What is checked is that each workload did its work (the counts it reports), never how fast.
const smoke = BENCH_SCALES.smoke;
const figure = (results: Measurement[], name: RegExp, key: string): number => {
  const m = results.find((r) => name.test(r.name));
  if (m === undefined) throw new Error(`no measurement matching ${name}: ${results.map((r) => r.name).join(' | ')}`);
  return Number(m.figures[key] ?? 0);
};

describe('benchmark workloads at their smallest size', () => {
  it('names every workload the bench runs', () => {
    expect(Object.keys(workloads).sort()).toEqual(expect.arrayContaining(['acronis-large', 'alert-storm', 'alerts-to-tickets', 'autotask-webhooks', 'connectwise-large', 'gradient-large', 'interworks', 'sync-large', 'tenant-events']));
  });

  it('autotask-webhooks clears every alert whose ticket a technician completed, each through a pass a webhook triggered', async () => {
    const results = await workloads['autotask-webhooks']!(smoke);
    expect(figure(results, /one at a time/, 'samples')).toBe(3);
    expect(figure(results, /one at a time/, 'ticketsPasses')).toBeGreaterThanOrEqual(3);
    expect(figure(results, /a burst/, 'samples')).toBe(3);
    expect(figure(results, /a burst/, 'ticketsPasses')).toBeGreaterThanOrEqual(1);
  }, 120_000);

  it('tenant-events applies every tenant change made in Acronis through passes the Event Manager events triggered, and long-polls while idle', async () => {
    const results = await workloads['tenant-events']!(smoke);
    expect(figure(results, /one at a time/, 'samples')).toBe(3);
    expect(figure(results, /one at a time/, 'directoryPasses')).toBeGreaterThanOrEqual(3);
    expect(figure(results, /a burst/, 'samples')).toBe(3);
    expect(figure(results, /a burst/, 'directoryPasses')).toBeGreaterThanOrEqual(1);
    expect(figure(results, /idle/, 'idleRequests')).toBeGreaterThanOrEqual(1);
  }, 120_000);

  it('interworks answers the service definition, orders and usage pulls (the closed window the same again)', async () => {
    const results = await workloads['interworks']!(smoke);
    expect(figure(results, /Get Services Definition/, 'products')).toBeGreaterThan(9);
    expect(figure(results, /order latency/, 'orders')).toBe(3);
    expect(figure(results, /closed window, again/, 'sell')).toBe(figure(results, /closed window, first pull/, 'sell'));
    expect(figure(results, /open window/, 'lines')).toBeGreaterThan(0);
  }, 120_000);

  it('gradient-large pushes every tenant as an account with its counts, then asks again only one probe per account and service that waits for mapping, under 100 requests a second', async () => {
    const results = await workloads['gradient-large']!(smoke);
    expect(figure(results, /first pass/, 'accountsCreated')).toBeGreaterThanOrEqual(smoke.customers);
    expect(figure(results, /first pass/, 'countsPosted')).toBeGreaterThan(0);
    expect(figure(results, /unchanged pass/, 'accountsCreated')).toBe(0);
    // Nothing is mapped in the large data: of the waiting pairs, only one probe per account and per
    // service is asked again, the others are held back without a call.
    const waiting = figure(results, /first pass/, 'countsWaitingForMapping') + figure(results, /first pass/, 'countsNotAsked');
    expect(figure(results, /unchanged pass/, 'countsPosted')).toBe(figure(results, /unchanged pass/, 'countsWaitingForMapping'));
    expect(figure(results, /unchanged pass/, 'countsPosted') + figure(results, /unchanged pass/, 'countsNotAsked')).toBe(waiting);
    expect(figure(results, /unchanged pass/, 'countsPosted')).toBeLessThanOrEqual(figure(results, /first pass/, 'accountsCreated') + figure(results, /first pass/, 'servicesCreated'));
    expect(figure(results, /unchanged pass/, 'countsNotAsked')).toBeGreaterThan(0);
    expect(figure(results, /first pass/, 'http429')).toBe(0);
  }, 120_000);

  it('acronis-large lists every tenant, its offering items and usages', async () => {
    const results = await workloads['acronis-large']!(smoke);
    expect(figure(results, /customer tenants/, 'tenants')).toBe(smoke.customers);
    // The subtree listing starts at the partner, whose own items come too.
    expect(figure(results, /subtree listing/, 'tenants')).toBe(smoke.customers + 1);
    expect(figure(results, /usages/, 'tenants')).toBe(smoke.customers);
  }, 120_000);

  it('sync-large maps, provisions and writes usage back to Autotask', async () => {
    const results = await workloads['sync-large']!(smoke);
    expect(figure(results, /map company/, 'mapped')).toBe(smoke.customers);
    expect(figure(results, /first sync: provisioning/, 'applied')).toBeGreaterThan(0);
    expect(figure(results, /first sync: usage/, 'written')).toBeGreaterThan(0);
    expect(figure(results, /unchanged cycle: provisioning/, 'applied')).toBe(0);
  }, 240_000);

  it('connectwise-large provisions and applies a technician change through a callback', async () => {
    const results = await workloads['connectwise-large']!(smoke);
    expect(figure(results, /first sync: provisioning/, 'applied')).toBeGreaterThan(0);
    expect(figure(results, /callback → applied/, 'samples')).toBeGreaterThan(0);
  }, 240_000);

  it('alert-storm raises one ticket per condition within the threshold, and none is lost after the hour', async () => {
    const results = await workloads['alert-storm']!(smoke);
    expect(results.map((m) => m.name)).toEqual([expect.stringMatching(/^quiet database/), expect.stringMatching(/^busy database/)]);
    for (const m of results) {
      expect(Number(m.figures.conditions)).toBeGreaterThan(0);
      expect(m.figures.ticketedAfterTheHour).toBe(m.figures.conditions);
      expect(m.figures.lostConditions).toBe(0);
      expect(m.figures.duplicateTickets).toBe(0);
      expect(m.figures.refusedThreshold).toBe(0);
    }
    // On the busy database the hour's budget ran out: some alerts waited for the next hour.
    expect(figure(results, /^busy/, 'deferredAlerts')).toBeGreaterThan(0);
  }, 240_000);

  it('alerts-to-tickets raises a ticket for every new alert, on the schedule alone and with the watch', async () => {
    const results = await workloads['alerts-to-tickets']!(smoke);
    expect(results.map((m) => m.name)).toEqual([expect.stringMatching(/watch off/), expect.stringMatching(/watch every/)]);
    for (const m of results) {
      expect(Number(m.figures.alerts)).toBeGreaterThan(0);
      // 70 % of the raised alerts are on a machine not seen before: one ticket each.
      expect(Number(m.figures.tickets)).toBeGreaterThan(0);
      expect(Number.isFinite(Number(m.figures.p95S))).toBe(true);
    }
    // The watch reads the feed between passes: more quiet calls than the schedule alone.
    expect(figure(results, /watch every/, 'quietVendorCalls')).toBeGreaterThan(figure(results, /watch off/, 'quietVendorCalls'));
  }, 240_000);
});
