/**
 * Observation shared by the loops: each refresher reads one side incrementally by its cursor (or
 * completely on a full pass) and folds what it saw into the snapshots (sync-snapshots repository),
 * so a plan can be made for every company from what is known, while API calls grow with changes.
 *
 * Cursors are the instant the listing started, less an overlap (clocks of the hub and the remote
 * system differ; re-reading a few changes is harmless, since loops are level-triggered). They are
 * advanced only after the listing completed and were folded in, and never in a dry run.
 */
import type { OfferingItem, TargetContract, VendorTenant } from '../connectors/ports.ts';
import type { IntegrationRuntime } from './integration-runtime.ts';

export const CURSOR_OVERLAP_MS = 5 * 60_000;
const FLUSH = 200;

export type Progress = (event: { loop: string; phase: string; done: number; total?: number }) => void;

export interface ObserveOptions {
  full: boolean;
  dryRun: boolean;
  signal?: AbortSignal;
  progress?: Progress;
  loop: string;
}

const cursorStart = (rt: IntegrationRuntime): string => new Date(rt.clock().getTime() - CURSOR_OVERLAP_MS).toISOString();

async function since(rt: IntegrationRuntime, key: string, full: boolean): Promise<string | undefined> {
  return full ? undefined : rt.cursors.get(rt.integration.id, key);
}

async function advance(rt: IntegrationRuntime, key: string, value: string, dryRun: boolean): Promise<void> {
  if (!dryRun) await rt.cursors.advance(rt.integration.id, key, value);
}

/** Whether the loop's periodic full pass is due (never done, or older than `fullPassEveryHours`). */
export async function fullPassDue(rt: IntegrationRuntime, loop: string): Promise<boolean> {
  const last = await rt.cursors.get(rt.integration.id, `${loop}:full-pass`);
  if (last === undefined) return true;
  const { fullPassEveryHours } = await rt.settings.read(rt.integration.id, 'schedule');
  return rt.clock().getTime() - Date.parse(last) >= fullPassEveryHours * 3_600_000;
}

export async function recordFullPass(rt: IntegrationRuntime, loop: string, startedAt: Date, dryRun: boolean): Promise<void> {
  if (!dryRun) await rt.cursors.set(rt.integration.id, `${loop}:full-pass`, startedAt.toISOString());
}

/** Customer tenants of the connection → snapshots. A full pass also marks tenants no longer listed as deleted. */
export async function refreshTenants(rt: IntegrationRuntime, options: ObserveOptions): Promise<{ seen: number; deleted: number }> {
  const key = 'vendor-tenants';
  const start = cursorStart(rt);
  const updatedSince = await since(rt, key, options.full);
  const full = updatedSince === undefined;
  const seen = new Set<string>();
  let buffer: VendorTenant[] = [];
  let deleted = 0;
  const flush = async () => {
    await rt.snapshots.upsertTenants(
      rt.integration.id,
      buffer.map((t) => ({ tenantId: t.id, name: t.name, data: t, deleted: t.deletedAt !== null })),
    );
    buffer = [];
  };
  for await (const tenant of rt.vendor.listCustomerTenants({ parentId: rt.partnerTenantId, ...(full ? {} : { updatedSince, includeDeleted: true }) })) {
    options.signal?.throwIfAborted();
    seen.add(tenant.id);
    if (tenant.deletedAt !== null) deleted += 1;
    buffer.push(tenant);
    if (buffer.length >= FLUSH) {
      await flush();
      options.progress?.({ loop: options.loop, phase: 'customer tenants', done: seen.size });
    }
  }
  await flush();
  if (full) {
    // A partner that could not be read listed nothing: its tenants are not gone, keep them.
    const unread = new Set(rt.partnerFailuresSince(new Date(Date.parse(start) + CURSOR_OVERLAP_MS)).map((f) => f.connectionId));
    if (unread.size > 0) {
      for (const row of await rt.snapshots.listTenants<VendorTenant>(rt.integration.id)) if (unread.has(row.data?.partnerConnectionId ?? '')) seen.add(row.tenantId);
    }
    deleted += await rt.snapshots.markTenantsDeletedExcept(rt.integration.id, seen);
  }
  await advance(rt, key, start, options.dryRun);
  return { seen: seen.size, deleted };
}

/**
 * Offering items of every tenant under the partner, in one subtree listing (changed items only
 * after the first pass). Items come grouped by tenant: an incremental pass merges the changed items
 * into the tenant's known ones; a full pass replaces them.
 */
export async function refreshOfferingItems(rt: IntegrationRuntime, options: ObserveOptions): Promise<{ tenants: number; items: number }> {
  const key = 'vendor-offering-items';
  const start = cursorStart(rt);
  const updatedSince = await since(rt, key, options.full);
  const full = updatedSince === undefined;
  const changed = new Map<string, OfferingItem[]>();
  let items = 0;
  let tenants = 0;
  const flush = async () => {
    if (changed.size === 0) return;
    const entries = [...changed];
    changed.clear();
    let merged = entries.map(([tenantId, list]) => ({ tenantId, items: list as unknown[] }));
    if (!full) {
      const known = await rt.snapshots.getTenants<VendorTenant, OfferingItem>(
        rt.integration.id,
        entries.map(([id]) => id),
      );
      merged = entries.map(([tenantId, list]) => ({ tenantId, items: mergeItems(known.get(tenantId)?.items ?? null, list) }));
    }
    await rt.snapshots.setTenantItems(rt.integration.id, merged);
  };
  let current: string | undefined;
  for await (const entry of rt.vendor.listOfferingItems({ subtreeRootId: rt.partnerTenantId, ...(full ? {} : { updatedSince }) })) {
    options.signal?.throwIfAborted();
    if (entry.tenantId !== current) {
      current = entry.tenantId;
      tenants += 1;
      if (changed.size >= FLUSH) {
        await flush();
        options.progress?.({ loop: options.loop, phase: 'offering items', done: tenants });
      }
    }
    const list = changed.get(entry.tenantId) ?? [];
    list.push(entry.item);
    changed.set(entry.tenantId, list);
    items += 1;
  }
  await flush();
  await advance(rt, key, start, options.dryRun);
  return { tenants, items };
}

/** Known items with the changed ones replaced (by name and storage); null when nothing is known (then the change is all we have). */
function mergeItems(known: readonly OfferingItem[] | null, changed: readonly OfferingItem[]): OfferingItem[] {
  if (known === null) return [...changed];
  const id = (i: OfferingItem) => `${i.applicationId}|${i.name}|${i.infraId ?? ''}`;
  const byId = new Map(known.map((i) => [id(i), i]));
  for (const item of changed) byId.set(id(item), item);
  return [...byId.values()];
}

/** Contracts with their lines → snapshots; a full pass forgets contracts no longer listed. */
export async function refreshContracts(rt: IntegrationRuntime, options: ObserveOptions & { companyIds?: readonly string[] }): Promise<{ contracts: number; forgotten: number }> {
  const contracts = rt.target.contracts;
  if (contracts === undefined) return { contracts: 0, forgotten: 0 };
  const key = 'target-contracts';
  const start = cursorStart(rt);
  const scoped = options.companyIds !== undefined;
  const updatedSince = scoped ? undefined : await since(rt, key, options.full);
  const full = !scoped && updatedSince === undefined;
  const seen = new Set<string>();
  let buffer: TargetContract[] = [];
  const flush = async () => {
    await rt.snapshots.upsertContracts(
      rt.integration.id,
      buffer.map((c) => ({ contractId: c.id, companyId: c.companyId, data: c })),
    );
    buffer = [];
  };
  if (scoped && options.companyIds!.length === 0) return { contracts: 0, forgotten: 0 };
  for await (const contract of contracts.listContracts({
    at: rt.clock(),
    ...(updatedSince === undefined ? {} : { updatedSince }),
    ...(scoped ? { companyIds: options.companyIds } : {}),
  })) {
    options.signal?.throwIfAborted();
    seen.add(contract.id);
    buffer.push(contract);
    if (buffer.length >= FLUSH) {
      await flush();
      options.progress?.({ loop: options.loop, phase: 'contracts', done: seen.size });
    }
  }
  await flush();
  const forgotten = full ? await rt.snapshots.deleteContractsExcept(rt.integration.id, seen) : 0;
  if (!scoped) await advance(rt, key, start, options.dryRun);
  return { contracts: seen.size, forgotten };
}
