/**
 * The Autotask PSA implementation of the Target port (reference psa.md §A, seed 000).
 *
 * Costs are counted in requests against the database's hourly threshold, so listings are batched:
 * a page of 500 companies costs one more request for their primary contacts; a page of 500
 * contracts costs one request per page of their services, bundles and units in force. Full passes
 * run at `background` priority (the budget refuses them first), incremental and write work at
 * `normal`, a person's connection test at `interactive`.
 */
import type { Target, TargetCallbacks, TargetCapabilities } from '../ports.ts';
import type { BudgetSnapshot } from './budget.ts';
import { createAutotaskCallbacks } from './callbacks.ts';
import { createAutotaskCatalog } from './catalog.ts';
import { createAutotaskClient, type AutotaskClient, type AutotaskClientOptions } from './client.ts';
import { createAutotaskContracts } from './contracts.ts';
import { createAutotaskDirectory } from './directory.ts';
import { PAYG_UDF_NAME } from './mapping.ts';
import { createPicklists } from './picklists.ts';
import { createAutotaskPreparation } from './preparation.ts';
import type { AutotaskParts } from './target-parts.ts';
import { createAutotaskTickets } from './tickets.ts';
import { createAutotaskUsage } from './usage.ts';

export interface AutotaskTargetOptions extends AutotaskClientOptions {
  /** Name of the contract UDF that marks pay-as-you-go (default "Acronis PAYG", as the seed). */
  paygUdfName?: string;
}

export interface AutotaskTarget extends Target {
  readonly system: 'autotask';
  readonly client: AutotaskClient;
  readonly callbacks: TargetCallbacks;
  /** Requests used in the rolling hour, for the summary screen and benchmarks. */
  budget(): BudgetSnapshot;
}

export const AUTOTASK_CAPABILITIES: TargetCapabilities = {
  directory: { incremental: true, companyTypes: true },
  catalog: { bundles: true, periodTypes: ['monthly', 'quarterly', 'semi_annual', 'yearly'], createServices: true },
  contracts: { prepaid: true, payAsYouGo: true, allowMixedBilling: false, incremental: true },
  usage: { mode: 'delta' },
  tickets: { fields: ['source', 'queue', 'status', 'priority', 'issueType', 'subIssueType', 'noteType', 'publish'], externalRefMaxLength: 50 },
  callbacks: true,
};

export function createAutotaskTarget(options: AutotaskTargetOptions): AutotaskTarget {
  const client = createAutotaskClient(options);
  const parts: AutotaskParts = { client, picklists: createPicklists(client), paygUdf: options.paygUdfName ?? PAYG_UDF_NAME };
  return {
    system: 'autotask',
    capabilities: AUTOTASK_CAPABILITIES,
    client,
    budget: () => client.budget(),
    apiBudgetNow: async () => {
      // Until ThresholdInformation is read the count is this process's alone; the other integrations' share matters here.
      if (client.budget().syncedAt === null) await client.threshold();
      const b = client.budget();
      return { used: b.used, limit: b.limit, windowMs: b.windowMs, rateLimited: 0, waitUntil: b.suspendedUntil === null ? null : new Date(b.suspendedUntil).toISOString() };
    },
    ...createAutotaskPreparation(parts),
    directory: createAutotaskDirectory(parts),
    catalog: createAutotaskCatalog(parts),
    contracts: createAutotaskContracts(parts),
    usage: createAutotaskUsage(parts),
    tickets: createAutotaskTickets(parts),
    callbacks: createAutotaskCallbacks(parts),
  };
}
