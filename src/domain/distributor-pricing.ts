/**
 * Prices a distributor bills at. The vendor's price list gives the sell price; the distributor's
 * agreed discount is "deducted from the Sell Price so that the Cost Price can be calculated"
 * (seed 004): cost = sell × (1 − discount/100), e.g. 100 sell at 18 % → 82 cost.
 */

/** Unit prices keep four decimals (0.05 per GB at 18 % is 0.041); amounts are rounded to cents. */
const UNIT_DECIMALS = 4;
const AMOUNT_DECIMALS = 2;
const GB = 1024 ** 3;

const round = (value: number, decimals: number): number => {
  const f = 10 ** decimals;
  return Math.round((value + Number.EPSILON) * f) / f;
};

export function isValidDiscount(discountPercent: number): boolean {
  return Number.isFinite(discountPercent) && discountPercent >= 0 && discountPercent <= 100;
}

export function costFromSell(sell: number, discountPercent: number): number {
  if (!isValidDiscount(discountPercent)) throw new RangeError(`the distributor discount must be between 0 and 100 %, not ${discountPercent}`);
  return round(sell * (1 - discountPercent / 100), UNIT_DECIMALS);
}

/** The unit a quantity is billed in for a measurement unit: GB for bytes, hours for seconds. */
export function billingUnit(measurementUnit: string): string {
  if (measurementUnit === 'bytes') return 'GB';
  if (measurementUnit === 'seconds') return 'hours';
  return 'units';
}

/** A usage value in its billing unit (bytes → GB, seconds → hours), three decimals. */
export function billableQuantity(value: number, measurementUnit: string): number {
  if (measurementUnit === 'bytes') return round(value / GB, 3);
  if (measurementUnit === 'seconds') return round(value / 3600, 3);
  return value;
}

export interface UsageToRate {
  customerTenantId: string;
  customerName: string;
  offeringItem: string;
  usageName: string;
  measurementUnit: string;
  infraId: string | null;
  value: number;
}

export interface UnitPrice {
  /** Offering item name. */
  name: string;
  price: number;
}

export interface RatedUsage {
  customerTenantId: string;
  customerName: string;
  offeringItem: string;
  usageName: string;
  infraId: string | null;
  quantity: number;
  unit: string;
  unitSell: number;
  unitCost: number;
  sell: number;
  cost: number;
}

export interface RatedPeriod {
  lines: RatedUsage[];
  totals: { items: number; cost: number; sell: number };
  /** Items with usage the price list has no price for (not billed; shown to a person). */
  unpriced: string[];
}

/**
 * Rates a period's usage: one line per customer and offering item with usage, in a stable order
 * (customer, then item), so the same usage always gives the same answer.
 */
export function rateUsage(usages: readonly UsageToRate[], prices: readonly UnitPrice[], discountPercent: number): RatedPeriod {
  const priceOf = new Map(prices.map((p) => [p.name, p.price]));
  const unpriced = new Set<string>();
  const lines: RatedUsage[] = [];
  for (const u of usages) {
    if (u.value <= 0) continue;
    const unitSell = priceOf.get(u.offeringItem);
    if (unitSell === undefined) {
      unpriced.add(u.offeringItem);
      continue;
    }
    const quantity = billableQuantity(u.value, u.measurementUnit);
    const unitCost = costFromSell(unitSell, discountPercent);
    lines.push({
      customerTenantId: u.customerTenantId,
      customerName: u.customerName,
      offeringItem: u.offeringItem,
      usageName: u.usageName,
      infraId: u.infraId,
      quantity,
      unit: billingUnit(u.measurementUnit),
      unitSell,
      unitCost,
      sell: round(quantity * unitSell, AMOUNT_DECIMALS),
      cost: round(quantity * unitCost, AMOUNT_DECIMALS),
    });
  }
  lines.sort((a, b) =>
    a.customerName !== b.customerName
      ? a.customerName < b.customerName ? -1 : 1
      : a.offeringItem !== b.offeringItem
        ? a.offeringItem < b.offeringItem ? -1 : 1
        : (a.infraId ?? '') < (b.infraId ?? '') ? -1 : 1,
  );
  const totals = lines.reduce((t, l) => ({ items: t.items + 1, cost: t.cost + l.cost, sell: t.sell + l.sell }), { items: 0, cost: 0, sell: 0 });
  return { lines, totals: { items: totals.items, cost: round(totals.cost, AMOUNT_DECIMALS), sell: round(totals.sell, AMOUNT_DECIMALS) }, unpriced: [...unpriced].sort() };
}
