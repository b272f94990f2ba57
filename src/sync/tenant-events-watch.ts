/**
 * The tenant events watch (job `tenant-events`): reads the vendor's tenant change feed (Acronis Event
 * Manager, tenant topic) by long-poll and, when a tenant changed, runs the directory pass — and the
 * provisioning pass when a mapped tenant changed — now, through the job runner (coalesced), so the
 * mapping list and the health show the change within seconds instead of at the next poll (issue 16).
 *
 * - One subscription per integration (depth ALL under the connection's partner tenant), with a
 *   subscription and consumer id derived from the integration's id: every process that takes the job
 *   over is the same consumer, so the vendor's one-leader rule never locks a successor out.
 * - Like the alerts watch it is a scheduled job (defined in src/jobs/hub-loops.ts) whose run lasts
 *   until just before its next tick: the job runners keep one run per (integration, job) across the
 *   deployment (in-process lock; pg-boss stately queue + run lock), so on PostgreSQL with several workers exactly one reads, and a killed
 *   worker's watch is taken over at the next tick.
 * - The offset is the `tenant-events` cursor, saved after the passes the events called for have run
 *   (or are queued): a restart resumes from it and misses nothing; an event read twice only triggers
 *   one more level-triggered pass, which is harmless. A first run starts at the topic's end: what
 *   happened before is the scheduled passes' business.
 * - Polling stays the fallback: when the Event Manager is unreachable or refuses (404/403 on a data
 *   center without it), the run ends successfully with `eventManager: "unavailable"` (health stays as
 *   the passes make it), the reason is logged once, and the next runs back off (doubling up to six
 *   hours) before asking again. The scheduled passes go on regardless.
 */
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import { isConnectorError } from '../connectors/kit/errors.ts';
import type { LoopStats } from './loop-result.ts';
import type { LoopQueue } from './loop-queue.ts';
import { loopsForTenantEvents, type TenantEventLoop } from '../domain/tenant-event-loops.ts';
import type { IntegrationRuntime } from './integration-runtime.ts';

export const TENANT_EVENTS_LOOP = 'tenant-events';
/** How often the job is scheduled: each run watches until just before the next one. */
export const TENANT_EVENTS_RUN_MINUTES = 5;
const CURSOR = 'tenant-events';
/** What a poll asks the vendor to wait for (it may shorten it: the emulator holds 20 s). */
const WAIT_SECONDS = 30;
/** The last poll must end this long before the next scheduled run is due. */
const MARGIN_MS = 2_000;
const BACKOFF_MAX_MS = 6 * 60 * 60_000;

export interface TenantEventsWindow {
  /** When the next scheduled run is due (epoch ms), asked before each poll; null ends the watch. */
  until: () => Promise<number | null>;
  /** Whether a run waits for this one's slot (then the watch ends so it can start). */
  runRequested: () => Promise<boolean>;
  signal: AbortSignal;
  log: Pick<Logger, 'info' | 'warn' | 'debug'>;
  now?: () => number;
  /** Overrides the wait a poll asks for (tests). */
  waitSeconds?: number;
}

export interface TenantEventsStats extends LoopStats {
  eventManager: 'ok' | 'unavailable' | 'off' | 'not offered';
  polls: number;
  events: number;
  directoryRuns: number;
  provisioningRuns: number;
  offset: string | null;
  ended: 'due' | 'requested' | 'stopped' | 'unavailable' | 'off';
}

/** A UUID fixed by the integration and purpose (RFC 4122 layout, version 5 bits over SHA-256). */
export function stableUuid(integrationId: string, purpose: string): string {
  const h = createHash('sha256').update(`psa-bridge:${purpose}:${integrationId}`).digest();
  h[6] = ((h[6] as number) & 0x0f) | 0x50;
  h[8] = ((h[8] as number) & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}

/** Per process: integrations whose Event Manager refused, when to ask again, and whether that was logged. */
const refusals = new Map<string, { failures: number; retryAt: number }>();

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted || ms <= 0) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * Waits for the triggered passes, but not past a run waiting for this one's worker slot (pg-boss with
 * every slot busy): the passes are queued in the database by then, so the offset may move on.
 */
export async function settle(work: Promise<unknown>, window: Pick<TenantEventsWindow, 'signal' | 'runRequested'>): Promise<'done' | 'requested' | 'stopped'> {
  let finished = false;
  // Ends this settle's own pause the moment the passes are done. Pausing on the run's signal itself
  // left each settled batch's listener on it until its second was up: a burst of changes piled up
  // more than ten (MaxListenersExceededWarning in the tenant-events bench).
  const ended = new AbortController();
  const pauseSignal = AbortSignal.any([window.signal, ended.signal]);
  const result = work.then(() => 'done' as const);
  const watch = (async (): Promise<'requested' | 'stopped'> => {
    for (;;) {
      await pause(1_000, pauseSignal);
      if (finished) return 'stopped';
      if (window.signal.aborted) return 'stopped';
      if (await window.runRequested()) return 'requested';
    }
  })();
  try {
    return await Promise.race([result, watch]);
  } finally {
    finished = true;
    ended.abort();
  }
}

export async function watchTenantEvents(rt: IntegrationRuntime, queue: LoopQueue, window: TenantEventsWindow): Promise<TenantEventsStats> {
  const integrationId = rt.integration.id;
  const now = window.now ?? Date.now;
  const stats: TenantEventsStats = { eventManager: 'ok', polls: 0, events: 0, directoryRuns: 0, provisioningRuns: 0, offset: null, ended: 'due' };
  const feed = rt.vendor.tenantEvents;
  if (feed === undefined) return { ...stats, eventManager: 'not offered', ended: 'off' };
  if (!(await rt.settings.read(integrationId, 'schedule')).tenantEvents) return { ...stats, eventManager: 'off', ended: 'off' };
  const refused = refusals.get(integrationId);
  if (refused !== undefined && now() < refused.retryAt) return { ...stats, eventManager: 'unavailable', ended: 'unavailable' };

  const subscriptionId = stableUuid(integrationId, 'tenant-events-subscription');
  const consumerId = stableUuid(integrationId, 'tenant-events-consumer');
  const unavailable = (error: unknown): TenantEventsStats => {
    const failures = (refusals.get(integrationId)?.failures ?? 0) + 1;
    const backoff = Math.min(BACKOFF_MAX_MS, TENANT_EVENTS_RUN_MINUTES * 60_000 * 2 ** (failures - 1));
    refusals.set(integrationId, { failures, retryAt: now() + backoff - MARGIN_MS });
    const reason = error instanceof Error ? error.message : String(error);
    // Once per outage: the runs that back off say nothing more.
    if (failures === 1) window.log.warn({ integrationId, reason }, "Acronis Event Manager unavailable: tenant changes wait for the scheduled passes (polling) until it answers again");
    else window.log.debug({ integrationId, reason, failures }, 'Acronis Event Manager still unavailable');
    return { ...stats, eventManager: 'unavailable', ended: 'unavailable' };
  };
  const stopped = (error: unknown): boolean => window.signal.aborted || isConnectorError(error, 'cancelled');

  let offset = await rt.cursors.get(integrationId, CURSOR);
  try {
    if (offset === undefined) {
      await feed.subscribe({ subscriptionId, tenantId: rt.partnerTenantId });
      offset = await feed.latestOffset();
      await rt.cursors.set(integrationId, CURSOR, offset);
    }
  } catch (error) {
    if (stopped(error)) return { ...stats, ended: 'stopped' };
    return unavailable(error);
  }
  stats.offset = offset;

  for (;;) {
    if (window.signal.aborted) return { ...stats, ended: 'stopped' };
    const until = await window.until();
    const leftMs = until === null ? 0 : until - MARGIN_MS - now();
    const waitSeconds = Math.min(window.waitSeconds ?? WAIT_SECONDS, Math.floor(leftMs / 1000) - 1);
    if (waitSeconds < 1) return { ...stats, ended: 'due' };
    if (await window.runRequested()) return { ...stats, ended: 'requested' };
    let batch;
    try {
      batch = await feed.poll({ subscriptionId, consumerId, offset, waitSeconds, signal: window.signal });
    } catch (error) {
      if (stopped(error)) return { ...stats, ended: 'stopped' };
      if (isConnectorError(error, 'not_found')) {
        // The subscription is gone (expired, deleted by someone): make it again and read on from our offset.
        try {
          await feed.subscribe({ subscriptionId, tenantId: rt.partnerTenantId });
          continue;
        } catch (again) {
          return unavailable(again);
        }
      }
      return unavailable(error);
    }
    if (refusals.delete(integrationId)) window.log.info({ integrationId }, 'Acronis Event Manager answers again: tenant changes are applied as they happen');
    stats.polls += 1;
    if (batch.events.length > 0) {
      stats.events += batch.events.length;
      const mappedTenants = new Set((await rt.store.repos.mappings.list(integrationId)).flatMap((m) => (m.tenantId !== null && m.state !== 'not_mapped' ? [m.tenantId] : [])));
      const loops = loopsForTenantEvents(batch.events, { mappedTenants, provisioning: rt.integration.features.provisioning === true });
      window.log.info({ integrationId, events: batch.events.length, kinds: [...new Set(batch.events.map((e) => e.kind))], loops }, 'tenant changed in Acronis: applying now');
      const triggered = (async () => {
        for (const loop of loops) {
          const result = await queue.runNow(integrationId, loop);
          if (loop === 'directory') stats.directoryRuns += 1;
          else stats.provisioningRuns += 1;
          if (result.status !== 'ok') window.log.warn({ integrationId, loop, status: result.status }, 'the pass a tenant change triggered did not succeed; the scheduled passes retry it');
        }
      })().catch((error: unknown) => {
        window.log.warn({ integrationId, err: error instanceof Error ? error.message : String(error) }, 'could not run the passes a tenant change called for; the scheduled passes apply it');
      });
      const outcome = await settle(triggered, window);
      if (outcome === 'stopped' && window.signal.aborted) return { ...stats, ended: 'stopped' };
      if (batch.offset !== offset) await rt.cursors.set(integrationId, CURSOR, batch.offset);
      offset = batch.offset;
      stats.offset = offset;
      if (outcome === 'requested') return { ...stats, ended: 'requested' };
      continue;
    }
    if (batch.offset !== offset) {
      await rt.cursors.set(integrationId, CURSOR, batch.offset);
      offset = batch.offset;
      stats.offset = offset;
    }
    if (batch.retryAfterMs !== undefined) await pause(Math.min(batch.retryAfterMs, Math.max(0, leftMs)), window.signal);
  }
}
