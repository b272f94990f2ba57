import { describe, expect, it } from 'vitest';
import { DEFAULT_LOGIN_THROTTLE, reserveAttempt, type AttemptDecision } from './login-throttle.ts';
import type { ThrottleEntry } from '../../store/repositories/login-throttle.ts';

/** Replays attempts at the given times through the pure decision, as the repository would store them. */
function attempts(times: number[], policy = DEFAULT_LOGIN_THROTTLE, start?: ThrottleEntry): { decisions: AttemptDecision[]; entry: ThrottleEntry | undefined } {
  let entry = start;
  const decisions = times.map((now) => {
    const decision = reserveAttempt(entry, now, policy);
    if (decision.allowed) entry = decision.entry;
    return decision;
  });
  return { decisions, entry };
}

describe('reserveAttempt', () => {
  it('lets the free attempts through, then locks for a delay that doubles with each further attempt', () => {
    const { decisions, entry } = attempts([0, 0, 0, 0, 0, 0, 14_999]);
    expect(decisions.slice(0, 5).every((d) => d.allowed)).toBe(true);
    // The fifth attempt is checked and sets the lock for whatever follows it.
    expect(decisions[4]).toMatchObject({ allowed: true, entry: { failures: 5, lockedUntil: 15_000 } });
    expect(decisions[5]).toEqual({ allowed: false, retryAfterMs: 15_000 });
    expect(decisions[6]).toEqual({ allowed: false, retryAfterMs: 1 });
    const after = reserveAttempt(entry, 15_000, DEFAULT_LOGIN_THROTTLE);
    expect(after).toMatchObject({ allowed: true, entry: { failures: 6, lockedUntil: 15_000 + 30_000 } });
  });

  it('caps the lock and forgets a quiet pair', () => {
    const policy = { ...DEFAULT_LOGIN_THROTTLE, freeAttempts: 1, baseLockMs: 1_000, maxLockMs: 4_000 };
    let entry: ThrottleEntry | undefined;
    let now = 0;
    for (let i = 0; i < 10; i++) {
      const d = reserveAttempt(entry, now, policy);
      expect(d.allowed).toBe(true);
      if (d.allowed) entry = d.entry;
      now = entry!.lockedUntil;
    }
    expect(entry!.lockedUntil - entry!.lastAttemptAt).toBe(4_000);
    const later = reserveAttempt(entry, entry!.lastAttemptAt + policy.forgetAfterMs + 1, policy);
    expect(later).toMatchObject({ allowed: true, entry: { failures: 1 } });
  });

  it('of a burst arriving at once, checks at most the free attempts', () => {
    const { decisions } = attempts(Array.from({ length: 40 }, () => 1_000));
    expect(decisions.filter((d) => d.allowed)).toHaveLength(DEFAULT_LOGIN_THROTTLE.freeAttempts);
  });
});
