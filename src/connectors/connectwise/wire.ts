/**
 * ConnectWise Manage REST 3.0 payloads as zod schemas (reference psa.md §B.3–B.4). Loose objects:
 * the API sends many more fields than we read, and unknown ones must not fail a listing. Null
 * fields are often left out, so everything we do not strictly need is optional.
 */
import { z } from 'zod';

const id = z.number().int();
const text = z.string();

export const reference = z.looseObject({ id, name: text.nullish(), identifier: text.nullish() });
export type WireReference = z.output<typeof reference>;

export const info = z.looseObject({ lastUpdated: text.nullish(), dateEntered: text.nullish(), updatedBy: text.nullish() }).nullish();

export const customField = z.looseObject({ id, caption: text.nullish(), type: text.nullish(), value: z.unknown().optional() });
export type WireCustomField = z.output<typeof customField>;

export const companyInfo = z
  .looseObject({
    Codebase: text.min(1),
    CompanyName: text.nullish(),
    VersionCode: text.nullish(),
    IsCloud: z.boolean().nullish(),
    SiteUrl: text.nullish(),
  })
  .nullable();
export type WireCompanyInfo = NonNullable<z.output<typeof companyInfo>>;

export const company = z.looseObject({
  id,
  identifier: text,
  name: text,
  status: reference.nullish(),
  types: z.array(reference).nullish(),
  defaultContact: reference.nullish(),
  deletedFlag: z.boolean().nullish(),
  website: text.nullish(),
  phoneNumber: text.nullish(),
  _info: info,
});
export type WireCompany = z.output<typeof company>;

export const companyStatus = z.looseObject({ id, name: text, inactiveFlag: z.boolean().nullish(), defaultFlag: z.boolean().nullish() });
export const companyType = z.looseObject({ id, name: text, defaultFlag: z.boolean().nullish() });

export const communicationItem = z.looseObject({
  type: reference.nullish(),
  value: text.nullish(),
  defaultFlag: z.boolean().nullish(),
  communicationType: text.nullish(),
});

export const contact = z.looseObject({
  id,
  firstName: text.nullish(),
  lastName: text.nullish(),
  company: reference.nullish(),
  defaultFlag: z.boolean().nullish(),
  inactiveFlag: z.boolean().nullish(),
  communicationItems: z.array(communicationItem).nullish(),
  _info: info,
});
export type WireContact = z.output<typeof contact>;

export const agreement = z.looseObject({
  id,
  name: text,
  type: reference.nullish(),
  company: reference,
  startDate: text.nullish(),
  endDate: text.nullish(),
  noEndingDateFlag: z.boolean().nullish(),
  cancelledFlag: z.boolean().nullish(),
  dateCancelled: text.nullish(),
  agreementStatus: text.nullish(),
  _info: info,
});
export type WireAgreement = z.output<typeof agreement>;

export const addition = z.looseObject({
  id,
  product: reference,
  quantity: z.number().nullish(),
  lessIncluded: z.number().nullish(),
  billCustomer: text.nullish(),
  effectiveDate: text.nullish(),
  cancelledDate: text.nullish(),
  agreementId: id.nullish(),
  description: text.nullish(),
  customFields: z.array(customField).nullish(),
  _info: info,
});
export type WireAddition = z.output<typeof addition>;

export const catalogItem = z.looseObject({
  id,
  identifier: text,
  description: text.nullish(),
  customerDescription: text.nullish(),
  inactiveFlag: z.boolean().nullish(),
  price: z.number().nullish(),
  cost: z.number().nullish(),
  recurringFlag: z.boolean().nullish(),
  productClass: text.nullish(),
  subcategory: reference.nullish(),
  _info: info,
});
export type WireCatalogItem = z.output<typeof catalogItem>;

export const lookup = z.looseObject({ id, name: text, inactiveFlag: z.boolean().nullish(), defaultFlag: z.boolean().nullish() });
export type WireLookup = z.output<typeof lookup>;

export const boardSubtype = lookup.extend({ typeAssociationIds: z.array(id).nullish() });
export const boardStatus = lookup.extend({ closedStatus: z.boolean().nullish(), inactive: z.boolean().nullish(), sortOrder: z.number().nullish() });
export type WireBoardStatus = z.output<typeof boardStatus>;
export const priority = lookup.extend({ sortOrder: z.number().nullish(), level: text.nullish() });

export const ticket = z.looseObject({
  id,
  summary: text,
  company: reference.nullish(),
  board: reference.nullish(),
  status: reference.nullish(),
  type: reference.nullish(),
  subType: reference.nullish(),
  priority: reference.nullish(),
  agreement: reference.nullish(),
  externalXRef: text.nullish(),
  closedFlag: z.boolean().nullish(),
  _info: info,
});
export type WireTicket = z.output<typeof ticket>;

export const note = z.looseObject({ id, ticketId: id.nullish(), text: text.nullish() });

export const callbackEntry = z.looseObject({
  id,
  url: text,
  objectId: z.number().nullish(),
  type: text,
  level: text,
  description: text.nullish(),
  inactiveFlag: z.boolean().nullish(),
  isSelfSuppressedFlag: z.boolean().nullish(),
});
export type WireCallbackEntry = z.output<typeof callbackEntry>;

export const count = z.looseObject({ count: z.number().int() });

export const errorBody = z.looseObject({
  code: text.nullish(),
  message: text.nullish(),
  errors: z.array(z.looseObject({ code: text.nullish(), message: text.nullish(), field: text.nullish() })).nullish(),
});

/** A system callback's POST body (reference §B.4 "Delivery"). `Entity` is the record as JSON text. */
export const callbackDelivery = z.looseObject({
  Action: text,
  Type: text,
  ID: z.union([z.number(), text]),
  CompanyId: text.nullish(),
  MemberId: text.nullish(),
  FromUrl: text.nullish(),
  Entity: text.nullish(),
  Metadata: z.looseObject({ key_url: text }),
});
export type WireCallbackDelivery = z.output<typeof callbackDelivery>;

export const signingKey = z.looseObject({ signing_key: text.min(1) });

export const list = <S extends z.ZodType>(item: S) => z.array(item);
