import { z } from 'zod';

/**
 * Autotask REST v1.0 payloads as they arrive (reference psa.md §A): camelCase out, integer ids,
 * picklist values as ints on entities and as strings in `picklistValues`, UTC ISO dates. Lenient on
 * purpose: fields a query's IncludeFields leaves out are optional, unknown fields pass through, and
 * only what the connector reads is checked.
 */

const id = z.number().int();
const optionalText = z.string().nullable().optional();
const optionalNumber = z.number().nullable().optional();
const optionalInt = z.number().int().nullable().optional();

export const errorBody = z.looseObject({ errors: z.array(z.string()) });

export const zoneInformation = z.looseObject({
  zoneName: z.string().optional(),
  url: z.string().url(),
  webUrl: z.string().optional(),
  ci: z.number().int().optional(),
});
export type ZoneInformation = z.output<typeof zoneInformation>;

export const thresholdInformation = z.looseObject({
  externalRequestThreshold: z.number().int().positive(),
  requestThresholdTimeframe: z.number().int().positive(),
  currentTimeframeRequestCount: z.number().int().min(0),
});
export type ThresholdInformation = z.output<typeof thresholdInformation>;

export const pageDetails = z.looseObject({
  count: z.number().int().optional(),
  requestCount: z.number().int().optional(),
  prevPageUrl: z.string().nullable().optional(),
  nextPageUrl: z.string().nullable().optional(),
});

export function queryPage<T extends z.ZodType>(item: T) {
  return z.looseObject({ items: z.array(item), pageDetails: pageDetails.optional() });
}

export function itemResponse<T extends z.ZodType>(item: T) {
  return z.looseObject({ item });
}

export const itemIdResponse = z.looseObject({ itemId: id });
export const countResponse = z.looseObject({ queryCount: z.number().int().min(0) });

export const udfValue = z.looseObject({ name: z.string(), value: z.string().nullable().optional() });
const udfs = z.array(udfValue).nullable().optional();

export const picklistValue = z.looseObject({
  value: z.union([z.string(), z.number()]).transform(String),
  label: z.string(),
  isDefaultValue: z.boolean().nullable().optional(),
  sortOrder: z.number().nullable().optional(),
  parentValue: z.union([z.string(), z.number()]).nullable().optional(),
  isActive: z.boolean().nullable().optional(),
  isSystem: z.boolean().nullable().optional(),
});
export type WirePicklistValue = z.output<typeof picklistValue>;

export const fieldInfo = z.looseObject({
  name: z.string(),
  dataType: z.string().optional(),
  isPickList: z.boolean().optional(),
  picklistValues: z.array(picklistValue).nullable().optional(),
  picklistParentValueField: z.string().nullable().optional(),
});
export const fieldsResponse = z.looseObject({ fields: z.array(fieldInfo) });
export type WireField = z.output<typeof fieldInfo>;

export const company = z.looseObject({
  id,
  companyName: z.string().optional(),
  companyType: optionalInt,
  companyNumber: optionalText,
  isActive: z.boolean().nullable().optional(),
  webAddress: optionalText,
  lastTrackedModifiedDateTime: optionalText,
});
export type WireCompany = z.output<typeof company>;

export const contact = z.looseObject({
  id,
  companyID: z.number().int(),
  firstName: optionalText,
  lastName: optionalText,
  emailAddress: optionalText,
  phone: optionalText,
  primaryContact: z.boolean().nullable().optional(),
  isActive: z.number().int().nullable().optional(),
  lastModifiedDate: optionalText,
});
export type WireContact = z.output<typeof contact>;

export const contract = z.looseObject({
  id,
  companyID: z.number().int(),
  contractName: z.string(),
  contractType: optionalInt,
  status: optionalInt,
  startDate: optionalText,
  endDate: optionalText,
  lastModifiedDateTime: optionalText,
  userDefinedFields: udfs,
});
export type WireContract = z.output<typeof contract>;

export const contractService = z.looseObject({
  id,
  contractID: z.number().int(),
  serviceID: z.number().int(),
  unitPrice: optionalNumber,
  unitCost: optionalNumber,
});
export type WireContractService = z.output<typeof contractService>;

export const contractServiceBundle = z.looseObject({
  id,
  contractID: z.number().int(),
  serviceBundleID: z.number().int(),
});
export type WireContractServiceBundle = z.output<typeof contractServiceBundle>;

/** ContractServiceUnits and ContractServiceBundleUnits rows (one per billing period). */
export const unitRow = z.looseObject({
  id,
  contractID: optionalInt,
  contractServiceID: optionalInt,
  contractServiceBundleID: optionalInt,
  serviceID: optionalInt,
  serviceBundleID: optionalInt,
  startDate: z.string(),
  endDate: z.string(),
  units: z.number(),
});
export type WireUnitRow = z.output<typeof unitRow>;

export const service = z.looseObject({
  id,
  name: z.string(),
  periodType: optionalInt,
  unitPrice: optionalNumber,
  unitCost: optionalNumber,
  billingCodeID: optionalInt,
  isActive: z.boolean().nullable().optional(),
  lastModifiedDate: optionalText,
});
export type WireService = z.output<typeof service>;

export const serviceBundle = service;
export type WireServiceBundle = WireService;

export const serviceBundleService = z.looseObject({ id, serviceBundleID: z.number().int(), serviceID: z.number().int() });

export const billingCode = z.looseObject({
  id,
  name: z.string(),
  isActive: z.boolean().nullable().optional(),
  useType: optionalInt,
});

export const ticket = z.looseObject({
  id,
  ticketNumber: optionalText,
  companyID: z.number().int(),
  title: z.string(),
  status: z.number().int(),
  contractID: optionalInt,
  externalID: optionalText,
  lastTrackedModificationDateTime: optionalText,
  createDate: optionalText,
});
export type WireTicket = z.output<typeof ticket>;

export const ticketNote = z.looseObject({
  id,
  ticketID: z.number().int(),
  title: optionalText,
  description: optionalText,
});

export const udfDefinition = z.looseObject({
  id,
  name: z.string(),
  udfType: optionalInt,
  dataType: optionalInt,
  isActive: z.boolean().nullable().optional(),
});

export const udfListItem = z.looseObject({
  id,
  udfFieldID: optionalInt,
  valueForDisplay: z.string(),
  valueForExport: optionalText,
  isActive: z.boolean().nullable().optional(),
});

export const udfFieldInfo = z.looseObject({
  name: z.string(),
  isPickList: z.boolean().optional(),
  picklistValues: z.array(picklistValue).nullable().optional(),
});
export const udfFieldsResponse = z.looseObject({ fields: z.array(udfFieldInfo) });

/** A `CompanyWebhooks` / `TicketWebhooks` row (reference psa.md §A.6); `secretKey` is write-only for the hub's purposes. */
export const webhook = z.looseObject({
  id,
  name: optionalText,
  webhookUrl: optionalText,
  isActive: z.boolean().nullable().optional(),
  isReady: z.boolean().nullable().optional(),
  webhookGUID: optionalText,
});
export type WireWebhook = z.output<typeof webhook>;

export const webhookField = z.looseObject({ id, webhookID: optionalInt, fieldID: optionalInt, isSubscribedField: z.boolean().nullable().optional(), isDisplayAlwaysField: z.boolean().nullable().optional() });

/** A webhook callout's body: `{Action, Guid, EntityType, Id, Fields, EventTime, SequenceNumber, PersonID}`. */
export const webhookDelivery = z.looseObject({
  Action: z.string(),
  Guid: z.string().nullable().optional(),
  EntityType: z.string(),
  Id: z.number().int(),
  Fields: z.record(z.string(), z.unknown()).nullable().optional(),
  EventTime: z.string().nullable().optional(),
  SequenceNumber: z.number().nullable().optional(),
  PersonID: z.number().nullable().optional(),
});
export type WireWebhookDelivery = z.output<typeof webhookDelivery>;
