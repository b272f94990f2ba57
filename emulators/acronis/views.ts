// Records → wire objects, as reference/acronis.md shows them.
import { formatNanos, formatSeconds } from '../kit/clock.ts';
import type { AcronisState, AlertRecord, ApiClient, ItemInstance, ItemState, TenantRecord, UsageState, UserRecord } from './state.ts';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export type Lod = 'stamps' | 'basic' | 'full_without_contacts' | 'full';

export interface TenantViewOptions {
  lod?: Lod;
  withContacts?: boolean;
  offeringItems?: unknown[];
}

export function tenantView(state: AcronisState, t: TenantRecord, options: TenantViewOptions = {}): Record<string, unknown> {
  const lod = options.lod ?? 'full';
  const stamps = { id: t.id, version: t.version, updated_at: iso(t.updated_at), deleted_at: iso(t.deleted_at) };
  if (lod === 'stamps') return stamps;
  const basic = {
    ...stamps,
    name: t.name,
    kind: t.kind,
    parent_id: t.parent_id,
    enabled: t.enabled,
    has_children: t.liveChildren > 0,
    customer_id: t.customer_id,
    internal_tag: t.internal_tag,
    created_at: iso(t.created_at),
  };
  if (lod === 'basic') return basic;
  const out: Record<string, unknown> = {
    ...basic,
    language: t.language,
    customer_type: t.customer_type,
    brand_id: t.brand_id,
    brand_uuid: t.brand_uuid,
    owner_id: t.owner_id,
    default_idp_id: t.default_idp_id,
    update_lock: { ...t.update_lock },
    ancestral_access: t.ancestral_access,
    mfa_status: t.mfa_status,
    pricing_mode: t.pricing_mode,
    external_operation_status: null,
  };
  if (lod === 'full') out.contact = t.contact ? { ...t.contact } : null;
  if (options.withContacts) out.contacts = t.contact ? [{ ...t.contact }] : [];
  if (options.offeringItems) out.offering_items = options.offeringItems;
  return out;
}

export function itemView(t: TenantRecord | null, inst: ItemInstance, state: ItemState | undefined, forceStatus?: 0 | 1): Record<string, unknown> {
  const status = forceStatus ?? state?.status ?? 0;
  const d = inst.def;
  return {
    application_id: d.application_id,
    name: d.name,
    usage_name: d.usage_name,
    edition: d.edition,
    ...(t ? { tenant_id: t.id } : {}),
    updated_at: iso(state?.updatedAt ?? t?.created_at ?? null),
    deleted_at: null,
    status,
    locked: false,
    type: d.type,
    measurement_unit: d.measurement_unit,
    ...(inst.infra_id !== null ? { infra_id: inst.infra_id } : {}),
    // Disabled items carry no quota at all (reference §3).
    ...(status === 1
      ? { quota: { value: state?.quotaValue ?? null, overage: state?.overage ?? null, version: state?.quotaVersion ?? 0 } }
      : {}),
  };
}

export function usageView(
  t: TenantRecord,
  u: UsageState,
  name: string,
  applicationId: string,
  type: string,
  unit: string,
  rangeStart: string,
  item: { status: 0 | 1; state: ItemState | undefined } | undefined,
): Record<string, unknown> {
  return {
    application_id: applicationId,
    name,
    usage_name: u.usage_name,
    edition: u.edition,
    type,
    measurement_unit: unit,
    ...(u.infra_id !== null ? { infra_id: u.infra_id } : {}),
    range_start: rangeStart,
    value: u.value,
    absolute_value: u.absolute,
    tenant_id: t.legacyId,
    tenant_uuid: t.id,
    ...(item
      ? {
          offering_item: {
            status: item.status,
            ...(item.status === 1
              ? { quota: { value: item.state?.quotaValue ?? null, overage: item.state?.overage ?? null, version: item.state?.quotaVersion ?? 0 } }
              : {}),
          },
        }
      : {}),
  };
}

export function userView(u: UserRecord, withPolicies = false): Record<string, unknown> {
  return {
    id: u.id,
    version: u.version,
    tenant_id: u.tenant_id,
    login: u.login,
    contact: { ...u.contact },
    activated: u.activated,
    enabled: u.enabled,
    terms_accepted: u.terms_accepted,
    created_at: iso(u.created_at),
    updated_at: iso(u.updated_at),
    deleted_at: iso(u.deleted_at),
    language: u.language,
    idp_id: u.idp_id,
    external_id: u.external_id,
    personal_tenant_id: u.personal_tenant_id,
    business_types: [...u.business_types],
    notifications: [...u.notifications],
    mfa_status: u.mfa_status,
    ...(withPolicies ? { access_policies: u.policies.map((p) => ({ ...p })) } : {}),
  };
}

export function alertView(state: AcronisState, a: AlertRecord): Record<string, unknown> {
  const t = state.tenants.get(a.tenantId);
  return {
    id: a.id,
    type: a.type,
    category: a.category,
    severity: a.severity,
    affinity: '',
    createdAt: formatSeconds(a.createdNs),
    receivedAt: formatNanos(a.receivedNs),
    updatedAt: formatNanos(a.updatedNs),
    ...(a.deletedNs !== null ? { deletedAt: formatNanos(a.deletedNs) } : {}),
    tenant: {
      id: String(t?.legacyId ?? 0),
      uuid: a.tenantId,
      locator: t ? state.locator(t) : '/',
    },
    details: structuredClone(a.details),
  };
}

export function clientView(c: ApiClient): Record<string, unknown> {
  return {
    client_id: c.client_id,
    tenant_id: c.tenant_id,
    type: 'api_client',
    token_endpoint_auth_method: 'client_secret_basic',
    data: { client_name: c.client_name },
    created_by: c.created_by,
    created_at: iso(c.created_at),
    last_access_at: iso(c.last_access_at),
    status: c.status,
  };
}
