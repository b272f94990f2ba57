/**
 * The provisioning planner shared by every target: from a company's contract lines, the product
 * mapping, the settings and what the vendor holds for the company's tenant, the operations that
 * make the tenant match what was sold. Pure: the clock is `now`, the world is the snapshot.
 *
 * Rules (seed 000 §4–§5, seed 002 §5 and §9, issue 3 §4), and our decisions where they are silent:
 * - prepaid line → item enabled, quota = contracted units (lines on the same item add up; GB → bytes);
 *   the quota's overage the tenant already has is kept: the hub owns the soft quota only;
 * - pay-as-you-go line → item enabled, quota unlimited (value and overage null); usage is written
 *   back by the usage loop (usage-writeback.ts). An item with both (ConnectWise allows it) is unlimited;
 * - an item that is unmapped or not in the contract follows the Free option. Free on: enabled,
 *   unlimited. Free off ("the quota will be set to zero"), decided as: an item with a quota that is
 *   enabled gets quota 0 with overage 0 (it stays enabled: disabling an item loses its settings and
 *   the vendor refuses to turn off a default storage); an item that is already disabled stays so;
 *   an on/off feature item (no quota, e.g. Microsoft 365 mailboxes) is disabled, the only "zero" it has;
 * - no storage in the contract → the chosen default storage is enabled, its quota by the Free option.
 *   Other storages are never enabled by the Free option (the vendor gives a customer one storage);
 * - an Advanced pack is provisioned only with one of its Standard items usable (enabled, quota not
 *   0); otherwise it is treated as "not in the contract" and the problem names both items;
 * - an item the contract sells that the parent does not offer is reported, not attempted;
 * - only catalog items are ever changed (never disaster recovery, File Sync & Share, …), and only
 *   those whose status or quota must change; a plan on the state its own application produced is
 *   empty;
 * - a contract that ended (no line in effect, at least one ended) → deprovisioning settings:
 *   delete (the vendor disables first; nothing else is needed), else zero quotas (every enabled
 *   item with a quota, catalog or not) and/or disable; all off by default, so nothing happens;
 * - a company with no line on a mapped product, past or present, is left alone;
 * - an unmanageable tenant (self-service) is never changed; a mapped tenant that is gone is reported;
 * - automatic provisioning: an unmapped company with a line in effect gets a tenant (key: the
 *   company, so a retry after a crash finds it by its internal tag), its items, an admin user and,
 *   when set, 2FA for all its users. New customers only: 2FA of existing tenants is not touched;
 * - a tenant disabled while its contract is in effect is re-enabled only when the hub is the one that
 *   disables tenants (deprovisioning "disable" on): otherwise a person disabled it, and we leave it.
 */
import { planAdminAccount, type AdminAccountProblemCode, type AdminAccountSettings } from './admin-account.ts';
import {
  defaultTimedDeprovisioning,
  deprovisioningCountdown,
  dueAction,
  type DeprovisioningCountdown,
  type TimedDeprovisioningSettings,
} from './deprovisioning-schedule.ts';
import { readContractLines, compareText, type ContractLine, type MappedLine } from './contract-line.ts';
import { BACKUP_APPLICATION_ID, catalogItem, isBaseStorage, offeringItemCatalog, unitsToQuotaValue, type CatalogItem, type CatalogItemKey } from './offering-item-catalog.ts';
import { problem, type PlanProblem } from './plan-problem.ts';
import { indexProductMapping, validateProductMapping, type ProductMapping } from './product-mapping.ts';
import { operationKey } from './stable-key.ts';
import { unmanageableReason } from './tenant-access.ts';
import type { OfferingItem, OfferingItemChange, Quota, VendorTenant } from './vendor-model.ts';

export interface DeprovisioningSettings {
  zeroQuotas: boolean;
  disableTenant: boolean;
  deleteTenant: boolean;
}

/** The mode a new customer tenant is created in (the vendor's provisioning option; Production by default). */
export type TenantMode = 'trial' | 'production';

export interface ProvisioningSettings {
  automaticProvisioning: boolean;
  tenantMode: TenantMode;
  freeProvisioning: boolean;
  /** The storage enabled when a contract sells none; null = none chosen. */
  defaultStorageInfraId: string | null;
  mfaForNewCustomers: boolean;
  deprovisioning: DeprovisioningSettings;
  /** Disable / delete N / M days after the contract lapsed (deprovisioning-schedule.ts); both off by default. */
  timedDeprovisioning: TimedDeprovisioningSettings;
  adminAccount: AdminAccountSettings;
  /** Accept contracts mixing PAYG and prepaid lines (ConnectWise); refused otherwise (Autotask). */
  allowMixedBilling: boolean;
}

export const defaultProvisioningSettings: ProvisioningSettings = {
  automaticProvisioning: false,
  tenantMode: 'production',
  freeProvisioning: false,
  defaultStorageInfraId: null,
  mfaForNewCustomers: false,
  deprovisioning: { zeroQuotas: false, disableTenant: false, deleteTenant: false },
  timedDeprovisioning: defaultTimedDeprovisioning,
  adminAccount: { basedOn: 'primary_contact', activationEmail: null, password: 'activation_email' },
  allowMixedBilling: false,
};

export interface CompanySnapshot {
  id: string;
  name: string;
  primaryContact: { email: string | null; firstName: string | null; lastName: string | null } | null;
}

export type TenantSnapshot =
  | { state: 'not_mapped' }
  /** Mapped, but the tenant no longer exists on the vendor side. */
  | { state: 'missing'; tenantId: string }
  | {
      state: 'mapped';
      tenant: VendorTenant;
      /** False for self-service tenants and others the partner may not manage. */
      manageable: boolean;
      unmanageableReason?: string;
      /** Every offering item of the tenant, every edition. */
      items: readonly OfferingItem[];
    };

export interface ProvisioningInput {
  integrationId: string;
  /** The connection's partner tenant, parent of tenants the hub creates. */
  parentTenantId: string;
  company: CompanySnapshot;
  lines: readonly ContractLine[];
  mapping: ProductMapping;
  settings: ProvisioningSettings;
  tenant: TenantSnapshot;
  /** What the parent may give a customer (`available_for_child`). */
  availableForChild: readonly OfferingItem[];
  /** Storage names by infra id, so a person reads "storage \"EU Cloud\"", not a UUID; absent or unknown: the id. */
  storageNames?: ReadonlyMap<string, string>;
  /** When the company's timed-deprovisioning countdown started, as stored; null or absent = none. */
  lapsedAt?: string | null;
  /** Whether a manual admin password is stored (the plan never sees the password itself); absent = stored. */
  manualPasswordSet?: boolean;
  now: Date;
}

/** A tenant an operation acts on: one that exists, or the one a `create_tenant` of this plan makes. */
export type TenantRef = { kind: 'existing'; tenantId: string } | { kind: 'created'; createKey: string };

export type ItemReason =
  | 'contract_prepaid'
  | 'contract_payg'
  | 'free_unlimited'
  | 'free_zero'
  | 'default_storage'
  | 'advanced_without_standard'
  | 'deprovision_zero';

export interface ItemState {
  enabled: boolean;
  quota: Quota | null;
}

/** Why one item changes, for a person reading a dry run. */
export interface ItemDecision {
  name: string;
  infraId: string | null;
  reason: ItemReason;
  from: ItemState;
  to: ItemState;
  /** Contract lines behind a contract reason. */
  lineIds: string[];
}

export type ProvisioningOperation =
  | { kind: 'create_tenant'; key: string; parentId: string; name: string; companyId: string; pricingMode: TenantMode }
  | {
      kind: 'create_admin_user';
      key: string;
      tenant: TenantRef;
      /** A candidate; the apply step checks it is free and suffixes it when not. */
      login: string;
      email: string;
      firstName: string | null;
      lastName: string | null;
      role: 'company_admin';
      password: AdminAccountSettings['password'];
    }
  | { kind: 'enable_mfa'; key: string; tenant: TenantRef }
  | { kind: 'set_offering_items'; key: string; tenant: TenantRef; changes: OfferingItemChange[]; decisions: ItemDecision[] }
  | { kind: 'enable_tenant'; key: string; tenantId: string }
  | { kind: 'disable_tenant'; key: string; tenantId: string }
  | { kind: 'delete_tenant'; key: string; tenantId: string };

export interface ProvisioningPlan {
  companyId: string;
  operations: ProvisioningOperation[];
  problems: PlanProblem[];
  /** A mapped tenant's timed-deprovisioning countdown: what to store and show. Absent otherwise. */
  countdown?: DeprovisioningCountdown;
}

const UNLIMITED: Quota = { value: null, overage: null };
const ZERO: Quota = { value: 0, overage: 0 };

export function planProvisioning(input: ProvisioningInput): ProvisioningPlan {
  return planWith(input, NOTHING_DONE);
}

const NOTHING_DONE: ReadonlySet<string> = new Set();

/** `doneSteps`: new-customer steps the journal holds as done (see planUnfinishedNewCustomerSteps). */
function planWith(input: ProvisioningInput, doneSteps: ReadonlySet<string>): ProvisioningPlan {
  const { company, tenant, settings, integrationId } = input;
  const problems: PlanProblem[] = [];
  const done = (operations: ProvisioningOperation[] = []): ProvisioningPlan => ({ companyId: company.id, operations, problems });

  const validation = validateProductMapping(input.mapping);
  if (!validation.ok) {
    problems.push(
      problem('invalid_product_mapping', 'error', 'The product mapping has errors; no tenant is changed until they are fixed.', { companyId: company.id }),
      ...validation.problems,
    );
    return done();
  }

  // The tenant's own flag (self-service) or a refusal the loop recorded: one rule (tenant-access.ts).
  const unmanageable = tenant.state === 'mapped' ? unmanageableReason(tenant.tenant, tenant.manageable ? null : (tenant.unmanageableReason ?? 'the partner has no access to it')) : null;
  if (tenant.state === 'mapped' && unmanageable !== null) {
    problems.push(
      problem(
        'tenant_unmanageable',
        'warning',
        `Tenant "${tenant.tenant.name}" cannot be managed by the partner (${unmanageable}); it is never changed.`,
        { companyId: company.id, tenantId: tenant.tenant.id },
      ),
    );
    return done();
  }

  const reading = readContractLines(input.lines, indexProductMapping(input.mapping), input.now, { allowMixedBilling: settings.allowMixedBilling });
  problems.push(...reading.problems);
  const inEffect = reading.effective.length + reading.held.length > 0;

  if (tenant.state === 'missing') {
    if (inEffect) {
      problems.push(
        problem('tenant_missing', 'error', `Company "${company.name}" is mapped to tenant ${tenant.tenantId}, which no longer exists: remove the mapping or map it again.`, {
          companyId: company.id,
          tenantId: tenant.tenantId,
        }),
      );
    }
    return done();
  }

  if (tenant.state === 'not_mapped') {
    if (reading.effective.length === 0) return done();
    if (!settings.automaticProvisioning) {
      problems.push(
        problem(
          'not_mapped',
          'info',
          `Company "${company.name}" has a contract with mapped services but no customer tenant: map it, or turn automatic provisioning on.`,
          { companyId: company.id },
        ),
      );
      return done();
    }
    return done(planNewTenant(input, reading.effective, problems, doneSteps));
  }

  const countdown = deprovisioningCountdown({
    contractInEffect: inEffect,
    contractEnded: reading.ended.length > 0,
    lapsedAt: input.lapsedAt ?? null,
    settings: settings.timedDeprovisioning,
    now: input.now,
  });
  const withCountdown = (operations: ProvisioningOperation[] = []): ProvisioningPlan => ({ ...done(operations), countdown });

  if (!inEffect) {
    if (reading.ended.length === 0) return done();
    return withCountdown(planDeprovisioning(input, tenant.tenant, tenant.items, reading.ended, countdown, problems));
  }

  const operations: ProvisioningOperation[] = [];
  const ref: TenantRef = { kind: 'existing', tenantId: tenant.tenant.id };
  // The hub disables tenants when either deprovisioning option does; a contract back in effect then
  // enables the tenant again (a countdown's disable is undone when it is cancelled).
  if (!tenant.tenant.enabled && (settings.deprovisioning.disableTenant || settings.timedDeprovisioning.disable.enabled || settings.timedDeprovisioning.delete.enabled)) {
    operations.push({
      kind: 'enable_tenant',
      key: operationKey('enable_tenant', [integrationId, tenant.tenant.id], { version: tenant.tenant.version }),
      tenantId: tenant.tenant.id,
    });
  }
  const items = planItems(input, tenant.items, reading.effective, reading.held, problems);
  if (items.changes.length > 0) operations.push(setItemsOperation(integrationId, tenant.tenant.id, ref, items));
  return withCountdown(operations);
}

// ─── new tenant ────────────────────────────────────────────────────────────────────────────────

function planNewTenant(input: ProvisioningInput, effective: readonly MappedLine[], problems: PlanProblem[], doneSteps: ReadonlySet<string>): ProvisioningOperation[] {
  const { company, settings, integrationId } = input;
  const createKey = operationKey('create_tenant', [integrationId, company.id]);
  const ref: TenantRef = { kind: 'created', createKey };
  // No tenant without an admin account someone can use: the account is decided first.
  const steps = newCustomerSteps(input, ref, doneSteps);
  if ('problem' in steps) {
    problems.push(steps.problem);
    return [];
  }
  const operations: ProvisioningOperation[] = [
    { kind: 'create_tenant', key: createKey, parentId: input.parentTenantId, name: company.name, companyId: company.id, pricingMode: settings.tenantMode },
  ];
  const items = planItems(input, [], effective, [], problems);
  if (items.changes.length > 0) operations.push(setItemsOperation(integrationId, `company-${company.id}`, ref, items));
  operations.push(...steps.operations);
  return operations;
}

/** The plan-problem code of each reason an admin account cannot be made. */
const ADMIN_PROBLEM: Record<AdminAccountProblemCode, string> = {
  contact_missing: 'admin_contact_missing',
  contact_email_missing: 'admin_contact_missing',
  activation_email_missing: 'admin_email_missing',
  manual_password_missing: 'admin_password_missing',
};

/** The journal keys of a new customer's steps after its tenant: the admin user, and 2FA when set. */
export function newCustomerStepKeys(integrationId: string, companyId: string, mfa: boolean): string[] {
  const user = operationKey('create_admin_user', [integrationId, companyId]);
  return mfa ? [user, operationKey('enable_mfa', [integrationId, companyId])] : [user];
}

/**
 * A new customer's steps after its tenant: the admin user (the one rule: admin-account.ts), then 2FA
 * when set; those in `done` are left out (an admin user already made needs no account decision).
 */
function newCustomerSteps(input: ProvisioningInput, ref: TenantRef, done: ReadonlySet<string>): { operations: ProvisioningOperation[] } | { problem: PlanProblem } {
  const { company, settings, integrationId } = input;
  const [userKey, mfaKey] = newCustomerStepKeys(integrationId, company.id, true) as [string, string];
  const operations: ProvisioningOperation[] = [];
  if (!done.has(userKey)) {
    const decision = planAdminAccount(company, { ...settings.adminAccount, mfa: settings.mfaForNewCustomers }, { manualPasswordSet: input.manualPasswordSet ?? true, integrationId });
    if (!decision.ok) return { problem: problem(ADMIN_PROBLEM[decision.code], 'error', decision.message, { companyId: company.id }) };
    const { account } = decision;
    operations.push({
      kind: 'create_admin_user',
      key: userKey,
      tenant: ref,
      role: account.role,
      password: account.password,
      login: account.login,
      email: account.email,
      firstName: account.firstName,
      lastName: account.lastName,
    });
  }
  // After the user, so "all their users have it enabled" (seed 000 §5.3) covers the admin too.
  if (settings.mfaForNewCustomers && !done.has(mfaKey)) operations.push({ kind: 'enable_mfa', key: mfaKey, tenant: ref });
  return { operations };
}

const ADMIN_PROBLEM_CODES: ReadonlySet<string> = new Set(Object.values(ADMIN_PROBLEM));

/**
 * The new-customer steps of a tenant the hub created that never completed (a crash after the tenant
 * was made, a fault on the user call): the directory loop maps such a tenant back by its tag, after
 * which the planner sees an existing tenant and plans no "new customer" steps. They are planned here
 * on the existing tenant, as a new customer with this contract would get them, under their original
 * keys, except those the journal holds as done (`done`, looked up by `newCustomerStepKeys`). When no
 * admin account can be made, none is planned and the problem says why.
 */
export function planUnfinishedNewCustomerSteps(input: ProvisioningInput, tenantId: string, done: ReadonlySet<string>): { operations: ProvisioningOperation[]; problems: PlanProblem[] } {
  const keys = newCustomerStepKeys(input.integrationId, input.company.id, input.settings.mfaForNewCustomers);
  if (keys.every((k) => done.has(k))) return { operations: [], problems: [] };
  const fresh = planWith({ ...input, tenant: { state: 'not_mapped' }, settings: { ...input.settings, automaticProvisioning: true } }, done);
  const existing: TenantRef = { kind: 'existing', tenantId };
  return {
    operations: fresh.operations.flatMap((op): ProvisioningOperation[] => (op.kind === 'create_admin_user' || op.kind === 'enable_mfa' ? [{ ...op, tenant: existing }] : [])),
    problems: fresh.problems.filter((p) => ADMIN_PROBLEM_CODES.has(p.code)),
  };
}

// ─── deprovisioning ────────────────────────────────────────────────────────────────────────────

function planDeprovisioning(
  input: ProvisioningInput,
  tenant: VendorTenant,
  items: readonly OfferingItem[],
  ended: readonly MappedLine[],
  countdown: DeprovisioningCountdown,
  problems: PlanProblem[],
): ProvisioningOperation[] {
  const { deprovisioning } = input.settings;
  const { integrationId } = input;
  const context = { companyId: input.company.id, tenantId: tenant.id, lineIds: ended.map((m) => m.line.lineId).join(',') };
  const due = dueAction(countdown);
  if (deprovisioning.deleteTenant || due === 'delete') {
    return [{ kind: 'delete_tenant', key: operationKey('delete_tenant', [integrationId, tenant.id]), tenantId: tenant.id }];
  }
  if (countdown.next !== null) {
    const verb = countdown.next.action === 'disable' ? 'disabled' : 'deleted';
    problems.push(
      problem(
        'deprovisioning_scheduled',
        'info',
        `The contract of "${input.company.name}" has ended; its tenant will be ${verb} in ${countdown.next.daysLeft} day${countdown.next.daysLeft === 1 ? '' : 's'} (${countdown.next.dueAt.slice(0, 10)}) unless a contract with a mapped service is in effect again.`,
        { ...context, action: countdown.next.action, dueAt: countdown.next.dueAt, daysLeft: countdown.next.daysLeft },
      ),
    );
  }
  const disable = deprovisioning.disableTenant || due === 'disable';
  if (!deprovisioning.zeroQuotas && !disable) {
    if (countdown.state === 'none') {
      problems.push(problem('contract_ended', 'info', `The contract of "${input.company.name}" has ended; deprovisioning is off, so the tenant is left as it is.`, context));
    }
    return [];
  }
  const operations: ProvisioningOperation[] = [];
  if (deprovisioning.zeroQuotas) {
    const decisions: ItemDecision[] = [];
    for (const item of sortItems(items)) {
      if (!item.enabled || item.type === 'feature' || item.quota === null || quotaEquals(item.quota, ZERO)) continue;
      decisions.push({ name: item.name, infraId: item.infraId, reason: 'deprovision_zero', from: stateOf(item), to: { enabled: true, quota: ZERO }, lineIds: [] });
    }
    const changes = decisions.map((d) => toChange(d, items));
    if (changes.length > 0) operations.push(setItemsOperation(integrationId, tenant.id, { kind: 'existing', tenantId: tenant.id }, { changes, decisions }));
  }
  // Last: the vendor may refuse quota changes on a disabled tenant.
  if (disable && tenant.enabled) {
    operations.push({
      kind: 'disable_tenant',
      key: operationKey('disable_tenant', [integrationId, tenant.id], { version: tenant.version }),
      tenantId: tenant.id,
    });
  }
  return operations;
}

// ─── offering items ────────────────────────────────────────────────────────────────────────────

interface Slot {
  item: CatalogItem;
  infraId: string | null;
}

interface Sold {
  prepaidUnits: number;
  payg: boolean;
  lineIds: string[];
}

type Desired = { kind: 'untouched' } | { kind: 'set'; state: ItemState; reason: ItemReason; lineIds: string[] };

interface ItemsPlan {
  changes: OfferingItemChange[];
  decisions: ItemDecision[];
}

const slotId = (key: CatalogItemKey, infraId: string | null): string => `${key}|${infraId ?? ''}`;
const itemId = (name: string, infraId: string | null): string => `${name}|${infraId ?? ''}`;

function planItems(
  input: ProvisioningInput,
  current: readonly OfferingItem[],
  effective: readonly MappedLine[],
  held: readonly MappedLine[],
  problems: PlanProblem[],
): ItemsPlan {
  const { settings } = input;
  const currentById = new Map(current.map((i) => [itemId(i.name, i.infraId), i]));
  const offeredById = new Map(input.availableForChild.map((i) => [itemId(i.name, i.infraId), i]));

  const sold = new Map<string, Sold>();
  for (const { line, product } of effective) {
    for (const entry of product.entries) {
      const id = slotId(entry.itemKey, entry.infraId);
      const s = sold.get(id) ?? { prepaidUnits: 0, payg: false, lineIds: [] };
      if (line.billing === 'payg') s.payg = true;
      else s.prepaidUnits += line.quantity;
      s.lineIds.push(line.lineId);
      sold.set(id, s);
    }
  }
  const heldSlots = new Set(held.flatMap(({ product }) => product.entries.map((e) => slotId(e.itemKey, e.infraId))));

  const slots = slotsOf(input, current, sold);
  // The storage itself; a class or a geo-redundant copy sold alone does not give the customer a storage.
  const storageSold = slots.some((s) => isBaseStorage(s.item) && sold.has(slotId(s.item.key, s.infraId)));
  if (!storageSold && settings.defaultStorageInfraId === null && !current.some((i) => i.enabled && catalogItemIsStorage(i))) {
    problems.push(
      problem('no_default_storage', 'warning', 'The contract sells no storage and no default storage is chosen, so the customer gets no cloud storage.', {
        companyId: input.company.id,
      }),
    );
  }

  // 1. What each slot should be, under its chosen vendor name.
  const desired = new Map<string, { slot: Slot; name: string | null; want: Desired }>();
  for (const slot of slots) {
    const id = slotId(slot.item.key, slot.infraId);
    const name = vendorNameFor(slot, currentById, offeredById);
    const cur = name === null ? null : (currentById.get(itemId(name, slot.infraId)) ?? null);
    const from = cur === null ? { enabled: false, quota: null } : stateOf(cur);
    let want: Desired;
    const s = sold.get(id);
    if (heldSlots.has(id)) {
      want = { kind: 'untouched' };
    } else if (s !== undefined) {
      const quota = slot.item.type === 'feature' ? null : s.payg ? UNLIMITED : { value: unitsToQuotaValue(slot.item, s.prepaidUnits), overage: keptOverage(from) };
      want = { kind: 'set', state: { enabled: true, quota }, reason: s.payg ? 'contract_payg' : 'contract_prepaid', lineIds: [...s.lineIds] };
    } else if (isBaseStorage(slot.item) && !storageSold && slot.infraId !== null && slot.infraId === settings.defaultStorageInfraId) {
      want = { kind: 'set', state: { enabled: true, quota: settings.freeProvisioning ? UNLIMITED : ZERO }, reason: 'default_storage', lineIds: [] };
    } else {
      // Another storage is never switched on by the Free option: a customer has one storage.
      const mayEnable = !slot.item.perStorage || from.enabled;
      want = freeRule(slot.item, from, settings.freeProvisioning, mayEnable);
    }

    // 2. Switching on needs the parent to offer the item.
    if (want.kind === 'set' && want.state.enabled && !from.enabled && (name === null || !offeredById.has(itemId(name, slot.infraId)))) {
      if (want.reason === 'contract_prepaid' || want.reason === 'contract_payg' || want.reason === 'default_storage') {
        problems.push(
          problem('item_not_available', 'error', `${labelOf(slot, input.storageNames)} is sold to "${input.company.name}" but the partner tenant does not offer it to customers.`, {
            companyId: input.company.id,
            item: slot.item.key,
            infraId: slot.infraId,
            lineIds: want.lineIds.join(','),
          }),
        );
      }
      want = { kind: 'untouched' };
    }
    desired.set(id, { slot, name, want });
  }

  // 3. Advanced packs need a usable Standard item.
  const usable = (key: CatalogItemKey): boolean => {
    const d = desired.get(slotId(key, null));
    if (d === undefined) return false;
    if (d.want.kind === 'set') return isUsable(d.want.state);
    const cur = d.name === null ? undefined : currentById.get(itemId(d.name, null));
    return cur !== undefined && isUsable(stateOf(cur));
  };
  for (const d of desired.values()) {
    const { item } = d.slot;
    if (item.pack !== 'advanced' || d.want.kind !== 'set' || !isUsable(d.want.state)) continue;
    if (item.requiresAnyOf.some(usable)) continue;
    const standards = item.requiresAnyOf.map((k) => catalogItem(k).displayName).join(' or ');
    problems.push(
      problem(
        'advanced_without_standard',
        'error',
        `${item.displayName} is sold to "${input.company.name}" without ${standards}: an Advanced pack works only on top of its Standard item, so it is not provisioned.`,
        { companyId: input.company.id, item: item.key, requires: item.requiresAnyOf.join(','), lineIds: d.want.lineIds.join(',') },
      ),
    );
    const cur = d.name === null ? undefined : currentById.get(itemId(d.name, null));
    const fallback = freeRule(item, cur === undefined ? { enabled: false, quota: null } : stateOf(cur), false, false);
    d.want = fallback.kind === 'set' ? { ...fallback, reason: 'advanced_without_standard' } : fallback;
  }

  // 4. Only what differs.
  const decisions: ItemDecision[] = [];
  for (const { slot, name, want } of desired.values()) {
    if (want.kind === 'untouched' || name === null) continue;
    const cur = currentById.get(itemId(name, slot.infraId));
    const from = cur === undefined ? { enabled: false, quota: null } : stateOf(cur);
    if (!differs(slot.item, from, want.state)) continue;
    decisions.push({ name, infraId: slot.infraId, reason: want.reason, from, to: want.state, lineIds: want.lineIds });
  }
  decisions.sort((a, b) => compareText(itemId(a.name, a.infraId), itemId(b.name, b.infraId)));
  const known = [...current, ...input.availableForChild];
  return { changes: decisions.map((d) => toChange(d, known)), decisions };
}

/** Catalog items, one slot each; the per-storage item once per storage seen anywhere. */
function slotsOf(input: ProvisioningInput, current: readonly OfferingItem[], sold: ReadonlyMap<string, Sold>): Slot[] {
  const slots: Slot[] = [];
  for (const item of offeringItemCatalog) {
    if (!item.perStorage) {
      slots.push({ item, infraId: null });
      continue;
    }
    const infraIds = new Set<string>();
    for (const i of [...current, ...input.availableForChild]) if (i.infraId !== null && item.names.includes(i.name)) infraIds.add(i.infraId);
    for (const id of sold.keys()) if (id.startsWith(`${item.key}|`) && id.length > item.key.length + 1) infraIds.add(id.slice(item.key.length + 1));
    if (input.settings.defaultStorageInfraId !== null) infraIds.add(input.settings.defaultStorageInfraId);
    for (const infraId of [...infraIds].sort()) slots.push({ item, infraId });
  }
  return slots;
}

/** The enabled name on the tenant, else the first name the parent offers, else the first the tenant lists. */
function vendorNameFor(slot: Slot, current: ReadonlyMap<string, OfferingItem>, offered: ReadonlyMap<string, OfferingItem>): string | null {
  const names = slot.item.names;
  return (
    names.find((n) => current.get(itemId(n, slot.infraId))?.enabled === true) ??
    names.find((n) => offered.has(itemId(n, slot.infraId))) ??
    names.find((n) => current.has(itemId(n, slot.infraId))) ??
    null
  );
}

function freeRule(item: CatalogItem, from: ItemState, free: boolean, mayEnable: boolean): Desired {
  if (free) {
    if (!mayEnable && !from.enabled) return { kind: 'untouched' };
    return { kind: 'set', state: { enabled: true, quota: item.type === 'feature' ? null : UNLIMITED }, reason: 'free_unlimited', lineIds: [] };
  }
  if (item.type === 'feature') return { kind: 'set', state: { enabled: false, quota: null }, reason: 'free_zero', lineIds: [] };
  if (!from.enabled) return { kind: 'untouched' };
  return { kind: 'set', state: { enabled: true, quota: ZERO }, reason: 'free_zero', lineIds: [] };
}

function differs(item: CatalogItem, from: ItemState, to: ItemState): boolean {
  if (from.enabled !== to.enabled) return true;
  if (!to.enabled || item.type === 'feature' || to.quota === null) return false;
  return from.quota === null || !quotaEquals(from.quota, to.quota);
}

/** The overage a person set is kept; the zero quota's own overage (0) and "unlimited" are not a person's choice. */
function keptOverage(from: ItemState): number | null {
  if (!from.enabled || from.quota === null || from.quota.value === null || from.quota.value === 0) return null;
  return from.quota.overage;
}

function isUsable(state: ItemState): boolean {
  return state.enabled && (state.quota === null || state.quota.value !== 0);
}

function catalogItemIsStorage(item: OfferingItem): boolean {
  return item.infraId !== null && offeringItemCatalog.some((c) => isBaseStorage(c) && c.names.includes(item.name));
}

function labelOf(slot: Slot, storageNames: ReadonlyMap<string, string> | undefined): string {
  if (slot.infraId === null) return slot.item.displayName;
  const name = storageNames?.get(slot.infraId);
  return `${slot.item.displayName} (storage ${name === undefined ? slot.infraId : `"${name}"`})`;
}

function setItemsOperation(integrationId: string, keyScope: string, tenant: TenantRef, items: ItemsPlan): ProvisioningOperation {
  // The key pins both the observed state and the target state: the same intent from the same
  // observation is one operation; a later, different drift is another.
  const payload = items.decisions.map((d) => ({ name: d.name, infraId: d.infraId, from: d.from, to: d.to }));
  return {
    kind: 'set_offering_items',
    key: operationKey('set_offering_items', [integrationId, keyScope], payload),
    tenant,
    changes: items.changes,
    decisions: items.decisions,
  };
}

function toChange(decision: ItemDecision, known: readonly OfferingItem[]): OfferingItemChange {
  const source = known.find((i) => i.name === decision.name && i.infraId === decision.infraId);
  const change: OfferingItemChange = { applicationId: source?.applicationId ?? BACKUP_APPLICATION_ID, name: decision.name, enabled: decision.to.enabled };
  if (decision.infraId !== null) change.infraId = decision.infraId;
  if (decision.to.enabled && decision.to.quota !== null) change.quota = { ...decision.to.quota };
  return change;
}

function stateOf(item: OfferingItem): ItemState {
  return { enabled: item.enabled, quota: item.enabled && item.quota !== null ? { value: item.quota.value, overage: item.quota.overage } : null };
}

export function quotaEquals(a: Quota, b: Quota): boolean {
  return a.value === b.value && a.overage === b.overage;
}

function sortItems(items: readonly OfferingItem[]): OfferingItem[] {
  return [...items].sort((a, b) => compareText(itemId(a.name, a.infraId), itemId(b.name, b.infraId)));
}
