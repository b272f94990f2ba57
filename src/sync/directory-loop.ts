/**
 * Directory loop: target companies and vendor customer tenants → the `mappings` rows.
 *
 * Observe: companies changed since the cursor (all of them on the full pass), customer tenants
 * changed since theirs (snapshots). Plan: src/domain/directory-plan.ts (suggestions, restored mappings, failed
 * mappings whose tenant is gone). Apply: the store only; nothing is written to either external side.
 * States a person set are kept: only `not_mapped` companies get suggestions.
 */
import type { TargetCompany, VendorTenant } from '../connectors/ports.ts';
import { isConnectorError } from '../connectors/kit/errors.ts';
import { isUniqueViolation, StoreError } from '../store/errors.ts';
import type { IntegrationRuntime } from './integration-runtime.ts';
import { planDirectory, type DirectoryChange, type KnownCompany, type SeenTenant } from '../domain/directory-plan.ts';
import type { LoopOutcome, LoopRunOptions } from './loop-result.ts';
import { CURSOR_OVERLAP_MS, fullPassDue, recordFullPass, refreshTenants } from './observe.ts';

export const DIRECTORY_LOOP = 'directory';
const COMPANIES_CURSOR = 'target-companies';
const FLUSH = 500;

export async function runDirectoryLoop(rt: IntegrationRuntime, options: LoopRunOptions = {}): Promise<LoopOutcome<DirectoryChange>> {
  const dryRun = options.dryRun ?? false;
  const integrationId = rt.integration.id;
  const startedAt = rt.clock();
  const full = options.full === true || (await fullPassDue(rt, DIRECTORY_LOOP));
  const observe = { full, dryRun, loop: DIRECTORY_LOOP, ...(options.signal ? { signal: options.signal } : {}), ...(options.progress ? { progress: options.progress } : {}) };

  // ── observe: companies ──
  const cursorStart = new Date(startedAt.getTime() - CURSOR_OVERLAP_MS).toISOString();
  const updatedSince = full ? undefined : await rt.cursors.get(integrationId, COMPANIES_CURSOR);
  const known = new Map((await rt.store.repos.mappings.list(integrationId)).map((m) => [m.companyId, m]));
  const seen = new Set<string>();
  let buffer: TargetCompany[] = [];
  let newCompanies = 0;
  const flush = async () => {
    if (!dryRun && buffer.length > 0) await rt.store.repos.mappings.upsertCompanies(integrationId, buffer.map((c) => ({ companyId: c.id, companyName: c.name })));
    buffer = [];
  };
  for await (const company of rt.target.directory.listCompanies(updatedSince === undefined ? {} : { updatedSince })) {
    options.signal?.throwIfAborted();
    seen.add(company.id);
    const before = known.get(company.id);
    if (before === undefined) newCompanies += 1;
    if (before === undefined || before.companyName !== company.name) buffer.push(company);
    if (buffer.length >= FLUSH) {
      await flush();
      options.progress?.({ loop: DIRECTORY_LOOP, phase: 'companies', done: seen.size });
    }
  }
  await flush();

  // ── observe: tenants ──
  const tenantsSeen = await refreshTenants(rt, observe);

  // ── plan ──
  const companies: KnownCompany[] = dryRun
    ? [
        ...[...known.values()].map(toKnown),
        ...[...seen].filter((id) => !known.has(id)).map((id) => ({ companyId: id, companyName: id, state: 'not_mapped' as const, tenantId: null, error: null, unlinkedAt: null })),
      ]
    : (await rt.store.repos.mappings.list(integrationId)).map(toKnown);
  const snapshot = await rt.snapshots.listTenants<VendorTenant>(integrationId);
  const tenants: SeenTenant[] = snapshot.map((row) => ({ tenant: row.data, gone: false }));
  const live = new Set(tenants.map((t) => t.tenant.id));
  // Mapped tenants the listing does not show: deleted ones are in the snapshot as such; others
  // (never listed: another partner's, or removed before we saw them) are asked for one by one.
  const unknown = companies.filter((c) => c.tenantId !== null && c.state !== 'not_mapped' && !live.has(c.tenantId)).map((c) => c.tenantId as string);
  const deletedRows = await rt.snapshots.getTenants<VendorTenant, never>(integrationId, unknown);
  for (const tenantId of unknown) {
    const row = deletedRows.get(tenantId);
    if (row !== undefined) {
      tenants.push({ tenant: row.data, gone: true });
      continue;
    }
    try {
      const tenant = await rt.vendor.getTenant(tenantId);
      tenants.push({ tenant, gone: tenant.deletedAt !== null || tenant.kind !== 'customer' });
    } catch (error) {
      if (!isConnectorError(error, 'not_found')) throw error;
      tenants.push({ tenant: { id: tenantId, name: tenantId, customerId: null, internalTag: null }, gone: true });
    }
  }
  const plan = planDirectory(integrationId, companies, tenants);
  const readRows = new Map(companies.map((c) => [c.companyId, { tenantId: c.tenantId, state: c.state, unlinkedAt: c.unlinkedAt }]));

  // ── apply (store only) ──
  let mapped = 0;
  let suggested = 0;
  let failed = 0;
  let conflicts = 0;
  if (!dryRun) {
    for (const change of plan) {
      if (change.kind === 'fail') {
        await rt.store.repos.mappings.setState(integrationId, change.companyId, 'failed', change.error);
        failed += 1;
        continue;
      }
      try {
        // Only if the row is still as planned: a person's map or unlink meanwhile wins.
        const read = readRows.get(change.companyId);
        const written =
          read === undefined
            ? undefined
            : await rt.store.repos.mappings.mapIfUnchanged(integrationId, change.companyId, read, { tenantId: change.tenantId, tenantName: change.tenantName, state: change.state });
        if (written === undefined) {
          conflicts += 1;
          continue;
        }
        if (change.state === 'mapped') mapped += 1;
        else suggested += 1;
      } catch (error) {
        // A person mapped the tenant meanwhile: theirs wins.
        if ((error instanceof StoreError && error.code === 'mapping_conflict') || isUniqueViolation(error)) conflicts += 1;
        else throw error;
      }
    }
    if (updatedSince !== undefined || full) await rt.cursors.advance(integrationId, COMPANIES_CURSOR, cursorStart);
    if (full) await recordFullPass(rt, DIRECTORY_LOOP, startedAt, dryRun);
  }
  return {
    loop: DIRECTORY_LOOP,
    dryRun,
    plan,
    stats: {
      full,
      companiesSeen: seen.size,
      newCompanies,
      tenantsSeen: tenantsSeen.seen,
      tenantsDeleted: tenantsSeen.deleted,
      planned: plan.length,
      mapped,
      suggested,
      failed,
      conflicts,
    },
  };
}

function toKnown(m: { companyId: string; companyName: string; state: KnownCompany['state']; tenantId: string | null; error: string | null; unlinkedAt: string | null }): KnownCompany {
  return { companyId: m.companyId, companyName: m.companyName, state: m.state, tenantId: m.tenantId, error: m.error, unlinkedAt: m.unlinkedAt };
}
