import { describe, expect, it } from 'vitest';
import { MappingProbe, type ProbePair } from './mapping-probe.ts';

const pairsOf = (accounts: string[], services: string[]): ProbePair[] => accounts.flatMap((accountId) => services.map((serviceKey) => ({ accountId, serviceKey })));

/** Runs a pass against a platform where exactly the given accounts and services are mapped. */
function pass(pairs: ProbePair[], counted: ProbePair[], mapped: { accounts: string[]; services: string[] }, seed = 'pass-1') {
  const probe = new MappingProbe(pairs, counted, seed);
  const asked: ProbePair[] = [];
  const taken: ProbePair[] = [];
  let rounds = 0;
  for (let round = probe.nextRound(); round.length > 0; round = probe.nextRound()) {
    rounds++;
    for (const p of round) {
      asked.push(p);
      const ok = mapped.accounts.includes(p.accountId) && mapped.services.includes(p.serviceKey);
      if (ok) taken.push(p);
      probe.record(p, ok ? 'counted' : 'not_mapped', ok ? '' : `No account map found with id: ${p.accountId}`);
    }
  }
  return { asked, taken, rounds, notAsked: probe.notAsked() };
}

const accounts = Array.from({ length: 50 }, (_, i) => `a${i}`);
const services = ['ws', 'srv', 'storage', 'm365'];

describe('mapping probe', () => {
  it('with nothing mapped, asks one pair per account and per service at most, not every pair', () => {
    const all = pairsOf(accounts, services);
    const { asked, taken, notAsked } = pass(all, [], { accounts: [], services: [] });
    expect(taken).toEqual([]);
    expect(asked.length).toBeLessThanOrEqual(accounts.length + services.length);
    expect(asked.length).toBeGreaterThanOrEqual(accounts.length);
    expect(notAsked).toHaveLength(all.length - asked.length);
  });

  it('posts every pair of sides counted before, in one round', () => {
    const all = pairsOf(['a1', 'a2'], ['ws', 'srv']);
    const { asked, taken, rounds } = pass(all, all, { accounts: ['a1', 'a2'], services: ['ws', 'srv'] });
    expect(asked).toHaveLength(4);
    expect(taken).toHaveLength(4);
    expect(rounds).toBe(1);
  });

  it('fills in a mapping made next to what was counted: a newly mapped account gets all its mapped services in the same pass', () => {
    const all = pairsOf(accounts, services);
    // Before: a0 counted for ws and srv; storage and m365 never mapped.
    const counted = [
      { accountId: 'a0', serviceKey: 'ws' },
      { accountId: 'a0', serviceKey: 'srv' },
    ];
    const pending = all.filter((p) => !counted.some((c) => c.accountId === p.accountId && c.serviceKey === p.serviceKey));
    const { taken, asked, notAsked } = pass(pending, counted, { accounts: ['a0', 'a7'], services: ['ws', 'srv'] });
    expect(taken.map((p) => `${p.accountId}|${p.serviceKey}`).sort()).toEqual(['a7|srv', 'a7|ws']);
    // The unmapped accounts were asked once each (through a service known mapped), not for every service.
    expect(asked.length).toBeLessThan(accounts.length + services.length + 4);
    // What waits says why: Gradient's answer to the probe that held it back.
    expect(notAsked.find((n) => n.pair.accountId === 'a3')?.because).toBe('No account map found with id: a3');
  });

  it('fills in the first mapping of all: mapped services are found through the probes and every mapped pair is taken', () => {
    const all = pairsOf(accounts, services);
    // Gradient auto-matched most accounts by name; a person then mapped two services.
    const mappedAccounts = accounts.slice(0, 40);
    const { taken } = pass(all, [], { accounts: mappedAccounts, services: ['ws', 'storage'] });
    expect(taken).toHaveLength(mappedAccounts.length * 2);
  });

  it('turns the undecided probe from pass to pass, so a lone mapping is found within as many passes as the account has services', () => {
    const all = pairsOf(['a1'], services);
    const found = ['p1', 'p2', 'p3', 'p4', 'p5', 'p6', 'p7', 'p8'].some((seed) => pass(all, [], { accounts: ['a1'], services: ['m365'] }, seed).taken.length === 1);
    expect(found).toBe(true);
  });

  it('ends: every pair is given out at most once', () => {
    const all = pairsOf(accounts, services);
    const { asked, notAsked } = pass(all, [], { accounts: accounts.slice(0, 10), services: ['srv'] });
    const keys = asked.map((p) => `${p.accountId}|${p.serviceKey}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(asked.length + notAsked.length).toBe(all.length);
  });
});
