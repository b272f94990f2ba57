import { z } from 'zod';

/**
 * Acronis payloads as they arrive (reference/acronis.md). Lenient on purpose: fields the real API
 * sometimes omits are optional or nullable, unknown fields pass through, and we validate only what
 * the connector reads. Strict checks sit on identifiers and numbers we act upon.
 */

const nullableString = z.string().nullable().optional();
const idLike = z.union([z.string(), z.number()]).transform(String);

export const tokenResponse = z.looseObject({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  /** Unix seconds. */
  expires_on: z.number().optional(),
  /** Seen only in community code; used when expires_on is missing. */
  expires_in: z.number().optional(),
});

/** OAuth-shaped IdP errors: `{error:"invalid_client", error_description}`. */
export const oauthError = z.looseObject({
  error: z.string(),
  error_description: z.string().optional(),
  reason: z.string().optional(),
});

/** Account-server errors: `{error:{code,message,details,context,domain}}`. */
export const accountError = z.looseObject({
  error: z.looseObject({
    code: z.union([z.number(), z.string()]).optional(),
    message: z.string().optional(),
    domain: z.string().optional(),
    details: z.unknown().optional(),
    context: z.unknown().optional(),
  }),
});

export const apiClient = z.looseObject({
  client_id: z.string().optional(),
  tenant_id: z.string(),
  type: z.string().optional(),
  status: z.string().optional(),
});

export const contact = z.looseObject({
  email: nullableString,
  firstname: nullableString,
  lastname: nullableString,
  phone: nullableString,
  types: z.array(z.string()).nullable().optional(),
  address1: nullableString,
  address2: nullableString,
  city: nullableString,
  state: nullableString,
  zipcode: nullableString,
  country: nullableString,
});
export type WireContact = z.output<typeof contact>;

export const tenant = z.looseObject({
  id: z.string(),
  name: z.string(),
  parent_id: z.string().nullable().optional(),
  kind: z.string(),
  enabled: z.boolean().optional(),
  version: z.number().int(),
  customer_id: nullableString,
  internal_tag: nullableString,
  language: nullableString,
  mfa_status: nullableString,
  pricing_mode: nullableString,
  ancestral_access: z.boolean().nullable().optional(),
  contact: contact.nullable().optional(),
  contacts: z.array(contact).nullable().optional(),
  created_at: nullableString,
  updated_at: nullableString,
  deleted_at: nullableString,
});
export type WireTenant = z.output<typeof tenant>;

const paging = z
  .looseObject({
    cursors: z.looseObject({ after: z.string().nullable().optional(), before: z.string().nullable().optional() }).nullable().optional(),
  })
  .nullable()
  .optional();

export const tenantPage = z.looseObject({
  items: z.array(tenant),
  timestamp: z.union([z.string(), z.number()]).nullable().optional(),
  paging,
});

export const tenantList = z.looseObject({ items: z.array(tenant) });

export const quota = z.looseObject({
  value: z.number().nullable(),
  overage: z.number().nullable().optional(),
  /** Epoch-ms; 0 when unset. */
  version: z.number(),
});

/** The fields an offering item and a usage record both carry about their item. */
const itemFields = {
  application_id: z.string(),
  name: z.string(),
  usage_name: nullableString,
  edition: nullableString,
  type: z.string().optional(),
  measurement_unit: nullableString,
  infra_id: nullableString,
};

export const offeringItem = z.looseObject({
  ...itemFields,
  status: z.union([z.number(), z.boolean()]).optional(),
  locked: z.boolean().nullable().optional(),
  quota: quota.nullable().optional(),
  tenant_id: nullableString,
});
export type WireOfferingItem = z.output<typeof offeringItem>;

export const offeringItemList = z.looseObject({ items: z.array(offeringItem) });

/** `GET /tenants/offering_items` (the sync listing): items of a subtree, cursor-paged. */
export const offeringItemPage = z.looseObject({
  timestamp: nullableString,
  items: z.array(offeringItem.extend({ tenant_id: z.string() })),
  paging: z.looseObject({ cursors: z.looseObject({ after: nullableString }).optional() }).optional(),
});

export const usage = z.looseObject({
  ...itemFields,
  range_start: nullableString,
  value: z.number(),
  absolute_value: z.number().nullable().optional(),
  /** Legacy integer id; newer responses add tenant_uuid. */
  tenant_id: z.union([z.number(), z.string()]).nullable().optional(),
  tenant_uuid: nullableString,
  offering_item: z
    .looseObject({ status: z.union([z.number(), z.boolean()]).optional(), quota: quota.nullable().optional() })
    .nullable()
    .optional(),
});
export type WireUsage = z.output<typeof usage>;

export const batchUsages = z.looseObject({
  items: z.array(z.looseObject({ tenant: z.string(), usages: z.array(usage) })),
});

export const user = z.looseObject({
  id: z.string(),
  tenant_id: z.string(),
  login: z.string(),
  version: z.number().int(),
  enabled: z.boolean().optional(),
  activated: z.boolean().optional(),
  personal_tenant_id: nullableString,
  contact: contact.nullable().optional(),
});
export type WireUser = z.output<typeof user>;

export const uuidList = z.looseObject({ items: z.array(z.string()) });

export const alert = z.looseObject({
  id: z.string(),
  type: z.string(),
  category: nullableString,
  severity: z.string().optional(),
  createdAt: nullableString,
  updatedAt: z.string(),
  deletedAt: nullableString,
  tenant: z
    .looseObject({ id: idLike.nullable().optional(), uuid: nullableString, locator: nullableString })
    .nullable()
    .optional(),
  details: z.record(z.string(), z.unknown()).nullable().optional(),
});
export type WireAlert = z.output<typeof alert>;

export const alertPage = z.looseObject({ items: z.array(alert), paging });

export const alertType = z.looseObject({
  id: z.string(),
  category: nullableString,
  severity: nullableString,
  title: nullableString,
});
export const alertTypeList = z.looseObject({ items: z.array(alertType) });

export const infraIds = z.looseObject({ infras: z.array(z.string()) });

export const infra = z.looseObject({
  id: z.string(),
  name: z.string(),
  owner_tenant_id: nullableString,
  location_id: nullableString,
  platform_owned: z.boolean().nullable().optional(),
  capabilities: z.array(z.string()).nullable().optional(),
  backend_type: nullableString,
  readonly: z.boolean().nullable().optional(),
});
export const infraList = z.looseObject({ items: z.array(infra) });

export const locationIds = z.looseObject({ locations: z.array(z.string()) });
export const location = z.looseObject({ id: z.string(), name: z.string(), platform_owned: z.boolean().nullable().optional() });
export const locationList = z.looseObject({ items: z.array(location) });

/** `GET /tenants/{id}/pricing` (reference §9); `version` is epoch-ms. */
export const pricing = z.looseObject({
  mode: z.string(),
  currency: nullableString,
  production_start_date: nullableString,
  version: z.number(),
});

export const application = z.looseObject({
  id: z.string(),
  name: z.string(),
  type: z.string(),
  usages: z.array(z.string()).nullable().optional(),
});
export const applicationList = z.looseObject({ items: z.array(application) });

/** `GET /tenants/{id}/offering_items/pricing` (reference §9; `currency` fields are inferred). */
export const priceList = z.looseObject({
  currency: z.string().optional(),
  available_currencies: z.array(z.string()).optional(),
  items: z.array(
    z.looseObject({
      application_id: z.string(),
      name: z.string(),
      usage_name: nullableString,
      edition: nullableString,
      measurement_unit: nullableString,
      price: z.union([z.string(), z.number()]).nullable().optional(),
    }),
  ),
});

export const reportCreated = z.looseObject({ id: z.string().min(1) });

export const storedReports = z.looseObject({
  items: z.array(z.looseObject({ id: z.string(), status: z.string(), report_format: z.string().optional() })),
});
