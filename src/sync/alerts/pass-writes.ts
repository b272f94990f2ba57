/**
 * The writes an alerts pass makes besides the tickets: the waiting list (alerts deferred for want of
 * PSA budget, failed and parked ones, handled ones taken off it) and the cursor. A dry run gets
 * `noPassWrites`: the pass plans exactly as a real one, and both stay as they were.
 */
import type { VendorAlert } from '../../domain/vendor-model.ts';
import { Cursors } from '../cursors.ts';
import type { TicketLoopEnv } from '../ticket-loop-env.ts';

export interface PassWrites {
  /** Keeps an alert for the next pass with budget. */
  defer(alertId: string, alert: VendorAlert, tenantId: string | null, detail: string): Promise<void>;
  /** Takes a handled (or cleared) alert off the waiting list. */
  unqueue(alertId: string): Promise<void>;
  /** Counts a failed attempt and returns the attempts so far; null when nothing is recorded. */
  recordFailure(alertId: string, alert: VendorAlert, tenantId: string | null, error: string): Promise<number | null>;
  /** When a parked alert is tried again. */
  retryAt(alertId: string, at: string): Promise<void>;
  /** Moves the cursor (never back) and returns where it stands; null when it is not moved. */
  advanceCursor(loop: string, value: string): Promise<string | null>;
}

export function storePassWrites(env: TicketLoopEnv): PassWrites {
  const { repos, integrationId } = env;
  return {
    defer: (alertId, alert, tenantId, detail) => repos.waitingAlerts.putDeferred(integrationId, alertId, alert, tenantId, detail),
    unqueue: async (alertId) => {
      await repos.waitingAlerts.remove(integrationId, alertId);
    },
    recordFailure: (alertId, alert, tenantId, error) => repos.waitingAlerts.recordFailure(integrationId, alertId, alert, tenantId, error, null),
    retryAt: (alertId, at) => repos.waitingAlerts.setNextAttempt(integrationId, alertId, at),
    advanceCursor: async (loop, value) => (await new Cursors(repos.cursors).advance(integrationId, loop, value)).value,
  };
}

/** A dry run's: nothing is written. */
export const noPassWrites: PassWrites = {
  defer: async () => {},
  unqueue: async () => {},
  recordFailure: async () => null,
  retryAt: async () => {},
  advanceCursor: async () => null,
};
