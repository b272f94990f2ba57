/**
 * Customer mapping actions, the same for every target (seed 001 "Mapping CloudBlue PSA Customers",
 * seed 002's "ready for mapping" + "apply mapping"): list with the company's status in the PSA, the
 * mapping state and the linked tenant; map to an existing tenant; map to a new tenant (created in
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
 *   (`runMappingJobs`, loop `mappings`) creates the tenant, its admin account and 2FA, each step
 *   through the journal, then maps the company. A crash at any point resumes with a lookup, so no
 *   second tenant or user is made;
 * - a failed mapping shows its error until the list is reloaded; a reload checks it again and clears
 *   it when the cause is gone.
 */
import { randomUUID } from 'node:crypto';
import type { TargetCompany, VendorTenant, VendorCloud } from '../connectors/ports.ts';
import { ConnectorError, isConnectorError, isTransient, TRANSIENT_CODES } from '../connectors/kit/errors.ts';
import { loginCandidates, loginsExhaustedMessage, planAdminAccount, type AdminAccountOptions } from '../domain/admin-account.ts';
import { unmanageableReason } from '../domain/tenant-access.ts';
import { StoreError } from '../store/errors.ts';
import type { JournalEntry } from '../store/repositories/journal.ts';
import type { MappingState } from '../domain/mapping-state.ts';
import type { Mapping } from '../store/repositories/mappings.ts';
import { createTenantKey, normaliseName } from '../domain/directory-plan.ts';
import type { IntegrationRuntime } from './integration-runtime.ts';
import { JournalInProgressError } from './journal.ts';

export const MAPPINGS_LOOP = 'mappings';
export const MAPPING_SAVED = 'The mapping has been saved';

export type MappingActionErrorCode =
  | 'company_not_found'
  | 'tenant_not_found'
  | 'not_a_customer_tenant'
  | 'tenant_already_mapped'
  | 'company_already_mapped'
  | 'tenant_unmanageable'
  | 'not_ready'
  | 'not_mapped'
  | 'logins_exhausted'
  | 'admin_account_impossible';

const STATUS_OF: Record<MappingActionErrorCode, number> = {
  company_not_found: 404,
  tenant_not_found: 404,
  not_a_customer_tenant: 400,
  tenant_already_mapped: 409,
  company_already_mapped: 409,
  tenant_unmanageable: 409,
  not_ready: 409,
  not_mapped: 409,
  logins_exhausted: 409,
  admin_account_impossible: 422,
};

export class MappingActionError extends Error {
  readonly code: MappingActionErrorCode;
  readonly status: number;
  readonly context: Record<string, string>;
  constructor(code: MappingActionErrorCode, message: string, context: Record<string, string> = {}) {
    super(message);
    this.name = 'MappingActionError';
    this.code = code;
    this.status = STATUS_OF[code];
    this.context = context;
  }
}

// ─── manageability ─────────────────────────────────────────────────────────────────────────────

export { unmanageableReason } from '../domain/tenant-access.ts';

// ─── listing ───────────────────────────────────────────────────────────────────────────────────

export const STATE_LABELS: Record<MappingState, string> = { not_mapped: 'Not mapped', ready: 'Ready for mapping', mapped: 'Mapped', failed: 'Mapping failed' };

export interface MappingRow {
  companyId: string;
  companyName: string;
  /** The company's status/type in the PSA (CloudBlue: Active, Inactive, Prospect, No Relationship); null when unknown. */
  companyStatus: string | null;
  companyActive: boolean | null;
  state: MappingState;
  stateLabel: string;
  error: string | null;
  tenantId: string | null;
  tenantName: string | null;
  /** Null when no tenant; false with a reason for tenants the integration may not change. */
  tenantManageable: boolean | null;
  tenantUnmanageableReason: string | null;
  /** A new tenant is being created for the company (map to new, not finished yet). */
  pending: boolean;
  updatedAt: string;
}

export interface ListMappingsQuery {
  search?: string;
  states?: readonly MappingState[];
  /** `active`/`inactive` in the PSA. */
  status?: 'active' | 'inactive';
  /** Company types/status labels. */
  types?: readonly string[];
  limit?: number;
  offset?: number;
  /** Re-read the companies from the PSA and check failed mappings again (clears errors whose cause is gone). */
  reload?: boolean;
}

export interface MappingList {
  total: number;
  items: MappingRow[];
  counts: Record<MappingState, number>;
  /** Company types one may filter on. */
  types: string[];
}

const COMPANY_CACHE_MS = 60_000;
const companyCache = new WeakMap<IntegrationRuntime, { at: number; companies: Map<string, TargetCompany> }>();

/** Every company of the PSA (inactive too), cached for a minute per runtime; new ones are recorded as not mapped. */
export async function readCompanies(rt: IntegrationRuntime, force = false): Promise<Map<string, TargetCompany>> {
  const cached = companyCache.get(rt);
  const now = rt.clock().getTime();
  if (!force && cached !== undefined && now - cached.at < COMPANY_CACHE_MS) return cached.companies;
  const companies = new Map<string, TargetCompany>();
  for await (const c of rt.target.directory.listCompanies({ includeInactive: true })) companies.set(c.id, c);
  await rt.store.repos.mappings.upsertCompanies(
    rt.integration.id,
    [...companies.values()].map((c) => ({ companyId: c.id, companyName: c.name })),
  );
  companyCache.set(rt, { at: now, companies });
  return companies;
}

function forgetCompanies(rt: IntegrationRuntime): void {
  companyCache.delete(rt);
}

async function openIntents(rt: IntegrationRuntime): Promise<JournalEntry[]> {
  const entries = await rt.store.repos.journal.list({ integrationId: rt.integration.id, loop: MAPPINGS_LOOP, states: ['pending', 'failed'], limit: 100_000 });
  return entries;
}

const companyOf = (entry: JournalEntry): string | null => {
  const p = entry.payload as { companyId?: unknown } | null;
  return p !== null && typeof p === 'object' && typeof p.companyId === 'string' ? p.companyId : null;
};

export async function listMappings(rt: IntegrationRuntime, query: ListMappingsQuery = {}): Promise<MappingList> {
  const integrationId = rt.integration.id;
  const companies = await readCompanies(rt, query.reload === true);
  if (query.reload === true) await recheckFailed(rt);
  const rows = await rt.store.repos.mappings.list(integrationId);
  const pending = new Set((await openIntents(rt)).filter((e) => e.state === 'pending').map(companyOf));
  const search = query.search === undefined ? '' : normaliseName(query.search);
  const types = new Set(query.types ?? []);
  const states = new Set(query.states ?? []);
  const filtered = rows.filter((m) => {
    const c = companies.get(m.companyId);
    if (states.size > 0 && !states.has(m.state)) return false;
    if (query.status !== undefined && (c === undefined || c.active !== (query.status === 'active'))) return false;
    if (types.size > 0 && (c?.type == null || !types.has(c.type))) return false;
    if (search !== '' && !normaliseName(`${m.companyName} ${m.tenantName ?? ''}`).includes(search) && m.companyId !== query.search) return false;
    return true;
  });
  const offset = query.offset ?? 0;
  const page = filtered.slice(offset, offset + (query.limit ?? 50));
  const tenantIds = page.flatMap((m) => (m.tenantId === null ? [] : [m.tenantId]));
  const snapshots = await rt.snapshots.getTenants<VendorTenant, never>(integrationId, tenantIds);
  const counts: Record<MappingState, number> = { not_mapped: 0, ready: 0, mapped: 0, failed: 0 };
  for (const m of rows) counts[m.state] += 1;
  return {
    total: filtered.length,
    counts,
    types: [...new Set([...companies.values()].flatMap((c) => (c.type === null ? [] : [c.type])))].sort(),
    items: page.map((m) => {
      const c = companies.get(m.companyId);
      const snap = m.tenantId === null ? undefined : snapshots.get(m.tenantId);
      const reason = m.tenantId === null ? null : unmanageableReason(snap?.data ?? null, snap?.unmanageable ?? null);
      return {
        companyId: m.companyId,
        companyName: c?.name ?? m.companyName,
        companyStatus: c?.type ?? null,
        companyActive: c?.active ?? null,
        state: m.state,
        stateLabel: STATE_LABELS[m.state],
        error: m.error,
        tenantId: m.tenantId,
        tenantName: m.tenantName,
        tenantManageable: m.tenantId === null ? null : reason === null,
        tenantUnmanageableReason: reason,
        pending: pending.has(m.companyId),
        updatedAt: m.updatedAt,
      };
    }),
  };
}

/** A reload checks failed mappings again: a mapped tenant that is there and manageable clears the error. */
async function recheckFailed(rt: IntegrationRuntime): Promise<void> {
  const integrationId = rt.integration.id;
  const failed = await rt.store.repos.mappings.list(integrationId, { state: 'failed' });
  for (const m of failed) {
    if (m.tenantId === null) {
      await rt.store.repos.mappings.setState(integrationId, m.companyId, 'not_mapped', null);
      continue;
    }
    try {
      const tenant = await rt.vendor.getTenant(m.tenantId);
      const recorded = (await rt.snapshots.getTenants<VendorTenant, never>(integrationId, [m.tenantId])).get(m.tenantId)?.unmanageable ?? null;
      const reason = tenant.deletedAt !== null ? `Tenant "${tenant.name}" no longer exists in the cloud: unlink or map the company again.` : unmanageableReason(tenant, recorded);
      await rt.store.repos.mappings.setState(integrationId, m.companyId, reason === null ? 'mapped' : 'failed', reason);
    } catch (error) {
      if (!isConnectorError(error, 'not_found')) throw error;
      await rt.store.repos.mappings.setState(integrationId, m.companyId, 'failed', `Tenant ${m.tenantId} no longer exists in the cloud: unlink or map the company again.`);
    }
  }
}

// ─── single actions ────────────────────────────────────────────────────────────────────────────

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

async function audit(rt: IntegrationRuntime, actor: string, action: string, details: Record<string, unknown>): Promise<void> {
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

// ─── map to a new tenant ───────────────────────────────────────────────────────────────────────

/** Key of the n-th "new tenant" of a company: the first is the provisioning loop's own key, so both find the same tenant. */
function createKeyOf(integrationId: string, companyId: string, generation: number): string {
  const base = createTenantKey(integrationId, companyId);
  return generation === 1 ? base : `${base}:g${generation}`;
}

const CANCELLED = 'cancelled';
const REQUESTED_AGAIN = 'requested again';

/** Journal errors read `<code>: <message>`; transient codes and a person's new request are retried. */
function retryable(error: string | null): boolean {
  if (error === null || error === REQUESTED_AGAIN) return true;
  const code = error.split(':')[0] ?? '';
  return (TRANSIENT_CODES as readonly string[]).includes(code);
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

/** Closes the open "new tenant" intents of a company (unlinked or mapped otherwise meanwhile). */
async function cancelIntents(rt: IntegrationRuntime, companyId: string): Promise<number> {
  const journal = rt.store.repos.journal;
  let n = 0;
  for (const entry of await openIntents(rt)) {
    if (entry.operation !== 'create_tenant' || companyOf(entry) !== companyId) continue;
    const owner = randomUUID();
    // A live lease means the job is creating it right now; it checks the mapping before mapping it.
    if (!(await journal.claim(entry.id, owner, 60_000))) continue;
    const existing = await rt.vendor.findTenantByIdempotencyKey(rt.partnerTenantId, entry.idempotencyKey);
    await journal.markDone(entry.id, existing?.id ?? CANCELLED);
    n += 1;
  }
  return n;
}

// ─── the mapping job ───────────────────────────────────────────────────────────────────────────

export interface MappingJobStats {
  [key: string]: number;
  intents: number;
  tenantsMapped: number;
  failed: number;
  inProgress: number;
  cancelled: number;
  retryLater: number;
}

interface JobContext {
  rt: IntegrationRuntime;
  companyId: string;
  key: string;
  generation: number;
}

const suffixOf = (generation: number): string => (generation === 1 ? '' : `:g${generation}`);

async function step(c: JobContext, operation: string, key: string, payload: Record<string, unknown>, lookup: () => Promise<string | null>, perform: () => Promise<string>) {
  return c.rt.journal.run({ integrationId: c.rt.integration.id, loop: MAPPINGS_LOOP, operation, idempotencyKey: key, payload: { companyId: c.companyId, generation: c.generation, ...payload } }, { lookup, perform });
}

async function failIntent(rt: IntegrationRuntime, entry: JournalEntry, message: string): Promise<void> {
  const owner = randomUUID();
  if (await rt.store.repos.journal.claim(entry.id, owner, 0)) await rt.store.repos.journal.markFailed(entry.id, owner, message);
}

async function adminOptions(rt: IntegrationRuntime): Promise<AdminAccountOptions> {
  const p = await rt.settings.read(rt.integration.id, 'provisioning');
  return { basedOn: p.adminAccount.basedOn, activationEmail: p.adminAccount.activationEmail, password: p.adminAccount.password, mfa: p.mfaForNewCustomers };
}

async function manualPassword(rt: IntegrationRuntime): Promise<string | null> {
  // Kept sealed with the integration's credentials (as the provisioning loop reads it); never returned.
  const value = (await rt.store.repos.integrations.getCredentials(rt.integration.id)).adminPassword;
  return typeof value === 'string' && value !== '' ? value : null;
}

/** Creates the admin user: the first free login of `login`, `login-2` …; after a crash, finds the one it made. */
async function createAdmin(c: JobContext, vendor: VendorCloud, tenantId: string, account: { login: string; email: string; firstName: string | null; lastName: string | null }, companyName: string) {
  const candidates = loginCandidates(account.login);
  let chosen: string | null = null;
  const result = await step(
    c,
    'create_admin_user',
    `create_admin_user:${c.rt.integration.id}:${c.companyId}${suffixOf(c.generation)}`,
    { login: account.login, email: account.email },
    async () => {
      for (const login of candidates) {
        const user = await vendor.findUserByLogin(tenantId, login);
        if (user !== null) {
          chosen = login;
          return user.id;
        }
      }
      return null;
    },
    async () => {
      for (const login of candidates) {
        if (!(await vendor.isLoginAvailable(login))) continue;
        chosen = login;
        const user = await vendor.createUser({ tenantId, login, email: account.email, ...(account.firstName === null ? {} : { firstName: account.firstName }), ...(account.lastName === null ? {} : { lastName: account.lastName }) });
        return user.id;
      }
      throw new MappingActionError('logins_exhausted', loginsExhaustedMessage(companyName, candidates), { companyId: c.companyId });
    },
  );
  return { userId: result.externalId, login: chosen, via: result.via };
}

/** One company's "new tenant" intent, step by step through the journal. */
async function runIntent(rt: IntegrationRuntime, entry: JournalEntry, stats: MappingJobStats): Promise<void> {
  const integrationId = rt.integration.id;
  const companyId = companyOf(entry) as string;
  const generation = Number((entry.payload as { generation?: unknown }).generation ?? 1) || 1;
  const c: JobContext = { rt, companyId, key: entry.idempotencyKey, generation };
  const m = await rt.store.repos.mappings.get(integrationId, companyId);
  if (m === undefined || (m.tenantId !== null && m.state !== 'not_mapped' && m.state !== 'failed')) {
    stats.cancelled += await cancelIntents(rt, companyId);
    return;
  }
  const fail = async (message: string) => {
    stats.failed += 1;
    await rt.store.repos.mappings.setState(integrationId, companyId, 'failed', message);
    await audit(rt, 'system', 'mapping.map_new_failed', { companyId, companyName: m.companyName, error: message });
  };
  const company = await rt.target.directory.getCompany(companyId);
  if (company === null) {
    await failIntent(rt, entry, 'company gone');
    await fail(`"${m.companyName}" no longer exists in ${rt.integration.target}.`);
    return;
  }
  const options = await adminOptions(rt);
  const password = options.password === 'manual' ? await manualPassword(rt) : null;
  const decision = planAdminAccount(company, options, password !== null);
  if (!decision.ok) {
    await failIntent(rt, entry, decision.message);
    await fail(decision.message);
    return;
  }
  const account = decision.account;
  const { vendor } = rt;
  try {
    const created = await step(
      c,
      'create_tenant',
      entry.idempotencyKey,
      { companyName: company.name, generation },
      async () => (await vendor.findTenantByIdempotencyKey(rt.partnerTenantId, entry.idempotencyKey))?.id ?? null,
      async () => (await vendor.createCustomerTenant({ parentId: rt.partnerTenantId, name: company.name, customerId: company.id }, { idempotencyKey: entry.idempotencyKey })).tenant.id,
    );
    const tenantId = created.externalId;
    const admin = await createAdmin(c, vendor, tenantId, account, company.name);
    const sfx = `${integrationId}:${companyId}${suffixOf(generation)}`;
    await step(c, 'set_admin_role', `set_admin_role:${sfx}`, { userId: admin.userId }, async () => null, async () => {
      await vendor.setAccessPolicies(admin.userId, [{ roleId: 'company_admin', tenantId }]);
      return admin.userId;
    });
    if (account.password === 'manual') {
      await step(c, 'set_admin_password', `set_admin_password:${sfx}`, { userId: admin.userId }, async () => null, async () => {
        const secret = await manualPassword(rt);
        if (secret === null) throw new MappingActionError('admin_account_impossible', 'The manual admin password was removed before the account was finished: set it again.');
        await vendor.setPassword(admin.userId, secret);
        return admin.userId;
      });
    } else {
      // Sent once: a crash between the send and the journal update may send it a second time, never make a second user.
      await step(c, 'send_activation_email', `send_activation_email:${sfx}`, { userId: admin.userId }, async () => null, async () => {
        await vendor.sendActivationEmail(admin.userId);
        return admin.userId;
      });
    }
    await step(c, 'set_mfa', `set_mfa:${sfx}:${account.mfa ? 'on' : 'off'}`, { enabled: account.mfa }, async () => ((await vendor.getTenant(tenantId)).mfaStatus === (account.mfa ? 'enabled' : 'disabled') ? tenantId : null), async () => {
      await vendor.setMfa(tenantId, account.mfa);
      return tenantId;
    });
    const tenant = await vendor.getTenant(tenantId);
    await rt.snapshots.upsertTenants(integrationId, [{ tenantId, name: tenant.name, data: tenant, deleted: false }]);
    const now = await rt.store.repos.mappings.get(integrationId, companyId);
    // A person mapped it otherwise, or unlinked it after asking, while we worked: theirs wins; the tenant stays unmapped.
    const overruled = (m: Mapping) => (m.tenantId !== null && m.tenantId !== tenantId && m.state !== 'not_mapped') || (m.unlinkedAt !== null && m.unlinkedAt > entry.createdAt);
    if (now === undefined || overruled(now)) {
      stats.cancelled += 1;
      return;
    }
    // Written only if the row is still as just read, so a decision made in between is not overwritten.
    if ((await rt.store.repos.mappings.mapIfUnchanged(integrationId, companyId, now, { tenantId, tenantName: tenant.name, state: 'mapped' })) === undefined) {
      stats.cancelled += 1;
      return;
    }
    stats.tenantsMapped += 1;
    await audit(rt, 'system', 'mapping.tenant_created', {
      companyId,
      companyName: company.name,
      tenantId,
      tenantName: tenant.name,
      adminLogin: admin.login,
      loginSuffixed: admin.login !== null && admin.login !== account.login,
      activation: account.password === 'manual' ? 'defined manually' : 'activation email',
      mfa: account.mfa,
    });
  } catch (error) {
    if (error instanceof JournalInProgressError) {
      stats.inProgress += 1;
      return;
    }
    if (isTransient(error)) {
      stats.retryLater += 1; // the journal holds the step as failed; the next run looks it up and goes on
      return;
    }
    if (error instanceof MappingActionError || error instanceof ConnectorError) {
      await fail(error.message);
      return;
    }
    throw error;
  }
}

/**
 * The mapping job: finishes every open "new tenant" intent of the integration. Level-triggered
 * and safe to run twice at once (journal leases) or after a crash (lookups first). A failed
 * intent waits for a person to ask again, so a persistent cause is not retried in a loop.
 */
export async function runMappingJobs(rt: IntegrationRuntime, options: { signal?: AbortSignal } = {}): Promise<MappingJobStats> {
  const stats: MappingJobStats = { intents: 0, tenantsMapped: 0, failed: 0, inProgress: 0, cancelled: 0, retryLater: 0 };
  const entries = await openIntents(rt);
  const creates = entries.filter((e) => e.operation === 'create_tenant' && companyOf(e) !== null);
  // Companies whose creation is done but a later step is still open (a crash or a failure after the tenant).
  const doneCreates = new Map<string, JournalEntry>();
  for (const e of entries) {
    if (e.operation === 'create_tenant') continue;
    const companyId = companyOf(e);
    if (companyId === null || creates.some((x) => companyOf(x) === companyId) || doneCreates.has(companyId)) continue;
    const generation = Number((e.payload as { generation?: unknown }).generation ?? 1) || 1;
    const create = await rt.store.repos.journal.getByKey(rt.integration.id, createKeyOf(rt.integration.id, companyId, generation));
    if (create !== undefined && create.state === 'done' && create.externalId !== CANCELLED) doneCreates.set(companyId, create);
  }
  // A company with a step that failed for a lasting reason waits for a person to ask again (they
  // see the error on the mapping list); transient failures and crashes are simply resumed.
  const waiting = new Set(entries.filter((e) => e.state === 'failed' && !retryable(e.error)).map(companyOf));
  for (const entry of [...creates, ...doneCreates.values()]) {
    options.signal?.throwIfAborted();
    if (waiting.has(companyOf(entry))) continue;
    stats.intents += 1;
    await runIntent(rt, entry, stats);
  }
  if (stats.tenantsMapped > 0) forgetCompanies(rt);
  return stats;
}

// ─── bulk ──────────────────────────────────────────────────────────────────────────────────────

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
      if (error instanceof MappingActionError || error instanceof ConnectorError || error instanceof StoreError) {
        out.push({ companyId: item.companyId, ok: false, error: { code: error.code, message: error.message } });
        continue;
      }
      throw error;
    }
  }
  return out;
}
