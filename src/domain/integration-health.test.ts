import { describe, expect, it } from 'vitest';
import { integrationHealth, runVerdict, type HealthInput, type RunFacts } from './integration-health.ts';

const run = (loop: string, status: RunFacts['status'], stats: Record<string, unknown> = {}, error: string | null = null): RunFacts => ({
  loop,
  status,
  error,
  stats,
  startedAt: '2026-12-01T10:00:00.000Z',
  finishedAt: status === 'running' ? null : '2026-12-01T10:00:05.000Z',
});
const none: HealthInput['failedMappings'] = { count: 0, first: null };

describe('runVerdict', () => {
  it('a pass that returned with companies failed is failed, with the count', () => {
    expect(runVerdict(run('provisioning', 'succeeded', { companiesFailed: 12, applied: 40 }))).toEqual({ status: 'failed', count: 12, reason: '12 companies failed' });
  });

  it('parked alerts degrade a pass; a clean pass succeeds; a thrown pass keeps its error', () => {
    expect(runVerdict(run('alerts', 'succeeded', { parked: 1, created: 3 }))).toMatchObject({ status: 'degraded', count: 1 });
    expect(runVerdict(run('alerts', 'succeeded', { created: 3, failed: 0 }))).toEqual({ status: 'succeeded', count: 0, reason: null });
    expect(runVerdict(run('usage', 'failed', {}, 'unavailable: the cloud answered 503'))).toEqual({ status: 'failed', count: 1, reason: 'unavailable: the cloud answered 503' });
  });
});

describe('integrationHealth', () => {
  it('is ok only when every latest run succeeded and nothing is open', () => {
    const health = integrationHealth({ enabled: true, runs: [run('directory', 'succeeded'), run('provisioning', 'succeeded', { applied: 3 })], problems: [], failedMappings: none });
    expect(health).toMatchObject({ status: 'ok', count: 0, reason: null, reasons: [] });
  });

  it('failed companies make the integration failed even though the pass "succeeded", naming the first', () => {
    const health = integrationHealth({
      enabled: true,
      runs: [run('provisioning', 'succeeded', { companiesFailed: 12 })],
      problems: [{ loop: 'provisioning', severity: 'error', count: 12, first: { companyId: 'c1', companyName: 'Alpine Ski House', message: 'Backup is sold but the partner does not offer it.' } }],
      failedMappings: { count: 12, first: { companyName: 'Alpine Ski House', error: 'Backup is sold but the partner does not offer it.' } },
    });
    expect(health.status).toBe('failed');
    expect(health.reason).toContain('12 companies are failed');
    expect(health.reason).toContain('"Alpine Ski House"');
    expect(health.loops[0]).toMatchObject({ loop: 'provisioning', runStatus: 'succeeded', status: 'failed' });
  });

  it('open warnings of a loop degrade it and the integration; info problems do not', () => {
    const tally = (severity: 'warning' | 'info', count: number) => ({ loop: 'usage', severity, count, first: { companyId: 'c2', companyName: 'Contoso', message: 'no usage' } });
    const degraded = integrationHealth({ enabled: true, runs: [run('usage', 'succeeded', { problems: 6 })], problems: [tally('warning', 6)], failedMappings: none });
    expect(degraded).toMatchObject({ status: 'degraded', count: 6 });
    expect(degraded.loops[0]).toMatchObject({ status: 'degraded', count: 6 });
    const fine = integrationHealth({ enabled: true, runs: [run('usage', 'succeeded', { problems: 2 })], problems: [tally('info', 2)], failedMappings: none });
    expect(fine.status).toBe('ok');
  });

  it('a signal (the API budget answering 500) degrades an otherwise green integration', () => {
    const health = integrationHealth({
      enabled: true,
      runs: [run('directory', 'succeeded')],
      problems: [],
      failedMappings: none,
      signals: [{ source: 'api-budget', level: 'degraded', message: 'The API budget could not be read: 500' }],
    });
    expect(health).toMatchObject({ status: 'degraded', reason: 'The API budget could not be read: 500' });
  });

  it('a failed run outranks warnings; disabled and never-run are said as such', () => {
    const health = integrationHealth({
      enabled: true,
      runs: [run('directory', 'failed', {}, 'timeout: the PSA did not answer'), run('usage', 'succeeded')],
      problems: [{ loop: 'usage', severity: 'warning', count: 1, first: { companyId: 'c', companyName: null, message: 'x' } }],
      failedMappings: none,
    });
    expect(health.status).toBe('failed');
    expect(health.reason).toBe('The last directory pass failed: timeout: the PSA did not answer');
    expect(health.count).toBe(2);
    expect(integrationHealth({ enabled: false, runs: [run('directory', 'failed')], problems: [], failedMappings: none }).status).toBe('disabled');
    expect(integrationHealth({ enabled: true, runs: [], problems: [], failedMappings: none }).status).toBe('never_run');
    expect(integrationHealth({ enabled: true, runs: [run('directory', 'running')], problems: [], failedMappings: none }).status).toBe('running');
  });
});
