/**
 * When an integration's health deserves a notification, and what it says. Pure: the caller reads
 * the health (src/domain/integration-health.ts) and the status last announced, and records the
 * answer with a compare-and-set so two processes seeing the same change announce it once.
 *
 * One notification per transition between ok, degraded and failed — never one per pass, and not
 * when only the reason changes while the status stays. `running` and `disabled` decide nothing
 * (the pass that finishes decides; a disabled integration is a person's choice, not news). The
 * first health ever seen is recorded silently when it is ok (nothing to report), and announced
 * when it is already failed or degraded.
 */
import type { HealthStatus, IntegrationHealth } from './integration-health.ts';

export type NoticeStatus = 'ok' | 'degraded' | 'failed';

export interface HealthNotice {
  from: NoticeStatus | null;
  to: NoticeStatus;
  subject: string;
  text: string;
}

export interface NoticeDecision {
  /** The status to record as announced. */
  record: NoticeStatus;
  /** The message to send; null when the change is recorded silently (the first ok). */
  notify: HealthNotice | null;
}

/** How a health status reads for notifications; null when it decides nothing. */
export function noticeStatusOf(status: HealthStatus): NoticeStatus | null {
  if (status === 'failed' || status === 'degraded' || status === 'ok') return status;
  // An integration that never ran has nothing wrong to report.
  if (status === 'never_run') return 'ok';
  return null;
}

const isNoticeStatus = (value: string | null | undefined): value is NoticeStatus => value === 'ok' || value === 'degraded' || value === 'failed';

export function decideHealthNotice(input: { integrationName: string; previous: string | null | undefined; health: IntegrationHealth }): NoticeDecision | null {
  const next = noticeStatusOf(input.health.status);
  if (next === null) return null;
  const previous = isNoticeStatus(input.previous) ? input.previous : null;
  if (previous === next) return null;
  if (previous === null && next === 'ok') return { record: next, notify: null };
  return { record: next, notify: healthNoticeText(input.integrationName, previous, next, input.health) };
}

export function healthNoticeText(name: string, from: NoticeStatus | null, to: NoticeStatus, health: Pick<IntegrationHealth, 'count' | 'reason'>): HealthNotice {
  const was = from === null ? '' : ` (was ${from})`;
  if (to === 'ok') {
    return {
      from,
      to,
      subject: `psa-bridge: ${name} recovered`,
      text: `The integration "${name}" recovered: it is ok again${was}.`,
    };
  }
  const what = health.count === 1 ? '1 thing is wrong' : `${health.count} things are wrong`;
  return {
    from,
    to,
    subject: `psa-bridge: ${name} is ${to}`,
    text: `The integration "${name}" turned ${to}${was}: ${what}. ${health.reason ?? 'No reason was recorded.'}`,
  };
}
