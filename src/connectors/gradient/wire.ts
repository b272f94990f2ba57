/**
 * Gradient Synthesize vendor API payloads (reference/billing-and-peers.md §1,
 * reference/interworks-gradient-wire.md §2), checked with zod at the trust boundary. Answers are
 * read leniently (unknown fields dropped, optional ones absent), requests are built strictly: the
 * enums are Gradient's own, case-sensitive, as the official SDK's OpenAPI models spell them
 * (meetgradient/Synthesize-SDK-PS Model/*.ps1), typos included.
 *
 * The envelope differs per route: the vendor profile, service reads and the status route are
 * wrapped in `{status, message, data}`; organization, accounts and service create are bare.
 */
import { z } from 'zod';

export const integrationStatuses = ['active', 'inactive', 'pending', 'disabled', 'error'] as const;
export type IntegrationStatus = (typeof integrationStatuses)[number];

export const serviceCategories = ['security', 'backup', 'productivity', 'infrastructure', 'service delivery', 'consulting', 'other'] as const;
export type ServiceCategory = (typeof serviceCategories)[number];

/** CreateServiceRequest.subcategory: 46 values (the SDK's spelling, "priviledged" included). */
export const serviceSubcategories = [
  'endpoint detection and response (EDR)', 'email security', 'virtual private network services (VPN)', 'DNS filtering',
  'dark web monitoring', 'password management', 'single sign on (SSO)', 'priviledged access and identity management (PAM/PIM)',
  'security information and event management (SIEM)', 'mobile device management (MDM)', 'application security',
  'mobile application management (MAM)', 'multi factor authentication (MFA)', 'cloud backup', 'local backup', 'desktop backup',
  'data archiving', 'physical offsite storage', 'business continuity', 'hosted email', 'video conferencing',
  'voice over IP services (VOIP)', 'line of business application support', 'unified communications as a service (UCaaS)',
  'customer relationship management', 'cloud storage', 'website hosting', 'hardware as a service (HaaS)', 'managed print services',
  'virtual desktop infrastructure (VDI)', 'virtual server hosting', 'infrastructure as a service (IaaS)', 'end user support',
  'server management and support', 'network management and support', 'printer management and support',
  'desktop management and support', 'hosted security operations centre (SOC)', 'software development', 'penetration testing',
  'project services', 'governance and compliance', 'business intelligence services / analytics', 'phishing simulation',
  'privacy and security awareness training', 'other',
] as const;
export type ServiceSubcategory = (typeof serviceSubcategories)[number];

/** CreateAlertingDto.priority: 1 low, 2 medium, 3 high, 4 very high. */
export const alertPriority = z.int().min(1).max(4);
export type AlertPriority = 1 | 2 | 3 | 4;

export const alertDeliveryStatuses = ['pending', 'success', 'failed'] as const;
export type AlertDeliveryStatus = (typeof alertDeliveryStatuses)[number];

const text = z.string().nullish().transform((v) => v ?? '');

// ── answers ──

/** A service (SKU). `_id` is deprecated and carries the same value as `id`; use `id`. */
export const sku = z.object({
  id: z.string().min(1),
  name: z.string(),
  description: text,
  category: z.string().nullish(),
  subcategory: z.string().nullish(),
  supportArticle: z.string().nullish(),
  supportContact: z.string().nullish(),
});
export type Sku = z.output<typeof sku>;

export const vendorData = z.object({
  id: z.string().min(1),
  name: z.string(),
  description: text,
  skus: z.array(sku).default([]),
  vendorSupportPageUrl: z.string().nullish(),
  integrationPortalUrl: z.string().nullish(),
});
export type VendorData = z.output<typeof vendorData>;

/** GET `` and PATCH ``: wrapped. */
export const vendorEnvelope = z.object({ status: z.number().optional(), message: z.string().optional(), data: vendorData });

/** GET /organization: bare. */
export const integration = z.object({
  organizationId: z.string().min(1),
  name: z.string(),
  vendorId: z.string().nullish(),
  vendorName: z.string().nullish(),
  integrationId: z.string().nullish(),
  status: z.enum(integrationStatuses),
  lastSyncedAt: z.string().nullish(),
});
export type Integration = z.output<typeof integration>;

/** PATCH /organization/status/{status}: wrapped. */
export const statusEnvelope = z.object({ data: integration, status: z.number().optional(), message: z.string().optional() });

/** An account as Gradient holds it: the vendor's own id (a string), name, description. */
export const account = z.object({ id: z.string().min(1), name: z.string(), description: text });
export type Account = z.output<typeof account>;
export const accounts = z.array(account);

/** GET /service/{id}: wrapped. */
export const serviceEnvelope = z.object({ data: sku, status: z.number().optional(), message: z.string().optional() });

/** POST /service/{id}/count: `{status, message}` with HTTP 201. */
export const countResponse = z.object({ status: z.number(), message: z.string() });

/** POST /alerting/{accountId}. */
export const alertCreated = z.object({ messageId: z.string().min(1), alertId: z.string(), correlationID: z.string().nullish() });
export type AlertCreated = z.output<typeof alertCreated>;

/** GET /alerting/debug/{messageId}. */
export const alertDebug = z.object({
  ticketId: z.union([z.string(), z.number()]).nullish().transform((v) => (v === null || v === undefined ? null : String(v))),
  createdAt: z.string().nullish(),
  message: z.string().nullish(),
  messageId: z.string().nullish(),
  status: z.enum(alertDeliveryStatuses),
  statusCode: z.number().nullish(),
  errors: z.array(z.unknown()).nullish().transform((v) => (v ?? []).map((e) => (typeof e === 'string' ? e : JSON.stringify(e)))),
});
export type AlertDebug = z.output<typeof alertDebug>;

/** NestJS error body: `message` is a string[] on a validation failure. */
export const errorBody = z.object({
  statusCode: z.number(),
  message: z.union([z.string(), z.array(z.string())]),
  error: z.string().optional(),
});

// ── requests ──

export const newAccount = z.strictObject({ id: z.string().min(1), name: z.string().min(1), description: z.string().optional() });
export type NewAccount = z.input<typeof newAccount>;

export const accountPatch = z.strictObject({ name: z.string().min(1).optional(), description: z.string().optional() });
export type AccountPatch = z.input<typeof accountPatch>;

export const newService = z.strictObject({
  name: z.string().min(1),
  description: z.string(),
  category: z.enum(serviceCategories),
  subcategory: z.enum(serviceSubcategories),
  supportArticle: z.string().optional(),
  supportContact: z.string().optional(),
});
export type NewService = z.input<typeof newService>;

/** PATCH /service/{id} declares no schema; a subset of the create fields, as JSON. */
export const servicePatch = newService.partial();
export type ServicePatch = z.input<typeof servicePatch>;

export const countRequest = z.strictObject({ accountId: z.string().min(1), unitCount: z.number().finite().min(0) });
export type CountRequest = z.input<typeof countRequest>;

export const newAlert = z.strictObject({
  title: z.string().min(1),
  description: z.string(),
  alertId: z.string().min(1),
  priority: alertPriority,
  /** "Status which maps to Ticket": no enum is published; 1 is the SDK's default. */
  status: z.int().min(0),
  dueDateTime: z.string().optional(),
  serviceId: z.string().optional(),
});
export type NewAlert = z.input<typeof newAlert>;
