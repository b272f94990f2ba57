import { afterEach, describe, expect, it, vi } from 'vitest';
import { createInProcessJobRunner, type InProcessRunnerOptions } from './in-process-runner.ts';
import { createMemoryRunRecorder } from './memory-run-recorder.test-support.ts';
import type { LoopContext, LoopDefinition } from './job-runner.ts';

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

function setup(loop: Omit<LoopDefinition, 'name'>, options: Partial<InProcessRunnerOptions> = {}) {
  const recorder = createMemoryRunRecorder();
  const runner = createInProcessJobRunner({ recorder, random: () => 0.5, retryJitter: 0, ...options });
  runner.register({ name: 'directory', ...loop });
  return { runner, recorder };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('in-process job runner', () => {
  it('never overlaps runs of a job: concurrent requests share exactly one follow-up run', async () => {
    vi.useFakeTimers();
    let active = 0;
    let maxActive = 0;
    let calls = 0;
    const gates = [gate(), gate()];
    const { runner, recorder } = setup({
      handler: async () => {
        const n = calls++;
        active++;
        maxActive = Math.max(maxActive, active);
        await gates[n]!.opened;
        active--;
        return { n };
      },
    });
    await runner.schedule({ integrationId: 'i1', loop: 'directory', every: { intervalMs: 1_000 } });

    const first = runner.runNow('i1', 'directory');
    const second = runner.runNow('i1', 'directory');
    const third = runner.runNow('i1', 'directory');
    expect(await runner.isRunning('i1', 'directory')).toBe(true);
    // Timer ticks while running are dropped, not queued.
    await runner.start();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(calls).toBe(1);

    gates[0]!.open();
    const r1 = await first;
    expect(r1).toMatchObject({ status: 'ok', stats: { n: 0 }, coalesced: false });
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toBe(2);
    gates[1]!.open();
    const [r2, r3] = await Promise.all([second, third]);
    expect(r2).toMatchObject({ status: 'ok', stats: { n: 1 }, coalesced: true });
    expect(r3.runId).toBe(r2.runId);
    expect(maxActive).toBe(1);
    expect(recorder.runs.map((r) => r.status)).toEqual(['ok', 'ok']);
    await runner.stop();
  });

  it('runs back-to-back requests as separate runs and keeps jobs of other integrations independent', async () => {
    const seen: string[] = [];
    const { runner } = setup({
      handler: async (ctx) => {
        seen.push(ctx.integrationId);
        return {};
      },
    });
    const a = await runner.runNow('i1', 'directory');
    const b = await runner.runNow('i1', 'directory');
    expect(a.coalesced).toBe(false);
    expect(b.coalesced).toBe(false);
    await Promise.all([runner.runNow('i2', 'directory'), runner.runNow('i3', 'directory')]);
    expect(seen).toEqual(['i1', 'i1', 'i2', 'i3']);
  });

  it('keeps the cadence of a schedule, with the first run jittered within the interval', async () => {
    vi.useFakeTimers();
    let calls = 0;
    const { runner } = setup({ handler: async () => ({ calls: ++calls }) });
    await runner.schedule({ integrationId: 'i1', loop: 'directory', every: { intervalMs: 60_000 } });
    await vi.advanceTimersByTimeAsync(120_000);
    expect(calls).toBe(0); // nothing fires before start()
    await runner.start();
    await vi.advanceTimersByTimeAsync(29_999);
    expect(calls).toBe(0); // random() = 0.5 → first run at half the interval
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toBe(1);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(calls).toBe(2);
    await vi.advanceTimersByTimeAsync(180_000);
    expect(calls).toBe(5);
    await runner.unschedule('i1');
    await vi.advanceTimersByTimeAsync(600_000);
    expect(calls).toBe(5);
    expect(await runner.schedules()).toEqual([]);
    await runner.stop();
  });

  it('spreads the first runs of many integrations', async () => {
    vi.useFakeTimers();
    const firsts: number[] = [];
    let i = 0;
    const recorder = createMemoryRunRecorder();
    const runner = createInProcessJobRunner({ recorder, random: () => (i++ % 10) / 10, firstRunSpreadMs: 10_000 });
    runner.register({ name: 'usage', handler: async () => void firsts.push(Date.now()) });
    const t0 = Date.now();
    for (let n = 0; n < 10; n++) await runner.schedule({ integrationId: `i${n}`, loop: 'usage', every: { intervalMs: 3_600_000 } });
    await runner.start();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(new Set(firsts.map((t) => t - t0)).size).toBe(10);
    expect(Math.max(...firsts) - t0).toBeLessThan(10_000);
    await runner.stop();
  });

  it('records a failure and retries it with growing delays until it succeeds', async () => {
    vi.useFakeTimers();
    let calls = 0;
    const { runner, recorder } = setup({
      retry: { retryLimit: 3, retryDelayMs: 1_000, retryBackoff: true },
      handler: async () => {
        calls++;
        if (calls <= 2) throw Object.assign(new Error('Autotask said 500'), { code: 'server_error' });
        return { created: 2 };
      },
    });
    const first = await runner.runNow('i1', 'directory');
    expect(first.status).toBe('failed');
    expect(first.error).toEqual({ code: 'server_error', message: 'Autotask said 500' });
    expect(first.nextRetryAt!.getTime() - first.finishedAt.getTime()).toBe(1_000);

    await vi.advanceTimersByTimeAsync(999);
    expect(calls).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toBe(2);
    await vi.advanceTimersByTimeAsync(1_999); // second retry waits twice as long
    expect(calls).toBe(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toBe(3);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(calls).toBe(3);
    expect(recorder.runs.map((r) => [r.trigger, r.attempt, r.status])).toEqual([
      ['manual', 1, 'failed'],
      ['retry', 2, 'failed'],
      ['retry', 3, 'ok'],
    ]);
    expect(recorder.runs[2]!.stats).toEqual({ created: 2 });
    expect(recorder.runs[0]!.error?.message).toBe('Autotask said 500');
  });

  it('gives up after retryLimit retries and never retries dry runs', async () => {
    vi.useFakeTimers();
    let calls = 0;
    const { runner, recorder } = setup({
      retry: { retryLimit: 1, retryDelayMs: 1_000 },
      handler: async () => {
        calls++;
        throw new Error('down');
      },
    });
    const dry = await runner.runNow('i1', 'directory', { dryRun: true });
    expect(dry.nextRetryAt).toBeUndefined();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(calls).toBe(1);

    await runner.runNow('i1', 'directory');
    await vi.advanceTimersByTimeAsync(3_600_000);
    expect(calls).toBe(3);
    expect(recorder.runs.map((r) => r.attempt)).toEqual([1, 1, 2]);
  });

  it('cancels a pending retry when another run starts', async () => {
    vi.useFakeTimers();
    let calls = 0;
    const { runner, recorder } = setup({
      retry: { retryLimit: 3, retryDelayMs: 10_000 },
      handler: async () => {
        if (++calls === 1) throw new Error('flaky');
        return {};
      },
    });
    await runner.runNow('i1', 'directory');
    await runner.runNow('i1', 'directory');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(recorder.runs.map((r) => [r.trigger, r.status])).toEqual([
      ['manual', 'failed'],
      ['manual', 'ok'],
    ]);
  });

  it('stop() waits for a running handler', async () => {
    const g = gate();
    const entered = gate();
    let finished = false;
    const { runner } = setup({
      handler: async () => {
        entered.open();
        await g.opened;
        finished = true;
        return {};
      },
    });
    const run = runner.runNow('i1', 'directory');
    await entered.opened;
    let stopped = false;
    const stopping = runner.stop().then((report) => {
      stopped = true;
      return report;
    });
    await new Promise((r) => setTimeout(r, 20));
    expect(stopped).toBe(false);
    g.open();
    expect(await stopping).toEqual({ abandoned: [] });
    expect(finished).toBe(true);
    expect((await run).status).toBe('ok');
    await expect(runner.runNow('i1', 'directory')).rejects.toMatchObject({ code: 'stopped' });
  });

  it('stop() aborts the signal of running handlers and records them as cancelled', async () => {
    const entered = gate();
    const { runner, recorder } = setup({
      handler: (ctx: LoopContext) =>
        new Promise((_, reject) => {
          ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason));
          entered.open();
        }),
    });
    const run = runner.runNow('i1', 'directory');
    const queued = runner.runNow('i1', 'directory');
    await entered.opened;
    await runner.stop();
    expect(await run).toMatchObject({ status: 'cancelled', error: { code: 'stopped' } });
    await expect(queued).rejects.toMatchObject({ code: 'stopped' });
    expect(recorder.runs).toHaveLength(1);
    expect(recorder.runs[0]!.status).toBe('cancelled');
  });

  it('stop() gives up at its deadline and names the runs it abandoned', async () => {
    vi.useFakeTimers();
    const g = gate();
    const entered = gate();
    const { runner } = setup({
      handler: async () => {
        entered.open();
        await g.opened;
      },
    });
    void runner.runNow('i1', 'directory');
    await entered.opened;
    const stopping = runner.stop({ deadlineMs: 5_000 });
    await vi.advanceTimersByTimeAsync(5_000);
    expect(await stopping).toEqual({ abandoned: ['i1/directory'] });
    g.open();
  });

  it('aborts a run that exceeds its timeout and records it as failed', async () => {
    vi.useFakeTimers();
    const { runner } = setup({
      timeoutMs: 1_000,
      retry: { retryLimit: 0 },
      handler: (ctx) => new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(new Error('aborted')))),
    });
    const run = runner.runNow('i1', 'directory');
    await vi.advanceTimersByTimeAsync(1_000);
    expect(await run).toMatchObject({ status: 'failed', error: { code: 'timeout' } });
  });

  it('does not start a handler when stopped while the run was being recorded', async () => {
    let called = false;
    const { runner, recorder } = setup({ handler: async () => void (called = true) });
    const run = runner.runNow('i1', 'directory');
    await runner.stop();
    expect(await run).toMatchObject({ status: 'cancelled' });
    expect(called).toBe(false);
    expect(recorder.runs[0]!.status).toBe('cancelled');
  });

  it('rejects unknown loops, duplicate loops and cron schedules with clear errors', async () => {
    const { runner } = setup({ handler: async () => ({}) });
    await expect(runner.runNow('i1', 'tickets')).rejects.toMatchObject({ code: 'unknown_loop' });
    expect(() => runner.register({ name: 'directory', handler: async () => ({}) })).toThrow(/already registered/);
    await expect(runner.schedule({ integrationId: 'i1', loop: 'directory', every: { cron: '*/5 * * * *' } })).rejects.toThrow(
      /pg-boss/,
    );
    await expect(runner.schedule({ integrationId: 'i1', loop: 'directory', every: { intervalMs: 0 } })).rejects.toThrow(
      /positive/,
    );
  });

  it('passes the dry-run flag and a logger to the handler, and survives a failing recorder', async () => {
    const seen: Array<{ dryRun: boolean; hasLog: boolean }> = [];
    const runner = createInProcessJobRunner({
      recorder: {
        started: async () => {
          throw new Error('db down');
        },
        finished: async () => {},
      },
    });
    runner.register({
      name: 'catalog',
      handler: async (ctx) => {
        seen.push({ dryRun: ctx.dryRun, hasLog: typeof ctx.log.info === 'function' });
        return { planned: 3 };
      },
    });
    const result = await runner.runNow('i9', 'catalog', { dryRun: true });
    expect(result).toMatchObject({ status: 'ok', dryRun: true, runId: undefined, stats: { planned: 3 } });
    expect(seen).toEqual([{ dryRun: true, hasLog: true }]);
  });
});

describe('in-process job runner reporting', () => {
  it('calls onRunFinished after every run, and survives it throwing', async () => {
    const seen: string[] = [];
    const runner = createInProcessJobRunner({
      recorder: createMemoryRunRecorder(),
      onRunFinished: (result) => {
        seen.push(`${result.loop}:${result.status}`);
        throw new Error('metrics broke');
      },
    });
    runner.register({ name: 'usage', handler: async () => ({}) });
    expect((await runner.runNow('i1', 'usage')).status).toBe('ok');
    expect(seen).toEqual(['usage:ok']);
  });
});
