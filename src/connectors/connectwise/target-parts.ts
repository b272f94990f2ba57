/** What the parts of the ConnectWise target (directory, catalog, contracts, usage, tickets, callbacks) share. */
import { ConnectorError } from '../kit/errors.ts';
import { CONNECTWISE_SYSTEM, type ConnectWiseClient } from './client.ts';
import type { ConnectWiseLookups } from './lookups.ts';

/** The client, the shared lookups and the settings every part of one target works with. */
export interface ConnectWiseParts {
  client: ConnectWiseClient;
  now: () => number;
  /** Caption of the addition custom field that marks pay-as-you-go. */
  paygCaption: string;
  /** Additions read at once while listing contracts. */
  additionConcurrency: number;
  lookups: ConnectWiseLookups;
}

export const PATHS = {
  companies: '/company/companies',
  companyStatuses: '/company/companies/statuses',
  companyTypes: '/company/companies/types',
  contacts: '/company/contacts',
  agreements: '/finance/agreements',
  additions: (agreementId: number | string) => `/finance/agreements/${agreementId}/additions`,
  catalog: '/procurement/catalog',
  subcategories: '/procurement/subcategories',
  productTypes: '/procurement/types',
  boards: '/service/boards',
  boardPart: (boardId: number, part: 'types' | 'subtypes' | 'statuses') => `/service/boards/${boardId}/${part}`,
  priorities: '/service/priorities',
  tickets: '/service/tickets',
  notes: (ticketId: number) => `/service/tickets/${ticketId}/notes`,
  callbacks: '/system/callbacks',
};

export const LOOKUP_TTL_MS = 5 * 60_000;

export function badInput(message: string, operation: string, context: Record<string, string | number> = {}): ConnectorError {
  return new ConnectorError({ code: 'bad_request', system: CONNECTWISE_SYSTEM, message, context: { operation, ...context } });
}

export function numericId(value: string, what: string, operation: string): number {
  if (!/^\d+$/.test(value.trim())) throw badInput(`"${value}" is not a ConnectWise ${what} id`, operation);
  return Number(value.trim());
}

/** A picklist value of the field bag: an id (`"12"`) → `{id: 12}`, anything else → `{name}` (resolved on the ticket's board). */
export function refOf(value: string | undefined): { id: number } | { name: string } | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  return /^\d+$/.test(value.trim()) ? { id: Number(value.trim()) } : { name: value.trim() };
}

/** A cache that forgets after `ttl` and after a failure. */
export function cached<T>(load: () => Promise<T>, ttl: number, now: () => number): () => Promise<T> {
  let entry: { at: number; value: Promise<T> } | undefined;
  return () => {
    if (entry === undefined || now() - entry.at > ttl) {
      const value = load();
      entry = { at: now(), value };
      value.catch(() => {
        if (entry?.value === value) entry = undefined;
      });
    }
    return entry.value;
  };
}
