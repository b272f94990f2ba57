// The behaviour every JobRunner keeps (job-runner.ts), as one suite run against each implementation:
// the in-process runner in its unit tests, the pg-boss runner against PostgreSQL. Real timers only:
// waits are for events (a gate, a recorded run), never for a duration.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { JobRunner, LoopContext } from './job-runner.ts';
import { createMemoryRunRecorder, type MemoryRunRecorder } from './memory-run-recorder.test-support.ts';

export interface ContractRunner {
  runner: JobRunner;
  cleanup?: () => Promise<void>;
}

/** Builds a runner around `recorder` whose first scheduled run falls at once (no spread). */
export type MakeRunner = (recorder: MemoryRunRecorder) => Promise<ContractRunner>;

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

const WAIT = { timeout: 20_000, interval: 50 };

export function describeJobRunnerContract(name: string, makeRunner: MakeRunner): void {
  describe(`JobRunner contract: ${name}`, () => {
    let made: ContractRunner | undefined;
    let recorder: MemoryRunRecorder;

    async function setup(): Promise<JobRunner> {
      recorder = createMemoryRunRecorder();
      made = await makeRunner(recorder);
      return made.runner;
    }

    afterEach(async () => {
      await made?.runner.stop({ deadlineMs: 2_000 }).catch(() => {});
      await made?.cleanup?.();
      made = undefined;
    });

    it('rejects unknown loops, duplicate loops and invalid schedules with clear errors', async () => {
      const runner = await setup();
      runner.register({ name: 'directory', handler: async () => ({}) });
      expect(() => runner.register({ name: 'directory', handler: async () => ({}) })).toThrow(/already registered/);
      await runner.start();
      await expect(runner.runNow('i1', 'tickets')).rejects.toMatchObject({ code: 'unknown_loop' });
      await expect(runner.schedule({ integrationId: 'i1', loop: 'tickets', every: { intervalMs: 1_000 } })).rejects.toMatchObject({
        code: 'unknown_loop',
      });
      await expect(runner.schedule({ integrationId: 'i1', loop: 'directory', every: { intervalMs: 0 } })).rejects.toThrow(/positive/);
    });

    it('runs a job now and resolves with its result, recorded', async () => {
      const runner = await setup();
      const seen: Array<Pick<LoopContext, 'integrationId' | 'loop' | 'dryRun' | 'attempt'>> = [];
      runner.register({
        name: 'catalog',
        handler: async (ctx) => {
          seen.push({ integrationId: ctx.integrationId, loop: ctx.loop, dryRun: ctx.dryRun, attempt: ctx.attempt });
          ctx.log.debug('running');
          return { planned: 3 };
        },
      });
      await runner.start();
      const result = await runner.runNow('i1', 'catalog', { dryRun: true });
      expect(result).toMatchObject({
        integrationId: 'i1',
        loop: 'catalog',
        trigger: 'manual',
        attempt: 1,
        dryRun: true,
        status: 'ok',
        stats: { planned: 3 },
        coalesced: false,
      });
      expect(result.finishedAt.getTime()).toBeGreaterThanOrEqual(result.startedAt.getTime());
      expect(seen).toEqual([{ integrationId: 'i1', loop: 'catalog', dryRun: true, attempt: 1 }]);
      expect(recorder.runs).toHaveLength(1);
      expect(recorder.runs[0]).toMatchObject({ id: result.runId, status: 'ok', stats: { planned: 3 } });
      // Back to back is two runs, not a run and a follow-up.
      const again = await runner.runNow('i1', 'catalog');
      expect(again).toMatchObject({ status: 'ok', coalesced: false, dryRun: false });
      expect(again.runId).not.toBe(result.runId);
      expect(await runner.isRunning('i1', 'catalog')).toBe(false);
    });

    it('never overlaps runs of a job: requests made while it runs share one follow-up run', async () => {
      const runner = await setup();
      let active = 0;
      let maxActive = 0;
      let calls = 0;
      const entered = [gate(), gate()];
      const release = [gate(), gate()];
      runner.register({
        name: 'directory',
        handler: async () => {
          const n = calls++;
          active++;
          maxActive = Math.max(maxActive, active);
          entered[n]?.open();
          await release[n]?.opened;
          active--;
          return { n };
        },
      });
      await runner.start();
      const first = runner.runNow('i1', 'directory');
      await entered[0]!.opened;
      expect(await runner.isRunning('i1', 'directory')).toBe(true);
      const followers = [runner.runNow('i1', 'directory'), runner.runNow('i1', 'directory'), runner.runNow('i1', 'directory')];
      // Let every request reach the runner before the running pass ends.
      await vi.waitFor(async () => expect(await runner.isRunning('i1', 'directory')).toBe(true), WAIT);
      await new Promise((r) => setTimeout(r, 300));
      release[0]!.open();
      expect(await first).toMatchObject({ status: 'ok', stats: { n: 0 }, coalesced: false });
      await entered[1]!.opened;
      release[1]!.open();
      const results = await Promise.all(followers);
      for (const r of results) expect(r).toMatchObject({ status: 'ok', stats: { n: 1 }, coalesced: true });
      expect(new Set(results.map((r) => r.runId)).size).toBe(1);
      expect(calls).toBe(2);
      expect(maxActive).toBe(1);
    });

    it('records a failure and retries it until it succeeds; dry runs are not retried', async () => {
      const runner = await setup();
      let calls = 0;
      runner.register({
        name: 'usage',
        retry: { retryLimit: 2, retryDelayMs: 1_000, retryBackoff: false },
        handler: async (ctx) => {
          calls++;
          if (ctx.dryRun) throw new Error('dry and down');
          if (calls <= 2) throw Object.assign(new Error('Autotask said 500'), { code: 'server_error' });
          return { created: 2 };
        },
      });
      await runner.start();
      const dry = await runner.runNow('i1', 'usage', { dryRun: true });
      expect(dry).toMatchObject({ status: 'failed', dryRun: true });
      expect(dry.nextRetryAt).toBeUndefined();

      const first = await runner.runNow('i1', 'usage');
      expect(first.status).toBe('failed');
      expect(first.error).toEqual({ code: 'server_error', message: 'Autotask said 500' });
      expect(first.nextRetryAt).toBeInstanceOf(Date);
      await vi.waitFor(() => expect(recorder.runs.filter((r) => r.status === 'ok')).toHaveLength(1), WAIT);
      expect(recorder.runs.map((r) => [r.trigger, r.attempt, r.dryRun, r.status])).toEqual([
        ['manual', 1, true, 'failed'],
        ['manual', 1, false, 'failed'],
        ['retry', 2, false, 'ok'],
      ]);
      expect(recorder.runs[1]!.error?.message).toBe('Autotask said 500');
      expect(recorder.runs[2]!.stats).toEqual({ created: 2 });
    });

    it('stop() waits for a running handler, then refuses new runs', async () => {
      const runner = await setup();
      const entered = gate();
      const release = gate();
      let finished = false;
      runner.register({
        name: 'directory',
        handler: async () => {
          entered.open();
          await release.opened;
          finished = true;
          return {};
        },
      });
      await runner.start();
      void runner.runNow('i1', 'directory').catch(() => {});
      await entered.opened;
      let stopped = false;
      const stopping = runner.stop({ deadlineMs: 20_000 }).then((report) => {
        stopped = true;
        return report;
      });
      await new Promise((r) => setTimeout(r, 50));
      expect(stopped).toBe(false);
      release.open();
      expect(await stopping).toEqual({ abandoned: [] });
      expect(finished).toBe(true);
      expect(recorder.runs.map((r) => r.status)).toEqual(['ok']);
      await expect(runner.runNow('i1', 'directory')).rejects.toMatchObject({ code: 'stopped' });
    });

    it('stop() aborts the signal of running handlers and records them as cancelled', async () => {
      const runner = await setup();
      const entered = gate();
      runner.register({
        name: 'directory',
        handler: (ctx) =>
          new Promise((_, reject) => {
            ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason));
            entered.open();
          }),
      });
      await runner.start();
      const run = runner.runNow('i1', 'directory');
      run.catch(() => {});
      await entered.opened;
      expect(await runner.stop()).toEqual({ abandoned: [] });
      expect(recorder.runs).toHaveLength(1);
      expect(recorder.runs[0]).toMatchObject({ status: 'cancelled', error: { code: 'stopped' } });
    });

    it('stop() gives up at its deadline and names the runs it abandoned', async () => {
      const runner = await setup();
      const entered = gate();
      const release = gate();
      runner.register({
        name: 'directory',
        handler: async () => {
          entered.open();
          await release.opened;
        },
      });
      await runner.start();
      void runner.runNow('i1', 'directory').catch(() => {});
      await entered.opened;
      expect(await runner.stop({ deadlineMs: 200 })).toEqual({ abandoned: ['i1/directory'] });
      release.open();
    });

    it('lists, replaces and removes schedules, and runs scheduled jobs', async () => {
      const runner = await setup();
      const ran: string[] = [];
      runner.register({ name: 'directory', handler: async (ctx) => void ran.push(ctx.integrationId) });
      runner.register({ name: 'usage', handler: async () => ({}) });
      await runner.schedule({ integrationId: 'i1', loop: 'directory', every: { intervalMs: 3_600_000 } });
      await runner.schedule({ integrationId: 'i1', loop: 'usage', every: { intervalMs: 60_000 } });
      await runner.schedule({ integrationId: 'i2', loop: 'usage', every: { intervalMs: 60_000 } });
      await runner.schedule({ integrationId: 'i2', loop: 'usage', every: { intervalMs: 120_000 } });
      const sorted = async () =>
        (await runner.schedules()).sort((a, b) => `${a.integrationId}/${a.loop}`.localeCompare(`${b.integrationId}/${b.loop}`));
      expect(await sorted()).toEqual([
        { integrationId: 'i1', loop: 'directory', every: { intervalMs: 3_600_000 } },
        { integrationId: 'i1', loop: 'usage', every: { intervalMs: 60_000 } },
        { integrationId: 'i2', loop: 'usage', every: { intervalMs: 120_000 } },
      ]);
      await runner.unschedule('i1', 'usage');
      expect((await sorted()).map((s) => `${s.integrationId}/${s.loop}`)).toEqual(['i1/directory', 'i2/usage']);
      await runner.unschedule('i2');
      expect((await sorted()).map((s) => `${s.integrationId}/${s.loop}`)).toEqual(['i1/directory']);

      // The first run of a schedule falls within the spread (zero here), then the job runs.
      await runner.start();
      await vi.waitFor(() => expect(ran).toContain('i1'), WAIT);
      expect(recorder.runs[0]).toMatchObject({ trigger: 'schedule', integrationId: 'i1', loop: 'directory' });
      await runner.unschedule('i1');
      expect(await runner.schedules()).toEqual([]);
    });

    it('tells a scheduled run when the next one is due and whether a run was asked for meanwhile', async () => {
      const runner = await setup();
      const seen: Array<{ trigger: string; nextRunAt: Date | null; requestedAtStart: boolean; requestedLater: boolean }> = [];
      const entered = gate();
      const release = gate();
      runner.register({
        name: 'alerts',
        handler: async (ctx) => {
          const requestedAtStart = await ctx.runRequested();
          if (ctx.trigger === 'schedule') {
            entered.open();
            await release.opened;
          }
          seen.push({ trigger: ctx.trigger, nextRunAt: await ctx.nextRunAt(), requestedAtStart, requestedLater: await ctx.runRequested() });
        },
      });
      await runner.start();
      const before = Date.now();
      await runner.schedule({ integrationId: 'i1', loop: 'alerts', every: { intervalMs: 600_000 } });
      await entered.opened;
      // A person's run-now while the scheduled run is going: it waits, and the running one is told.
      const manual = runner.runNow('i1', 'alerts');
      await new Promise((r) => setTimeout(r, 500));
      release.open();
      await manual;
      await runner.unschedule('i1');
      const [scheduled, requested] = seen;
      expect(scheduled).toMatchObject({ trigger: 'schedule', requestedAtStart: false, requestedLater: true });
      // The next tick is one interval after this one (within the scheduler's check period and a little noise).
      const next = scheduled!.nextRunAt!.getTime();
      expect(next).toBeGreaterThanOrEqual(before + 600_000 - 10_000);
      expect(next).toBeLessThanOrEqual(Date.now() + 600_000 + 10_000);
      expect(requested).toMatchObject({ trigger: 'manual', requestedAtStart: false, requestedLater: false });
    });
  });
}
