import { describe, expect, it } from 'vitest';
import { LoginThrottle } from './login-throttle.ts';

describe('LoginThrottle', () => {
  it('allows a few failures, then locks for a delay that grows with each further failure', () => {
    let now = 0;
    const throttle = new LoginThrottle({ freeAttempts: 5, baseLockMs: 15_000, now: () => now });
    for (let i = 0; i < 4; i++) expect(throttle.fail('admin', '10.0.0.1')).toBe(0);
    expect(throttle.retryAfterMs('admin', '10.0.0.1')).toBe(0);
    expect(throttle.fail('admin', '10.0.0.1')).toBe(15_000);
    expect(throttle.retryAfterMs('ADMIN', '10.0.0.1')).toBe(15_000);
    now += 15_000;
    expect(throttle.retryAfterMs('admin', '10.0.0.1')).toBe(0);
    expect(throttle.fail('admin', '10.0.0.1')).toBe(30_000);
    now += 30_000;
    expect(throttle.fail('admin', '10.0.0.1')).toBe(60_000);
  });

  it('keeps pairs apart, caps the lock, and forgets after a success or a quiet hour', () => {
    let now = 0;
    const throttle = new LoginThrottle({ freeAttempts: 1, baseLockMs: 1_000, maxLockMs: 4_000, now: () => now });
    for (let i = 0; i < 10; i++) throttle.fail('admin', 'a');
    expect(throttle.retryAfterMs('admin', 'a')).toBe(4_000);
    expect(throttle.retryAfterMs('admin', 'b')).toBe(0);
    expect(throttle.retryAfterMs('other', 'a')).toBe(0);
    throttle.succeed('admin', 'a');
    expect(throttle.retryAfterMs('admin', 'a')).toBe(0);
    throttle.fail('x', 'a');
    now += 2 * 60 * 60_000;
    expect(throttle.retryAfterMs('x', 'a')).toBe(0);
  });

  it('stays bounded under a flood of usernames', () => {
    const throttle = new LoginThrottle({ maxEntries: 100 });
    for (let i = 0; i < 1_000; i++) throttle.fail(`user${i}`, 'ip');
    expect((throttle as unknown as { entries: Map<string, unknown> }).entries.size).toBe(100);
  });
});
