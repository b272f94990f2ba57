// "Get Services Definition": the instance's one product type (seed 004: one per instance), built
// from the vendor's catalogue. Reference §1.8 and billing-and-peers §2.3: the CSP type with the
// property `Tier` and its contract products (pay-per-use with a monthly minimum commitment of 0 and
// 250…25,000, plus a 99 Promo), and one pay-per-use add-on per offering item, priced from the
// distributor's price list in the primary currency with cost = sell × (1 − discount/100). Each
// offering item is an order attribute `OI_<item>`: what an order's quotas and the usage pull's
// `AttributeId` name. "Update Product Names": `continuous` offers the name for update on every run
// (UpdateOptions 1, Name); `keep` answers the names of the first run and does not offer them [I].
import { billingUnit, costFromSell } from '../../domain/distributor-pricing.ts';
import type { DistributorCatalogue } from '../service-manager-port.ts';

export const TIER_ATTRIBUTE = 'Tier';
export const attributeIdOf = (item: string): string => `OI_${item}`;
export const itemOfAttribute = (attributeId: string): string | null => (/^OI_[a-z0-9_]+$/i.test(attributeId) ? attributeId.slice(3) : null);

/** Minimum monthly commitments of the contract tiers, in the primary currency [I: the guide quotes USD]. */
export const TIERS: ReadonlyArray<{ id: string; name: string; commitment: number }> = [
  ...[0, 250, 500, 1000, 2500, 5000, 10000, 25000].map((c) => ({ id: String(c), name: c === 0 ? 'Pay as you go (no commitment)' : `Minimum commitment ${c.toLocaleString('en-US')}`, commitment: c })),
  { id: 'promo', name: 'Promo', commitment: 99 },
];

const UPDATE_NAME = 1;
const UPDATE_PRICES = 5;
const MONTHLY = 0;
const PAY_PER_USE = 1;

const TITLES: Readonly<Record<string, string>> = {
  workstations: 'Workstations', servers: 'Servers', vms: 'Virtual machines', web_hosting_servers: 'Web hosting servers', mobiles: 'Mobile devices',
  websites: 'Websites', mailboxes: 'Microsoft 365 seats', o365_sharepoint_sites: 'Microsoft 365 SharePoint sites', o365_teams: 'Microsoft 365 Teams',
  gsuite_seats: 'Google Workspace seats', storage: 'Cloud storage', dr_storage: 'Disaster recovery storage', compute_points: 'Disaster recovery compute points',
  dr_cloud_servers: 'Disaster recovery cloud servers', local_storage: 'Local storage', fc_seats: 'File Sync & Share seats', fc_storage: 'File Sync & Share storage',
};

function titleOf(usageName: string): string {
  if (TITLES[usageName] !== undefined) return TITLES[usageName];
  const words = usageName.replace(/^pack_adv_/, 'Advanced ').replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export interface BuiltDefinition {
  body: { ProductTypes: unknown[] };
  /** Product id → the name this run offers (the names of the first run when they are kept). */
  names: Record<string, string>;
  summary: { productTypeId: string; currency: string; products: Array<{ id: string; name: string; sell: number; cost: number; unit: string }> };
}

export function buildServiceDefinition(c: DistributorCatalogue): BuiltDefinition {
  const { instance } = c;
  const currency = instance.currency;
  const keep = instance.updateNames === 'keep';
  const updateOptions = keep ? [UPDATE_PRICES] : [UPDATE_NAME, UPDATE_PRICES];
  const names: Record<string, string> = {};
  const nameFor = (productId: string, current: string): string => {
    const name = keep ? (instance.firstNames[productId] ?? current) : current;
    names[productId] = name;
    return name;
  };
  const priceRow = (sell: number) => [{ Currency: currency, Units: [{ BillingCycle: MONTHLY, Price: sell, Cost: costFromSell(sell, instance.discountPercent) }] }];
  const offered = new Set(c.offeredItems);
  const priced = c.prices.filter((p) => offered.has(p.name)).sort((a, b) => (a.name < b.name ? -1 : 1));
  const summary: BuiltDefinition['summary']['products'] = [];
  const pt = instance.productTypeId;

  const products = TIERS.map((tier) => {
    const id = `${pt}.tier.${tier.id}`;
    const name = nameFor(id, `Acronis Cyber Cloud CSP contract – ${tier.name}`);
    summary.push({ id, name, sell: tier.commitment, cost: costFromSell(tier.commitment, instance.discountPercent), unit: 'month' });
    return {
      ID: id,
      Code: `CSP-${tier.id.toUpperCase()}`,
      Name: name,
      Description: `Service-provider contract under ${instance.distributorName}, billed pay-per-use against a monthly minimum commitment of ${tier.commitment} ${currency}`,
      Attributes: [{ ID: TIER_ATTRIBUTE, IsPrimaryKey: true, Values: [tier.id], Update: false }],
      ChargeType: PAY_PER_USE,
      UnitType: 'Month',
      UnitBillingCycles: [MONTHLY],
      UpdateOptions: updateOptions,
      Derivative: 1,
      IsActivated: true,
      BillingOptionRecurringCharge: { PayPerUse: { BillingType: 2, ChargeRule: 0, BillingDate: 2, SpecificBillingDate: 1, NoOfDecimals: 2 } },
      Prices: priceRow(tier.commitment),
      RelatedProducts: [],
    };
  });
  const productIds = products.map((p) => p.ID);

  const addons = priced.map((p) => {
    const id = `${pt}.ppu.${p.name}`;
    const app = c.applications[p.applicationId] ?? 'Acronis Cyber Protect';
    const unit = billingUnit(p.measurementUnit);
    const name = nameFor(id, `${app} – ${titleOf(p.usageName)}`);
    summary.push({ id, name, sell: p.price, cost: costFromSell(p.price, instance.discountPercent), unit });
    return {
      ID: id,
      Products: productIds,
      Code: p.name,
      Name: name,
      Description: `Pay-per-use: ${titleOf(p.usageName)} per ${unit === 'units' ? 'unit' : unit.replace(/s$/, '')} and month (offering item ${p.name})`,
      Attributes: [{ ID: attributeIdOf(p.name), IsPrimaryKey: true, Values: [], Update: true }],
      ChargeType: PAY_PER_USE,
      UnitType: unit,
      UnitBillingCycles: [MONTHLY],
      UpdateOptions: updateOptions,
      UsageType: 'Metered',
      ChargeRule: 'Partial',
      Prices: priceRow(p.price),
    };
  });

  const attributes = [
    {
      ID: TIER_ATTRIBUTE,
      SortOrder: 0,
      Name: 'Tier',
      Description: 'The contract tier (minimum monthly commitment)',
      Usage: 'ProductCharacteristic',
      UsageSpecified: true,
      Kind: 'PredefinedChooseOne',
      KindSpecified: true,
      IsRequired: true,
      LinkedToQuantity: false,
      AllowUnlimited: false,
      PredefinedValues: TIERS.map((t, i) => ({ ID: t.id, Code: t.id, Name: t.name, IsDefault: i === 0, ResourceId: null })),
    },
    ...priced.map((p, i) => ({
      ID: attributeIdOf(p.name),
      SortOrder: i + 1,
      Name: titleOf(p.usageName),
      Description: `Quota of ${p.name} for the service provider (empty = unlimited, billed per use)`,
      Usage: 'OrderCharacteristic',
      UsageSpecified: true,
      Kind: 'Numeric',
      KindSpecified: true,
      IsRequired: false,
      LinkedToQuantity: false,
      AllowUnlimited: true,
      PredefinedValues: [],
    })),
  ];

  const productType = {
    ID: pt,
    Name: `Acronis Cyber Cloud for Service Providers (CCSP) – ${instance.systemName}`,
    Description: `Service-provider tenants under ${instance.distributorName}, provisioned and billed through psa-bridge`,
    PortalUrl: null,
    AllowMultipleSubscriptions: false,
    QuantityLimit: 1,
    Scope: 1,
    AttributeList: attributes,
    ProductsCollection: { Products: products, Addons: addons },
    Derivative: 1,
    CustomFieldCollection: { Fields: [] },
  };
  return { body: { ProductTypes: [productType] }, names, summary: { productTypeId: pt, currency, products: summary } };
}
