// Reliability of the Gradient push loops, on both databases: 20 % of Gradient's answers are faults
// (503, 429, dropped connections, truncated bodies) and the hub is killed at random around platform
// calls, including after a call whose answer it never recorded (a create that landed but was not
// journalled). The final state must equal an undisturbed run's: no duplicate account or service,
// no lost count.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BillingPlatform } from '../../src/connectors/billing-ports.ts';
import { runAccountPush } from '../../src/sync/billing/account-push.ts';
import { runCountPush } from '../../src/sync/billing/count-push.ts';
import { mulberry32 } from '../support/loop-chaos.ts';
import { testDatabases } from '../support/databases.ts';
import { startGradientHubHarness, type GradientHubHarness } from './harness.ts';

class Killed extends Error {}

/** Kills the "process" before or after a platform write, with the given share. */
function mortal(platform: BillingPlatform, random: () => number, share: number, tally: { kills: number }): BillingPlatform {
  const wrap =
    <A extends unknown[], R>(fn: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      if (random() < share / 2) {
        tally.kills++;
        throw new Killed('killed before the call');
      }
      const result = await fn(...args);
      if (random() < share / 2) {
        tally.kills++;
        throw new Killed('killed after the call, before its answer was recorded');
      }
      return result;
    };
  return {
    ...platform,
    createAccounts: wrap(platform.createAccounts.bind(platform)),
    updateAccount: wrap(platform.updateAccount.bind(platform)),
    createService: wrap(platform.createService.bind(platform)),
    setCount: wrap(platform.setCount.bind(platform)),
    markReadyForMapping: wrap(platform.markReadyForMapping.bind(platform)),
  };
}

async function mapEveryService(h: GradientHubHarness): Promise<void> {
  const services = (await h.control('gradient', 'GET', '/services')).items as { id: string; mapping: string }[];
  for (const s of services) if (s.mapping === 'unmapped') await h.control('gradient', 'POST', `/services/${s.id}/map`, { psaId: '9000' });
}

async function finalState(h: GradientHubHarness) {
  const accounts = (await h.control('gradient', 'GET', '/accounts')) as { total: number; items: { id: string; name: string; copies: number }[] };
  const services = (await h.control('gradient', 'GET', '/services')).items as { name: string }[];
  const counts = (await h.control('gradient', 'GET', '/counts')).items as { accountId: string; serviceName: string; unitCount: number }[];
  return {
    accounts: accounts.items.map((a) => `${a.id}=${a.name}`).sort(),
    accountRecords: accounts.total,
    services: services.map((s) => s.name).sort(),
    counts: counts.map((c) => `${c.accountId}|${c.serviceName}=${c.unitCount}`).sort(),
  };
}

/** Passes until one completes with nothing left to create or count. */
async function settle(h: GradientHubHarness, wrap?: (p: BillingPlatform) => BillingPlatform): Promise<{ passes: number; errors: number }> {
  let errors = 0;
  for (let pass = 1; pass <= 200; pass++) {
    const rt = await h.runtime({ journalLeaseMs: 1, ...(wrap === undefined ? {} : { wrapPlatform: wrap }) });
    try {
      const push = await runAccountPush(rt);
      await mapEveryService(h);
      const counts = await runCountPush(rt);
      const wrote = Number(push.stats.accountsCreated) + Number(push.stats.servicesCreated) + Number(push.stats.accountsRenamed) + Number(counts.stats.counted);
      if (wrote === 0 && Number(push.stats.skippedInProgress) === 0) return { passes: pass, errors };
    } catch {
      errors++;
    }
  }
  throw new Error('did not settle in 200 passes');
}

describe.each(testDatabases())('Gradient push reliability on $name', (database) => {
  let clean: GradientHubHarness;
  let chaotic: GradientHubHarness;
  beforeEach(async () => {
    [clean, chaotic] = await Promise.all([startGradientHubHarness(database), startGradientHubHarness(database)]);
  });
  afterEach(async () => {
    await Promise.all([clean.close(), chaotic.close()]);
  });

  it('20 % faults and random kills end in the undisturbed state: no duplicate account or service, no lost count', async () => {
    await settle(clean);
    const expected = await finalState(clean);
    expect(expected.counts.length).toBeGreaterThan(100);

    await chaotic.control('gradient', 'POST', '/faults', {
      seed: 11,
      rules: [
        { kind: 'status', status: 503, share: 0.08, path: '/api/vendor-api' },
        { kind: 'rate_limit', share: 0.06, retryAfterSeconds: 0, path: '/api/vendor-api' },
        { kind: 'drop', share: 0.03, path: '/api/vendor-api' },
        { kind: 'malformed', share: 0.03, path: '/api/vendor-api' },
      ],
    });
    const tally = { kills: 0 };
    const random = mulberry32(7);
    const result = await settle(chaotic, (p) => mortal(p, random, 0.04, tally));
    const faults = (await chaotic.control('gradient', 'GET', '/faults')).items as { fired: number }[];
    await chaotic.control('gradient', 'DELETE', '/faults');
    // One clean pass after the storm, as the next scheduled run would be.
    await settle(chaotic);
    const actual = await finalState(chaotic);

    expect(faults.reduce((n, f) => n + f.fired, 0)).toBeGreaterThan(50);
    expect(tally.kills).toBeGreaterThan(5);
    expect(result.errors).toBeGreaterThan(0);
    expect(actual.accountRecords).toBe(expected.accountRecords);
    expect(actual.accounts).toEqual(expected.accounts.map((a) => a));
    expect(actual.services).toEqual(expected.services);
    expect(new Set(actual.services).size).toBe(actual.services.length);
    expect(actual.counts).toEqual(expected.counts);
  }, 300_000);
});
