import { describe, expect, it } from 'vitest';
import { expectedKeyCalls, orderBySeverity, remainingBudget, severityRank, splitByBudget, type StormEvent } from './alert-storm-order.ts';

type E = StormEvent & { id: string };
const e = (id: string, key: string | null, severity: string | null): E => ({ id, key, severity });
const ids = (groups: { events: E[] }[]) => groups.map((g) => g.events.map((x) => x.id));

describe('severityRank', () => {
  it('ranks critical before error before warning before information before ok', () => {
    const ranks = ['critical', 'error', 'warning', 'information', 'ok'].map(severityRank);
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    expect(new Set(ranks).size).toBe(5);
  });
  it('ranks an unknown or missing severity with information, case-insensitively', () => {
    expect(severityRank('Bogus')).toBe(severityRank('information'));
    expect(severityRank(null)).toBe(severityRank('information'));
    expect(severityRank('CRITICAL')).toBe(severityRank('critical'));
  });
});

describe('orderBySeverity', () => {
  it('puts the most severe keys first and keeps arrival order among equal ranks', () => {
    const order = orderBySeverity([e('1', 'a', 'information'), e('2', 'b', 'critical'), e('3', 'c', 'warning'), e('4', 'd', 'critical')]);
    expect(ids(order)).toEqual([['2'], ['4'], ['3'], ['1']]);
  });
  it("folds one key's repeats into one unit and keeps its events in the vendor's order", () => {
    const order = orderBySeverity([e('1', 'a', 'warning'), e('2', 'b', 'warning'), e('3', 'a', 'warning'), e('4', 'a', 'ok')]);
    expect(ids(order)).toEqual([['1', '3', '4'], ['2']]);
  });
  it('moves a key at the rank of its most severe event, never splitting it', () => {
    const order = orderBySeverity([e('1', 'a', 'information'), e('2', 'b', 'warning'), e('3', 'a', 'critical')]);
    expect(ids(order)).toEqual([['1', '3'], ['2']]);
    expect(order[0]!.rank).toBe(severityRank('critical'));
  });
  it('handles alerts without a key on their own', () => {
    const order = orderBySeverity([e('1', null, 'warning'), e('2', null, 'warning')]);
    expect(ids(order)).toEqual([['1'], ['2']]);
  });
});

describe('splitByBudget', () => {
  const ordered = orderBySeverity([e('1', 'a', 'critical'), e('2', 'b', 'warning'), e('3', 'c', 'information')]);
  it('does everything when the budget allows', () => {
    const split = splitByBudget(ordered, 100, () => 3);
    expect(ids(split.now)).toEqual([['1'], ['2'], ['3']]);
    expect(split.deferred).toEqual([]);
    expect(split.calls).toBe(9);
  });
  it('defers the less severe work, never drops it, and nothing jumps a key that waits', () => {
    const split = splitByBudget(ordered, 4, (w) => (w.key === 'c' ? 1 : 3));
    expect(ids(split.now)).toEqual([['1']]);
    expect(ids(split.deferred)).toEqual([['2'], ['3']]);
    expect(split.now.length + split.deferred.length).toBe(ordered.length);
    expect(split.calls).toBe(3);
  });
  it('defers everything at an exhausted budget', () => {
    const split = splitByBudget(ordered, 0, () => 1);
    expect(split.now).toEqual([]);
    expect(split.deferred).toHaveLength(3);
  });
});

describe('remainingBudget', () => {
  it('is the budget less the last hour, never below zero', () => {
    expect(remainingBudget(5000, 1200)).toBe(3800);
    expect(remainingBudget(5000, 6000)).toBe(0);
    expect(remainingBudget(5000.7, -3)).toBe(5000);
  });
});

describe('expectedKeyCalls', () => {
  const calls = { create: 3, note: 2, status: 5 };
  it('costs nothing while the tenant has no company: the events wait for a mapping', () => {
    expect(expectedKeyCalls({ mapped: false, latestTicket: null, raised: true, cleared: true }, calls)).toBe(0);
  });
  it('folds every raise of a key into one write: a new ticket, one note on the open one, or a reopen', () => {
    expect(expectedKeyCalls({ mapped: true, latestTicket: null, raised: true, cleared: false }, calls)).toBe(3);
    expect(expectedKeyCalls({ mapped: true, latestTicket: 'open', raised: true, cleared: false }, calls)).toBe(2);
    expect(expectedKeyCalls({ mapped: true, latestTicket: 'closed', raised: true, cleared: false }, calls)).toBe(5);
  });
  it('adds a status change for a clear only when there is, or will be, a ticket to close', () => {
    expect(expectedKeyCalls({ mapped: true, latestTicket: 'open', raised: false, cleared: true }, calls)).toBe(5);
    expect(expectedKeyCalls({ mapped: true, latestTicket: null, raised: true, cleared: true }, calls)).toBe(8);
    expect(expectedKeyCalls({ mapped: true, latestTicket: 'closed', raised: false, cleared: true }, calls)).toBe(0);
    expect(expectedKeyCalls({ mapped: true, latestTicket: null, raised: false, cleared: true }, calls)).toBe(0);
  });
});
