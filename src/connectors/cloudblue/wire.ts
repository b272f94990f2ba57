/**
 * CloudBlue PSA payloads (reference/psa.md §C). Only the grid report (`…/get…report?filter=`, a bare
 * array of rows keyed by the grid column names) is documented; the rest is the proposed shape the
 * emulator serves. Schemas are loose (extra columns pass) and lenient about null vs absent, since
 * a real instance may differ in such details; what we rely on is required.
 */
import { z } from 'zod';

const nullableString = z.string().nullable().optional();
const id = z.union([z.number().int(), z.string().regex(/^\d+$/).transform(Number)]);
const flag = z.union([z.boolean(), z.literal(0), z.literal(1), z.enum(['true', 'false', 'True', 'False'])]).transform((v) => v === true || v === 1 || String(v).toLowerCase() === 'true');

export const version = z.looseObject({
  Product: nullableString,
  Version: z.string().min(1),
  ApiVersion: nullableString,
});

/** Report rows come keyed by the grid columns; TotalRows is present when asked for. */
export const totalRows = z.looseObject({ TotalRows: z.number().int().nonnegative().optional() });

export const customerRow = z.looseObject({
  Id: id,
  RefNumber: nullableString,
  Name: z.string(),
  Status: nullableString,
  StatusId: id.nullable().optional(),
  PrimaryContactFirstName: nullableString,
  PrimaryContactLastName: nullableString,
  PrimaryContactEmail: nullableString,
  PrimaryContactPhone: nullableString,
  ModifiedDate: nullableString,
  TotalRows: z.number().int().nonnegative().optional(),
});
export type CustomerRow = z.output<typeof customerRow>;

export const linkRow = z.looseObject({
  CustomerId: id,
  ExternalSystem: z.string(),
  ExternalId: z.union([z.string(), z.number().transform(String)]).nullable(),
  TotalRows: z.number().int().nonnegative().optional(),
});
export type LinkRow = z.output<typeof linkRow>;

export const customer = z.looseObject({
  Id: id,
  RefNumber: nullableString,
  Name: z.string(),
  Status: nullableString,
  StatusId: id.nullable().optional(),
  PrimaryContact: z
    .looseObject({ FirstName: nullableString, LastName: nullableString, Email: nullableString, Phone: nullableString })
    .nullable()
    .optional(),
  ExternalSystems: z
    .array(z.looseObject({ System: z.string(), ExternalId: z.union([z.string(), z.number().transform(String)]).nullable() }))
    .nullable()
    .optional(),
  ModifiedDate: nullableString,
});
export type Customer = z.output<typeof customer>;

export const lookup = z.looseObject({ Id: id, Name: z.string() });
export const lookups = z.array(lookup);
export const categories = z.array(lookup.extend({ TypeId: id.nullable().optional() }));
export const customerStatuses = z.array(lookup.extend({ IsActive: flag.optional() }));
export const ticketStatuses = z.array(
  lookup.extend({ Kind: nullableString, IsClosed: flag.optional(), IsDefault: flag.optional() }),
);
export const priorities = z.array(lookup.extend({ IsDefault: flag.optional() }));
export type TicketStatus = z.output<typeof ticketStatuses>[number];

export const ticket = z.looseObject({
  Id: id,
  RefNumber: nullableString,
  Subject: nullableString,
  /** The report's title column (the documented example asks for `Name`). */
  Name: nullableString,
  CustomerId: id,
  StatusId: id.nullable().optional(),
  Status: nullableString,
  IsClosed: flag.optional(),
  ExternalReference: nullableString,
  ModifiedDate: nullableString,
  CreatedDate: nullableString,
  TotalRows: z.number().int().nonnegative().optional(),
});
export type Ticket = z.output<typeof ticket>;

export const created = z.looseObject({ Id: id, RefNumber: nullableString });

export const note = z.looseObject({ Id: id, TicketId: id.optional(), Text: z.string().nullable(), IsPublic: flag.optional() });
export const notes = z.array(note);

/** ASP.NET Web API's error body: `{ Message, ModelState? }`. */
export const errorBody = z.looseObject({
  Message: z.string().optional(),
  ModelState: z.record(z.string(), z.array(z.string())).optional(),
});
