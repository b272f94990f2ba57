/**
 * Customer mapping actions, the same for every target (seed 001 "Mapping CloudBlue PSA Customers",
 * seed 002's "ready for mapping" + "apply mapping"): map to an existing tenant; map to a new tenant (created in
 * the background); unlink; apply a proposed (`ready`) pair; bulk versions of each. Every action is
 * audit-logged with the person who did it.
 *
 * Rules:
 * - one tenant maps to one company: the unique index decides; the refusal names the company that holds it;
 * - a tenant the partner may not manage (self-service: `ancestralAccess` false; or a refusal the
 *   provisioning loop recorded) is shown as not manageable and never changed: mapping to it is
 *   refused with the reason (one rule: src/domain/tenant-access.ts);
 * - unlinking touches only the mapping row: tickets already created stay as they are; it is recorded
 *   as a decision (`unlinkedAt`), so no automatic rule maps the company again until a person does;
 * - "map to new" answers at once ("The mapping has been saved"): the request records the intent as a
 *   pending journal operation (the tenant's idempotency key), and the mapping job
 *   (mapping-job.ts, loop `mappings`) creates the tenant, its admin account and 2FA, each step
 *   through the journal, then maps the company. A crash at any point resumes with a lookup, so no
 *   second tenant or user is made;
 */
import { randomUUID } from 'node:crypto';
import type { VendorTenant } from '../connectors/ports.ts';
import { ConnectorError, isConnectorError } from '../connectors/kit/errors.ts';
import type { MappingState } from '../domain/mapping-state.ts';
import { unmanageableReason } from '../domain/tenant-access.ts';
import { StoreError } from '../store/errors.ts';
import { SecretError } from '../secrets/errors.ts';
import type { Mapping } from '../store/repositories/mappings.ts';
import type { IntegrationRuntime } from './integration-runtime.ts';
import { MappingActionError } from './mapping-error.ts';
import { cancelIntents, CANCELLED, companyOf, createKeyOf, MAPPINGS_LOOP, openIntents, REQUESTED_AGAIN } from './mapping-intents.ts';
import { STATE_LABELS } from './mapping-list.ts';

export const MAPPING_SAVED = 'The mapping has been saved';

async function knownCompany(rt: IntegrationRuntime, companyId: string): Promise<Mapping> {
  const integrationId = rt.integration.id;
  let m = await rt.store.repos.mappings.get(integrationId, companyId);
  if (m === undefined) {
    const company = await rt.target.directory.getCompany(companyId);
    if (company === null) throw new MappingActionError('company_not_found', `There is no company ${companyId} in ${rt.integration.target}`, { companyId });
    await rt.store.repos.mappings.upsertCompanies(integrationId, [{ companyId: company.id, companyName: company.name }]);
    m = await rt.store.repos.mappings.get(integrationId, companyId);
  }
  return m as Mapping;
}

export async function audit(rt: IntegrationRuntime, actor: string, action: string, details: Record<string, unknown>): Promise<void> {
  await rt.store.repos.auditLog.record({ actor, action, subjectType: 'integration', subjectId: rt.integration.id, details });
}

/** The customer tenant `tenantId`, checked as a mapping target: exists, is a customer, may be managed. */
async function mappableTenant(rt: IntegrationRuntime, tenantId: string): Promise<VendorTenant> {
  let tenant: VendorTenant;
  try {
    tenant = await rt.vendor.getTenant(tenantId);
  } catch (error) {
    if (isConnectorError(error, 'not_found') || isConnectorError(error, 'forbidden')) {
      throw new MappingActionError('tenant_not_found', `There is no customer tenant ${tenantId} under this connection's partner`, { tenantId });
    }
    throw error;
  }
  if (tenant.deletedAt !== null) throw new MappingActionError('tenant_not_found', `Tenant "${tenant.name}" (${tenantId}) was deleted`, { tenantId });
  if (tenant.kind !== 'customer') throw new MappingActionError('not_a_customer_tenant', `"${tenant.name}" is a ${tenant.kind} tenant; only customer tenants can be mapped`, { tenantId });
  await rt.snapshots.upsertTenants(rt.integration.id, [{ tenantId: tenant.id, name: tenant.name, data: tenant, deleted: false }]);
  const recorded = (await rt.snapshots.getTenants<VendorTenant, never>(rt.integration.id, [tenant.id])).get(tenant.id)?.unmanageable ?? null;
  const reason = unmanageableReason(tenant, recorded);
  if (reason !== null) {
    throw new MappingActionError('tenant_unmanageable', `Tenant "${tenant.name}" cannot be managed by the integration (${reason}); it is not changed.`, { tenantId });
  }
  return tenant;
}

async function holderConflict(rt: IntegrationRuntime, companyId: string, tenant: { id: string; name: string }): Promise<void> {
  const holder = await rt.store.repos.mappings.getByTenant(rt.integration.id, tenant.id);
  if (holder !== undefined && holder.companyId !== companyId && holder.state !== 'not_mapped') {
    throw new MappingActionError(
      'tenant_already_mapped',
      `Tenant "${tenant.name}" is already mapped to "${holder.companyName}"; a tenant maps to one company only: unlink it from "${holder.companyName}" first.`,
      { tenantId: tenant.id, mappedTo: holder.companyId, mappedToName: holder.companyName },
    );
  }
}

/** Stores the mapping; with `expected`, only if the row is still in that state (undefined when it is not). */
async function storeMapping(rt: IntegrationRuntime, companyId: string, tenant: VendorTenant, state: 'ready' | 'mapped', expected?: Mapping): Promise<Mapping | undefined> {
  const repo = rt.store.repos.mappings;
  const value = { tenantId: tenant.id, tenantName: tenant.name, state };
  try {
    return expected === undefined ? await repo.map(rt.integration.id, companyId, value) : await repo.mapIfUnchanged(rt.integration.id, companyId, expected, value);
  } catch (error) {
    if (error instanceof StoreError && error.code === 'mapping_conflict') {
      await holderConflict(rt, companyId, tenant);
    }
    throw error;
  }
}

export interface ActionResult {
  companyId: string;
  companyName: string;
  state: MappingState;
  tenantId: string | null;
  tenantName: string | null;
  message: string;
  pending?: boolean;
}

const resultOf = (m: Mapping, message: string, pending = false): ActionResult => ({
  companyId: m.companyId,
  companyName: m.companyName,
  state: m.state,
  tenantId: m.tenantId,
  tenantName: m.tenantName,
  message,
  ...(pending ? { pending } : {}),
});

/** Maps the company to an existing customer tenant (replacing an earlier tenant of the company). */
export async function mapToExisting(
  rt: IntegrationRuntime,
  actor: string,
  companyId: string,
  tenantId: string,
  options: { state?: 'ready' | 'mapped'; via?: string; onlyIfUnmapped?: boolean } = {},
): Promise<ActionResult> {
  const before = await knownCompany(rt, companyId);
  // Automatic proposals never replace what a person (or an earlier proposal) decided, nor undo a
  // person's unlink; the write itself is conditional on the row read here (see below).
  const automatic = options.onlyIfUnmapped === true;
  const refuse = (why: string) => new MappingActionError('company_already_mapped', `"${before.companyName}" ${why}; the proposal is not stored`, { companyId });
  if (automatic) {
    if (before.tenantId !== null && before.state !== 'not_mapped') throw refuse('is mapped already');
    if (before.unlinkedAt !== null) throw refuse('was unlinked by a person');
  }
  const tenant = await mappableTenant(rt, tenantId);
  await holderConflict(rt, companyId, tenant);
  let m: Mapping;
  if (automatic) {
    if ((await openIntents(rt)).some((e) => companyOf(e) === companyId)) {
      throw new MappingActionError('company_already_mapped', 'a new tenant is being created for this company; the proposal is not stored', { companyId });
    }
    // Only if the row is still as read above: a person's mapping or unlink meanwhile wins.
    const written = await storeMapping(rt, companyId, tenant, options.state ?? 'mapped', before);
    if (written === undefined) throw refuse('was changed by someone else meanwhile');
    m = written;
  } else {
    await cancelIntents(rt, companyId);
    m = (await storeMapping(rt, companyId, tenant, options.state ?? 'mapped')) as Mapping;
  }
  await audit(rt, actor, options.state === 'ready' ? 'mapping.propose' : 'mapping.map', {
    companyId,
    companyName: m.companyName,
    tenantId: tenant.id,
    tenantName: tenant.name,
    previousTenantId: before.tenantId,
    ...(options.via === undefined ? {} : { via: options.via }),
  });
  return resultOf(m, options.state === 'ready' ? `"${m.companyName}" is ready for mapping to "${tenant.name}"` : `"${m.companyName}" is mapped to "${tenant.name}"`);
}

/** A proposed (`ready`) pair becomes `mapped` (seed 002 "apply mapping"). */
export async function applyMapping(rt: IntegrationRuntime, actor: string, companyId: string): Promise<ActionResult> {
  const m = await knownCompany(rt, companyId);
  if (m.state !== 'ready' || m.tenantId === null) {
    throw new MappingActionError('not_ready', `"${m.companyName}" has no proposed tenant to apply (it is ${STATE_LABELS[m.state].toLowerCase()})`, { companyId });
  }
  return mapToExisting(rt, actor, companyId, m.tenantId, { via: 'apply' });
}

/** Removes the tenant from the mapping. Tickets already created are not touched; nothing is written to either side. */
export async function unlink(rt: IntegrationRuntime, actor: string, companyId: string): Promise<ActionResult> {
  const m = await knownCompany(rt, companyId);
  const cancelled = await cancelIntents(rt, companyId);
  // A decision: the automatic matching leaves the company alone until a person maps it again.
  await rt.store.repos.mappings.unmap(rt.integration.id, companyId, { byPerson: true });
  await audit(rt, actor, 'mapping.unlink', { companyId, companyName: m.companyName, tenantId: m.tenantId, tenantName: m.tenantName, cancelledCreations: cancelled });
  const after = (await rt.store.repos.mappings.get(rt.integration.id, companyId)) as Mapping;
  return resultOf(after, m.tenantId === null && cancelled === 0 ? `"${m.companyName}" was not mapped` : `"${m.companyName}" is unlinked`);
}

/**
 * Records the intent and answers at once; the mapping job creates the tenant. Refused when the
 * company is mapped already (unlink first). Asking twice is harmless: the same intent is kept.
 */
export async function mapToNew(rt: IntegrationRuntime, actor: string, companyId: string): Promise<ActionResult> {
  const integrationId = rt.integration.id;
  const m = await knownCompany(rt, companyId);
  if (m.tenantId !== null && (m.state === 'mapped' || m.state === 'ready')) {
    throw new MappingActionError('company_already_mapped', `"${m.companyName}" is already ${m.state === 'ready' ? 'proposed for' : 'mapped to'} "${m.tenantName ?? m.tenantId}": unlink it first to give it a new tenant.`, { companyId });
  }
  // Asking for a new tenant is a person mapping the company again: an earlier unlink no longer holds.
  if (m.unlinkedAt !== null) await rt.store.repos.mappings.clearUnlinked(integrationId, companyId);
  const journal = rt.store.repos.journal;
  // The first generation whose tenant is not known to be gone or cancelled.
  for (let generation = 1; generation <= 100; generation += 1) {
    const key = createKeyOf(integrationId, companyId, generation);
    const entry = await journal.getByKey(integrationId, key);
    if (entry !== undefined && entry.state === 'done') {
      if (entry.externalId === CANCELLED || entry.externalId === null) continue;
      // A tenant created earlier for this company (e.g. before an unlink): map it again if it is still there.
      try {
        const tenant = await rt.vendor.getTenant(entry.externalId);
        if (tenant.deletedAt !== null) continue;
      } catch (error) {
        if (isConnectorError(error, 'not_found')) continue;
        throw error;
      }
      const open = (await openIntents(rt)).some((e) => companyOf(e) === companyId);
      if (!open) {
        const again = await mapToExisting(rt, actor, companyId, entry.externalId, { via: 'map to new: the tenant created for this company earlier' });
        return { ...again, message: `${MAPPING_SAVED}: the tenant created for it earlier, "${again.tenantName ?? again.tenantId}", is mapped again` };
      }
    }
    if (entry === undefined) {
      await journal.insertPending({ integrationId, loop: MAPPINGS_LOOP, operation: 'create_tenant', idempotencyKey: key, payload: { companyId, companyName: m.companyName, generation, requestedBy: actor } }, randomUUID(), 0);
    }
    // Failed steps of this company are tried again (a live lease is left to its worker).
    for (const open of await openIntents(rt)) {
      if (companyOf(open) !== companyId || open.state !== 'failed') continue;
      const owner = randomUUID();
      if (await journal.claim(open.id, owner, 0)) await journal.markFailed(open.id, owner, REQUESTED_AGAIN);
    }
    if (m.state === 'failed') await rt.store.repos.mappings.setState(integrationId, companyId, 'not_mapped', null);
    await audit(rt, actor, 'mapping.map_new', { companyId, companyName: m.companyName, idempotencyKey: key });
    const after = (await rt.store.repos.mappings.get(integrationId, companyId)) as Mapping;
    return resultOf(after, MAPPING_SAVED, true);
  }
  throw new MappingActionError('company_already_mapped', `"${m.companyName}" had 100 tenants created for it; map it to an existing one`, { companyId });
}

export type BulkAction = { action: 'map'; companyId: string; tenantId: string } | { action: 'map_new' | 'unlink' | 'apply'; companyId: string };

export interface BulkOutcome {
  companyId: string;
  ok: boolean;
  result?: ActionResult;
  error?: { code: string; message: string };
}

/** Each item on its own: one refusal does not stop the others. */
export async function bulk(rt: IntegrationRuntime, actor: string, items: readonly BulkAction[]): Promise<BulkOutcome[]> {
  const out: BulkOutcome[] = [];
  for (const item of items) {
    try {
      const result =
        item.action === 'map'
          ? await mapToExisting(rt, actor, item.companyId, item.tenantId)
          : item.action === 'map_new'
            ? await mapToNew(rt, actor, item.companyId)
            : item.action === 'unlink'
              ? await unlink(rt, actor, item.companyId)
              : await applyMapping(rt, actor, item.companyId);
      out.push({ companyId: item.companyId, ok: true, result });
    } catch (error) {
      if (error instanceof MappingActionError || error instanceof ConnectorError || error instanceof StoreError || error instanceof SecretError) {
        out.push({ companyId: item.companyId, ok: false, error: { code: error.code, message: error.message } });
        continue;
      }
      throw error;
    }
  }
  return out;
}
