import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { settle } from './tenant-events-watch.ts';

// The watch settles each batch's triggered passes while the run's signal lives for the whole watch
// (up to the next scheduled run): nothing of a settled batch may stay attached to that signal.
describe('tenant events watch: settling the passes a batch triggered', () => {
  it('leaves no abort listener on the run signal once the passes are done, batch after batch', async () => {
    const run = new AbortController();
    for (let i = 0; i < 20; i++) {
      await expect(settle(Promise.resolve(), { signal: run.signal, runRequested: async () => false })).resolves.toBe('done');
      expect(getEventListeners(run.signal, 'abort')).toHaveLength(0);
    }
  });

  it('ends with "stopped" when the run is stopped while its passes are still running', async () => {
    const run = new AbortController();
    const passes = new Promise(() => {});
    const settled = settle(passes, { signal: run.signal, runRequested: async () => false });
    setTimeout(() => run.abort(), 20);
    await expect(settled).resolves.toBe('stopped');
    expect(getEventListeners(run.signal, 'abort')).toHaveLength(0);
  });
});
