import { describe, expect, it } from 'vitest';
import { addPassStats, watchAlerts, WATCH_MARGIN_MS } from './alert-watch.ts';
import { emptyAlertsPassStats, type AlertsPassStats } from './pass-context.ts';

const empty = emptyAlertsPassStats;

describe('the alerts watch', () => {
  it('polls until its last poll would end past the margin before the next scheduled run', async () => {
    const start = Date.now();
    const total = empty();
    let polls = 0;
    const result = await watchAlerts({ until: async () => start + 200 + WATCH_MARGIN_MS, everyMs: 40 }, async () => {
      polls += 1;
      return { ...empty(), observed: 1, created: 1, cursor: String(polls) };
    }, total);
    expect(result.ended).toBe('due');
    // 200 ms of room at 40 ms a poll: four or five polls (timers are late, never early).
    expect(result.polls).toBeGreaterThanOrEqual(3);
    expect(result.polls).toBeLessThanOrEqual(5);
    expect(Date.now()).toBeLessThanOrEqual(start + 200 + WATCH_MARGIN_MS);
    expect(total).toMatchObject({ observed: result.polls, created: result.polls, cursor: String(result.polls) });
  });

  it('keeps watching to the following tick when a poll outlasted the one it was watching for', async () => {
    const start = Date.now();
    // The first poll takes longer than the room left; meanwhile the tick fell and the next is later.
    let due = start + 100 + WATCH_MARGIN_MS;
    let polls = 0;
    const result = await watchAlerts(
      { until: async () => due, everyMs: 20 },
      async () => {
        polls += 1;
        if (polls === 1) {
          await new Promise((r) => setTimeout(r, 150));
          due = start + 400 + WATCH_MARGIN_MS;
        }
        return empty();
      },
      empty(),
    );
    expect(result.ended).toBe('due');
    expect(result.polls).toBeGreaterThan(3);
  });

  it('ends when the job is no longer scheduled', async () => {
    expect(await watchAlerts({ until: async () => null, everyMs: 10 }, async () => empty(), empty())).toEqual({ polls: 0, ended: 'due' });
  });

  it('does not poll at all when the next run is too close', async () => {
    const result = await watchAlerts({ until: async () => Date.now() + WATCH_MARGIN_MS, everyMs: 3_000 }, async () => {
      throw new Error('no poll expected');
    }, empty());
    expect(result).toEqual({ polls: 0, ended: 'due' });
  });

  it('ends at its next poll when a run was requested meanwhile', async () => {
    let asked = 0;
    const result = await watchAlerts(
      { until: async () => Date.now() + 60_000, everyMs: 10, runRequested: async () => ++asked >= 3 },
      async () => empty(),
      empty(),
    );
    expect(result).toEqual({ polls: 2, ended: 'requested' });
  });

  it('stops as soon as its signal is aborted, without waiting out the poll interval', async () => {
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 50);
    const result = await watchAlerts({ until: async () => started + 600_000, everyMs: 30_000, signal: controller.signal }, async () => empty(), empty());
    expect(result).toEqual({ polls: 0, ended: 'stopped' });
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('adds each poll’s counts and keeps the latest cursor; a poll without a cursor keeps the last one', () => {
    const total = { ...empty(), created: 2, cursor: '10', budgetLeft: 900 };
    addPassStats(total, { ...empty(), created: 1, noted: 3, cursor: '12', overBudget: 5, budgetLeft: 600 } as AlertsPassStats);
    addPassStats(total, { ...empty(), created: 1 });
    // The budget left is a state: the latest poll's, not a sum.
    expect(total).toMatchObject({ created: 4, noted: 3, cursor: '12', overBudget: 5, budgetLeft: 600 });
  });
});
