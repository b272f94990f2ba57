/**
 * ConnectWise records → the port's target-neutral shapes. Pure, unit-tested.
 *
 * Agreement additions → contract lines, as seed 002 §9 states:
 * - the line's quantity is the addition's **Total Quantity** (`quantity`): the quota of a prepaid
 *   addition (rules 1–2), the field usage is written to for a pay-as-you-go one (rules 3–4);
 * - pay-as-you-go is marked per addition by the "Acronis PAYG" checkbox custom field (the seed's
 *   "Pay as you go method = Required" field; the caption is configurable); unchecked = prepaid;
 * - prepaid and PAYG additions may share an agreement and a product (rule 5): the connector says
 *   `allowMixedBilling`, and the contract's own `billing` is `payg` when any line is;
 * - an addition runs from its effective date (else the agreement's start) to its cancelled date or
 *   the agreement's end (none with "no ending date"); a cancelled agreement ends all its lines.
 */
import type { ContractLine, TargetCompany, TargetContact, TargetContract, TargetProduct, TargetTicket } from '../ports.ts';
import type * as wire from './wire.ts';

export const PAYG_FIELD_CAPTION = 'Acronis PAYG';

/** ConnectWise dates (`2026-03-01T00:00:00Z`) → ISO with milliseconds; null when absent or unreadable. */
export function isoOrNull(value: string | null | undefined): string | null {
  if (value === null || value === undefined || value === '') return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

/** A checkbox custom field's value: true, "true", "True", "Yes", 1. */
export function checkboxOn(value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0;
  if (typeof value === 'string') return /^(true|yes|y|1|on)$/i.test(value.trim());
  return false;
}

export function isPayg(addition: wire.WireAddition, caption: string = PAYG_FIELD_CAPTION): boolean {
  const field = (addition.customFields ?? []).find((f) => (f.caption ?? '').trim().toLowerCase() === caption.trim().toLowerCase());
  return field !== undefined && checkboxOn(field.value);
}

export function toContact(c: wire.WireContact | null | undefined): TargetContact | null {
  if (c === null || c === undefined) return null;
  const items = [...(c.communicationItems ?? [])].sort((a, b) => Number(b.defaultFlag === true) - Number(a.defaultFlag === true));
  const kind = (it: (typeof items)[number]) => (it.communicationType ?? it.type?.name ?? '').toLowerCase();
  const email = items.find((it) => kind(it) === 'email' && (it.value ?? '') !== '')?.value ?? null;
  const phone = items.find((it) => ['phone', 'direct', 'mobile', 'cell'].includes(kind(it)) && (it.value ?? '') !== '')?.value ?? null;
  return { id: String(c.id), email, firstName: c.firstName ?? null, lastName: c.lastName ?? null, phone };
}

export function toCompany(c: wire.WireCompany, contact: wire.WireContact | null | undefined, inactiveStatusIds: ReadonlySet<number>): TargetCompany {
  const statusInactive = c.status !== null && c.status !== undefined && inactiveStatusIds.has(c.status.id);
  return {
    id: String(c.id),
    name: c.name,
    type: c.types?.[0]?.name ?? null,
    active: c.deletedFlag !== true && !statusInactive,
    externalRefs: { identifier: c.identifier, ...(c.status?.name ? { status: c.status.name } : {}), ...(c.types && c.types.length > 1 ? { types: c.types.map((t) => t.name ?? t.id).join(', ') } : {}) },
    primaryContact: toContact(contact),
    updatedAt: isoOrNull(c._info?.lastUpdated),
  };
}

export function toProduct(p: wire.WireCatalogItem): TargetProduct {
  return {
    id: String(p.id),
    kind: 'service',
    name: (p.description ?? '').trim() === '' ? p.identifier : (p.description as string),
    periodType: p.recurringFlag === true ? 'monthly' : null,
    unitPrice: p.price ?? null,
    unitCost: p.cost ?? null,
    serviceCode: p.subcategory === null || p.subcategory === undefined ? null : String(p.subcategory.id),
    active: p.inactiveFlag !== true,
    updatedAt: isoOrNull(p._info?.lastUpdated),
  };
}

const earlier = (a: string | null, b: string | null): string | null => (a === null ? b : b === null ? a : Date.parse(a) <= Date.parse(b) ? a : b);

export function toContract(a: wire.WireAgreement, additions: readonly wire.WireAddition[], paygCaption: string = PAYG_FIELD_CAPTION): TargetContract {
  const contractId = String(a.id);
  const active = a.cancelledFlag !== true && (a.agreementStatus ?? 'Active') !== 'Cancelled';
  const agreementStart = isoOrNull(a.startDate);
  const agreementEnd = a.noEndingDateFlag === true ? null : isoOrNull(a.endDate);
  const lines: ContractLine[] = additions.map((x) => ({
    lineId: String(x.id),
    contractId,
    productId: String(x.product.id),
    quantity: x.quantity ?? 0,
    billing: isPayg(x, paygCaption) ? 'payg' : 'prepaid',
    active,
    startDate: isoOrNull(x.effectiveDate) ?? agreementStart,
    endDate: earlier(isoOrNull(x.cancelledDate), agreementEnd),
  }));
  return {
    id: contractId,
    companyId: String(a.company.id),
    name: a.name,
    billing: lines.some((l) => l.billing === 'payg') ? 'payg' : 'prepaid',
    active,
    startDate: agreementStart,
    endDate: agreementEnd,
    updatedAt: isoOrNull(a._info?.lastUpdated),
    lines,
  };
}

export function toTicket(t: wire.WireTicket, closedStatusIds: ReadonlySet<number>): TargetTicket {
  const statusId = t.status?.id;
  return {
    id: String(t.id),
    number: String(t.id),
    companyId: t.company === null || t.company === undefined ? '' : String(t.company.id),
    title: t.summary,
    status: statusId === undefined ? '' : String(statusId),
    closed: t.closedFlag ?? (statusId !== undefined && closedStatusIds.has(statusId)),
    lastModifiedAt: isoOrNull(t._info?.lastUpdated) ?? new Date(0).toISOString(),
    externalRef: t.externalXRef === undefined || t.externalXRef === null || t.externalXRef === '' ? null : t.externalXRef,
    contractId: t.agreement === null || t.agreement === undefined ? null : String(t.agreement.id),
  };
}

/** A note's text as the hub writes it: the title as its first line (ConnectWise notes have no title). */
export function noteText(title: string | undefined, text: string): string {
  return title === undefined || title.trim() === '' ? text : `${title.trim()}\n\n${text}`;
}

/** A catalog identifier from a service name: letters and digits, ≤ 25 characters, no spaces (the API refuses them). */
export function identifierFor(name: string, suffix = ''): string {
  const base = name.replace(/[^A-Za-z0-9]+/g, '') || 'Service';
  return `${base.slice(0, 25 - suffix.length)}${suffix}`;
}
