import type {
  OfferingItem,
  OfferingItemChange,
  Quota,
  VendorAlert,
  VendorContact,
  VendorStorage,
  VendorTenant,
  VendorUsage,
  VendorUser,
} from '../../domain/vendor-model.ts';
import type { WireAlert, WireContact, WireOfferingItem, WireTenant, WireUsage, WireUser } from './wire.ts';
import type { z } from 'zod';
import type { infra } from './wire.ts';

/** Wire → domain, and the few domain → wire bodies. Pure, so the quirks are unit-tested here. */

const orNull = <T>(value: T | null | undefined): T | null => (value === undefined ? null : value);

export function toContact(wire: WireContact | null | undefined): VendorContact | null {
  if (wire === null || wire === undefined) return null;
  return {
    email: orNull(wire.email),
    firstName: orNull(wire.firstname),
    lastName: orNull(wire.lastname),
    phone: orNull(wire.phone),
    types: wire.types ?? [],
    address1: orNull(wire.address1),
    address2: orNull(wire.address2),
    city: orNull(wire.city),
    state: orNull(wire.state),
    zipcode: orNull(wire.zipcode),
    country: orNull(wire.country),
  };
}

export function fromContact(contact: Partial<VendorContact>): Record<string, unknown> {
  const wire: Record<string, unknown> = {};
  const set = (key: string, value: unknown): void => {
    if (value !== undefined) wire[key] = value;
  };
  set('email', contact.email);
  set('firstname', contact.firstName);
  set('lastname', contact.lastName);
  set('phone', contact.phone);
  set('types', contact.types);
  set('address1', contact.address1);
  set('address2', contact.address2);
  set('city', contact.city);
  set('state', contact.state);
  set('zipcode', contact.zipcode);
  set('country', contact.country);
  return wire;
}

/** The list view carries `contacts[]`; prefer the primary one. */
function pickContact(wire: WireTenant): WireContact | null | undefined {
  if (wire.contact !== undefined && wire.contact !== null) return wire.contact;
  const contacts = wire.contacts ?? [];
  return contacts.find((c) => c.types?.includes('primary') === true) ?? contacts[0];
}

export function toTenant(wire: WireTenant): VendorTenant {
  return {
    id: wire.id,
    name: wire.name,
    parentId: orNull(wire.parent_id),
    kind: wire.kind,
    enabled: wire.enabled ?? true,
    version: wire.version,
    customerId: orNull(wire.customer_id),
    internalTag: orNull(wire.internal_tag),
    language: orNull(wire.language),
    mfaStatus: orNull(wire.mfa_status),
    pricingMode: orNull(wire.pricing_mode),
    // Absent on older payloads: the vendor's default (ancestral access on).
    ancestralAccess: wire.ancestral_access ?? true,
    contact: toContact(pickContact(wire)),
    createdAt: orNull(wire.created_at),
    updatedAt: orNull(wire.updated_at),
    deletedAt: orNull(wire.deleted_at),
  };
}

function toQuota(wire: { value: number | null; overage?: number | null | undefined } | null | undefined): Quota | null {
  if (wire === null || wire === undefined) return null;
  return { value: wire.value, overage: wire.overage ?? null };
}

export const isOn = (status: number | boolean | undefined): boolean => status === 1 || status === true;

/** `usage_name` is the name without its edition prefix; derive it when a payload leaves it out. */
export function usageNameOf(name: string, usageName: string | null | undefined): string {
  if (usageName !== undefined && usageName !== null && usageName !== '') return usageName;
  return name.replace(/^(pw_base_|pw_pack_|pg_base_|pu_base_)/, (prefix) => (prefix === 'pw_pack_' ? 'pack_' : ''));
}

/** What an offering item and a usage record both say of their item: application, names, edition, type, unit and storage. */
function itemFieldsOf(wire: WireOfferingItem | WireUsage) {
  return {
    applicationId: wire.application_id,
    name: wire.name,
    usageName: usageNameOf(wire.name, wire.usage_name),
    edition: orNull(wire.edition),
    type: wire.type ?? 'count',
    measurementUnit: wire.measurement_unit ?? 'n/a',
    infraId: orNull(wire.infra_id),
  };
}

export function toOfferingItem(wire: WireOfferingItem): OfferingItem {
  const enabled = isOn(wire.status);
  return {
    ...itemFieldsOf(wire),
    enabled,
    locked: wire.locked ?? false,
    quota: enabled ? toQuota(wire.quota) : null,
  };
}

export const offeringItemKey = (item: { name: string; infraId?: string | null | undefined }): string => `${item.name}\u0000${item.infraId ?? ''}`;

/**
 * Builds the PUT body for the changes, each quota with the `version` the vendor's optimistic lock
 * wants (`versionOf`: what the hub last saw of it, 0 when unset), matched on (name, infra_id).
 */
export function toOfferingItemsUpdate(
  changes: readonly OfferingItemChange[],
  versionOf: (item: { name: string; infraId?: string | null | undefined }) => number,
): { offering_items: Record<string, unknown>[] } {
  return {
    offering_items: changes.map((change) => {
      const body: Record<string, unknown> = { application_id: change.applicationId, name: change.name };
      if (change.infraId !== undefined && change.infraId !== null) body.infra_id = change.infraId;
      if (change.enabled !== undefined) body.status = change.enabled ? 1 : 0;
      if (change.quota !== undefined) {
        body.quota = { value: change.quota.value, overage: change.quota.overage, version: versionOf(change) };
      }
      return body;
    }),
  };
}

export function toUsage(tenantId: string, wire: WireUsage): VendorUsage {
  return {
    tenantId,
    ...itemFieldsOf(wire),
    rangeStart: orNull(wire.range_start),
    value: wire.value,
    absoluteValue: orNull(wire.absolute_value),
    offeringItem:
      wire.offering_item === null || wire.offering_item === undefined
        ? null
        : { enabled: isOn(wire.offering_item.status), quota: toQuota(wire.offering_item.quota) },
  };
}

export function toUser(wire: WireUser): VendorUser {
  return {
    id: wire.id,
    tenantId: wire.tenant_id,
    login: wire.login,
    email: orNull(wire.contact?.email),
    firstName: orNull(wire.contact?.firstname),
    lastName: orNull(wire.contact?.lastname),
    enabled: wire.enabled ?? true,
    activated: wire.activated ?? false,
    version: wire.version,
    personalTenantId: orNull(wire.personal_tenant_id),
  };
}

/**
 * RFC 3339 text → Unix nanoseconds, exactly (Date keeps only milliseconds, and alert cursors
 * compare nanoseconds). A missing zone is read as UTC, as the platform writes UTC.
 */
export function rfc3339ToNs(text: string): bigint {
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?$/i.exec(text.trim());
  if (match === null) throw new RangeError(`not an RFC 3339 timestamp: ${JSON.stringify(text)}`);
  const [, seconds = '', fraction = '', zone = 'Z'] = match;
  const ms = Date.parse(`${seconds}${zone.toUpperCase() === 'Z' ? 'Z' : zone}`);
  if (Number.isNaN(ms)) throw new RangeError(`not an RFC 3339 timestamp: ${JSON.stringify(text)}`);
  return BigInt(ms) * 1_000_000n + BigInt(fraction.padEnd(9, '0'));
}

export function toAlert(wire: WireAlert): VendorAlert {
  const details = wire.details ?? {};
  const text = (key: string): string | null => {
    const value = details[key];
    return typeof value === 'string' ? value : null;
  };
  // Go services write the zero time rather than null for "never".
  const rawDeletedAt = orNull(wire.deletedAt);
  const deletedAt = rawDeletedAt === null || rawDeletedAt === '' || rawDeletedAt.startsWith('0001-01-01') ? null : rawDeletedAt;
  return {
    // Ids may arrive upper case; the platform treats them case-insensitively, we keep them as sent.
    id: wire.id,
    type: wire.type,
    category: orNull(wire.category) ?? text('category'),
    severity: wire.severity ?? 'information',
    tenantId: orNull(wire.tenant?.uuid),
    tenantLegacyId: orNull(wire.tenant?.id),
    createdAt: orNull(wire.createdAt),
    updatedAtNs: rfc3339ToNs(wire.updatedAt).toString(),
    dismissed: deletedAt !== null,
    deletedAt,
    title: text('title'),
    description: text('description'),
    details,
  };
}

export function toStorage(wire: z.output<typeof infra>): VendorStorage {
  return {
    id: wire.id,
    name: wire.name,
    ownerTenantId: orNull(wire.owner_tenant_id),
    locationId: orNull(wire.location_id),
    platformOwned: orNull(wire.platform_owned),
    capabilities: wire.capabilities ?? [],
    backendType: orNull(wire.backend_type),
    readonly: orNull(wire.readonly),
  };
}
