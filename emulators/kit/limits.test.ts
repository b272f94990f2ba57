import { describe, expect, it } from 'vitest';
import { RateLimit } from './rate-limit.ts';
import { RollingWindow } from './rolling-window.ts';
import { ThreadGate } from './thread-gate.ts';

describe('RollingWindow', () => {
  it('counts what is inside the window and forgets the rest', () => {
    const w = new RollingWindow();
    for (let t = 0; t < 10; t++) w.add(t * 1000);
    expect(w.count(9000, 5000)).toBe(5);
    expect(w.oldest()).toBe(5000);
    expect(w.count(20_000, 5000)).toBe(0);
    for (let t = 0; t < 10_000; t++) w.add(30_000 + t);
    expect(w.count(39_999, 5000)).toBe(5000);
    w.clear();
    expect(w.count(0, 1)).toBe(0);
  });
});

describe('ThreadGate', () => {
  it('refuses past the limit per key and records the peak', () => {
    const g = new ThreadGate();
    expect([g.tryEnter('a', 2), g.tryEnter('a', 2), g.tryEnter('a', 2), g.tryEnter('b', 2)]).toEqual([true, true, false, true]);
    expect(g.inFlight()).toEqual({ a: 2, b: 1 });
    g.leave('a');
    expect(g.tryEnter('a', 2)).toBe(true);
    g.leave('b');
    expect(g.inFlight()).toEqual({ a: 2 });
    expect(g.stats.peakThreads).toEqual({ a: 2, b: 1 });
  });
});

describe('RateLimit', () => {
  it('is off by default, refuses past the limit with the seconds until a slot frees, and resets', () => {
    const r = new RateLimit();
    for (let i = 0; i < 100; i++) expect(r.take(i).allowed).toBe(true);
    r.reset();
    r.settings = { limit: 3, windowMs: 10_000 };
    expect(r.take(0)).toEqual({ allowed: true, used: 1 });
    r.take(1000);
    r.take(2000);
    expect(r.take(2500)).toEqual({ allowed: false, used: 3, retryAfterSeconds: 8 });
    expect(r.refused).toBe(1);
    expect(r.take(10_001).allowed).toBe(true);
    expect(r.used(10_001)).toBe(3);
  });
});
