import { describe, expect, it } from 'vitest';
import { createLimiter } from './limiter.ts';

describe('limiter', () => {
  it('never runs more than maxConcurrent tasks at once', async () => {
    const limiter = createLimiter({ maxConcurrent: 3 });
    let running = 0;
    let peak = 0;
    const task = async (): Promise<void> => {
      running += 1;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, 2));
      running -= 1;
    };
    await Promise.all(Array.from({ length: 20 }, () => limiter.run(task)));
    expect(peak).toBe(3);
    expect(limiter.active).toBe(0);
  });

  it('starts at most maxPerInterval tasks per window', async () => {
    let clock = 0;
    const limiter = createLimiter({ maxPerInterval: 2, intervalMs: 50, now: () => clock });
    const started: number[] = [];
    const runs = Array.from({ length: 5 }, (_, i) => limiter.run(async () => started.push(i)));
    await new Promise((r) => setTimeout(r, 5));
    expect(started).toEqual([0, 1]);
    expect(limiter.pending).toBe(3);
    clock = 50;
    await new Promise((r) => setTimeout(r, 80));
    expect(started).toEqual([0, 1, 2, 3]);
    clock = 100;
    await Promise.all(runs);
    expect(started).toEqual([0, 1, 2, 3, 4]);
  });

  it('passes results and errors through and frees the slot', async () => {
    const limiter = createLimiter({ maxConcurrent: 1 });
    await expect(limiter.run(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await limiter.run(async () => 42)).toBe(42);
  });
});
