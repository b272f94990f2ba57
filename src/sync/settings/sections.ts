/**
 * The integration settings sections, each a zod schema with defaults. Stored one row per section in
 * `integration_settings` (see SettingsRepository); read and written through settings.ts.
 *
 * Sections:
 * - `provisioning`: the domain's ProvisioningSettings (seed 000 §5.1, §5.3): Free option, default
 *   storage, automatic provisioning (off), tenant mode of new tenants (Production), 2FA for new
 *   customers, admin account, deprovisioning (zero / disable / delete at once, all off) and timed
 *   deprovisioning (disable after 10 / delete after 30 days, both off).
 * - `product-mapping`: the domain's ProductMapping, also checked by `validateProductMapping`.
 * - `schedule`: how often each loop runs. Provisioning (offering items / quotas) every 15 minutes and
 *   usage write-back every 24 hours, the vendor's own schedules (reference/interworks-gradient-wire.md
 *   §3; seed 000 §5.2–5.4 "may take up to 15 minutes"); directory 15 minutes; a full pass (cursors
 *   ignored) every 24 hours to repair drift. Every loop also runs on demand ("run now").
 * - `connector`: target connector configuration that is not a secret (a fixed API root, the PAYG
 *   field's name, an API layout), validated per target by the schema its connector's manifest
 *   declares. Secrets stay in the integration's sealed credentials.
 */
import { z } from 'zod';
import type { TargetSystem } from '../../connectors/ports.ts';
import { anyConnectorSettingsSchema, connectorSettingsSchemaOf, type ConnectorSettingsSchema } from '../../connectors/settings-schemas.ts';
import { offeringItemCatalog, type CatalogItemKey } from '../../domain/offering-item-catalog.ts';
import { validateTimedDeprovisioning } from '../../domain/deprovisioning-schedule.ts';
import { defaultProvisioningSettings, type ProvisioningSettings } from '../../domain/provisioning-plan.ts';
import { periodTypes, validateProductMapping, type ProductMapping } from '../../domain/product-mapping.ts';
import { alertMappingSettingsSchema, ticketSettingsSchema } from './tickets.ts';

// ─── provisioning ──────────────────────────────────────────────────────────────────────────────

const d = defaultProvisioningSettings;

const timedStep = (defaults: { enabled: boolean; days: number }) =>
  z
    .strictObject({
      enabled: z.boolean().default(defaults.enabled),
      days: z.number({ error: 'must be a number of days' }).int('must be whole days').min(1, 'must be at least 1 day').max(3650, 'must be at most 3650 days').default(defaults.days),
    })
    .default({ ...defaults });

export const provisioningSettingsSchema = z.strictObject({
  automaticProvisioning: z.boolean().default(d.automaticProvisioning),
  tenantMode: z.enum(['trial', 'production'], { error: 'must be trial or production' }).default(d.tenantMode),
  freeProvisioning: z.boolean().default(d.freeProvisioning),
  defaultStorageInfraId: z.string().trim().min(1, 'choose a storage, or null for none').nullable().default(d.defaultStorageInfraId),
  mfaForNewCustomers: z.boolean().default(d.mfaForNewCustomers),
  deprovisioning: z
    .strictObject({
      zeroQuotas: z.boolean().default(d.deprovisioning.zeroQuotas),
      disableTenant: z.boolean().default(d.deprovisioning.disableTenant),
      deleteTenant: z.boolean().default(d.deprovisioning.deleteTenant),
    })
    .default({ ...d.deprovisioning }),
  timedDeprovisioning: z
    .strictObject({ disable: timedStep(d.timedDeprovisioning.disable), delete: timedStep(d.timedDeprovisioning.delete) })
    .default({ disable: { ...d.timedDeprovisioning.disable }, delete: { ...d.timedDeprovisioning.delete } })
    .superRefine((value, ctx) => {
      for (const p of validateTimedDeprovisioning(value)) ctx.addIssue({ code: 'custom', path: p.field.split('.'), message: p.message });
    }),
  adminAccount: z
    .strictObject({
      basedOn: z.enum(['primary_contact', 'company_name']).default(d.adminAccount.basedOn),
      activationEmail: z.email('must be an email address, such as support@msp.example').nullable().default(d.adminAccount.activationEmail),
      password: z.enum(['activation_email', 'manual']).default(d.adminAccount.password),
    })
    .default({ ...d.adminAccount })
    .superRefine((value, ctx) => {
      if (value.basedOn === 'company_name' && (value.activationEmail ?? '') === '') {
        ctx.addIssue({ code: 'custom', path: ['activationEmail'], message: 'is required when admin accounts are based on the company name: give the address activation emails go to' });
      }
    }),
  allowMixedBilling: z.boolean().default(d.allowMixedBilling),
  /**
   * Changes that take service from a customer (a quota below what it uses, an item in use turned
   * off, a tenant disabled or deleted) go out without a person's approval (service-reduction-guard.ts).
   */
  allowServiceReductions: z.boolean().default(false),
}) satisfies z.ZodType<ProvisioningSettings, unknown>;

// ─── product mapping ───────────────────────────────────────────────────────────────────────────

const catalogKeys = offeringItemCatalog.map((i) => i.key) as [CatalogItemKey, ...CatalogItemKey[]];

const serviceChoiceSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('auto') }),
  z.strictObject({ kind: z.literal('new'), name: z.string().trim().min(1, 'the new service needs a name').max(200, 'must be at most 200 characters') }),
  z.strictObject({ kind: z.literal('existing'), productId: z.string().trim().min(1, 'choose the existing service') }),
]);

export const productMappingSettingsSchema = z
  .strictObject({
    entries: z
      .array(
        z.strictObject({
          itemKey: z.enum(catalogKeys, { error: `must be one of ${catalogKeys.join(', ')}` }),
          infraId: z.string().trim().min(1).nullable().default(null),
          service: serviceChoiceSchema,
          createdProductId: z.string().min(1).nullable().optional(),
          periodType: z.enum(periodTypes as readonly ['monthly', 'quarterly', 'semi_annual', 'yearly']).default('monthly'),
          serviceCode: z.string().trim().min(1).nullable().default(null),
          bundleIds: z.array(z.string().min(1)).optional(),
        }),
      )
      .default([]),
    bundles: z.array(z.strictObject({ bundleId: z.string().trim().min(1, 'a bundle needs its target id'), name: z.string().trim().min(1, 'a bundle needs a name') })).optional(),
  })
  .superRefine((value, ctx) => {
    const result = validateProductMapping(value as ProductMapping);
    for (const p of result.problems) {
      if (p.severity !== 'error') continue;
      const index = value.entries.findIndex((e) => e.itemKey === p.context.item && (p.context.infraId === undefined || e.infraId === p.context.infraId));
      ctx.addIssue({ code: 'custom', path: index >= 0 ? ['entries', index] : ['entries'], message: p.message });
    }
  });

export type ProductMappingSettings = z.output<typeof productMappingSettingsSchema>;

// ─── schedule ──────────────────────────────────────────────────────────────────────────────────

const MINUTES_PER_DAY = 24 * 60;
const interval = (defaultMinutes: number, max: number) =>
  z
    .strictObject({
      enabled: z.boolean().default(true),
      intervalMinutes: z
        .number({ error: 'must be a number of minutes' })
        .int('must be whole minutes')
        .min(1, 'must be at least 1 minute')
        .max(max, `must be at most ${max} minutes`)
        .default(defaultMinutes),
    })
    .default({ enabled: true, intervalMinutes: defaultMinutes });

export const scheduleSettingsSchema = z.strictObject({
  directory: interval(15, MINUTES_PER_DAY),
  // The vendor's offering-item sync runs every 15 minutes (plus "run now").
  provisioning: interval(15, MINUTES_PER_DAY),
  usage: interval(MINUTES_PER_DAY, 31 * MINUTES_PER_DAY),
  // Ticket loops: scheduled always, a pass does nothing while the `tickets` section is off.
  alerts: interval(1, MINUTES_PER_DAY),
  tickets: interval(5, MINUTES_PER_DAY),
  /**
   * Between two scheduled alerts passes, the alert feed is read again every this many seconds (one
   * vendor call each when nothing changed), so an alert becomes a ticket in seconds, not at the
   * next pass; 0 turns the watch off.
   */
  alertsWatchSeconds: z.number({ error: 'must be a number of seconds' }).int('must be whole seconds').min(0, 'must be 0 (off) or more').max(300, 'must be at most 300 seconds').default(3),
  /**
   * Read the vendor's tenant change feed (the Acronis Event Manager's tenant topic, by long-poll), so
   * a tenant created, renamed, disabled or deleted in Acronis reaches the mapping list and the
   * provisioning in seconds; off, or where the data center has no Event Manager, tenant changes wait
   * for the scheduled passes.
   */
  tenantEvents: z.boolean({ error: 'must be true or false' }).default(true),
  /** Every N hours a pass ignores the cursors and reads everything (repairs drift an incremental pass cannot see). */
  fullPassEveryHours: z.number({ error: 'must be a number of hours' }).int('must be whole hours').min(1, 'must be at least 1 hour').max(24 * 31, 'must be at most 744 hours (31 days)').default(24),
});

export type ScheduleSettings = z.output<typeof scheduleSettingsSchema>;

// ─── connector ─────────────────────────────────────────────────────────────────────────────────

/**
 * Any target's connector settings, as stored: every connector's keys (each manifest has its
 * `settingsSchema`). A write is validated by the integration's own target's schema
 * (`connectorSettingsSchemaFor`), so a key of another target is refused there, naming it.
 */
export const connectorSettingsSchema = anyConnectorSettingsSchema;

export function connectorSettingsSchemaFor(target: TargetSystem): ConnectorSettingsSchema {
  return connectorSettingsSchemaOf(target);
}

export type ConnectorSettings = z.output<typeof connectorSettingsSchema>;

// ─── registry ──────────────────────────────────────────────────────────────────────────────────

export const settingsSections = {
  provisioning: provisioningSettingsSchema,
  'product-mapping': productMappingSettingsSchema,
  schedule: scheduleSettingsSchema,
  connector: connectorSettingsSchema,
  tickets: ticketSettingsSchema,
  'alert-mappings': alertMappingSettingsSchema,
} as const;

export type SettingsSectionName = keyof typeof settingsSections;
export type SettingsOf<N extends SettingsSectionName> = z.output<(typeof settingsSections)[N]>;
export const SETTINGS_SECTION_NAMES = Object.keys(settingsSections) as SettingsSectionName[];

export function isSettingsSectionName(name: string): name is SettingsSectionName {
  return Object.hasOwn(settingsSections, name);
}
