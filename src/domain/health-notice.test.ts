import { describe, expect, it } from 'vitest';
import { decideHealthNotice, noticeStatusOf } from './health-notice.ts';
import type { IntegrationHealth } from './integration-health.ts';

const health = (status: IntegrationHealth['status'], count = 0, reason: string | null = null): IntegrationHealth => ({ status, count, reason, reasons: [], loops: [] });

describe('decideHealthNotice', () => {
  it('records the first ok silently: nothing to report', () => {
    expect(decideHealthNotice({ integrationName: 'Acme', previous: undefined, health: health('ok') })).toEqual({ record: 'ok', notify: null });
    expect(decideHealthNotice({ integrationName: 'Acme', previous: undefined, health: health('never_run') })).toEqual({ record: 'ok', notify: null });
  });

  it('announces a first health that is already failed, with the count and the first reason', () => {
    const decision = decideHealthNotice({ integrationName: 'Acme', previous: undefined, health: health('failed', 12, '12 companies are failed') });
    expect(decision?.record).toBe('failed');
    expect(decision?.notify).toEqual({
      from: null,
      to: 'failed',
      subject: 'psa-bridge: Acme is failed',
      text: 'The integration "Acme" turned failed: 12 things are wrong. 12 companies are failed',
    });
  });

  it('announces ok → degraded, degraded → failed and the recovery, each once', () => {
    const degraded = decideHealthNotice({ integrationName: 'Acme', previous: 'ok', health: health('degraded', 1, 'The API budget could not be read') });
    expect(degraded?.notify?.text).toBe('The integration "Acme" turned degraded (was ok): 1 thing is wrong. The API budget could not be read');
    expect(decideHealthNotice({ integrationName: 'Acme', previous: 'degraded', health: health('failed', 2, 'x') })?.notify).toMatchObject({ from: 'degraded', to: 'failed' });
    expect(decideHealthNotice({ integrationName: 'Acme', previous: 'failed', health: health('ok') })).toEqual({
      record: 'ok',
      notify: { from: 'failed', to: 'ok', subject: 'psa-bridge: Acme recovered', text: 'The integration "Acme" recovered: it is ok again (was failed).' },
    });
  });

  it('says nothing while the status stays, even when the reason or count changes', () => {
    expect(decideHealthNotice({ integrationName: 'Acme', previous: 'failed', health: health('failed', 30, 'another reason') })).toBeNull();
    expect(decideHealthNotice({ integrationName: 'Acme', previous: 'ok', health: health('ok') })).toBeNull();
  });

  it('lets a running or disabled integration decide nothing', () => {
    expect(noticeStatusOf('running')).toBeNull();
    expect(decideHealthNotice({ integrationName: 'Acme', previous: 'failed', health: health('running') })).toBeNull();
    expect(decideHealthNotice({ integrationName: 'Acme', previous: 'failed', health: health('disabled') })).toBeNull();
  });
});
