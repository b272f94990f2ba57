/**
 * Announces an integration's health transitions (ok ⇄ degraded ⇄ failed) to the notification
 * channels. After every real pass — the ones the job runner reports, and the ones run outside it
 * (`psa-bridge sync`, the demo's first passes, through src/sync/recorded-run.ts) — the health is read the one way every screen
 * reads it (src/sync/integration-health.ts), compared with the status last announced
 * (src/domain/health-notice.ts), and a change is recorded with its deliveries in one transaction
 * (compare and set), then sent. So a status that stays announces nothing, a retried or doubled pass
 * finds the change already recorded, and a crash before the send leaves the delivery pending for
 * the next check. Nothing here throws into the runner: failures are logged and recorded.
 */
import type { Logger } from 'pino';
import type { VendorHostPolicy } from '../config/vendor-hosts.ts';
import { decideHealthNotice } from '../domain/health-notice.ts';
import type { Store } from '../store/store.ts';
import { readIntegrationHealth } from './integration-health.ts';
import { deliverPending } from './notification-delivery.ts';

/** A pass that ended (a job runner's RunResult is one). */
export interface FinishedPass {
  integrationId: string;
  dryRun: boolean;
}

export interface HealthNotifier {
  /** For the runner's onRunFinished: checks the integration in the background. */
  afterRun(result: FinishedPass): void;
  /** The same, for a caller that waits for it (a command that exits after its pass); never rejects. */
  afterPass(result: FinishedPass): Promise<void>;
  /** Checks one integration now: records and sends a transition if there is one. */
  check(integrationId: string): Promise<void>;
  /** Resolves when the checks started so far are done (tests, shutdown). */
  idle(): Promise<void>;
}

export function createHealthNotifier(options: { store: Store; webhookHosts: VendorHostPolicy; logger?: Logger }): HealthNotifier {
  const { store, logger } = options;
  const context = { store, webhookHosts: options.webhookHosts, ...(logger ? { logger } : {}) };
  // Checks run one after another in this process: they are cheap, and it keeps the order of the
  // transitions of one integration the order of its passes.
  let queue: Promise<void> = Promise.resolve();

  async function check(integrationId: string): Promise<void> {
    const integration = await store.repos.integrations.get(integrationId);
    if (integration !== undefined) {
      const health = await readIntegrationHealth(store, integration);
      const last = await store.repos.healthFacts.lastNotice(integrationId);
      const decision = decideHealthNotice({ integrationName: integration.name, previous: last?.status, health });
      if (decision !== null) {
        const recorded = await store.repos.notifications.announce(integrationId, last?.status ?? null, { status: decision.record, reason: health.reason }, decision.notify);
        if (recorded && decision.notify !== null) logger?.info({ integration: integration.name, from: decision.notify.from, to: decision.notify.to }, 'integration health changed; notifying');
      }
    }
    // Also what earlier checks (or a process that died) left pending.
    await deliverPending(context);
  }

  function afterPass(result: FinishedPass): Promise<void> {
    if (result.dryRun) return queue;
    queue = queue
      .then(() => check(result.integrationId))
      .catch((err: unknown) => logger?.error({ err, integration: result.integrationId }, 'the health notification check failed'));
    return queue;
  }

  return {
    afterRun(result) {
      void afterPass(result);
    },
    afterPass,
    check,
    idle: () => queue,
  };
}
