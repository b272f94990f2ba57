import { describe, expect, it } from 'vitest';
import { isConnectorError } from '../kit/errors.ts';
import { budgetExhaustedError, HourlyBudget } from './budget.ts';

const HOUR = 3_600_000;

function clock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('HourlyBudget', () => {
  it('asks for a reading first, then counts its own requests against the database-wide figure', () => {
    const c = clock();
    const b = new HourlyBudget({}, c.now);
    expect(b.needsSync()).toBe(true);
    b.record();
    b.observe({ limit: 100, timeframeMinutes: 60, count: 40 }); // 39 by other integrations + our read
    expect(b.needsSync()).toBe(false);
    for (let i = 0; i < 5; i++) b.record();
    expect(b.snapshot()).toMatchObject({ used: 45, limit: 100, remaining: 55, own: 6, windowMs: HOUR });
  });

  it('paces from 50 % and refuses by priority before the threshold: background 75 %, normal 90 %, interactive 98 %', () => {
    const c = clock();
    const b = new HourlyBudget({ maxPaceMs: 50 }, c.now);
    b.observe({ limit: 100, timeframeMinutes: 60, count: 0 });
    for (let i = 0; i < 49; i++) b.record();
    expect(b.decide('normal')).toEqual({ kind: 'go' });
    b.record();
    expect(b.decide('normal')).toEqual({ kind: 'wait', ms: 50 });
    expect(b.decide('interactive')).toEqual({ kind: 'go' });
    for (let i = 50; i < 75; i++) b.record();
    expect(b.decide('background')).toMatchObject({ kind: 'refuse', ceiling: 75 });
    expect(b.decide('normal').kind).toBe('wait');
    for (let i = 75; i < 90; i++) b.record();
    const refused = b.decide('normal');
    expect(refused).toMatchObject({ kind: 'refuse', ceiling: 90 });
    // Our first request leaves the window an hour after it was sent.
    expect(refused.kind === 'refuse' && refused.retryAfterMs).toBe(HOUR);
    expect(b.decide('interactive')).toEqual({ kind: 'go' });
    for (let i = 90; i < 98; i++) b.record();
    expect(b.decide('interactive').kind).toBe('refuse');
  });

  it('frees the budget as its own requests leave the rolling hour', () => {
    const c = clock();
    const b = new HourlyBudget({}, c.now);
    b.observe({ limit: 10, timeframeMinutes: 60, count: 0 });
    for (let i = 0; i < 9; i++) b.record();
    expect(b.decide('normal').kind).toBe('refuse');
    c.advance(HOUR + 1);
    expect(b.snapshot().used).toBe(0);
    expect(b.needsSync()).toBe(true);
  });

  it('re-reads the threshold every N requests', () => {
    const b = new HourlyBudget({ syncEveryRequests: 3 }, clock().now);
    b.observe({ limit: 10_000, timeframeMinutes: 60, count: 0 });
    b.record();
    b.record();
    expect(b.needsSync()).toBe(false);
    b.record();
    expect(b.needsSync()).toBe(true);
  });

  it('stops everything while the threshold itself suspended us, and says when budget returns', () => {
    const c = clock();
    const b = new HourlyBudget({}, c.now);
    b.observe({ limit: 10_000, timeframeMinutes: 60, count: 10 });
    b.suspend(120_000);
    const d = b.decide('interactive');
    expect(d).toMatchObject({ kind: 'refuse', retryAfterMs: 120_000 });
    if (d.kind !== 'refuse') throw new Error('refused expected');
    const error = budgetExhaustedError(d, b.snapshot(), 'interactive', 'list companies');
    expect(isConnectorError(error, 'rate_limited')).toBe(true);
    expect(error.vendorCode).toBe('budget_exhausted');
    expect(error.retryAfterMs).toBe(120_000);
    expect(error.message).toMatch(/suspended/);
    c.advance(120_001);
    expect(b.decide('interactive')).toEqual({ kind: 'go' });
  });
});
