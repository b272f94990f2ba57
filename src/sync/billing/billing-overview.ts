/**
 * The overview of a billing-platform integration for the portal and the CLI: the platform's own
 * integration status (read live, so "pending → active" shows as soon as it happens), and what the
 * hub pushed with what the platform answered (src/domain/billing-overview.ts). A platform that
 * cannot be reached does not hide what is stored: the status then carries the error instead.
 */
import { billingOverview, type BillingOverview } from '../../domain/billing-overview.ts';
import { M365_STORAGE_NOTE } from '../../domain/billing-services.ts';
import type { BillingIntegrationState } from '../../connectors/billing-ports.ts';
import { billingPlatformManifestOf } from '../../connectors/registry.ts';
import type { Integration } from '../../store/repositories/integrations.ts';
import type { Store } from '../../store/store.ts';

export type PlatformStatusView = ({ ok: true } & BillingIntegrationState) | { ok: false; error: string };

export interface BillingOverviewView extends BillingOverview {
  platform: { label: string; shortLabel: string };
  status: PlatformStatusView;
  /** Said wherever storage services are listed (seed 003). */
  storageNote: string;
}

export async function readBillingOverview(store: Pick<Store, 'repos'>, integration: Pick<Integration, 'id' | 'target'>, readState: () => Promise<BillingIntegrationState>): Promise<BillingOverviewView> {
  const manifest = billingPlatformManifestOf(integration.target);
  if (manifest === null) throw new Error(`a ${integration.target} integration is not a billing-platform integration`);
  const pushed = store.repos.billingPush;
  const [accounts, services, counts, alerts, status] = await Promise.all([
    pushed.accounts(integration.id),
    pushed.services(integration.id),
    pushed.counts(integration.id),
    pushed.alerts(integration.id, { limit: 500 }),
    readState().then(
      (state): PlatformStatusView => ({ ok: true, ...state }),
      (error: unknown): PlatformStatusView => ({ ok: false, error: error instanceof Error ? error.message : String(error) }),
    ),
  ]);
  return {
    platform: { label: manifest.label, shortLabel: manifest.shortLabel },
    status,
    storageNote: M365_STORAGE_NOTE,
    ...billingOverview({ accounts, services, counts, alerts }),
  };
}
