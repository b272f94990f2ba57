/**
 * The accounts-and-services pass of a billing platform (the "directory" loop of a billing-platform
 * integration): one account per customer tenant, one service per item the partner sells (storage per
 * storage location), then the integration is marked ready for mapping on the platform.
 *
 * Observe (both sides, in full: the platform's lists are the only proof of what exists there) →
 * plan (src/domain/billing-push-plan.ts) → apply through the journal. Account and service creation
 * is not idempotent on the platform, so a create whose answer was lost is never repeated blindly: the
 * journal entry stays, and the next attempt first lists the platform (`lookup`) and creates only what
 * is still missing.
 */
import { createHash } from 'node:crypto';
import { accountName, planAccountsAndServices, type PushTenant } from '../../domain/billing-push-plan.ts';
import { servicesForSoldItems, type ServiceSpec } from '../../domain/billing-services.ts';
import type { BillingAccount, BillingService } from '../../connectors/billing-ports.ts';
import { JournalInProgressError } from '../journal.ts';
import type { LoopOutcome, LoopRunOptions } from '../loop-result.ts';
import type { BillingRuntime } from './billing-runtime.ts';

export const ACCOUNT_BATCH = 100;
const LOOP = 'directory';

export interface AccountPushPlanItem {
  operation: 'create_account' | 'rename_account' | 'create_service' | 'update_service' | 'mark_ready_for_mapping';
  what: string;
}

export interface PushObservation {
  tenants: PushTenant[];
  specs: ServiceSpec[];
}

/** The customer tenants (deleted ones too) of every partner tenant, and the services for what the partners sell. */
export async function observeVendor(rt: BillingRuntime, signal?: AbortSignal): Promise<PushObservation> {
  const tenants: PushTenant[] = [];
  for await (const t of rt.vendor.listCustomerTenants({ parentId: rt.partnerTenantId, includeDeleted: true })) {
    signal?.throwIfAborted();
    if (t.kind !== 'customer') continue;
    tenants.push({ id: t.id, name: t.name, deleted: t.deletedAt !== null });
  }
  // What every partner tenant of the integration sells (the union: an item is sold when one partner
  // sells it), so the customers under each partner have their services.
  const perPartner = await Promise.all(rt.partners.map((p) => Promise.all([rt.vendor.getOfferingItems(p.tenantId), rt.vendor.listStorages(p.tenantId)])));
  const sold = new Map<string, { name: string; infraId: string | null; enabled: boolean }>();
  for (const [items] of perPartner) {
    for (const i of items) {
      const key = `${i.name}|${i.infraId ?? ''}`;
      sold.set(key, { name: i.name, infraId: i.infraId, enabled: i.enabled || (sold.get(key)?.enabled ?? false) });
    }
  }
  const specs = servicesForSoldItems([...sold.values()], new Map(perPartner.flatMap(([, storages]) => storages.map((s) => [s.id, s.name] as const))));
  return { tenants, specs };
}

const batchKey = (ids: readonly string[]) => createHash('sha256').update(ids.join('\n')).digest('hex').slice(0, 24);

export async function runAccountPush(rt: BillingRuntime, options: LoopRunOptions = {}): Promise<LoopOutcome<AccountPushPlanItem>> {
  const integrationId = rt.integration.id;
  const observed = await observeVendor(rt, options.signal);
  const [platformAccounts, platformServices] = await Promise.all([rt.platform.listAccounts(), rt.platform.listServices()]);
  const plan = planAccountsAndServices({ tenants: observed.tenants, platformAccounts, specs: observed.specs, platformServices });
  const items: AccountPushPlanItem[] = [
    ...plan.createAccounts.map((a) => ({ operation: 'create_account' as const, what: `account "${a.name}" (${a.id})` })),
    ...plan.renameAccounts.map((a) => ({ operation: 'rename_account' as const, what: `account "${a.from}" → "${a.name}"` })),
    ...plan.createServices.map((s) => ({ operation: 'create_service' as const, what: `service "${s.name}"` })),
    ...plan.updateServices.map((u) => ({ operation: 'update_service' as const, what: `description of service "${u.spec.name}"` })),
  ];
  const stats = {
    tenants: observed.tenants.length,
    accountsCreated: 0,
    accountsRenamed: 0,
    servicesCreated: 0,
    servicesUpdated: 0,
    skippedInProgress: 0,
    status: '',
  };
  if (options.dryRun === true) return { loop: LOOP, dryRun: true, stats: { ...stats, planned: items.length }, plan: items };

  // Accounts: in batches (the platform takes an array), each batch one journal operation.
  const listedIds = new Set(platformAccounts.map((a) => a.id));
  for (let i = 0; i < plan.createAccounts.length; i += ACCOUNT_BATCH) {
    options.signal?.throwIfAborted();
    const batch: BillingAccount[] = plan.createAccounts.slice(i, i + ACCOUNT_BATCH);
    let missing = batch;
    try {
      await rt.journal.run(
        { integrationId, loop: LOOP, operation: 'create_accounts', idempotencyKey: `billing_accounts:${batchKey(batch.map((a) => a.id))}`, payload: { ids: batch.map((a) => a.id) } },
        {
          // After a crash or a lost answer: what of the batch the platform already has is not created again.
          lookup: async () => {
            const now = new Set((await rt.platform.listAccounts()).map((a) => a.id));
            missing = batch.filter((a) => !now.has(a.id));
            return missing.length === 0 ? batch.map((a) => a.id).join(',').slice(0, 200) : null;
          },
          perform: async () => {
            await rt.platform.createAccounts(missing);
            return missing.map((a) => a.id).join(',').slice(0, 200);
          },
        },
      );
    } catch (error) {
      if (error instanceof JournalInProgressError) {
        stats.skippedInProgress += batch.length;
        continue;
      }
      throw error;
    }
    for (const a of batch) listedIds.add(a.id);
    stats.accountsCreated += missing.length;
  }
  for (const r of plan.renameAccounts) {
    options.signal?.throwIfAborted();
    await rt.platform.updateAccount(r.id, { name: r.name });
    stats.accountsRenamed++;
  }
  const tenantsById = new Map(observed.tenants.map((t) => [t.id, t]));
  await rt.pushed.putAccounts(
    integrationId,
    [...listedIds].flatMap((id) => {
      const t = tenantsById.get(id);
      return t === undefined ? [] : [{ accountId: id, name: accountName(t), deleted: t.deleted }];
    }),
  );

  // Services: one journal operation each, looked up by name after a crash.
  const serviceIds = new Map(plan.serviceIds);
  for (const spec of plan.createServices) {
    options.signal?.throwIfAborted();
    try {
      const { externalId } = await rt.journal.run(
        { integrationId, loop: LOOP, operation: 'create_service', idempotencyKey: `billing_service:${spec.name}`, payload: { name: spec.name, kind: spec.kind } },
        {
          lookup: async () => (await rt.platform.listServices()).find((s: BillingService) => s.name === spec.name)?.id ?? null,
          perform: async () => (await rt.platform.createService({ name: spec.name, description: spec.description, kind: spec.kind })).id,
        },
      );
      serviceIds.set(spec.key, externalId);
      stats.servicesCreated++;
    } catch (error) {
      if (error instanceof JournalInProgressError) {
        stats.skippedInProgress++;
        continue;
      }
      throw error;
    }
  }
  for (const u of plan.updateServices) {
    options.signal?.throwIfAborted();
    await rt.platform.updateService(u.id, { description: u.spec.description });
    stats.servicesUpdated++;
  }
  await rt.pushed.putServices(
    integrationId,
    observed.specs.flatMap((spec) => {
      const externalId = serviceIds.get(spec.key);
      return externalId === undefined ? [] : [{ serviceKey: spec.key, externalId, name: spec.name, unit: spec.unit, storage: spec.unit === 'GB' }];
    }),
  );

  // Mapping opens on the platform once there is something to map.
  if (listedIds.size > 0 && serviceIds.size > 0) {
    const state = await rt.platform.markReadyForMapping();
    stats.status = state.platformStatus;
  }
  return { loop: LOOP, dryRun: false, stats, plan: items };
}
