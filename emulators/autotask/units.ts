// ContractServiceUnits and ContractServiceBundleUnits are derived, never stored: one row per billing
// period of the contract (the period of the service), split where an adjustment takes effect, with
// the units in force (the sum of the adjustments effective on or before the row's start). Deriving on
// demand keeps the `large` dataset small; row ids are `line id × 1000 + row index`, stable as long as
// no adjustment splits an earlier period of the same line.
import { parseDate, formatDate, picklistLabel } from './values.ts';
import type { Adjustment, AutotaskState, Row } from './state.ts';

const MONTHS: Record<string, number> = { monthly: 1, quarterly: 3, 'semi-annual': 6, yearly: 12 };
const DAY = 86_400_000;
export const UNIT_ID_FACTOR = 1000;

export type LineKind = 'service' | 'bundle';

export const lineTable = (kind: LineKind) => (kind === 'service' ? 'ContractServices' : 'ContractServiceBundles');
export const catalogTable = (kind: LineKind) => (kind === 'service' ? 'Services' : 'ServiceBundles');
export const catalogField = (kind: LineKind) => (kind === 'service' ? 'serviceID' : 'serviceBundleID');
export const adjustmentsOf = (state: AutotaskState, kind: LineKind) => (kind === 'service' ? state.serviceAdjustments : state.bundleAdjustments);

function addMonths(ms: number, months: number): number {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds());
}

function periodMonths(state: AutotaskState, kind: LineKind, line: Row): number {
  const item = state.table(catalogTable(kind)).rows.get(Number(line[catalogField(kind)]));
  const label = picklistLabel(state, `${catalogTable(kind)}.periodType`, item?.periodType)?.toLowerCase() ?? 'monthly';
  return MONTHS[label] ?? 1;
}

/** The billing periods of a contract for a period length: [start, end] pairs, ends inclusive (midnight). */
export function periods(startMs: number, endMs: number, months: number): [number, number][] {
  const out: [number, number][] = [];
  for (let k = 0; out.length < 600; k++) {
    const s = addMonths(startMs, k * months);
    if (s > endMs) break;
    const next = addMonths(startMs, (k + 1) * months);
    out.push([s, Math.min(next - DAY, endMs)]);
  }
  return out;
}

export interface UnitSegment {
  start: number;
  end: number;
  units: number;
  price: number | null;
  cost: number | null;
}

export function segments(state: AutotaskState, kind: LineKind, line: Row): UnitSegment[] {
  const contract = state.table('Contracts').rows.get(Number(line.contractID));
  if (!contract) return [];
  const start = parseDate(contract.startDate);
  const end = parseDate(contract.endDate);
  if (start === undefined || end === undefined) return [];
  const adjustments: Adjustment[] = adjustmentsOf(state, kind).get(line.id) ?? [];
  const cuts = [...new Set(adjustments.map((a) => a.effectiveMs))];
  const out: UnitSegment[] = [];
  for (const [ps, pe] of periods(start, end, periodMonths(state, kind, line))) {
    const bounds = [ps, ...cuts.filter((c) => c > ps && c <= pe).sort((a, b) => a - b)];
    bounds.forEach((s, i) => {
      const e = i + 1 < bounds.length ? (bounds[i + 1] as number) - DAY : pe;
      let units = 0;
      let price = typeof line.unitPrice === 'number' ? line.unitPrice : null;
      let cost = typeof line.unitCost === 'number' ? line.unitCost : null;
      for (const a of adjustments) {
        if (a.effectiveMs > s) continue;
        units += a.unitChange;
        if (a.adjustedUnitPrice !== null) price = a.adjustedUnitPrice;
        if (a.adjustedUnitCost !== null) cost = a.adjustedUnitCost;
      }
      out.push({ start: s, end: Math.max(e, s), units, price, cost });
    });
  }
  return out.slice(0, UNIT_ID_FACTOR - 1);
}

export function unitRows(state: AutotaskState, kind: LineKind, line: Row): Row[] {
  const item = state.table(catalogTable(kind)).rows.get(Number(line[catalogField(kind)]));
  return segments(state, kind, line).map((s, i) => {
    const common = {
      id: line.id * UNIT_ID_FACTOR + i,
      approveAndPostDate: null,
      contractID: line.contractID,
      cost: s.cost,
      endDate: formatDate(s.end),
      internalCurrencyPrice: s.price,
      organizationalLevelAssociationID: null,
      price: s.price,
      startDate: formatDate(s.start),
      units: s.units,
    };
    return kind === 'service'
      ? { ...common, contractServiceID: line.id, serviceID: line.serviceID, vendorCompanyID: item?.vendorCompanyID ?? null }
      : { ...common, contractServiceBundleID: line.id, serviceBundleID: line.serviceBundleID };
  });
}

/** Units in force on a date (the row covering it), 0 outside the contract. */
export function unitsAt(state: AutotaskState, kind: LineKind, line: Row, atMs: number): number {
  for (const s of segments(state, kind, line)) if (s.start <= atMs && atMs < s.end + DAY) return s.units;
  return 0;
}
