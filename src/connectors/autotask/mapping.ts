/**
 * Autotask wire rows → the Target port's neutral shapes. Pure: picklist labels and lookups are
 * handed in, so every rule here is unit-tested without a server.
 */
import type { PicklistEntry } from '../../domain/alert-mapping.ts';
import type { BillingMode, ContractLine } from '../../domain/contract-line.ts';
import type { PeriodType } from '../../domain/product-mapping.ts';
import type { TargetCompany, TargetContact, TargetContract, TargetProduct, TargetTicket } from '../ports.ts';
import type * as wire from './wire.ts';

/** The seed's user-defined field on contracts (000 §4.2, §5.2): Yes = pay-as-you-go, else prepaid. */
export const PAYG_UDF_NAME = 'Acronis PAYG';

const PERIOD_LABELS: Record<PeriodType, string> = { monthly: 'Monthly', quarterly: 'Quarterly', semi_annual: 'Semi-Annual', yearly: 'Yearly' };

export function periodTypeLabel(period: PeriodType): string {
  return PERIOD_LABELS[period];
}

export function periodTypeFromLabel(label: string | null | undefined): PeriodType | null {
  if (label === null || label === undefined) return null;
  const key = label.trim().toLowerCase().replace(/[\s-]+/g, '');
  if (key === 'monthly') return 'monthly';
  if (key === 'quarterly') return 'quarterly';
  if (key === 'semiannual' || key === 'semiannually') return 'semi_annual';
  if (key === 'yearly' || key === 'annual' || key === 'annually') return 'yearly';
  return null;
}

/**
 * Service and bundle ids live in two Autotask tables and may collide, while a contract line names
 * either as its product: bundles get a `bundle:` prefix, services stay the plain id.
 */
const BUNDLE_PREFIX = 'bundle:';

export function bundleProductId(id: number): string {
  return `${BUNDLE_PREFIX}${id}`;
}

export function parseProductId(productId: string): { kind: 'service' | 'bundle'; id: number } | null {
  const bundle = productId.startsWith(BUNDLE_PREFIX);
  const text = bundle ? productId.slice(BUNDLE_PREFIX.length) : productId;
  if (!/^\d+$/.test(text)) return null;
  return { kind: bundle ? 'bundle' : 'service', id: Number(text) };
}

/** Line ids the same way: contract service bundles are prefixed. */
export function bundleLineId(id: number): string {
  return `${BUNDLE_PREFIX}${id}`;
}

export function toPicklistEntries(values: readonly wire.WirePicklistValue[]): PicklistEntry[] {
  return [...values]
    .sort((a, b) => (a.sortOrder ?? 0) - (b.sortOrder ?? 0))
    .map((v) => {
      const entry: PicklistEntry = { value: v.value, label: v.label, active: v.isActive !== false };
      if (v.parentValue !== null && v.parentValue !== undefined && v.parentValue !== '') entry.parent = String(v.parentValue);
      return entry;
    });
}

const text = (value: string | null | undefined): string | null => (value === null || value === undefined || value.trim() === '' ? null : value);

export function toContact(c: wire.WireContact): TargetContact {
  return { id: String(c.id), email: text(c.emailAddress), firstName: text(c.firstName), lastName: text(c.lastName), phone: text(c.phone) };
}

export function toCompany(c: wire.WireCompany, primary: wire.WireContact | null, typeLabel: string | null): TargetCompany {
  const externalRefs: Record<string, string> = {};
  if (text(c.companyNumber) !== null) externalRefs.companyNumber = c.companyNumber as string;
  if (text(c.webAddress) !== null) externalRefs.webAddress = c.webAddress as string;
  return {
    id: String(c.id),
    name: c.companyName ?? '',
    type: typeLabel,
    active: c.isActive !== false,
    externalRefs,
    primaryContact: primary === null ? null : toContact(primary),
    updatedAt: text(c.lastTrackedModifiedDateTime),
  };
}

export function udfValue(row: { userDefinedFields?: readonly { name: string; value?: string | null }[] | null | undefined }, name: string): string | null {
  const hit = (row.userDefinedFields ?? []).find((u) => u.name.toLowerCase() === name.toLowerCase());
  return hit?.value ?? null;
}

/** Prepaid unless the PAYG field says Yes (the seed: "By default, Prepaid billing type is used"). */
export function contractBilling(contract: wire.WireContract, udfName: string = PAYG_UDF_NAME): BillingMode {
  const value = udfValue(contract, udfName);
  return value !== null && /^(yes|true|1)$/i.test(value.trim()) ? 'payg' : 'prepaid';
}

const DAY_MS = 86_400_000;

/** The units row in force at `atMs`: its start on or before, its end day (inclusive) not over. */
export function unitsInForce(rows: readonly wire.WireUnitRow[], atMs: number): number | null {
  for (const row of rows) {
    const start = Date.parse(row.startDate);
    const end = Date.parse(row.endDate);
    if (Number.isNaN(start) || Number.isNaN(end)) continue;
    if (start <= atMs && atMs < Math.floor(end / DAY_MS) * DAY_MS + DAY_MS) return row.units;
  }
  return null;
}

export interface ContractParts {
  contract: wire.WireContract;
  /** Active = status "Active" (label), decided by the caller from the picklist. */
  active: boolean;
  services: readonly wire.WireContractService[];
  bundles: readonly wire.WireContractServiceBundle[];
  /** Units in force by line id (`123` for services, `bundle:45` for bundles); absent = 0. */
  units: ReadonlyMap<string, number>;
  payGoUdf?: string;
}

export function toContract(parts: ContractParts): TargetContract {
  const { contract } = parts;
  const billing = contractBilling(contract, parts.payGoUdf);
  const base = {
    contractId: String(contract.id),
    billing,
    active: parts.active,
    startDate: text(contract.startDate),
    endDate: text(contract.endDate),
  };
  const lines: ContractLine[] = [
    ...parts.services.map((s) => ({ ...base, lineId: String(s.id), productId: String(s.serviceID), quantity: parts.units.get(String(s.id)) ?? 0 })),
    ...parts.bundles.map((b) => ({
      ...base,
      lineId: bundleLineId(b.id),
      productId: bundleProductId(b.serviceBundleID),
      quantity: parts.units.get(bundleLineId(b.id)) ?? 0,
    })),
  ];
  return {
    id: String(contract.id),
    companyId: String(contract.companyID),
    name: contract.contractName,
    billing,
    active: parts.active,
    startDate: base.startDate,
    endDate: base.endDate,
    updatedAt: text(contract.lastModifiedDateTime),
    lines,
  };
}

export function toProduct(
  row: wire.WireService,
  kind: 'service' | 'bundle',
  periodLabel: string | null,
  memberIds?: readonly number[],
): TargetProduct {
  const product: TargetProduct = {
    id: kind === 'bundle' ? bundleProductId(row.id) : String(row.id),
    kind,
    name: row.name,
    periodType: periodTypeFromLabel(periodLabel),
    unitPrice: row.unitPrice ?? null,
    unitCost: row.unitCost ?? null,
    serviceCode: row.billingCodeID === null || row.billingCodeID === undefined ? null : String(row.billingCodeID),
    active: row.isActive !== false,
    updatedAt: text(row.lastModifiedDate),
  };
  if (memberIds !== undefined) product.memberIds = memberIds.map(String);
  return product;
}

export function toTicket(t: wire.WireTicket, closedStatuses: ReadonlySet<string>): TargetTicket {
  return {
    id: String(t.id),
    number: text(t.ticketNumber),
    companyId: String(t.companyID),
    title: t.title,
    status: String(t.status),
    closed: closedStatuses.has(String(t.status)),
    lastModifiedAt: text(t.lastTrackedModificationDateTime) ?? text(t.createDate) ?? new Date(0).toISOString(),
    externalRef: text(t.externalID),
    contractId: t.contractID === null || t.contractID === undefined ? null : String(t.contractID),
  };
}

/** Autotask wants UTC ISO without milliseconds in dates it echoes; any ISO text is accepted. */
export function isoUtc(value: Date | string): string {
  const ms = value instanceof Date ? value.getTime() : Date.parse(value);
  if (Number.isNaN(ms)) throw new RangeError(`not a date: ${String(value)}`);
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}
