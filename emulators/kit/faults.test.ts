import { describe, expect, it } from 'vitest';
import { FaultInjector, pathMatcher } from './faults.ts';

describe('pathMatcher', () => {
  it('treats a plain pattern as a prefix', () => {
    const m = pathMatcher('/api/2/tenants');
    expect(m('/api/2/tenants')).toBe(true);
    expect(m('/api/2/tenants/abc/users')).toBe(true);
    expect(m('/api/2/users')).toBe(false);
  });
  it('treats * as one segment and ** as anything', () => {
    const one = pathMatcher('/api/2/tenants/*/usages');
    expect(one('/api/2/tenants/abc/usages')).toBe(true);
    expect(one('/api/2/tenants/a/b/usages')).toBe(false);
    const any = pathMatcher('/api/**/usages');
    expect(any('/api/2/tenants/a/usages')).toBe(true);
    expect(any('/api/2/tenants/a/users')).toBe(false);
  });
  it('matches everything without a pattern', () => {
    expect(pathMatcher(undefined)('/x')).toBe(true);
  });
});

describe('FaultInjector', () => {
  it('fires at most `count` times', () => {
    const f = new FaultInjector();
    f.add({ kind: 'status', status: 503, count: 2 });
    const kinds = [1, 2, 3].map(() => f.decide('GET', '/a').terminal?.status);
    expect(kinds).toEqual([503, 503, undefined]);
    expect(f.list()[0]?.fired).toBe(2);
  });

  it('filters by method, case-insensitively, and by path', () => {
    const f = new FaultInjector();
    f.add({ kind: 'drop', method: 'put', path: '/api/2/tenants' });
    expect(f.decide('GET', '/api/2/tenants/x').terminal).toBeUndefined();
    expect(f.decide('PUT', '/api/2/users/x').terminal).toBeUndefined();
    expect(f.decide('PUT', '/api/2/tenants/x').terminal?.kind).toBe('drop');
  });

  it('applies `share` deterministically from the seed', () => {
    const run = (seed: number) => {
      const f = new FaultInjector(seed);
      f.add({ kind: 'status', share: 0.3 });
      return Array.from({ length: 200 }, () => (f.decide('GET', '/x').terminal ? 1 : 0));
    };
    const a = run(7);
    expect(run(7)).toEqual(a);
    expect(run(8)).not.toEqual(a);
    const hits = a.reduce<number>((s, v) => s + v, 0);
    expect(hits).toBeGreaterThan(30);
    expect(hits).toBeLessThan(90);
  });

  it('accumulates latency and lets the first terminal rule answer', () => {
    const f = new FaultInjector();
    f.add({ kind: 'latency', latencyMs: 10 });
    f.add({ kind: 'latency', latencyMs: 5 });
    f.add({ kind: 'rate_limit', retryAfterSeconds: 3 });
    f.add({ kind: 'status', status: 500 });
    const d = f.decide('GET', '/x');
    expect(d.latencyMs).toBe(15);
    expect(d.terminal?.kind).toBe('rate_limit');
    expect(d.fired.map((r) => r.kind)).toEqual(['latency', 'latency', 'rate_limit']);
    expect(f.list()[3]?.fired).toBe(0);
  });

  it('removes one rule or clears all and restarts the PRNG', () => {
    const f = new FaultInjector(3);
    const r = f.add({ kind: 'drop' });
    f.add({ kind: 'timeout' });
    expect(f.remove(r.id)).toBe(true);
    expect(f.remove(r.id)).toBe(false);
    expect(f.list().map((x) => x.kind)).toEqual(['timeout']);
    f.clear();
    expect(f.list()).toEqual([]);
  });
});
