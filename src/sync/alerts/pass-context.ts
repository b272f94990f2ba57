/**
 * What one pass of the alerts loop reads once and shares: the settings, the journal, the counters,
 * and cached look-ups (the tenant's mapping, the company's contract, the alert type's title).
 */
import type { AlertMapping, TicketProfile, TicketSettings } from '../../domain/alert-mapping.ts';
import { mappedProductIds } from '../../domain/product-mapping.ts';
import type { CompanyMapping } from '../../domain/ticket-lifecycle.ts';
import { targetFeature, type TargetTickets } from '../../connectors/ports.ts';
import type { TicketStart } from '../../domain/ticket-start.ts';
import type { Clock } from '../../store/columns.ts';
import type { StoredLink } from '../../store/repositories/alert-links.ts';
import type { TicketLink } from '../../domain/ticket-link.ts';
import type { AlertPlanEntry } from '../../domain/ticket-plan.ts';
import { Journal } from '../journal.ts';
import { noPassWrites, storePassWrites, type PassWrites } from './pass-writes.ts';
import { integrationSettings } from '../settings/settings.ts';
import { describeError, noopLog, type CrashPoint, type TicketLoopEnv, type TicketLoopLog } from '../ticket-loop-env.ts';

export const ALERTS_LOOP = 'alerts';

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

export interface PassContext {
  env: TicketLoopEnv;
  clock: Clock;
  log: TicketLoopLog;
  journal: Journal;
  tickets: TargetTickets;
  ticketTarget: TicketProfile;
  settings: TicketSettings;
  alertMapping: AlertMapping;
  stats: AlertsPassStats;
  mappingOf(tenantId: string): Promise<CompanyMapping | null>;
  contractOf(companyId: string): Promise<{ id: string; name: string } | null>;
  typeTitle(type: string): Promise<string | null>;
  /** Link histories prefetched for a page of alerts; an entry is dropped when its key is written. */
  histories: Map<string, StoredLink[]>;
  /** From when alerts become tickets (src/domain/ticket-start.ts); null: every alert. */
  ticketStart?: TicketStart | null;
  /** The waiting-list and cursor writes: the store's, or none in a dry run. */
  writes: PassWrites;
  /** What the pass decided, in the order it decided it (src/domain/ticket-plan.ts). */
  plan: AlertPlanEntry[];
  /**
   * A dry run's links as its decisions would leave them, per alert key, so a key's later events of
   * the same pass are decided as the real pass would decide them (a clear closes the ticket the
   * raise before it plans) while nothing is written.
   */
  plannedLinks: Map<string, TicketLink[]>;
}

/** The counters of a pass before it has seen anything. */
export function emptyAlertsPassStats(): AlertsPassStats {
  return {
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
    beforeStart: 0,
    cursor: null,
  };
}

export function buildContext(env: TicketLoopEnv, clock: Clock, ticketTarget: TicketProfile, settings: TicketSettings, alertMapping: AlertMapping, stats: AlertsPassStats): PassContext {
  const log = env.log ?? noopLog;
  const journal = env.journal ?? new Journal(env.repos.journal, { clock, ...(env.journalLeaseMs === undefined ? {} : { leaseMs: env.journalLeaseMs }) });
  const mappings = new Map<string, CompanyMapping | null>();
  const contracts = new Map<string, Promise<{ id: string; name: string } | null>>();
  let billing: Promise<{ mapped: boolean; products: ReadonlySet<string> }> | undefined;
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
    writes: env.dryRun === true ? noPassWrites : storePassWrites(env),
    plan: [],
    plannedLinks: new Map(),
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
          billing ??= billingOf(env);
          const { mapped, products: mappedProducts } = await billing;
          if (!mapped) return null;
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

/** Whether billing is mapped (the product mapping has entries), and the target products it maps. */
async function billingOf(env: TicketLoopEnv): Promise<{ mapped: boolean; products: ReadonlySet<string> }> {
  const mapping = await integrationSettings(env.repos.settings).read(env.integrationId, 'product-mapping');
  return { mapped: mapping.entries.length > 0, products: mappedProductIds(mapping) };
}

export async function historyOf(ctx: PassContext, keyString: string): Promise<StoredLink[]> {
  const cached = ctx.histories.get(keyString);
  if (cached !== undefined) return cached;
  return ctx.env.repos.alertLinks.history(ctx.env.integrationId, keyString);
}

/** The tenant's mapping for a plan entry's words; a failed read leaves the company out, never fails the pass. */
export async function companyOf(ctx: PassContext, tenantId: string | null): Promise<CompanyMapping | null> {
  if (tenantId === null) return null;
  return ctx.mappingOf(tenantId).catch(() => null);
}

export async function crash(ctx: PassContext, point: CrashPoint, context: { alertId?: string; ticketId?: string; operation: string }): Promise<void> {
  if (ctx.env.crashPoint !== undefined) await ctx.env.crashPoint(point, context);
}
