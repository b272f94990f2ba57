/**
 * The alerts loop: vendor alerts changed since the cursor (Unix ns, `updated_at`) become tickets
 * on the target, through the pure lifecycle engine (src/domain/ticket-lifecycle.ts) and the journal.
 *
 * One pass:
 * 1. Reads the `tickets` and `alert-mappings` settings; with the feature off it reads nothing.
 * 2. Asks the held-back alerts again: unmapped alerts of tenants that are mapped now, and failed
 *    alerts whose retry time has come (`waiting_alerts`).
 * 3. Reads the alerts changed since the cursor, oldest change first, and for each: its key's link
 *    history + the tenant's mapping + the settings → `decideAlertEvent` → apply:
 *    - create_ticket: journal `tkt:<key>:e<n>:create`; the target's `createTicket` looks the
 *      ticket up by its exact external reference first (port contract), and a resumed journal entry
 *      looks it up again before anything is written, so a crash between "ticket created" and "link
 *      saved" never makes a second ticket;
 *    - add_note / reopen_ticket / close_ticket: journal keyed by the decision, the connector's
 *      own "same note already there" / "status already set" checks make a retry harmless;
 *    - wait_unmapped: into the visible queue, never to a default company;
 *    - every decision's link events are saved after the write (also those of `nothing` decisions,
 *      e.g. a counted repeat), by compare-and-set on the link's version.
 * 4. Moves the cursor past the alerts handled, never past one that failed: the next pass reads it
 *    again (handled alerts after it are recognised as handled and cost no target call).
 *
 * Poisoned alerts. An alert that fails `maxStreamAttempts` passes in a row (default 3) is parked in
 * `waiting_alerts` as `failed` with its error, retried from there with backoff (1 min doubling to
 * 1 h), and no longer holds the cursor: one bad alert cannot stop every other customer's tickets.
 * Later alerts of a key whose alert failed in this pass are left for the next pass, so one key's
 * events are applied in order. After `maxConsecutiveFailures` failures in a row (the target is
 * down, not one alert) the pass stops early without counting more attempts.
 *
 * A crash anywhere is safe: the journal entry is pending (looked up on the next pass), the link is
 * saved after the write (a missing link is adopted from the journal on the next pass), and the
 * cursor only moves after both.
 */
import {
  alertKeyHash,
  alertKeyOf,
  alertKeyString,
  alertResource,
  alertDetail,
  normalizeAlertId,
  type AlertKey,
} from '../domain/alert-identity.ts';
import type { AlertMapping, TicketSettings, TicketTarget } from '../domain/alert-mapping.ts';
import { DomainError } from '../domain/domain-error.ts';
import { applyLinkEvent, createLink, type LinkEvent, type TicketLink } from '../domain/ticket-link.ts';
import { decideAlertEvent, type AlertDecision, type CompanyMapping, type CreateTicketDecision } from '../domain/ticket-lifecycle.ts';
import type { VendorAlert } from '../domain/vendor-model.ts';
import { isConnectorError } from '../connectors/kit/errors.ts';
import { targetFeature, type Target, type TargetTicket, type TargetTickets, type TicketFieldBag, type VendorCloud } from '../connectors/ports.ts';
import { isoAt, systemClock, type Clock } from '../store/columns.ts';
import type { Repositories } from '../store/store.ts';
import { linkConflict, type LinkEventSource, type LinkLabels, type StoredLink } from '../store/repositories/alert-links.ts';
import { Cursors } from './cursors.ts';
import { Journal, JournalInProgressError } from './journal.ts';
import { TicketConfig, ticketTargetOf } from './settings/tickets.ts';

export const ALERTS_LOOP = 'alerts';

/** Where a test (or a chaos run) may stop the loop dead, as a killed process would. */
export type CrashPoint = 'after_target_write' | 'after_journal' | 'after_link_saved';

/** Thrown to stop a pass at once (a crash hook, or the runner's abort signal): nothing is caught or recorded. */
export class LoopAborted extends Error {
  override readonly name = 'LoopAborted';
  readonly code = 'aborted';
  constructor(readonly point: string) {
    super(`the loop was stopped at ${point}`);
  }
}

export type TicketLoopRepos = Pick<Repositories, 'settings' | 'mappings' | 'alertLinks' | 'waitingAlerts' | 'journal' | 'cursors' | 'productMappings'>;

export interface TicketLoopLog {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

/** What both ticket loops run with for one integration. */
export interface TicketLoopEnv {
  integrationId: string;
  vendor: Pick<VendorCloud, 'listAlerts' | 'dismissAlert' | 'getAlertTypes'>;
  target: Target;
  /** The vendor management console of the connection's data center, printed in tickets. */
  consoleUrl: string;
  repos: TicketLoopRepos;
  clock?: Clock;
  /** Default: a journal over `repos.journal` with `journalLeaseMs`. */
  journal?: Journal;
  /** Lease of a pending journal entry (default 5 min): after a crash, the next pass may take over once it ends. */
  journalLeaseMs?: number;
  /** Called at each crash point; throwing `LoopAborted` simulates a killed process. */
  crashPoint?: (point: CrashPoint, context: { alertId?: string; ticketId?: string; operation: string }) => void | Promise<void>;
  signal?: AbortSignal;
  dryRun?: boolean;
  log?: TicketLoopLog;
  /** Passes an alert may fail while holding the cursor before it is parked (default 3). */
  maxStreamAttempts?: number;
  /** Failures in a row after which a pass stops early (default 5). */
  maxConsecutiveFailures?: number;
  /** Alerts read per pass at most (default 10,000); the rest wait for the next pass. */
  maxAlertsPerPass?: number;
}

export interface AlertsPassStats {
  [name: string]: number | string | boolean | null;
  skipped: string | null;
  observed: number;
  created: number;
  noted: number;
  reopened: number;
  closed: number;
  nothing: number;
  waiting: number;
  released: number;
  failed: number;
  parked: number;
  deferred: number;
  adopted: number;
  cursor: string | null;
}

const PARK_BACKOFF_MIN_MS = 60_000;
const PARK_BACKOFF_MAX_MS = 60 * 60_000;
const CURSOR_SAVE_EVERY = 25;
const noopLog: TicketLoopLog = { info: () => {}, warn: () => {} };

export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new LoopAborted('the runner asked the loop to stop');
}

/** The journal key of episode `episode`'s ticket creation, as the engine spells it. */
function createKeyOf(keyString: string, episode: number): string {
  return `tkt:${alertKeyHash(keyString)}:e${episode}:create`;
}

/**
 * Applies link events to the stored link of `episode`, re-reading and re-applying on a concurrent
 * write. An event the link's state no longer allows (the tickets loop recorded a technician's close
 * before the hub's own close was saved) is skipped: the link already says what the target says.
 */
export async function saveLinkEvents(
  repos: Pick<Repositories, 'alertLinks'>,
  integrationId: string,
  keyString: string,
  episode: number,
  events: readonly LinkEvent[],
  source: LinkEventSource,
  labels: Partial<LinkLabels> = {},
  log: TicketLoopLog = noopLog,
): Promise<StoredLink> {
  for (let attempt = 0; attempt < 8; attempt += 1) {
    const stored = (await repos.alertLinks.history(integrationId, keyString)).find((candidate) => candidate.link.episode === episode);
    if (stored === undefined) throw new DomainError('link_mismatch', `no ticket link for episode ${episode} of alert key ${keyString}`, { keyString, episode });
    let next = stored.link;
    const applied: LinkEvent[] = [];
    for (const event of events) {
      try {
        next = applyLinkEvent(next, event);
        applied.push(event);
      } catch (error) {
        if (!(error instanceof DomainError) || error.code !== 'invalid_transition') throw error;
        log.info({ keyString, episode, event: event.type, reason: error.message }, 'link event skipped: the link already reflects it');
      }
    }
    if (applied.length === 0 && Object.keys(labels).length === 0) return stored;
    if (await repos.alertLinks.update(stored, next, applied, source, labels)) return { ...stored, link: next, version: stored.version + 1 };
  }
  throw linkConflict(integrationId, keyString);
}

function resourceLabel(alert: VendorAlert, key: AlertKey): { resource: string | null; resourceName: string | null } {
  const resource = alertResource(alert);
  return {
    resource: resource.id === null ? null : `${resource.source}:${resource.id}`,
    resourceName: alertDetail(alert, 'resourceName') ?? alertDetail(alert, 'planName') ?? key.resource.id,
  };
}

interface PassContext {
  env: TicketLoopEnv;
  clock: Clock;
  log: TicketLoopLog;
  journal: Journal;
  tickets: TargetTickets;
  ticketTarget: TicketTarget;
  settings: TicketSettings;
  alertMapping: AlertMapping;
  stats: AlertsPassStats;
  mappingOf(tenantId: string): Promise<CompanyMapping | null>;
  contractOf(companyId: string): Promise<{ id: string; name: string } | null>;
  typeTitle(type: string): Promise<string | null>;
  /** Link histories prefetched for a page of alerts; an entry is dropped when its key is written. */
  histories: Map<string, StoredLink[]>;
}

/** One pass of the alerts loop for one integration. */
export async function runAlertsPass(env: TicketLoopEnv): Promise<AlertsPassStats> {
  const stats: AlertsPassStats = {
    skipped: null,
    observed: 0,
    created: 0,
    noted: 0,
    reopened: 0,
    closed: 0,
    nothing: 0,
    waiting: 0,
    released: 0,
    failed: 0,
    parked: 0,
    deferred: 0,
    adopted: 0,
    cursor: null,
  };
  const ticketTarget = ticketTargetOf(env.target.system);
  if (ticketTarget === null || env.target.tickets === undefined) {
    stats.skipped = `${env.target.system} has no tickets`;
    return stats;
  }
  const clock = env.clock ?? systemClock;
  const config = new TicketConfig(env.repos.settings);
  const settings = await config.readSettings(env.integrationId, ticketTarget);
  if (!settings.enabled) {
    stats.skipped = 'feature_off';
    return stats;
  }
  const ctx = buildContext(env, clock, ticketTarget, settings, await config.readMapping(env.integrationId, ticketTarget), stats);

  await releaseWaiting(ctx);
  await readStream(ctx);
  return stats;
}

function buildContext(env: TicketLoopEnv, clock: Clock, ticketTarget: TicketTarget, settings: TicketSettings, alertMapping: AlertMapping, stats: AlertsPassStats): PassContext {
  const log = env.log ?? noopLog;
  const journal = env.journal ?? new Journal(env.repos.journal, { clock, ...(env.journalLeaseMs === undefined ? {} : { leaseMs: env.journalLeaseMs }) });
  const mappings = new Map<string, CompanyMapping | null>();
  const contracts = new Map<string, Promise<{ id: string; name: string } | null>>();
  let billingMapped: Promise<boolean> | undefined;
  let mappedProductIds: Promise<Set<string>> | undefined;
  let types: Promise<Map<string, string | null>> | undefined;

  return {
    env,
    clock,
    log,
    journal,
    tickets: targetFeature(env.target, 'tickets'),
    ticketTarget,
    settings,
    alertMapping,
    stats,
    histories: new Map(),
    async mappingOf(tenantId) {
      const id = tenantId.toLowerCase();
      if (mappings.has(id)) return mappings.get(id) ?? null;
      const found = (await env.repos.mappings.getByTenant(env.integrationId, tenantId)) ?? (id === tenantId ? undefined : await env.repos.mappings.getByTenant(env.integrationId, id));
      const mapping: CompanyMapping | null =
        found === undefined ? null : { state: found.state, companyId: found.companyId, companyName: found.companyName, tenantName: found.tenantName };
      mappings.set(id, mapping);
      return mapping;
    },
    contractOf(companyId) {
      // Seed 000 §5.6: the contract is named in the ticket when billing is mapped. Reading it must
      // never stop a ticket: a failure leaves the name out.
      let pending = contracts.get(companyId);
      if (pending === undefined) {
        pending = (async () => {
          const group = env.target.contracts;
          if (group === undefined) return null;
          billingMapped ??= billingIsMapped(env);
          if (!(await billingMapped)) return null;
          mappedProductIds ??= env.repos.productMappings.list(env.integrationId).then((list) => new Set(list.map((m) => m.targetProductId)));
          const mappedProducts = await mappedProductIds;
          let best: { id: string; name: string; score: number } | null = null;
          for await (const contract of group.listContracts({ companyIds: [companyId], includeEnded: false })) {
            if (!contract.active) continue;
            const score = contract.lines.some((line) => mappedProducts.has(line.productId)) ? 1 : 0;
            if (best === null || score > best.score) best = { id: contract.id, name: contract.name, score };
          }
          return best === null ? null : { id: best.id, name: best.name };
        })().catch((error: unknown) => {
          log.warn({ companyId, err: describeError(error) }, 'could not read the company contract; the ticket is raised without its name');
          return null;
        });
        contracts.set(companyId, pending);
      }
      return pending;
    },
    async typeTitle(type) {
      types ??= env.vendor
        .getAlertTypes()
        .then((list) => new Map(list.map((t) => [t.id, t.title])))
        .catch((error: unknown) => {
          log.warn({ err: describeError(error) }, 'could not read the vendor alert types; tickets use the alert type id in words');
          return new Map<string, string | null>();
        });
      return (await types).get(type) ?? null;
    },
  };
}

async function billingIsMapped(env: TicketLoopEnv): Promise<boolean> {
  if ((await env.repos.productMappings.list(env.integrationId)).length > 0) return true;
  const section = await env.repos.settings.get(env.integrationId, 'product-mapping');
  const entries = (section as { entries?: unknown[] } | undefined)?.entries;
  return Array.isArray(entries) && entries.length > 0;
}

/** Unmapped alerts of tenants mapped since, and parked failures that are due. */
async function releaseWaiting(ctx: PassContext): Promise<void> {
  const { env } = ctx;
  const tenants = await env.repos.waitingAlerts.unmappedTenants(env.integrationId);
  const mapped: string[] = [];
  for (const tenantId of tenants) {
    const mapping = await ctx.mappingOf(tenantId);
    if (mapping?.state === 'mapped' && mapping.companyId !== null) mapped.push(tenantId);
  }
  const due = [...(await env.repos.waitingAlerts.unmappedOf(env.integrationId, mapped)), ...(await env.repos.waitingAlerts.dueFailures(env.integrationId, isoAt(ctx.clock)))];
  for (const waiting of due) {
    throwIfAborted(env.signal);
    try {
      const outcome = await handleAlert(ctx, waiting.alert);
      if (outcome !== 'waiting') {
        if (!env.dryRun) await env.repos.waitingAlerts.remove(env.integrationId, waiting.alertId);
        ctx.stats.released += 1;
      }
    } catch (error) {
      if (error instanceof LoopAborted) throw error;
      if (error instanceof JournalInProgressError) continue;
      ctx.stats.failed += 1;
      const key = alertKeyOf(waiting.alert);
      const attempts = await env.repos.waitingAlerts.recordFailure(env.integrationId, waiting.alertId, waiting.alert, key?.tenantId ?? null, describeError(error), null);
      await env.repos.waitingAlerts.setNextAttempt(env.integrationId, waiting.alertId, isoAt(ctx.clock, parkBackoff(attempts)));
      ctx.log.warn({ alertId: waiting.alertId, attempts, err: describeError(error) }, 'a held-back alert failed again');
    }
  }
}

function parkBackoff(attempts: number): number {
  return Math.min(PARK_BACKOFF_MAX_MS, PARK_BACKOFF_MIN_MS * 2 ** Math.max(0, attempts - 1));
}

async function readStream(ctx: PassContext): Promise<void> {
  const { env, stats } = ctx;
  const cursors = new Cursors(env.repos.cursors);
  const start = await cursors.get(env.integrationId, ALERTS_LOOP);
  const maxAttempts = env.maxStreamAttempts ?? 3;
  const maxConsecutive = env.maxConsecutiveFailures ?? 5;
  const limit = env.maxAlertsPerPass ?? 10_000;
  const queued = new Set((await env.repos.waitingAlerts.list(env.integrationId, { limit: 100_000 })).map((w) => w.alertId));
  const failedKeys = new Set<string>();
  let holding = false;
  let handledThrough: string | null = null;
  let sinceSave = 0;
  let consecutive = 0;

  const saveCursor = async (): Promise<void> => {
    if (env.dryRun || handledThrough === null) return;
    stats.cursor = (await cursors.advance(env.integrationId, ALERTS_LOOP, handledThrough)).value;
    sinceSave = 0;
  };

  for await (const alert of prefetched(ctx, env.vendor.listAlerts(start === undefined ? {} : { updatedAfterNs: start }))) {
    throwIfAborted(env.signal);
    stats.observed += 1;
    const key = alertKeyOf(alert);
    const keyString = key === null ? null : alertKeyString(key);
    const alertId = normalizeAlertId(alert.id);
    if (keyString !== null && failedKeys.has(keyString)) {
      stats.deferred += 1;
      holding = true;
    } else {
      try {
        const outcome = await handleAlert(ctx, alert);
        consecutive = 0;
        if (outcome === 'waiting') queued.add(alertId);
        else if (queued.has(alertId) && !env.dryRun) {
          // Handled now, or cleared while it waited (a cleared alert never becomes a ticket later).
          await env.repos.waitingAlerts.remove(env.integrationId, alertId);
          queued.delete(alertId);
        }
      } catch (error) {
        if (error instanceof LoopAborted) throw error;
        stats.failed += 1;
        consecutive += 1;
        if (error instanceof JournalInProgressError) {
          // Another worker is applying this very operation: leave it to a later pass, no attempt counted.
          holding = true;
          if (keyString !== null) failedKeys.add(keyString);
        } else if (!env.dryRun) {
          const attempts = await env.repos.waitingAlerts.recordFailure(env.integrationId, alertId, alert, key?.tenantId ?? null, describeError(error), null);
          queued.add(alertId);
          if (attempts >= maxAttempts) {
            await env.repos.waitingAlerts.setNextAttempt(env.integrationId, alertId, isoAt(ctx.clock, parkBackoff(attempts)));
            stats.parked += 1;
            ctx.log.warn({ alertId, attempts, err: describeError(error) }, 'alert parked after repeated failures; retried with backoff, shown as failed');
          } else {
            holding = true;
            if (keyString !== null) failedKeys.add(keyString);
            ctx.log.warn({ alertId, attempts, err: describeError(error) }, 'alert failed; the cursor stays so the next pass retries it');
          }
        }
        if (consecutive >= maxConsecutive) {
          ctx.log.warn({ consecutive }, 'too many failures in a row: the pass stops early (the target or the vendor is probably down)');
          break;
        }
      }
    }
    if (!holding) {
      handledThrough = alert.updatedAtNs;
      sinceSave += 1;
      if (sinceSave >= CURSOR_SAVE_EVERY) await saveCursor();
    }
    if (stats.observed >= limit) break;
  }
  await saveCursor();
  if (stats.cursor === null) stats.cursor = (await cursors.get(env.integrationId, ALERTS_LOOP)) ?? null;
}

const PREFETCH_PAGE = 100;

/** Yields the alerts as they come, reading the link histories of each page of them in one query. */
async function* prefetched(ctx: PassContext, alerts: AsyncIterable<VendorAlert>): AsyncGenerator<VendorAlert> {
  let page: VendorAlert[] = [];
  const flush = async function* (): AsyncGenerator<VendorAlert> {
    const keys = page.flatMap((alert) => {
      const key = alertKeyOf(alert);
      return key === null ? [] : [alertKeyString(key)];
    });
    ctx.histories.clear();
    const found = await ctx.env.repos.alertLinks.histories(ctx.env.integrationId, keys);
    for (const key of keys) ctx.histories.set(key, found.get(key) ?? []);
    const current = page;
    page = [];
    yield* current;
  };
  for await (const alert of alerts) {
    page.push(alert);
    if (page.length >= PREFETCH_PAGE) yield* flush();
  }
  if (page.length > 0) yield* flush();
}

async function historyOf(ctx: PassContext, keyString: string): Promise<StoredLink[]> {
  const cached = ctx.histories.get(keyString);
  if (cached !== undefined) return cached;
  return ctx.env.repos.alertLinks.history(ctx.env.integrationId, keyString);
}

type Outcome = 'applied' | 'nothing' | 'waiting';

/** Decides and applies one alert. Throws when the write failed (the caller counts the attempt). */
async function handleAlert(ctx: PassContext, alert: VendorAlert): Promise<Outcome> {
  const { env, stats } = ctx;
  const key = alertKeyOf(alert);
  const keyString = key === null ? null : alertKeyString(key);
  let history = keyString === null ? [] : await historyOf(ctx, keyString);
  // Whatever happens next may write this key's links: later alerts of the key read them afresh.
  if (keyString !== null) ctx.histories.delete(keyString);
  let links = history.map((stored) => stored.link);
  const mapping = key === null ? null : await ctx.mappingOf(key.tenantId);
  const input = {
    alert,
    links,
    mapping,
    alertMapping: ctx.alertMapping,
    settings: ctx.settings,
    now: isoAt(ctx.clock),
    consoleUrl: env.consoleUrl,
    alertTypeTitle: await ctx.typeTitle(alert.type),
  };
  let decision = decideAlertEvent(input);
  if (decision.kind === 'nothing' && decision.reason === 'not_linked' && key !== null && keyString !== null && !env.dryRun) {
    // The alert is unknown to every link: maybe its ticket was created by a pass that died before
    // saving the link (and the alert changed since, so no create is decided again). Adopt it.
    if (await adoptOrphan(ctx, key, keyString, history)) {
      history = await env.repos.alertLinks.history(env.integrationId, keyString);
      links = history.map((stored) => stored.link);
      input.links = links;
      decision = decideAlertEvent(input);
    }
  }
  let contract: { id: string; name: string } | null = null;
  if (decision.kind === 'create_ticket' && mapping?.companyId) {
    contract = await ctx.contractOf(mapping.companyId);
    if (contract !== null) decision = decideAlertEvent({ ...input, mapping: { ...mapping, contractName: contract.name } });
  }
  if (env.dryRun) {
    countDecision(stats, decision);
    return decision.kind === 'wait_unmapped' ? 'waiting' : decision.kind === 'nothing' ? 'nothing' : 'applied';
  }

  switch (decision.kind) {
    case 'nothing':
      if (decision.linkEvents.length > 0 && keyString !== null && decision.episode !== null) {
        await saveLinkEvents(env.repos, env.integrationId, keyString, decision.episode, decision.linkEvents, 'alerts', {}, ctx.log);
      }
      stats.nothing += 1;
      return 'nothing';
    case 'wait_unmapped':
      await env.repos.waitingAlerts.putUnmapped(env.integrationId, decision.alertId, alert, decision.tenantId, decision.detail);
      stats.waiting += 1;
      return 'waiting';
    case 'create_ticket':
      await applyCreate(ctx, decision, alert, key as AlertKey, contract, mapping);
      stats.created += 1;
      return 'applied';
    case 'add_note': {
      await ctx.journal.run(
        { integrationId: env.integrationId, loop: ALERTS_LOOP, operation: 'add_ticket_note', idempotencyKey: decision.idempotencyKey, payload: { ticketId: decision.ticketId, alertId: decision.alertId, occurrences: decision.occurrences } },
        {
          lookup: async () => null,
          perform: async () => {
            const { noteId } = await ctx.tickets.addTicketNote(decision.ticketId, { ...decision.note, fields: decision.fields.fields as TicketFieldBag }, { idempotencyKey: decision.idempotencyKey });
            await crash(ctx, 'after_target_write', { alertId: decision.alertId, ticketId: decision.ticketId, operation: 'add_ticket_note' });
            return noteId;
          },
        },
      );
      await crash(ctx, 'after_journal', { alertId: decision.alertId, ticketId: decision.ticketId, operation: 'add_ticket_note' });
      await saveLinkEvents(env.repos, env.integrationId, keyString as string, decision.episode, decision.linkEvents, 'alerts', {}, ctx.log);
      await crash(ctx, 'after_link_saved', { alertId: decision.alertId, ticketId: decision.ticketId, operation: 'add_ticket_note' });
      stats.noted += 1;
      return 'applied';
    }
    case 'reopen_ticket':
    case 'close_ticket': {
      const operation = decision.kind === 'reopen_ticket' ? 'reopen_ticket' : 'close_ticket';
      const status = decision.status;
      if (status === null) {
        throw new DomainError(
          'invalid_input',
          decision.kind === 'reopen_ticket'
            ? `Ticket ${decision.ticketId} should be reopened but no status is set: choose a reopen status in the ticket settings, or a status for alert type "${alert.type}"`
            : `Ticket ${decision.ticketId} should be closed but auto-closing has no status: choose one in the ticket settings`,
          { ticketId: decision.ticketId },
        );
      }
      let number: string | null = null;
      await ctx.journal.run(
        { integrationId: env.integrationId, loop: ALERTS_LOOP, operation, idempotencyKey: decision.idempotencyKey, payload: { ticketId: decision.ticketId, alertId: decision.alertId, status } },
        {
          lookup: async () => null,
          perform: async () => {
            const ticket = await ctx.tickets.setTicketStatus(decision.ticketId, status, {
              idempotencyKey: decision.idempotencyKey,
              note: { ...decision.note, fields: decision.fields.fields as TicketFieldBag },
            });
            number = ticket.number;
            await crash(ctx, 'after_target_write', { alertId: decision.alertId, ticketId: decision.ticketId, operation });
            return ticket.id;
          },
        },
      );
      await crash(ctx, 'after_journal', { alertId: decision.alertId, ticketId: decision.ticketId, operation });
      await saveLinkEvents(env.repos, env.integrationId, keyString as string, decision.episode, decision.linkEvents, 'alerts', number === null ? {} : { ticketNumber: number }, ctx.log);
      await crash(ctx, 'after_link_saved', { alertId: decision.alertId, ticketId: decision.ticketId, operation });
      if (decision.kind === 'reopen_ticket') stats.reopened += 1;
      else stats.closed += 1;
      return 'applied';
    }
  }
}

function countDecision(stats: AlertsPassStats, decision: AlertDecision): void {
  const field = { create_ticket: 'created', add_note: 'noted', reopen_ticket: 'reopened', close_ticket: 'closed', wait_unmapped: 'waiting', nothing: 'nothing' } as const;
  stats[field[decision.kind]] = (stats[field[decision.kind]] as number) + 1;
}

async function crash(ctx: PassContext, point: CrashPoint, context: { alertId?: string; ticketId?: string; operation: string }): Promise<void> {
  if (ctx.env.crashPoint !== undefined) await ctx.env.crashPoint(point, context);
}

async function applyCreate(
  ctx: PassContext,
  decision: CreateTicketDecision,
  alert: VendorAlert,
  key: AlertKey,
  contract: { id: string; name: string } | null,
  mapping: CompanyMapping | null,
): Promise<void> {
  const { env } = ctx;
  let seen: TargetTicket | null = null;
  const result = await ctx.journal.run(
    {
      integrationId: env.integrationId,
      loop: ALERTS_LOOP,
      operation: 'create_ticket',
      idempotencyKey: decision.idempotencyKey,
      payload: { externalRef: decision.externalRef, companyId: decision.companyId, alertId: decision.alertId, episode: decision.episode, title: decision.title },
    },
    {
      // A resumed entry (the process died after the create, or the create's answer was lost):
      // the ticket is found by its exact external reference and not created again.
      lookup: async () => {
        const found = (await ctx.tickets.findTicketsByExternalRef({ exact: decision.externalRef }))[0];
        seen = found ?? null;
        return found?.id ?? null;
      },
      perform: async () => {
        const { ticket } = await ctx.tickets.createTicket({
          companyId: decision.companyId,
          title: decision.title,
          description: decision.description,
          externalRef: decision.externalRef,
          fields: decision.fields.fields as TicketFieldBag,
          ...(contract === null ? {} : { contractId: contract.id }),
        });
        seen = ticket;
        await crash(ctx, 'after_target_write', { alertId: decision.alertId, ticketId: ticket.id, operation: 'create_ticket' });
        return ticket.id;
      },
    },
  );
  await crash(ctx, 'after_journal', { alertId: decision.alertId, ticketId: result.externalId, operation: 'create_ticket' });
  const ticket = seen as TargetTicket | null;
  await recordCreated(ctx, decision.linkEvents, result.externalId, {
    tenantId: key.tenantId,
    alertType: key.alertType,
    ...resourceLabel(alert, key),
    ticketNumber: ticket?.number ?? null,
    ticketTitle: ticket?.title ?? decision.title,
    companyName: mapping?.companyName ?? null,
  });
  await crash(ctx, 'after_link_saved', { alertId: decision.alertId, ticketId: result.externalId, operation: 'create_ticket' });
}

/** Saves the link of a created ticket; a link another worker saved first for the same ticket is fine. */
async function recordCreated(ctx: PassContext, events: readonly LinkEvent[], ticketId: string, labels: LinkLabels): Promise<void> {
  const [created, ...rest] = events;
  if (created?.type !== 'created') throw new DomainError('invalid_input', 'a create decision must start with its created event', {});
  let link: TicketLink = createLink(created, ticketId);
  for (const event of rest) link = applyLinkEvent(link, event);
  const inserted = await ctx.env.repos.alertLinks.insert(ctx.env.integrationId, link, labels, events, 'alerts');
  if (inserted !== undefined) return;
  const existing = (await ctx.env.repos.alertLinks.history(ctx.env.integrationId, created.keyString)).find((s) => s.link.episode === created.episode);
  if (existing?.link.ticketId !== ticketId) {
    throw new DomainError('link_mismatch', `episode ${created.episode} of alert key ${created.keyString} is already linked to ticket ${existing?.link.ticketId ?? '(none)'}, not ${ticketId}`, {
      keyString: created.keyString,
      episode: created.episode,
    });
  }
}

/**
 * A ticket whose creation reached the journal but whose link was never saved (the process died in
 * between, and the alert changed before the next pass, so the create decision is not made again):
 * found through the journal entry of the next episode's create and linked now, so the alert's later
 * events (a clear that closes it) find it.
 */
async function adoptOrphan(ctx: PassContext, key: AlertKey, keyString: string, history: readonly StoredLink[]): Promise<boolean> {
  const episode = (history.at(-1)?.link.episode ?? 0) + 1;
  const entry = await ctx.env.repos.journal.getByKey(ctx.env.integrationId, createKeyOf(keyString, episode));
  if (entry === undefined) return false;
  const payload = entry.payload as { externalRef?: string; companyId?: string; alertId?: string; title?: string } | null;
  if (!payload?.externalRef || !payload.companyId || !payload.alertId) return false;
  let ticketId = entry.state === 'done' ? entry.externalId : null;
  let ticket: TargetTicket | null = null;
  if (ticketId === null) {
    ticket = (await ctx.tickets.findTicketsByExternalRef({ exact: payload.externalRef }))[0] ?? null;
    if (ticket === null) return false;
    ticketId = ticket.id;
    await ctx.env.repos.journal.markDone(entry.id, ticketId);
  }
  const created: LinkEvent = { type: 'created', keyString, episode, externalRef: payload.externalRef, companyId: payload.companyId, alertId: payload.alertId, at: entry.createdAt };
  const mapping = await ctx.mappingOf(key.tenantId);
  await recordCreated(ctx, [created], ticketId, {
    tenantId: key.tenantId,
    alertType: key.alertType,
    resource: key.resource.id === null ? null : `${key.resource.source}:${key.resource.id}`,
    resourceName: key.resource.id,
    ticketNumber: ticket?.number ?? null,
    ticketTitle: ticket?.title ?? payload.title ?? null,
    companyName: mapping?.companyName ?? null,
  });
  ctx.stats.adopted += 1;
  ctx.log.info({ ticketId, keyString, episode }, 'ticket created by an interrupted pass linked from the journal');
  return true;
}

export type { AlertDecision };

// ─── On an integration runtime (the loop registry, the CLI) ─────────────────────────────────────

/** What the loops take from an integration runtime (src/sync/integration-runtime.ts). */
export interface TicketRuntime {
  integration: { id: string; connectionId: string };
  vendor: TicketLoopEnv['vendor'];
  target: Target;
  store: { repos: TicketLoopRepos & Pick<Repositories, 'connections'> };
  journal: Journal;
  clock: Clock;
}

export async function ticketLoopEnvOf(rt: TicketRuntime, options: { dryRun?: boolean; signal?: AbortSignal; log?: TicketLoopLog } = {}): Promise<TicketLoopEnv> {
  const connection = await rt.store.repos.connections.get(rt.integration.connectionId);
  return {
    integrationId: rt.integration.id,
    vendor: rt.vendor,
    target: rt.target,
    consoleUrl: connection?.baseUrl ?? '',
    repos: rt.store.repos,
    clock: rt.clock,
    journal: rt.journal,
    ...(options.dryRun === undefined ? {} : { dryRun: options.dryRun }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    ...(options.log === undefined ? {} : { log: options.log }),
  };
}

/** The alerts loop as the loop registry runs it. */
export async function runAlertsLoop(rt: TicketRuntime, options: { dryRun?: boolean; signal?: AbortSignal } = {}): Promise<{ loop: string; dryRun: boolean; stats: AlertsPassStats; plan: unknown[] }> {
  const stats = await runAlertsPass(await ticketLoopEnvOf(rt, options));
  return { loop: ALERTS_LOOP, dryRun: options.dryRun === true, stats, plan: [] };
}
