// Wire views: each route's body exactly as the reference has it (interworks-gradient-wire.md §2.2).
import type { AlertMessage, GradientState, Organization, Sku } from './state.ts';

export function skuView(sku: Sku) {
  return {
    _id: sku.id,
    id: sku.id,
    name: sku.name,
    description: sku.description,
    logo: sku.logo,
    category: sku.category,
    subcategory: sku.subcategory,
    supportArticle: sku.supportArticle,
    supportContact: sku.supportContact,
  };
}

export function vendorDataView(state: GradientState, org: Organization) {
  const v = state.vendor;
  return {
    _id: v.id,
    id: v.id,
    name: v.name,
    description: v.description,
    integrationType: 'custom',
    imageUri: v.imageUri,
    skus: [...state.skus.values()].map(skuView),
    isDistributor: false,
    integrationPortalUrl: v.integrationPortalUrl,
    vendorSupportPageUrl: v.vendorSupportPageUrl,
    externalIntegrationStatus: org.status === 'inactive' ? 'notIntegrated' : org.status,
    mappingResponsibilities: ['accounts', 'services'],
    modules: [{ variation: 'billing' }, { variation: 'alerts' }],
    organizationId: org.organizationId,
    attributes: [],
    createdAt: v.createdAt,
    updatedAt: v.updatedAt,
    __v: 0,
  };
}

/** GET /organization is bare (no envelope). */
export function integrationView(state: GradientState, org: Organization) {
  return {
    organizationId: org.organizationId,
    name: org.name,
    vendorId: state.vendor.id,
    vendorName: state.vendor.name,
    integrationId: org.integrationId,
    status: org.status,
    lastSyncedAt: org.lastSyncedAt,
  };
}

const DEBUG_MESSAGES = { pending: 'Alert is queued for processing', success: 'Ticket created', failed: 'Ticket creation failed' } as const;

export function debugView(m: AlertMessage) {
  return {
    ticketId: m.ticketId,
    createdAt: m.createdAt,
    message: DEBUG_MESSAGES[m.outcome],
    messageId: m.messageId,
    status: m.outcome,
    ...(m.statusCode === null ? {} : { statusCode: m.statusCode }),
    ...(m.errors.length === 0 ? {} : { errors: m.errors }),
  };
}
