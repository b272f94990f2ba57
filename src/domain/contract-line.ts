/**
 * What a company bought, target-neutral: an Autotask contract service (units; PAYG or prepaid by
 * the contract's "Acronis PAYG" field), a ConnectWise agreement addition (total quantity; prepaid
 * or pay-as-you-go), a CloudBlue or Gradient subscription line. And the reading of a company's
 * lines at an instant: which are in effect, which have ended, which contracts are refused.
 *
 * Decisions where the seeds are silent:
 * - dates are whole UTC days, both ends inclusive: a line ending 2026-12-31 is in effect all that
 *   day (Autotask end dates and ConnectWise cancelled dates are dates, not instants);
 * - an inactive line (cancelled addition, contract status not "in effect") counts as ended;
 * - only lines on mapped products matter; a contract's other services are none of our business;
 * - a contract mixing PAYG and prepaid lines in effect is refused (seed 000 §4.2 "Contracts cannot
 *   have both PAYG and Prepaid additions"); its items are held as they are, never zeroed, since
 *   the mistake is the contract's and zeroing would cut a paying customer off. ConnectWise allows
 *   the mix on purpose (seed 002 §9 rule 5): the connector turns `allowMixedBilling` on.
 */
import { catalogItem, isCatalogItemKey } from './offering-item-catalog.ts';
import type { ProductMappingEntry, ResolvedProduct } from './product-mapping.ts';
import { problem, type PlanProblem } from './plan-problem.ts';

export type BillingMode = 'prepaid' | 'payg';

/**
 * Whether a contract may mix PAYG and prepaid lines in effect: the target allows it on purpose
 * (`contracts.allowMixedBilling`, ConnectWise), or the integration's provisioning settings accept it.
 * `targetContracts` is the target's `contracts` capability (false when it has no contracts).
 */
export function mixedBillingAllowed(setting: boolean, targetContracts: { allowMixedBilling: boolean } | false): boolean {
  return setting || (targetContracts !== false && targetContracts.allowMixedBilling);
}

export interface ContractLine {
  /** The target's id of the line (contract service, agreement addition). */
  lineId: string;
  contractId: string;
  /** The target service/product (or bundle) the line sells. */
  productId: string;
  /** Units (Autotask) / total quantity (ConnectWise) now. */
  quantity: number;
  billing: BillingMode;
  /** False when the target says the line or its contract is no longer in effect. */
  active: boolean;
  /** ISO date or date-time; null = open. */
  startDate: string | null;
  endDate: string | null;
}

export type LinePhase = 'future' | 'effective' | 'ended';

const DAY_MS = 86_400_000;

/** Milliseconds of the UTC day that holds `iso`; NaN when it is not a date. */
export function utcDay(iso: string): number {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? Number.NaN : Math.floor(ms / DAY_MS) * DAY_MS;
}

export function linePhase(line: ContractLine, now: Date): LinePhase {
  const today = Math.floor(now.getTime() / DAY_MS) * DAY_MS;
  if (!line.active) return 'ended';
  if (line.endDate !== null && utcDay(line.endDate) < today) return 'ended';
  if (line.startDate !== null && utcDay(line.startDate) > today) return 'future';
  return 'effective';
}

export type ContractProblemCode = 'mixed_billing' | 'invalid_line' | 'fractional_units';

/** A line on a mapped product, with what it provisions. */
export interface MappedLine {
  line: ContractLine;
  product: ResolvedProduct;
}

export interface ContractReading {
  /** In effect, in an accepted contract. */
  effective: MappedLine[];
  /** Ended (or inactive). */
  ended: MappedLine[];
  /** In effect but in a refused contract: its items are held as they are. */
  held: MappedLine[];
  problems: PlanProblem<ContractProblemCode>[];
}

export function readContractLines(
  lines: readonly ContractLine[],
  products: ReadonlyMap<string, ResolvedProduct>,
  now: Date,
  options: { allowMixedBilling?: boolean } = {},
): ContractReading {
  const problems: PlanProblem<ContractProblemCode>[] = [];
  const inEffect: MappedLine[] = [];
  const ended: MappedLine[] = [];
  const sorted = [...lines].sort((a, b) => compareText(a.contractId, b.contractId) || compareText(a.lineId, b.lineId));
  for (const line of sorted) {
    const product = products.get(line.productId);
    if (product === undefined) continue;
    const badDate = [line.startDate, line.endDate].some((d) => d !== null && Number.isNaN(utcDay(d)));
    if (badDate || !Number.isFinite(line.quantity) || line.quantity < 0) {
      problems.push(
        problem('invalid_line', 'error', `Contract line ${line.lineId} has an invalid quantity or date and is ignored.`, {
          contractId: line.contractId,
          lineId: line.lineId,
          quantity: Number.isFinite(line.quantity) ? line.quantity : null,
          startDate: line.startDate,
          endDate: line.endDate,
        }),
      );
      continue;
    }
    const phase = linePhase(line, now);
    if (phase === 'effective') inEffect.push({ line, product });
    else if (phase === 'ended') ended.push({ line, product });
  }

  const refused = new Set<string>();
  if (options.allowMixedBilling !== true) {
    const modes = new Map<string, Set<BillingMode>>();
    for (const { line } of inEffect) modes.set(line.contractId, (modes.get(line.contractId) ?? new Set()).add(line.billing));
    for (const [contractId, set] of modes) {
      if (set.size < 2) continue;
      refused.add(contractId);
      problems.push(
        problem(
          'mixed_billing',
          'error',
          `Contract ${contractId} has both pay-as-you-go and prepaid lines, which is not allowed: split it into two contracts. Its offering items are left as they are until then.`,
          { contractId },
        ),
      );
    }
  }

  for (const { line, product } of inEffect) {
    if (refused.has(line.contractId) || line.billing !== 'prepaid' || Number.isInteger(line.quantity)) continue;
    if (product.entries.some((e) => isCountedEntry(e))) {
      problems.push(
        problem('fractional_units', 'warning', `Contract line ${line.lineId} has ${line.quantity} units; workloads are counted whole, so the quota is rounded down.`, {
          contractId: line.contractId,
          lineId: line.lineId,
          quantity: line.quantity,
        }),
      );
    }
  }

  return {
    effective: inEffect.filter((m) => !refused.has(m.line.contractId)),
    ended,
    held: inEffect.filter((m) => refused.has(m.line.contractId)),
    problems,
  };
}

// Storage (GB) may be fractional; workloads and seats may not.
function isCountedEntry(entry: ProductMappingEntry): boolean {
  return isCatalogItemKey(entry.itemKey) && catalogItem(entry.itemKey).billingUnit === 'quantity';
}

export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
