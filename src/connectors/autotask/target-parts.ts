/** What the parts of the Autotask target (directory, catalog, contracts, usage, tickets) share. */
import { ConnectorError } from '../kit/errors.ts';
import type { BudgetPriority } from './budget.ts';
import type { AutotaskClient } from './client.ts';
import { isoUtc } from './mapping.ts';
import type { Picklists } from './picklists.ts';

/** The client, the picklist cache and the settings every part of one target works with. */
export interface AutotaskParts {
  client: AutotaskClient;
  picklists: Picklists;
  /** Name of the contract UDF that marks pay-as-you-go. */
  paygUdf: string;
}

export const UNIT_FIELDS = ['id', 'contractID', 'startDate', 'endDate', 'units'];

/** Company 0 is the MSP's own company on every Autotask database: never a customer to map. */
export const OWNER_COMPANY_ID = 0;
const DAY_MS = 86_400_000;

export const dayStartIso = (ms: number): string => isoUtc(new Date(Math.floor(ms / DAY_MS) * DAY_MS));

/** Full passes run at `background` priority (the budget refuses them first), incremental ones at `normal`. */
export const fullOrIncremental = (since: string | undefined): BudgetPriority => (since === undefined ? 'background' : 'normal');

export function badInput(message: string, operation: string, context: Record<string, string | number> = {}): ConnectorError {
  return new ConnectorError({ code: 'bad_request', system: 'autotask', message, context: { operation, ...context } });
}

/** "3" → 3 for int picklist fields; undefined stays undefined. */
export function picklistNumber(value: string | undefined, field: string, operation: string): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  if (!/^-?\d+$/.test(value.trim())) throw badInput(`Autotask ticket field ${field} needs a picklist value (a number), not "${value}"`, operation, { field });
  return Number(value);
}
