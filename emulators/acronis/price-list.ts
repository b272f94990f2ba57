// The distributor's price list (reference/acronis.md §9: per-item prices under
// `/tenants/{id}/offering_items/pricing`, `price` as decimal text). Which currencies the vendor
// prices in comes from billing-and-peers.md §2.1 (USD, EUR, GBP, AUD, JPY, CAD). The amounts, the
// fixed exchange rates and the `currency` / `available_currencies` fields are the emulator's own
// (inf): the public sources show the route and the item shape, not a price list.
import { itemDefinitions, type ItemDefinition } from './catalog.ts';

export const PRICE_CURRENCIES = ['USD', 'EUR', 'GBP', 'AUD', 'JPY', 'CAD'] as const;
export type PriceCurrency = (typeof PRICE_CURRENCIES)[number];

/** Units of the base currency (USD) per unit of the currency; JPY has no decimals. */
const RATES: Readonly<Record<PriceCurrency, number>> = { USD: 1, EUR: 0.92, GBP: 0.79, AUD: 1.52, JPY: 151, CAD: 1.36 };
const DECIMALS: Readonly<Record<PriceCurrency, number>> = { USD: 2, EUR: 2, GBP: 2, AUD: 2, JPY: 0, CAD: 2 };

/**
 * Monthly sell price in USD per unit: per workload for counts, per GB for bytes, per hour for
 * seconds (compute points). Features are free (they switch a capability on).
 */
const USD_PRICES: Readonly<Record<string, number>> = {
  workstations: 3.5,
  servers: 15,
  vms: 9,
  web_hosting_servers: 12,
  mobiles: 1.5,
  websites: 2,
  mailboxes: 1.2,
  o365_sharepoint_sites: 0.8,
  o365_teams: 0.6,
  gsuite_seats: 1.1,
  storage: 0.05,
  dr_storage: 0.1,
  compute_points: 0.25,
  dr_cloud_servers: 20,
  pack_adv_backup_workstations: 1.5,
  pack_adv_backup_servers: 5,
  pack_adv_backup_vms: 3,
  pack_adv_backup_web_hosting_servers: 4,
  pack_adv_management: 1.8,
  pack_adv_security: 2.4,
  pack_adv_dlp: 2.2,
  pack_adv_email_security_mailboxes: 1.3,
  local_storage: 0.02,
  fc_seats: 2.5,
  fc_storage: 0.04,
};

export const isPriceCurrency = (value: string): value is PriceCurrency => (PRICE_CURRENCIES as readonly string[]).includes(value);

/** The sell price of an item in a currency, as the decimal text the API sends; null when unpriced. */
export function priceOf(def: ItemDefinition, currency: PriceCurrency): string | null {
  if (def.type === 'feature') return null;
  const usd = USD_PRICES[def.usage_name];
  if (usd === undefined) return null;
  return (usd * RATES[currency]).toFixed(DECIMALS[currency]);
}

/** Items of the current editions that carry a price (the legacy `standard` ones are not sold). */
export const pricedItems: readonly ItemDefinition[] = itemDefinitions.filter((d) => d.edition !== 'standard' && priceOf(d, 'USD') !== null);
