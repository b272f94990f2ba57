import { describe, expect, it } from 'vitest';
import {
  defaultTimedDeprovisioning,
  deprovisioningCountdown,
  dueAction,
  validateTimedDeprovisioning,
  type CountdownInput,
  type TimedDeprovisioningSettings,
} from './deprovisioning-schedule.ts';

const ON: TimedDeprovisioningSettings = { disable: { enabled: true, days: 10 }, delete: { enabled: true, days: 30 } };
const T0 = '2026-03-01T12:00:00.000Z';
const at = (days: number, hours = 0) => new Date(Date.parse(T0) + days * 86_400_000 + hours * 3_600_000);
const run = (over: Partial<CountdownInput>) =>
  deprovisioningCountdown({ contractInEffect: false, contractEnded: true, lapsedAt: T0, settings: ON, now: at(0), ...over });

describe('timed deprovisioning countdown', () => {
  it('ships with both steps off at the vendor defaults of 10 and 30 days', () => {
    expect(defaultTimedDeprovisioning).toEqual({ disable: { enabled: false, days: 10 }, delete: { enabled: false, days: 30 } });
  });

  it('starts counting when the hub first sees the contract lapsed, and stores that instant', () => {
    const c = run({ lapsedAt: null, now: at(0) });
    expect(c.state).toBe('counting');
    expect(c.lapsedAt).toBe(T0);
    expect(c.steps).toEqual([
      { action: 'disable', dueAt: at(10).toISOString(), daysLeft: 10, due: false },
      { action: 'delete', dueAt: at(30).toISOString(), daysLeft: 30, due: false },
    ]);
    expect(c.next?.action).toBe('disable');
    expect(dueAction(c)).toBeNull();
  });

  it('counts down from the stored start, rounding days left up', () => {
    const c = run({ now: at(3, 5) });
    expect(c.lapsedAt).toBe(T0);
    expect(c.steps.map((s) => s.daysLeft)).toEqual([7, 27]);
  });

  it('disable falls due after N days, delete after M days, delete winning once both are due', () => {
    expect(dueAction(run({ now: at(9, 23) }))).toBeNull();
    const day10 = run({ now: at(10) });
    expect(day10.state).toBe('due');
    expect(dueAction(day10)).toBe('disable');
    expect(day10.next).toMatchObject({ action: 'delete', daysLeft: 20 });
    expect(dueAction(run({ now: at(30) }))).toBe('delete');
    expect(dueAction(run({ now: at(400) }))).toBe('delete');
  });

  it('is cancelled and cleared when a contract is in effect again', () => {
    const c = run({ contractInEffect: true, now: at(12) });
    expect(c).toMatchObject({ state: 'none', lapsedAt: null, cancelled: true, steps: [] });
    expect(run({ contractInEffect: true, lapsedAt: null }).cancelled).toBe(false);
  });

  it('never counts for a company that never had a mapped contract', () => {
    expect(run({ contractEnded: false, lapsedAt: null })).toMatchObject({ state: 'none', lapsedAt: null, steps: [] });
  });

  it('with both steps off counts nothing but remembers when the contract lapsed', () => {
    const off = run({ settings: defaultTimedDeprovisioning, lapsedAt: null, now: at(2) });
    expect(off).toMatchObject({ state: 'none', lapsedAt: at(2).toISOString(), steps: [] });
    // Turned on later: counts from the lapse, not from the switch.
    expect(dueAction(run({ lapsedAt: off.lapsedAt, now: at(12) }))).toBe('disable');
  });

  it('with only deletion on, deletion is the one step', () => {
    const c = run({ settings: { disable: { enabled: false, days: 10 }, delete: { enabled: true, days: 30 } }, now: at(30) });
    expect(c.steps.map((s) => s.action)).toEqual(['delete']);
    expect(dueAction(c)).toBe('delete');
  });

  it('an unreadable stored start restarts the countdown now rather than acting at once', () => {
    const c = run({ lapsedAt: 'not a date', now: at(50) });
    expect(c.lapsedAt).toBe(at(50).toISOString());
    expect(dueAction(c)).toBeNull();
  });
});

describe('timed deprovisioning settings', () => {
  it('accepts the vendor defaults and refuses deletion before disabling or odd day counts', () => {
    expect(validateTimedDeprovisioning(ON)).toEqual([]);
    expect(validateTimedDeprovisioning({ disable: { enabled: true, days: 20 }, delete: { enabled: true, days: 5 } })).toEqual([
      { field: 'delete.days', message: expect.stringContaining('at least the days before disabling (20)') },
    ]);
    // Deletion sooner than a disable step that is off is fine.
    expect(validateTimedDeprovisioning({ disable: { enabled: false, days: 20 }, delete: { enabled: true, days: 5 } })).toEqual([]);
    expect(validateTimedDeprovisioning({ disable: { enabled: true, days: 0 }, delete: { enabled: false, days: 1.5 } }).map((p) => p.field)).toEqual([
      'disable.days',
      'delete.days',
    ]);
  });
});
