/**
 * What a connector declares about its target, once, as data (in the spirit of Nango's provider
 * catalogue): who it is, what kind of business system it is, the credential fields a person enters,
 * its connector settings, what it can do, its ticket fields, the words its screens use and which
 * portal tabs apply; plus the two pieces of code data cannot express (the factory and the
 * credential check). Each connector folder has one `manifest.ts`; `registry.ts` is the list of them,
 * and nothing outside src/connectors names a target: the HTTP API, the CLI, the loops and the
 * portal read the manifest.
 *
 * Three kinds, because the systems are not alike (docs/connectors/adding-a-target.md):
 * - `psa`: the hub reads companies and contracts and writes tickets and quantities through the
 *   `Target` port (Autotask, ConnectWise, CloudBlue PSA);
 * - `billing-platform`: the hub pushes accounts, services and unit counts; there are no contracts
 *   to read (Gradient Synthesize);
 * - `service-manager`: the business system calls the hub's inbound API (interworks.cloud BSS).
 *
 * The data part is checked by zod when the registry loads (`checkManifest`), so a mistake in a
 * manifest fails every test and the start of the hub, naming the manifest and the field.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { CatalogItemKey } from '../domain/offering-item-catalog.ts';
import type { ServiceManagerHub } from './service-manager-port.ts';
import type { TicketProfile } from '../domain/ticket-profile.ts';
import type { BillingPlatform } from './billing-ports.ts';
import type { CallObserver } from './kit/call-metrics.ts';
import type { ConnectionCheck, Target, TargetCapabilities } from './ports.ts';

// ─── what a factory and a check are given ──────────────────────────────────────────────────────

export interface TargetFactoryInput {
  /** The integration's stored credentials, by field name (the manifest's `credentials`). */
  credentials: Readonly<Record<string, string>>;
  /** Connector settings that are configuration, not secrets (Autotask `zoneUrl`, `paygUdfName`). */
  settings?: Readonly<Record<string, string | undefined>>;
  connectionName?: string;
  onCall?: CallObserver;
  fetch?: typeof globalThis.fetch;
}

export type TargetFactory = (input: TargetFactoryInput) => Target;

/** Builds a billing platform's connector (the `BillingPlatform` port of billing-ports.ts). */
export type BillingPlatformFactory = (input: TargetFactoryInput) => BillingPlatform;

/** "Test credentials" before saving: authenticates with exactly the manifest's credential fields. */
export type CredentialCheck = (input: TargetFactoryInput) => Promise<ConnectionCheck>;

/** `psa-bridge demo`: how the demo wires an integration of this target to its running emulator. */
export interface DemoSetup {
  /** The emulator the demo starts for this target (its name in emulators/registry.ts). */
  emulator: string;
  /** The integration's credentials against the running emulator (its URL and what it prints as credentials). */
  credentials(emulator: { url: string; credentials: Readonly<Record<string, string>> }): Record<string, string>;
  /** Offering item → the name of the emulator's service/product a person would map it to (a PSA with a catalog). */
  products?: readonly (readonly [CatalogItemKey, string])[];
  /** Automatic provisioning with 2FA and a provisioning pass (one demo target creates the partner's tenants). */
  provisions?: boolean;
  /**
   * A billing platform keeps its mappings to itself and a person makes them there, after the hub
   * pushed its accounts and services: what that person does in the emulator, between the demo's
   * account push and its count push, so the demo shows counts taken next to counts waiting. Says
   * what it mapped.
   */
  mapInPlatform?(emulator: { url: string; credentials: Readonly<Record<string, string>> }): Promise<string>;
}

// ─── data ──────────────────────────────────────────────────────────────────────────────────────

const fieldName = z.string().regex(/^[a-z][A-Za-z0-9]*$/, 'must be a camelCase name (letters and digits)');
const text = z.string().trim().min(1, 'must not be empty');

export const credentialFieldSchema = z.strictObject({
  name: fieldName,
  label: text,
  /** Masked in the portal, never shown again once stored. */
  secret: z.boolean().default(false),
  /** May be left empty (the connector's default applies); an empty value clears a stored one. */
  optional: z.boolean().default(false),
  /** `url`: validated as an http(s) URL. */
  format: z.enum(['text', 'url']).default('text'),
  /** A regular expression (JavaScript syntax, whole value) the value must match, and what to say when it does not. */
  pattern: z.strictObject({ regex: text, message: text }).optional(),
  help: text.optional(),
  /**
   * The field says where the credentials are sent (a URL, a site, a discovery root). Changing it
   * sends the stored secrets to another host, so whoever changes it must enter the secrets again.
   */
  endpoint: z.boolean().default(false),
});
/** As a manifest writes it (flags may be left out: false; format: text). */
export type CredentialField = z.input<typeof credentialFieldSchema>;

/** The words the portal uses for the target's records, lower case ("Customer mapping" → the tab label). */
export const targetWordsSchema = z.strictObject({
  /** The target's customer record: Autotask `account`, ConnectWise `company`, CloudBlue `customer`. */
  company: text,
  companies: text,
  /** What a customer bought under: `contract`, `agreement`; absent when the target has none. */
  contract: text.optional(),
  /** What an offering item is sold as: `service`, `product`. */
  product: text,
  products: text,
  /** The label of the company ↔ tenant mapping tab. */
  companyMapping: text,
});
export type TargetWords = z.output<typeof targetWordsSchema>;

/** The portal's integration tabs, in the seeds' order (web/pages/integration/tabs.js). */
/** `billing`: a billing platform's accounts, services, counts and alerts as the platform answered them. */
export const PORTAL_TABS = ['settings', 'product-mapping', 'provisioning', 'mapping', 'tickets', 'billing', 'summary'] as const;
export type PortalTab = (typeof PORTAL_TABS)[number];

const ticketFieldSpecSchema = z.strictObject({
  name: fieldName,
  label: text,
  /** Must be set (in the type's fields or the defaults) for an enabled alert type: what the target refuses a ticket without. */
  required: z.boolean(),
  /** The field whose value this field's entries hang under. */
  parent: fieldName.optional(),
  /** Set once for every ticket (the seeds' header selectors: Autotask source, ConnectWise board), not per alert type. */
  defaultOnly: z.boolean().optional(),
});

const limit = z.number().int().positive();
export const ticketProfileSchema = z.strictObject({
  fields: z.array(ticketFieldSpecSchema).min(1),
  /** The longest text the target's fields take (the stricter of what is documented). */
  textLimits: z.strictObject({ title: limit, description: limit, noteTitle: limit, noteText: limit }),
  /** What a recurrence does when the seed's "N days" option is unset. */
  recurrenceWhenUnset: z.enum(['reopen_always', 'new_always']),
});
export type TicketProfileData = z.output<typeof ticketProfileSchema>;

const periodType = z.enum(['monthly', 'quarterly', 'semi_annual', 'yearly']);

/** A PSA's capabilities: the `Target` port's (what an instance reports), plus what the screens need to know. */
export const psaCapabilitiesSchema = z.strictObject({
  directory: z.strictObject({ incremental: z.boolean(), companyTypes: z.boolean() }),
  catalog: z.union([z.literal(false), z.strictObject({ bundles: z.boolean(), periodTypes: z.array(periodType).readonly(), createServices: z.boolean() })]),
  contracts: z.union([
    z.literal(false),
    z.strictObject({ prepaid: z.boolean(), payAsYouGo: z.boolean(), allowMixedBilling: z.boolean(), incremental: z.boolean() }),
  ]),
  usage: z.union([z.literal(false), z.strictObject({ mode: z.enum(['delta', 'absolute']) })]),
  tickets: z.union([
    z.literal(false),
    z.strictObject({
      fields: z.array(fieldName).readonly(),
      externalRefMaxLength: limit,
      /** A ticket can be closed (auto-close) and reopened (recurrence) by setting its status. */
      close: z.boolean(),
      reopen: z.boolean(),
    }),
  ]),
  callbacks: z.boolean(),
  /** Companies carry marketplace ids the customer-mapping screen can map through (Ingram Cloud Marketplace). */
  marketplace: z.boolean(),
  /** The customer-mapping screen suggests company ↔ tenant matches by name, with a confidence (src/domain/company-name-match.ts). */
  nameSuggestions: z.boolean(),
});
export type PsaCapabilities = z.output<typeof psaCapabilitiesSchema>;

/** A billing platform's: what the hub pushes. Mappings live in the platform; a 404 means "not mapped there yet". */
export const billingPlatformCapabilitiesSchema = z.strictObject({
  accounts: z.boolean(),
  services: z.boolean(),
  unitCounts: z.boolean(),
  /**
   * Alerts become tickets in the MSP's PSA through the platform, created only: the platform has no
   * close or reopen, so the portal offers neither.
   */
  alerts: z
    .union([z.literal(false), z.strictObject({ priorities: z.array(z.strictObject({ value: z.int().positive(), label: text })).min(1), close: z.boolean(), reopen: z.boolean() })])
    .default(false),
});
export type BillingPlatformCapabilities = z.output<typeof billingPlatformCapabilitiesSchema>;

/** A service manager's: what the business system asks of the hub through its inbound API. */
export const serviceManagerCapabilitiesSchema = z.strictObject({
  inbound: z.literal(true),
  provisioning: z.boolean(),
  usage: z.boolean(),
});
export type ServiceManagerCapabilities = z.output<typeof serviceManagerCapabilitiesSchema>;

const isFunction = (what: string) => z.custom<(...args: never[]) => unknown>((value) => typeof value === 'function', `must be a function (${what})`);
const isZodObject = z.custom<z.ZodObject>((value) => value instanceof z.ZodObject, 'must be a zod object schema (z.strictObject)');

const common = {
  /** The folder name, the stored `target` of an integration, what the API and the CLI take. */
  id: z.string().regex(/^[a-z][a-z0-9-]*$/, 'must be lower-case letters, digits and dashes'),
  /** The product's name as its users know it: "ConnectWise Manage". */
  label: text,
  /** In sentences: "ConnectWise ticket fields". */
  shortLabel: text,
  credentials: z.array(credentialFieldSchema).min(1),
  settingsSchema: isZodObject,
  /** Connector-setting keys that also say where credentials are sent (Autotask `zoneUrl`). */
  endpointSettings: z.array(fieldName).default([]),
  words: targetWordsSchema,
  tabs: z.array(z.enum(PORTAL_TABS)).min(1),
  checkCredentials: isFunction('checkCredentials'),
  /** How `psa-bridge demo` and the manifest contract test reach the target's emulator. */
  demo: z
    .strictObject({
      emulator: text,
      credentials: isFunction('demo.credentials'),
      products: z.array(z.tuple([text, text])).readonly().optional(),
      provisions: z.boolean().optional(),
      mapInPlatform: isFunction('demo.mapInPlatform').optional(),
    })
    .optional(),
};

export const targetManifestSchema = z
  .discriminatedUnion('kind', [
    z.strictObject({
      ...common,
      kind: z.literal('psa'),
      capabilities: psaCapabilitiesSchema,
      tickets: ticketProfileSchema.nullable(),
      createTarget: isFunction('createTarget'),
    }),
    z.strictObject({
      ...common,
      kind: z.literal('billing-platform'),
      capabilities: billingPlatformCapabilitiesSchema,
      /** The ticket fields an alert type sets (Gradient: its priority), configured through the shared alert mappings; null without alerts. */
      tickets: ticketProfileSchema.nullable().default(null),
      createPlatform: isFunction('createPlatform'),
    }),
    z.strictObject({
      ...common,
      kind: z.literal('service-manager'),
      capabilities: serviceManagerCapabilitiesSchema,
      /** The inbound API the business system calls, mounted by the HTTP layer under `basePath`. */
      inbound: z.strictObject({ basePath: z.string().regex(/^(\/[a-z0-9-]+)+$/, 'must be a lower-case path such as /interworks/api'), register: isFunction('inbound.register') }),
    }),
  ])
  .superRefine((manifest, ctx) => {
    const names = manifest.credentials.map((field) => field.name);
    for (const [index, name] of names.entries()) {
      if (names.indexOf(name) !== index) ctx.addIssue({ code: 'custom', path: ['credentials', index, 'name'], message: `"${name}" is declared twice` });
    }
    for (const [index, field] of manifest.credentials.entries()) {
      if (field.pattern === undefined) continue;
      try {
        new RegExp(field.pattern.regex);
      } catch {
        ctx.addIssue({ code: 'custom', path: ['credentials', index, 'pattern', 'regex'], message: 'is not a regular expression' });
      }
    }
    if (manifest.tabs.includes('tickets') && ticketLifecycleOf(manifest as TargetManifest) === null) {
      ctx.addIssue({ code: 'custom', path: ['tabs'], message: 'the tickets tab needs the tickets capability (a billing platform: alerts with ticket fields)' });
    }
    if (manifest.kind === 'billing-platform' && (manifest.tickets === null) !== (manifest.capabilities.alerts === false)) {
      ctx.addIssue({ code: 'custom', path: ['tickets'], message: 'ticket field specs are given exactly when the platform takes alerts (capabilities.alerts)' });
    }
    if (manifest.kind !== 'psa') return;
    const { capabilities, tickets } = manifest;
    if (manifest.tabs.includes('product-mapping') !== (capabilities.catalog !== false)) {
      ctx.addIssue({ code: 'custom', path: ['tabs'], message: 'the product-mapping tab applies exactly when the target has a catalog' });
    }
    if ((tickets === null) !== (capabilities.tickets === false)) {
      ctx.addIssue({ code: 'custom', path: ['tickets'], message: 'ticket field specs are given exactly when the target has the tickets capability' });
    }
    if (tickets !== null && capabilities.tickets !== false) {
      const specNames = tickets.fields.map((spec) => spec.name);
      for (const [index, spec] of tickets.fields.entries()) {
        if (!capabilities.tickets.fields.includes(spec.name)) {
          ctx.addIssue({ code: 'custom', path: ['tickets', 'fields', index, 'name'], message: `"${spec.name}" is not among the fields the target's picklists answer for (capabilities.tickets.fields)` });
        }
        if (spec.parent !== undefined && !specNames.includes(spec.parent)) {
          ctx.addIssue({ code: 'custom', path: ['tickets', 'fields', index, 'parent'], message: `"${spec.parent}" is not a ticket field of this target` });
        }
      }
    }
  });

// ─── the manifest as code sees it ──────────────────────────────────────────────────────────────

type Data<K extends z.output<typeof targetManifestSchema>['kind']> = Omit<
  Extract<z.input<typeof targetManifestSchema>, { kind: K }>,
  'id' | 'settingsSchema' | 'checkCredentials' | 'createTarget' | 'createPlatform' | 'demo'
>;

interface ManifestCode<Id extends string> {
  id: Id;
  /** Validates the integration's `connector` settings section, values as text (`z.strictObject({})` when there are none). */
  settingsSchema: z.ZodObject;
  checkCredentials: CredentialCheck;
  demo?: DemoSetup;
}

export type PsaManifest<Id extends string = string> = Data<'psa'> &
  ManifestCode<Id> & {
    capabilities: PsaCapabilities;
    tickets: TicketProfileData | null;
    createTarget: TargetFactory;
  };
export type BillingPlatformManifest<Id extends string = string> = Data<'billing-platform'> &
  ManifestCode<Id> & {
    capabilities: BillingPlatformCapabilities;
    /** Absent = null: a platform that takes no alerts has no ticket fields. */
    tickets?: TicketProfileData | null;
    createPlatform: BillingPlatformFactory;
  };
/** Mounts a service manager's inbound API in a Fastify scope (prefixed with `basePath`). */
export type InboundApiRegister = (app: FastifyInstance, options: { hub: ServiceManagerHub }) => Promise<void>;

export type ServiceManagerManifest<Id extends string = string> = Omit<Data<'service-manager'>, 'inbound'> &
  ManifestCode<Id> & { inbound: { basePath: string; register: InboundApiRegister } };

export type TargetManifest<Id extends string = string> = PsaManifest<Id> | BillingPlatformManifest<Id> | ServiceManagerManifest<Id>;
export type TargetKind = TargetManifest['kind'];

/** The manifest with its defaults filled in, or an error naming the manifest and each bad field. */
export function checkManifest<M extends TargetManifest>(manifest: M): M {
  const parsed = targetManifestSchema.safeParse(manifest);
  if (!parsed.success) {
    const where = typeof manifest.id === 'string' ? manifest.id : '(no id)';
    throw new Error(`The ${where} connector manifest is not valid: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(manifest)'}: ${i.message}`).join('; ')}`);
  }
  // Functions and zod schemas are kept as given (zod passes them through); data gets its defaults.
  return { ...manifest, ...parsed.data } as M;
}

/**
 * A PSA manifest's capabilities from what its target reports (`Target.capabilities`, kept beside
 * the target), plus what only the screens need: marketplace mapping, and whether a ticket can be
 * closed and reopened (default both: setting its status does it).
 */
export function psaCapabilities(port: TargetCapabilities, screens: { marketplace: boolean; nameSuggestions?: boolean; tickets?: { close: boolean; reopen: boolean } }): PsaCapabilities {
  const lifecycle = screens.tickets ?? { close: true, reopen: true };
  return { ...port, tickets: port.tickets === false ? false : { ...port.tickets, ...lifecycle }, marketplace: screens.marketplace, nameSuggestions: screens.nameSuggestions ?? false };
}

/** The `Target` port's capabilities of a PSA manifest (what a target instance reports). */
export function portCapabilities(capabilities: PsaCapabilities): TargetCapabilities {
  const { marketplace: _marketplace, nameSuggestions: _nameSuggestions, tickets, ...rest } = capabilities;
  return { ...rest, tickets: tickets === false ? false : { fields: tickets.fields, externalRefMaxLength: tickets.externalRefMaxLength } };
}

/** The ticket rules of a target, for the domain (which names no target). */
export function ticketProfileOf(manifest: TargetManifest): TicketProfile | null {
  const tickets = manifest.kind === 'service-manager' ? null : (manifest.tickets ?? null);
  if (tickets === null) return null;
  const lifecycle = ticketLifecycleOf(manifest);
  return { target: manifest.shortLabel, ...tickets, fields: tickets.fields.map((spec) => ({ ...spec })), ...(lifecycle === null ? {} : { lifecycle }) };
}

/**
 * What the target can do with a ticket after creating it, or null when it makes none: a PSA
 * closes and reopens by setting a status (unless its manifest says otherwise); a billing platform
 * passes alerts on as tickets it only creates (Gradient). The ticket settings and the portal offer
 * auto-close, reopening and clearing the alert only where this says they can happen.
 */
export function ticketLifecycleOf(manifest: TargetManifest): { close: boolean; reopen: boolean } | null {
  if (manifest.kind === 'psa') return manifest.capabilities.tickets === false ? null : { close: manifest.capabilities.tickets.close, reopen: manifest.capabilities.tickets.reopen };
  if (manifest.kind === 'billing-platform') return manifest.capabilities.alerts === false || (manifest.tickets ?? null) === null ? null : { close: manifest.capabilities.alerts.close, reopen: manifest.capabilities.alerts.reopen };
  return null;
}
