import { describe, expect, it } from 'vitest';
import { createTokenCache } from './token-cache.ts';

describe('token cache', () => {
  it('reuses a token until less than 900 s remain, then renews', async () => {
    let clock = 0;
    let issued = 0;
    const cache = createTokenCache({
      now: () => clock,
      fetchToken: async () => ({ token: `t${++issued}`, expiresAtMs: clock + 7_200_000 }),
    });
    expect(await cache.get()).toBe('t1');
    clock = 7_200_000 - 900_001;
    expect(await cache.get()).toBe('t1');
    clock = 7_200_000 - 899_999;
    expect(await cache.get()).toBe('t2');
  });

  it('renews short-lived tokens at half-life instead of on every call', async () => {
    let clock = 0;
    let issued = 0;
    const cache = createTokenCache({ now: () => clock, fetchToken: async () => ({ token: `t${++issued}`, expiresAtMs: clock + 60_000 }) });
    expect(await cache.get()).toBe('t1');
    clock = 29_000;
    expect(await cache.get()).toBe('t1');
    clock = 31_000;
    expect(await cache.get()).toBe('t2');
  });

  it('shares one renewal between concurrent callers', async () => {
    let calls = 0;
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const cache = createTokenCache({
      fetchToken: async () => {
        calls += 1;
        await gate;
        return { token: 'shared', expiresAtMs: Date.now() + 7_200_000 };
      },
    });
    const all = Promise.all([cache.get(), cache.get(), cache.get()]);
    release();
    expect(await all).toEqual(['shared', 'shared', 'shared']);
    expect(calls).toBe(1);
  });

  it('invalidates only the rejected token, so concurrent 401s renew once', async () => {
    let issued = 0;
    const cache = createTokenCache({ fetchToken: async () => ({ token: `t${++issued}`, expiresAtMs: Date.now() + 7_200_000 }) });
    const first = await cache.get();
    cache.invalidate(first);
    const second = await cache.get();
    cache.invalidate(first);
    expect(await cache.get()).toBe(second);
    expect(issued).toBe(2);
  });

  it('does not cache a failed renewal', async () => {
    let n = 0;
    const cache = createTokenCache({
      fetchToken: async () => {
        n += 1;
        if (n === 1) throw new Error('idp down');
        return { token: 'ok', expiresAtMs: Date.now() + 7_200_000 };
      },
    });
    await expect(cache.get()).rejects.toThrow('idp down');
    expect(await cache.get()).toBe('ok');
  });
});
