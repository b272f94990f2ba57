// What the emulator knows about each entity: its fields (from the swagger, plus a few newer ones the
// 2020 swagger lacks), which are required, read-only, references or picklists, and which routes the
// real API offers for it (the swagger's path table: root writes, parent-only writes, create-only,
// read-only). Routes and entityInformation are both derived from this one table.
import { swaggerFields, type WireType } from './swagger-fields.ts';

export type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export interface FieldDef {
  name: string;
  type: WireType;
  required: boolean;
  readOnly: boolean;
  queryable: boolean;
  isPickList: boolean;
  referenceEntityType: string | null;
  length: number | null;
}

export interface ChildRoute {
  /** The URL segment under the parent, e.g. `Services` in /Contracts/{id}/Services. */
  segment: string;
  entity: string;
  /** The child's field holding the parent id. */
  parentField: string;
  /** Methods on /{P}/{pid}/{C}. */
  collection: readonly Method[];
  /** Methods on /{P}/{pid}/{C}/{id}. */
  item: readonly Method[];
}

export type EntityKind = 'stored' | 'adjustment' | 'units';

export interface EntityDef {
  name: string;
  kind: EntityKind;
  fields: FieldDef[];
  byLower: Map<string, FieldDef>;
  /** Root routes: query+get+count / POST / PATCH / PUT / DELETE {id}. */
  root: { query: boolean; create: boolean; update: boolean; delete: boolean };
  /** Reachable for writes only through a parent URL. */
  parentOnly: boolean;
  children: ChildRoute[];
  /** The UserDefinedFieldDefinitions.udfType label whose UDFs this entity carries. */
  udfType: string | null;
  supportsWebhookCallouts: boolean;
  createdField: string | null;
  modifiedField: string | null;
  /** When set, PATCH/PUT may change only these fields (besides id and the parent field). */
  updatable: readonly string[] | null;
}

interface Spec {
  kind?: EntityKind;
  required?: string[];
  readOnly?: string[];
  references?: Record<string, string>;
  picklists?: string[];
  lengths?: Record<string, number>;
  extra?: [string, WireType][];
  notQueryable?: string[];
  root: EntityDef['root'];
  parentOnly?: boolean;
  children?: ChildRoute[];
  udfType?: string;
  webhooks?: boolean;
  createdField?: string;
  modifiedField?: string;
  updatable?: string[];
}

const R_ALL = { query: true, create: true, update: true, delete: false };
const R_READ = { query: true, create: false, update: false, delete: false };
const R_NONE = { query: false, create: false, update: false, delete: false };
const RW: Method[] = ['GET', 'POST', 'PATCH', 'PUT'];

/**
 * A `{X}Webhooks` entity and its children (reference psa.md §A.6): the same fields and routes for every
 * entity that sends callouts. The 2020 swagger has only CompanyWebhooks; the others reuse its fields.
 */
function webhookSpecs(one: 'Company' | 'Ticket'): Record<string, Spec> {
  const hooks = `${one}Webhooks`;
  // CompanyWebhooks' swagger fields, for the webhook entities the swagger lacks (the build skips repeats).
  const fieldsOf = (name: string): [string, WireType][] => (swaggerFields[name.replace(one, 'Company')] ?? []).map(([f, t]) => [f, t]);
  return {
    [hooks]: {
      root: { query: true, create: true, update: true, delete: true },
      required: ['name', 'webhookUrl', 'isActive', 'isSubscribedToCreateEvents', 'isSubscribedToUpdateEvents', 'isSubscribedToDeleteEvents', 'sendThresholdExceededNotification'],
      readOnly: ['isReady', 'webhookGUID', 'ownerResourceID'],
      lengths: { name: 50, webhookUrl: 500, deactivationUrl: 500, secretKey: 64, notificationEmailAddress: 150 },
      children: [
        { segment: 'Fields', entity: `${one}WebhookFields`, parentField: 'webhookID', collection: RW, item: ['GET', 'DELETE'] },
        { segment: 'UdfFields', entity: `${one}WebhookUdfFields`, parentField: 'webhookID', collection: RW, item: ['GET', 'DELETE'] },
        { segment: 'ExcludedResources', entity: `${one}WebhookExcludedResources`, parentField: 'webhookID', collection: ['GET', 'POST'], item: ['GET', 'DELETE'] },
      ],
      extra: fieldsOf(hooks),
    },
    [`${one}WebhookFields`]: { root: R_NONE, parentOnly: true, required: ['webhookID', 'fieldID'], references: { webhookID: `${one}Webhook` }, extra: fieldsOf(`${one}WebhookFields`) },
    [`${one}WebhookUdfFields`]: {
      root: R_NONE,
      parentOnly: true,
      required: ['webhookID', 'udfFieldID'],
      references: { webhookID: `${one}Webhook`, udfFieldID: 'UserDefinedFieldDefinition' },
      extra: fieldsOf(`${one}WebhookUdfFields`),
    },
    [`${one}WebhookExcludedResources`]: {
      root: R_NONE,
      parentOnly: true,
      required: ['webhookID', 'resourceID'],
      references: { webhookID: `${one}Webhook`, resourceID: 'Resource' },
      extra: fieldsOf(`${one}WebhookExcludedResources`),
    },
  };
}

/** The webhook entity of each entity that sends callouts, and the EntityType its payloads carry. */
export const WEBHOOK_SOURCES: Record<string, { hooks: string; entityType: string }> = {
  Companies: { hooks: 'CompanyWebhooks', entityType: 'Account' },
  Tickets: { hooks: 'TicketWebhooks', entityType: 'Ticket' },
};
export const WEBHOOK_ENTITIES = Object.values(WEBHOOK_SOURCES).map((s) => s.hooks);

const specs: Record<string, Spec> = {
  Companies: {
    root: R_ALL,
    required: ['companyName', 'companyType', 'phone', 'ownerResourceID'],
    readOnly: ['createDate', 'createdByResourceID', 'lastActivityDate', 'lastTrackedModifiedDateTime', 'impersonatorCreatorResourceID', 'apiVendorID'],
    references: { ownerResourceID: 'Resource', parentCompanyID: 'Company', createdByResourceID: 'Resource' },
    picklists: ['companyType', 'classification'],
    lengths: { companyName: 100, phone: 25, companyNumber: 50 },
    children: [{ segment: 'Contacts', entity: 'Contacts', parentField: 'companyID', collection: RW, item: ['GET', 'DELETE'] }],
    udfType: 'Company',
    webhooks: true,
    createdField: 'createDate',
    modifiedField: 'lastTrackedModifiedDateTime',
  },
  Contacts: {
    root: R_READ,
    parentOnly: true,
    required: ['companyID', 'firstName', 'lastName', 'isActive'],
    readOnly: ['createDate', 'lastActivityDate', 'lastModifiedDate', 'impersonatorCreatorResourceID', 'apiVendorID'],
    references: { companyID: 'Company' },
    picklists: ['namePrefix'],
    lengths: { firstName: 50, lastName: 50, emailAddress: 254 },
    udfType: 'Contact',
    webhooks: true,
    createdField: 'createDate',
    modifiedField: 'lastModifiedDate',
  },
  Contracts: {
    root: R_ALL,
    required: ['contractName', 'companyID', 'contractType', 'status', 'startDate', 'endDate', 'timeReportingRequiresStartAndStopTimes'],
    readOnly: ['lastModifiedDateTime', 'isCompliant'],
    references: { companyID: 'Company', contactID: 'Contact', billToCompanyID: 'Company' },
    picklists: ['contractType', 'status', 'contractCategory', 'contractPeriodType', 'billingPreference'],
    lengths: { contractName: 100, contractNumber: 50, description: 2000 },
    // Newer tenants return it [3P]; incremental sync needs it.
    extra: [['lastModifiedDateTime', 'datetime']],
    children: [
      { segment: 'Services', entity: 'ContractServices', parentField: 'contractID', collection: RW, item: ['GET'] },
      { segment: 'ServiceAdjustments', entity: 'ContractServiceAdjustments', parentField: 'contractID', collection: ['POST'], item: [] },
      { segment: 'ServiceUnits', entity: 'ContractServiceUnits', parentField: 'contractID', collection: ['GET'], item: ['GET'] },
      { segment: 'ServiceBundles', entity: 'ContractServiceBundles', parentField: 'contractID', collection: RW, item: ['GET'] },
      { segment: 'ServiceBundleAdjustments', entity: 'ContractServiceBundleAdjustments', parentField: 'contractID', collection: ['POST'], item: [] },
      { segment: 'ServiceBundleUnits', entity: 'ContractServiceBundleUnits', parentField: 'contractID', collection: ['GET'], item: ['GET'] },
    ],
    udfType: 'Contract',
    modifiedField: 'lastModifiedDateTime',
  },
  ContractServices: {
    root: R_READ,
    parentOnly: true,
    required: ['contractID', 'serviceID'],
    readOnly: ['internalCurrencyUnitPrice', 'internalCurrencyAdjustedPrice', 'quoteItemID'],
    references: { contractID: 'Contract', serviceID: 'Service' },
    // On tenants newer than the 2020 swagger [INF, reference §A.5].
    extra: [['adjustedPrice', 'double']],
    updatable: ['adjustedPrice', 'invoiceDescription', 'internalDescription'],
  },
  ContractServiceAdjustments: {
    kind: 'adjustment',
    root: { query: false, create: true, update: false, delete: false },
    required: ['contractID', 'effectiveDate'],
    references: { contractID: 'Contract', serviceID: 'Service', contractServiceID: 'ContractService' },
  },
  ContractServiceUnits: { kind: 'units', root: R_READ, references: { contractID: 'Contract', serviceID: 'Service', contractServiceID: 'ContractService' } },
  ContractServiceBundles: {
    root: R_READ,
    parentOnly: true,
    required: ['contractID', 'serviceBundleID'],
    readOnly: ['internalCurrencyUnitPrice', 'internalCurrencyAdjustedPrice', 'quoteItemID'],
    references: { contractID: 'Contract', serviceBundleID: 'ServiceBundle' },
    updatable: ['adjustedPrice', 'invoiceDescription', 'internalDescription'],
  },
  ContractServiceBundleAdjustments: {
    kind: 'adjustment',
    root: { query: false, create: true, update: false, delete: false },
    required: ['contractID', 'effectiveDate'],
    references: { contractID: 'Contract', serviceBundleID: 'ServiceBundle', contractServiceBundleID: 'ContractServiceBundle' },
  },
  ContractServiceBundleUnits: { kind: 'units', root: R_READ, references: { contractID: 'Contract', serviceBundleID: 'ServiceBundle', contractServiceBundleID: 'ContractServiceBundle' } },
  Services: {
    root: R_ALL,
    required: ['name', 'periodType', 'unitPrice', 'billingCodeID'],
    readOnly: ['createDate', 'creatorResourceID', 'lastModifiedDate', 'updateResourceID'],
    references: { billingCodeID: 'BillingCode', vendorCompanyID: 'Company' },
    picklists: ['periodType'],
    lengths: { name: 150, invoiceDescription: 1000, description: 400 },
    extra: [['sku', 'string'], ['catalogNumberPartNumber', 'string'], ['externalID', 'string']],
    udfType: 'Service',
    createdField: 'createDate',
    modifiedField: 'lastModifiedDate',
  },
  ServiceBundles: {
    root: { query: true, create: true, update: true, delete: true },
    required: ['name', 'periodType', 'unitPrice', 'billingCodeID'],
    readOnly: ['createDate', 'creatorResourceID', 'lastModifiedDate', 'updateResourceID', 'unitCost'],
    references: { billingCodeID: 'BillingCode' },
    picklists: ['periodType'],
    lengths: { name: 150 },
    children: [{ segment: 'Services', entity: 'ServiceBundleServices', parentField: 'serviceBundleID', collection: ['GET', 'POST'], item: ['GET', 'DELETE'] }],
    createdField: 'createDate',
    modifiedField: 'lastModifiedDate',
  },
  ServiceBundleServices: { root: R_READ, parentOnly: true, required: ['serviceBundleID', 'serviceID'], references: { serviceBundleID: 'ServiceBundle', serviceID: 'Service' } },
  Tickets: {
    root: R_ALL,
    required: ['companyID', 'title', 'status', 'priority'],
    readOnly: [
      'ticketNumber', 'createDate', 'creatorResourceID', 'creatorType', 'completedDate', 'completedByResourceID', 'lastActivityDate',
      'lastActivityPersonType', 'lastActivityResourceID', 'lastTrackedModificationDateTime', 'lastCustomerNotificationDateTime',
      'lastCustomerVisibleActivityDateTime', 'firstResponseDateTime', 'resolvedDateTime', 'apiVendorID', 'impersonatorCreatorResourceID',
    ],
    references: { companyID: 'Company', contactID: 'Contact', contractID: 'Contract', assignedResourceID: 'Resource', contractServiceID: 'ContractService' },
    picklists: ['status', 'priority', 'queueID', 'source', 'issueType', 'subIssueType', 'ticketType', 'ticketCategory'],
    notQueryable: ['creatorType', 'lastActivityPersonType'],
    lengths: { title: 255, description: 8000 },
    children: [{ segment: 'Notes', entity: 'TicketNotes', parentField: 'ticketID', collection: RW, item: ['GET'] }],
    udfType: 'Ticket',
    webhooks: true,
    createdField: 'createDate',
    modifiedField: 'lastTrackedModificationDateTime',
  },
  TicketNotes: {
    root: R_READ,
    parentOnly: true,
    required: ['ticketID', 'description', 'noteType', 'publish'],
    readOnly: ['createDateTime', 'creatorResourceID', 'lastActivityDate', 'impersonatorCreatorResourceID', 'impersonatorUpdaterResourceID'],
    references: { ticketID: 'Ticket', creatorResourceID: 'Resource' },
    picklists: ['noteType', 'publish'],
    lengths: { title: 250, description: 32000 },
    webhooks: true,
    createdField: 'createDateTime',
    modifiedField: 'lastActivityDate',
  },
  Resources: {
    root: { query: true, create: false, update: true, delete: false },
    readOnly: ['userName', 'licenseType', 'userType', 'resourceType'],
    picklists: ['licenseType', 'userType'],
  },
  BillingCodes: { root: R_READ, picklists: ['useType', 'billingCodeType'] },
  UserDefinedFieldDefinitions: {
    root: R_ALL,
    required: ['name', 'udfType', 'dataType'],
    readOnly: ['createDate'],
    // The type and the entity of a UDF are fixed once it exists.
    updatable: ['name', 'description', 'isActive', 'isRequired', 'isProtected', 'isPrivate', 'isEncrypted', 'isVisibleToClientPortal', 'defaultValue', 'sortOrder', 'displayFormat', 'numberOfDecimalPlaces', 'mergeVariableName', 'isFieldMapping'],
    picklists: ['udfType', 'dataType', 'displayFormat'],
    lengths: { name: 45, description: 128 },
    createdField: 'createDate',
  },
  UserDefinedFieldListItems: {
    root: R_READ,
    parentOnly: true,
    required: ['udfFieldID', 'valueForDisplay', 'valueForExport'],
    readOnly: ['createDate'],
    references: { udfFieldID: 'UserDefinedFieldDefinition' },
    extra: [['id', 'long'], ['udfFieldID', 'long'], ['valueForDisplay', 'string'], ['valueForExport', 'string'], ['isActive', 'boolean'], ['isSystem', 'boolean'], ['createDate', 'datetime']],
    createdField: 'createDate',
  },
  ...webhookSpecs('Company'),
  ...webhookSpecs('Ticket'),
};

// UserDefinedFieldDefinitions owns its list items the way the API spells it: /UserDefinedFields/{id}/ListItems.
const udfListItemsRoute: ChildRoute = { segment: 'ListItems', entity: 'UserDefinedFieldListItems', parentField: 'udfFieldID', collection: ['GET', 'POST'], item: ['GET'] };

function build(name: string, spec: Spec): EntityDef {
  const base = swaggerFields[name] ?? [];
  const seen = new Set<string>();
  const fields: FieldDef[] = [];
  for (const [field, type] of [...base, ...(spec.extra ?? [])]) {
    if (seen.has(field)) continue;
    seen.add(field);
    fields.push({
      name: field,
      type,
      required: spec.required?.includes(field) ?? false,
      readOnly: field === 'id' || (spec.readOnly?.includes(field) ?? false) || spec.kind === 'units',
      queryable: !(spec.notQueryable?.includes(field) ?? false),
      isPickList: spec.picklists?.includes(field) ?? false,
      referenceEntityType: spec.references?.[field] ?? null,
      length: spec.lengths?.[field] ?? null,
    });
  }
  return {
    name,
    kind: spec.kind ?? 'stored',
    fields,
    byLower: new Map(fields.map((f) => [f.name.toLowerCase(), f])),
    root: spec.root,
    parentOnly: spec.parentOnly ?? false,
    children: spec.children ?? [],
    udfType: spec.udfType ?? null,
    supportsWebhookCallouts: spec.webhooks ?? false,
    createdField: spec.createdField ?? null,
    modifiedField: spec.modifiedField ?? null,
    updatable: spec.updatable ?? null,
  };
}

export const entities = new Map<string, EntityDef>(Object.entries(specs).map(([name, spec]) => [name, build(name, spec)]));

/** URL segment (any case) → entity, for root routes. `UserDefinedFields` is the parent segment of ListItems. */
export const entitiesByLower = new Map<string, EntityDef>([...entities.values()].map((e) => [e.name.toLowerCase(), e]));

export function entity(name: string): EntityDef {
  const e = entities.get(name);
  if (!e) throw new Error(`unknown entity ${name}`);
  return e;
}

/** The parent segment of a child URL (e.g. `userdefinedfields` → UserDefinedFieldDefinitions with ListItems). */
export function parentOf(segment: string): { parent: EntityDef; children: ChildRoute[] } | undefined {
  const lower = segment.toLowerCase();
  if (lower === 'userdefinedfields') return { parent: entity('UserDefinedFieldDefinitions'), children: [udfListItemsRoute] };
  const e = entitiesByLower.get(lower);
  return e && e.children.length > 0 ? { parent: e, children: e.children } : undefined;
}

/** The singular name the API uses for references and webhook payloads (Companies → Company). */
export const singular: Record<string, string> = {
  Companies: 'Company',
  Contacts: 'Contact',
  Contracts: 'Contract',
  ContractServices: 'ContractService',
  ContractServiceBundles: 'ContractServiceBundle',
  Services: 'Service',
  ServiceBundles: 'ServiceBundle',
  Tickets: 'Ticket',
  TicketNotes: 'TicketNote',
  Resources: 'Resource',
  BillingCodes: 'BillingCode',
  UserDefinedFieldDefinitions: 'UserDefinedFieldDefinition',
  CompanyWebhooks: 'CompanyWebhook',
  TicketWebhooks: 'TicketWebhook',
};
export const pluralOf = new Map(Object.entries(singular).map(([plural, one]) => [one, plural]));
