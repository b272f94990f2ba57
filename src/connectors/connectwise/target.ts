/**
 * The ConnectWise Manage implementation of the Target port (reference psa.md §B, seed 002).
 *
 * - directory: companies (status, types, default contact); the MSP's own company (type "Owner") is
 *   never a customer. Incremental by `lastUpdated`, plus companies whose default contact changed.
 * - catalog: procurement catalog products (a product's name is its description; `findServiceByName`
 *   also matches the identifier, which is what agreement screens show as "Product ID").
 * - contracts: agreements with their additions (mapping.ts says how additions become lines).
 *   Incremental = agreements whose record changed since; an addition's change does not touch its
 *   agreement's `lastUpdated`, so it reaches the hub by the agreement callback (which ConnectWise
 *   fires for addition changes) or by the periodic full pass.
 * - usage (absolute): the PAYG addition's quantity is set to the usage: read, then PATCH only when
 *   different, so a repeated call writes nothing.
 * - tickets: per service board; the field bag's `board`, `type`, `subtype`, `status`, `priority`
 *   are ids (types, subtypes and statuses belong to a board). The hub's external reference is kept
 *   in the ticket's **`externalXRef`** field: a standard field (≤ 100 characters) that conditions can
 *   search exactly (`externalXRef = "…"`) and by prefix (`like "pb:%"`), needs no custom-field setup
 *   and leaves the summary a technician reads untouched. Notes have no title: the title is the
 *   note's first line, and a note with the same text is found before another is written.
 * - callbacks: system callbacks of type company, agreement and ticket at level `owner`, self-
 *   suppressed (our own writes do not echo back), verified by `x-content-signature`.
 */
import type { Target, TargetApiBudget, TargetCallbacks, TargetCapabilities, TargetCatalog, TargetContracts, TargetTickets, TargetUsage } from '../ports.ts';
import { createConnectWiseCallbacks } from './callbacks.ts';
import { createConnectWiseCatalog } from './catalog.ts';
import { createConnectWiseClient, type ConnectWiseClient, type ConnectWiseClientOptions } from './client.ts';
import { cwDateTime } from './conditions.ts';
import { createConnectWiseContracts } from './contracts.ts';
import { createConnectWiseDirectory } from './directory.ts';
import { createConnectWiseLookups } from './lookups.ts';
import { isPayg, PAYG_FIELD_CAPTION } from './mapping.ts';
import { createConnectWisePreparation } from './preparation.ts';
import type { ConnectWiseParts } from './target-parts.ts';
import { createConnectWiseTickets, EXTERNAL_REF_MAX } from './tickets.ts';
import { createConnectWiseUsage } from './usage.ts';

export interface ConnectWiseTargetOptions extends ConnectWiseClientOptions {
  /** Caption of the addition custom field that marks pay-as-you-go (default "Acronis PAYG"). */
  paygFieldCaption?: string;
  /** Additions read at once while listing contracts (one call per agreement). Default 6. */
  additionConcurrency?: number;
}

export interface ConnectWiseTarget extends Target {
  readonly system: 'connectwise';
  readonly client: ConnectWiseClient;
  readonly catalog: TargetCatalog;
  readonly contracts: TargetContracts;
  readonly usage: TargetUsage;
  readonly tickets: TargetTickets;
  readonly callbacks: TargetCallbacks;
  apiBudget(): Promise<TargetApiBudget>;
}

export const CONNECTWISE_TICKET_FIELDS = ['board', 'type', 'subtype', 'status', 'priority'] as const;

export const CONNECTWISE_CAPABILITIES: TargetCapabilities = {
  directory: { incremental: true, companyTypes: true },
  catalog: { bundles: false, periodTypes: ['monthly'], createServices: true },
  contracts: { prepaid: true, payAsYouGo: true, allowMixedBilling: true, incremental: true },
  usage: { mode: 'absolute' },
  tickets: { fields: CONNECTWISE_TICKET_FIELDS, externalRefMaxLength: EXTERNAL_REF_MAX },
  callbacks: true,
};

export function createConnectWiseTarget(options: ConnectWiseTargetOptions): ConnectWiseTarget {
  const client = createConnectWiseClient(options);
  const now = options.now ?? Date.now;
  const parts: ConnectWiseParts = {
    client,
    now,
    paygCaption: options.paygFieldCaption ?? PAYG_FIELD_CAPTION,
    additionConcurrency: options.additionConcurrency ?? 6,
    lookups: createConnectWiseLookups(client, now),
  };
  return {
    system: 'connectwise',
    capabilities: CONNECTWISE_CAPABILITIES,
    client,
    ...createConnectWisePreparation(parts),
    directory: createConnectWiseDirectory(parts),
    catalog: createConnectWiseCatalog(parts),
    contracts: createConnectWiseContracts(parts),
    usage: createConnectWiseUsage(parts),
    tickets: createConnectWiseTickets(parts),
    callbacks: createConnectWiseCallbacks(parts),
  };
}

/** For tests and tools: whether an addition is PAYG under the default caption. */
export { isPayg, cwDateTime };
