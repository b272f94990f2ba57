import { describe, expect, it } from 'vitest';
import { forEachLimited } from './loop-result.ts';

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('forEachLimited', () => {
  it('runs every item with at most `limit` at once', async () => {
    let running = 0;
    let most = 0;
    const seen: number[] = [];
    await forEachLimited([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
      running += 1;
      most = Math.max(most, running);
      await tick(2);
      seen.push(n);
      running -= 1;
    });
    expect(most).toBe(3);
    expect(seen.sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('on a failure starts no further item and rejects only after the started ones settled', async () => {
    const started: number[] = [];
    const finished: number[] = [];
    const run = forEachLimited([1, 2, 3, 4, 5, 6], 3, async (n) => {
      started.push(n);
      if (n === 1) throw new Error('crash in item 1');
      await tick(20);
      finished.push(n);
    });
    await expect(run).rejects.toThrow('crash in item 1');
    // Items 2 and 3 were running when 1 failed: they finished before the call rejected; none started after.
    expect(finished.sort()).toEqual([2, 3]);
    expect(started.sort()).toEqual([1, 2, 3]);
  });

  it('an aborted signal stops before the next item', async () => {
    const controller = new AbortController();
    const seen: number[] = [];
    const run = forEachLimited([1, 2, 3], 1, async (n) => {
      seen.push(n);
      controller.abort(new Error('stopped'));
    }, controller.signal);
    await expect(run).rejects.toThrow('stopped');
    expect(seen).toEqual([1]);
  });
});
