import { z } from 'zod';

/**
 * The Service Management API's models as the BSS sends them (reference/interworks-gradient-wire.md
 * §1.6–1.9): PascalCase names, lenient on purpose (unknown fields pass, missing optional ones are
 * tolerated: the 1.2.8 models may add fields). Strict where the hub acts: ids, quantities, dates.
 */

const id = z.union([z.string(), z.number()]).transform((v) => String(v).trim());
const optText = z.union([z.string(), z.number()]).transform(String).nullable().optional();

const named = z.looseObject({ Code: optText, Name: optText }).nullable().optional();

export const accountDefinition = z.looseObject({
  ID: id.refine((v) => v !== '', 'the account ID is empty'),
  ExternalID: optText,
  ResellerID: optText,
  Name: z.string().trim().min(1, 'the account has no Name'),
  Code: optText,
  Phone: optText,
  Fax: optText,
  WebSite: optText,
  Email: optText,
  IsTest: z.boolean().optional(),
  SyncOptions: z.record(z.string(), z.unknown()).nullable().optional(),
  ContactDetails: z
    .looseObject({ FirstName: optText, LastName: optText, Phone: optText, Fax: optText, Email: optText })
    .nullable()
    .optional(),
  Address: z
    .looseObject({ Address1: optText, Address2: optText, City: optText, PostCode: optText, State: named, Country: named })
    .nullable()
    .optional(),
});
export type AccountDefinition = z.output<typeof accountDefinition>;

const attribute = z.looseObject({ ID: optText, Name: optText, Value: z.union([z.string(), z.number(), z.null()]).optional(), Code: optText });
const attributeList = z.record(z.string(), attribute).nullable().optional();

export const actionType = z.enum(['None', 'Provision', 'Cancel', 'Suspend', 'Activate', 'Upgrade', 'Downgrade', 'UpgradeToPaid']);

export const serviceDefinition = z.looseObject({
  ID: id.optional(),
  SubscriptionID: id.optional(),
  Name: optText,
  ServiceType: id,
  ProductID: id.optional(),
  ActionType: z.union([actionType, z.number()]).optional(),
  Quantity: z.number().int().min(0).optional(),
  Account: z.looseObject({ ID: id, ExternalID: optText }),
  AttributeList: attributeList,
  Addons: z
    .array(z.looseObject({ ID: id.optional(), ProductID: id.optional(), Name: optText, ActionType: z.union([actionType, z.number()]).optional(), Quantity: z.number().int().min(0).optional(), AttributeList: attributeList }))
    .nullable()
    .optional(),
  CheckOnly: z.boolean().optional(),
});
export type ServiceDefinition = z.output<typeof serviceDefinition>;

const isoDate = z.string().refine((v) => !Number.isNaN(Date.parse(v)), 'is not a date');

export const ppuRequest = z.looseObject({
  ID: id,
  ServiceType: id.optional(),
  Account: z.looseObject({ ID: id }),
  BillingCycle: z.looseObject({ StartDate: isoDate, EndDate: isoDate }),
  Currency: z.string().optional(),
  IsTest: z.boolean().optional(),
});
export type PpuRequest = z.output<typeof ppuRequest>;

export const fieldCollection = z.looseObject({
  Fields: z.array(z.looseObject({ ID: z.string(), Value: z.union([z.string(), z.number(), z.boolean(), z.null()]).optional() })),
});
