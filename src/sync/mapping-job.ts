/**
 * The mapping job (loop `mappings`): finishes every open "new tenant" intent (mapping-intents.ts):
 * creates the tenant, its admin account and 2FA, each step through the journal, then maps the
 * company. A crash at any point resumes with a lookup, so no second tenant or user is made. Each run
 * first does the marketplace wizard's automatic first run (once per integration).
 */
import type { VendorCloud } from '../connectors/ports.ts';
import { ConnectorError, isTransient } from '../connectors/kit/errors.ts';
import { loginCandidates, loginsExhaustedMessage, planAdminAccount, type AdminAccountOptions } from '../domain/admin-account.ts';
import type { JournalEntry } from '../store/repositories/journal.ts';
import type { Mapping } from '../store/repositories/mappings.ts';
import type { Logger } from 'pino';
import type { Store } from '../store/store.ts';
import type { IntegrationRuntime } from './integration-runtime.ts';
import type { LoopQueue } from './loop-queue.ts';
import type { LoopStats } from './loop-result.ts';
import { JournalInProgressError } from './journal.ts';
import { audit } from './mapping-actions.ts';
import { MappingActionError } from './mapping-error.ts';
import { cancelIntents, CANCELLED, companyOf, createKeyOf, failIntent, findCreatedTenant, MAPPINGS_LOOP, openIntents, retryable } from './mapping-intents.ts';
import { forgetCompanies } from './mapping-list.ts';
import { runMarketplaceWizardOnce } from './marketplace-wizard.ts';

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
  const decision = planAdminAccount(company, options, { manualPasswordSet: password !== null, integrationId });
  if (!decision.ok) {
    await failIntent(rt, entry, decision.message);
    await fail(decision.message);
    return;
  }
  const account = decision.account;
  const { vendor } = rt;
  const { tenantMode } = await rt.settings.read(integrationId, 'provisioning');
  try {
    const created = await step(
      c,
      'create_tenant',
      entry.idempotencyKey,
      { companyName: company.name, generation },
      async () => (await findCreatedTenant(rt, entry.idempotencyKey))?.id ?? null,
      async () =>
        (await vendor.createCustomerTenant({ parentId: rt.newTenantParentId, name: company.name, customerId: company.id, pricingMode: tenantMode }, { idempotencyKey: entry.idempotencyKey })).tenant
          .id,
    );
    const tenantId = created.externalId;
    // The tenant mode of the provisioning settings, also when an earlier attempt made the tenant (repeatable).
    if (tenantMode === 'production') await vendor.setPricingMode(tenantId, 'production');
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

/**
 * One run of the `mappings` job (its job-runner definition is in src/jobs/hub-loops.ts): the
 * marketplace wizard's automatic first run, then every open "new tenant" intent.
 */
export async function runMappingJob(rt: IntegrationRuntime, options: { signal?: AbortSignal } = {}): Promise<LoopStats> {
  const first = await runMarketplaceWizardOnce(rt);
  const stats = await runMappingJobs(rt, options);
  return { ...stats, wizardFirstRun: first.ran };
}

/**
 * Starts the mapping job for an integration without waiting for it: the run is asked of the job
 * runner (through the LoopQueue port), which records it, serves a request made while a run is
 * going by one follow-up run, and under pg-boss lets whichever process takes it perform it.
 */
export function kickMappingJob(queue: LoopQueue, integrationId: string, onError: (error: unknown) => void = () => {}): void {
  void queue
    .runNow(integrationId, MAPPINGS_LOOP)
    .then((result) => {
      if (result.status !== 'ok') throw new Error(`the ${MAPPINGS_LOOP} run ended ${result.status}: ${result.error?.message ?? 'no error recorded'}`);
    })
    .catch(onError);
}

/**
 * At hub start: the "new tenant" requests a stopped process left open are run again (the job runs
 * only when kicked, by a person's request, so nothing else would finish them).
 */
export async function resumeMappingIntents(store: Store, queue: LoopQueue, log: Logger): Promise<void> {
  const open = await store.repos.journal.list({ loop: MAPPINGS_LOOP, states: ['pending', 'failed'], limit: 100_000 });
  for (const integrationId of new Set(open.map((e) => e.integrationId))) {
    if ((await store.repos.integrations.get(integrationId))?.enabled !== true) continue;
    log.info({ integrationId }, 'resuming the open "new tenant" requests');
    kickMappingJob(queue, integrationId, (err) => log.warn({ err, integrationId }, 'mapping job failed'));
  }
}
