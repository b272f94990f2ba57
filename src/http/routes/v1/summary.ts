// `GET /api/v1/integrations/:id/summary`: the integration status screen (seed 002 §8 "Status OK,
// Accounts Total / Linked, Tickets New"), one endpoint for every target:
// - status and health (the one rule, src/domain/integration-health.ts, as everywhere else); an API
//   budget that cannot be read is recorded as a health signal, so the list and the CLI see it too;
// - companies: total and linked (mapped), and the count in each mapping state;
// - tickets: the hub's alert tickets by state, `new` = open and never reopened or closed;
// - loops: the last run and the last error of each loop;
// - apiBudget: the target's API allowance in use when it can tell (`Target.apiBudget`; for Autotask
//   the database-wide hourly threshold, read once);
// - `?plan=true`: each loop's dry run (the loop registry's functions with `dryRun`), its counts and
//   the first planned changes: what the next sync would do.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { isConnectorError } from '../../../connectors/kit/errors.ts';
import type { Target, TargetApiBudget } from '../../../connectors/ports.ts';
import { SYNC_LOOP_NAMES, SYNC_LOOPS } from '../../../sync/loops.ts';
import { errorResponses } from '../../api-error.ts';
import type { RouteDeps } from '../../route-deps.ts';
import type { IntegrationRuntime } from '../../../sync/integration-runtime.ts';
import type { LoopOutcome } from '../../../sync/loop-result.ts';
import { readIntegrationHealth, recordApiBudgetSignal } from '../../../sync/integration-health.ts';
import { HEALTH_STATUSES, integrationHealthSchema } from './integration-health.ts';
import type { PlanProblem } from '../../../domain/plan-problem.ts';
import { problemAdvice } from '../../../domain/problem-advice.ts';
import { isPlanChange } from '../../../domain/ticket-plan.ts';
import type { ProductMapping } from '../../../domain/product-mapping.ts';
import { problemServiceNamer } from '../../../sync/plan-problems.ts';
import { integrationSettings } from '../../../sync/settings/settings.ts';
import { companyPartners, tenantPartners, type TenantPartner } from '../../../sync/tenant-partners.ts';
import { tenantPartnerSchema } from './integration-partners.ts';
import { integrationOrNotFound } from '../../integration-or-not-found.ts';

const PLAN_SAMPLE = 20;
const PROBLEM_SAMPLE = 50;

const planProblemSchema = z.object({
  severity: z.string(),
  code: z.string(),
  companyId: z.string().nullable(),
  companyName: z.string().nullable(),
  service: z.string().nullable(),
  message: z.string(),
  advice: z.string(),
  partner: tenantPartnerSchema.nullable().optional(),
});

type PlanLoopEntry = { sample: unknown[]; problemList: z.infer<typeof planProblemSchema>[] };

/**
 * With several partner tenants, each plan entry and problem that names a company (or a tenant)
 * says which partner it belongs to (`partner`, null for a company without a tenant), as every
 * table of tenants does; with one partner the entries stay as they were.
 */
async function withPartners<T extends PlanLoopEntry>(rt: IntegrationRuntime, entry: T): Promise<T> {
  const fieldsOf = (item: unknown) => (typeof item === 'object' && item !== null ? (item as { companyId?: unknown; tenantId?: unknown }) : {});
  const companyIds = [
    ...entry.sample.flatMap((item) => (typeof fieldsOf(item).companyId === 'string' ? [fieldsOf(item).companyId as string] : [])),
    ...entry.problemList.flatMap((p) => (p.companyId === null ? [] : [p.companyId])),
  ];
  const companies = await companyPartners(rt, companyIds);
  if (companies === null) return entry;
  const tenantOnly = entry.sample.flatMap((item) => (typeof fieldsOf(item).companyId !== 'string' && typeof fieldsOf(item).tenantId === 'string' ? [fieldsOf(item).tenantId as string] : []));
  const tenants = (await tenantPartners(rt, tenantOnly)) ?? new Map<string, TenantPartner>();
  const sample = entry.sample.map((item) => {
    const { companyId, tenantId } = fieldsOf(item);
    if (typeof companyId === 'string') return { ...(item as object), partner: companies.get(companyId) ?? null };
    if (typeof tenantId === 'string') return { ...(item as object), partner: tenants.get(tenantId) ?? null };
    return item;
  });
  const problemList = entry.problemList.map((p) => (p.companyId === null ? p : { ...p, partner: companies.get(p.companyId) ?? null }));
  return { ...entry, sample, problemList };
}

/**
 * A dry run's counts as a person reads them: the changes it would make apart from the problems it
 * would leave open (a company plan holding only a problem is not a change), and the first problems
 * with their company and service.
 */
function countPlan(plan: readonly unknown[], stats: Record<string, unknown>, serviceOf: (context: Record<string, unknown>) => string | null, listed?: LoopOutcome['problems']) {
  let changes = 0;
  let problems = 0;
  const problemList: z.infer<typeof planProblemSchema>[] = [];
  for (const entry of plan) {
    const item = (entry ?? {}) as { operations?: unknown; problems?: unknown; companyId?: unknown; companyName?: unknown; kind?: unknown };
    // A ticket loop's `nothing` entry says why an alert makes no ticket: listed, not a change.
    changes += Array.isArray(item.operations) ? item.operations.length : isPlanChange({ kind: String(item.kind ?? '') }) ? 1 : 0;
    if (!Array.isArray(item.problems)) continue;
    for (const p of item.problems as PlanProblem[]) {
      problems += 1;
      if (problemList.length < PROBLEM_SAMPLE) {
        problemList.push({
          severity: p.severity,
          code: p.code,
          companyId: typeof item.companyId === 'string' ? item.companyId : null,
          companyName: typeof item.companyName === 'string' ? item.companyName : null,
          service: serviceOf(p.context),
          message: p.message,
          advice: problemAdvice(p.code),
        });
      }
    }
  }
  // Loops whose plan holds only changes list their problems apart (usage), or count them (`problems`).
  for (const company of listed ?? []) {
    for (const p of company.problems) {
      problems += 1;
      if (problemList.length < PROBLEM_SAMPLE) {
        problemList.push({ severity: p.severity, code: p.code, companyId: company.companyId, companyName: company.companyName, service: serviceOf(p.context), message: p.message, advice: problemAdvice(p.code) });
      }
    }
  }
  if (problems === 0 && typeof stats.problems === 'number') problems = stats.problems;
  return { changes, problems, problemList };
}

const runSchema = z.object({ id: z.string(), status: z.string(), startedAt: z.string(), finishedAt: z.string().nullable(), stats: z.record(z.string(), z.unknown()) });

const summarySchema = z.object({
  id: z.string(),
  name: z.string(),
  target: z.string(),
  status: z.enum(HEALTH_STATUSES),
  health: integrationHealthSchema,
  companies: z.object({
    total: z.number().int(),
    linked: z.number().int().describe('Companies mapped to a customer tenant'),
    byState: z.record(z.string(), z.number().int()),
  }),
  tickets: z
    .object({ new: z.number().int().describe('Open tickets raised from alerts, never reopened or closed'), byState: z.record(z.string(), z.number().int()) })
    .nullable(),
  loops: z.array(z.object({ loop: z.string(), lastRun: runSchema.nullable(), lastError: z.object({ at: z.string(), message: z.string() }).nullable() })),
  apiBudget: z
    .object({ used: z.number(), limit: z.number().nullable(), windowMs: z.number(), rateLimited: z.number(), waitUntil: z.string().nullable() })
    .nullable(),
  apiBudgetError: z.string().optional(),
  plan: z
    .array(
      z.object({
        loop: z.string(),
        stats: z.record(z.string(), z.unknown()),
        planned: z.number().int().describe('Plan entries (a company plan may hold only problems)'),
        changes: z.number().int().describe('Changes the pass would make'),
        problems: z.number().int().describe('Problems the pass would leave open, counted apart from the changes'),
        problemList: z.array(planProblemSchema).describe('The first problems: company, service, what is wrong and what to do'),
        sample: z.array(z.unknown()),
        error: z.string().optional(),
      }),
    )
    .optional(),
});

interface AutotaskLike {
  budget(): { used: number; limit: number; windowMs: number; suspendedUntil: number | null };
  client?: { threshold?: () => Promise<unknown> };
}

/** The port's `apiBudget`, or Autotask's hourly budget (its connector predates the port method). */
async function budgetOf(target: Target): Promise<TargetApiBudget | null> {
  if (target.apiBudget !== undefined) return target.apiBudget();
  const like = target as unknown as Partial<AutotaskLike>;
  if (typeof like.budget !== 'function') return null;
  if (typeof like.client?.threshold === 'function') await like.client.threshold();
  const b = like.budget();
  return { used: b.used, limit: b.limit, windowMs: b.windowMs, rateLimited: 0, waitUntil: b.suspendedUntil === null ? null : new Date(b.suspendedUntil).toISOString() };
}

export const summaryRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app, deps) => {
  const store = deps.store;

  app.get(
    '/integrations/:id/summary',
    {
      schema: {
        tags: ['integrations'],
        summary: 'Integration status: companies total and linked, new tickets, last run and error per loop, API budget, and with plan=true the next sync as a dry run',
        params: z.object({ id: z.string().min(1) }),
        querystring: z.object({ plan: z.enum(['true', 'false']).optional() }),
        response: { 200: summarySchema, ...errorResponses(401, 404) },
      },
    },
    async (request) => {
      const integration = await integrationOrNotFound(store.repos.integrations, request.params.id);
      const id = integration.id;
      const [latest, byState] = await Promise.all([store.repos.loopRuns.latestPerLoop(id), store.repos.mappings.countByState(id)]);
      const links = store.repos.alertLinks === undefined ? null : await store.repos.alertLinks.countByState(id);

      const loopNames = [...new Set([...SYNC_LOOP_NAMES, ...latest.map((r) => r.loop)])];
      const loops = await Promise.all(
        loopNames.map(async (loop) => {
          const last = latest.find((r) => r.loop === loop) ?? null;
          const failed = last?.status === 'failed' ? last : ((await store.repos.loopRuns.list(id, { loop, limit: 50 })).find((r) => r.status === 'failed') ?? null);
          return {
            loop,
            lastRun: last === null ? null : { id: last.id, status: last.status, startedAt: last.startedAt, finishedAt: last.finishedAt, stats: last.stats },
            lastError: failed === null ? null : { at: failed.finishedAt ?? failed.startedAt, message: failed.error ?? 'failed' },
          };
        }),
      );

      let apiBudget: TargetApiBudget | null = null;
      let apiBudgetError: string | undefined;
      let runtime: IntegrationRuntime | undefined;
      try {
        runtime = await deps.runtimes.get(id);
        apiBudget = await budgetOf(runtime.target);
      } catch (error) {
        apiBudgetError = isConnectorError(error) || error instanceof Error ? error.message : String(error);
      }
      if (integration.enabled) await recordApiBudgetSignal(store, id, apiBudgetError ?? null);
      const health = await readIntegrationHealth(store, integration);

      let plan: z.infer<typeof summarySchema>['plan'];
      if (request.query.plan === 'true' && runtime !== undefined) {
        plan = [];
        const serviceOf = problemServiceNamer((await integrationSettings(store.repos.settings).read(id, 'product-mapping')) as ProductMapping);
        for (const loop of SYNC_LOOP_NAMES) {
          try {
            const outcome = await SYNC_LOOPS[loop](runtime, { dryRun: true });
            const stats = outcome.stats as Record<string, unknown>;
            const counted = { loop, stats, planned: outcome.plan.length, ...countPlan(outcome.plan, stats, serviceOf, outcome.problems), sample: outcome.plan.slice(0, PLAN_SAMPLE) as unknown[] };
            plan.push(await withPartners(runtime, counted));
          } catch (error) {
            plan.push({ loop, stats: {}, planned: 0, changes: 0, problems: 0, problemList: [], sample: [], error: error instanceof Error ? error.message : String(error) });
          }
        }
      }

      return {
        id,
        name: integration.name,
        target: integration.target,
        status: health.status,
        health,
        companies: { total: Object.values(byState).reduce((a, b) => a + b, 0), linked: byState.mapped, byState },
        tickets: links === null ? null : { new: links.open, byState: links },
        loops,
        apiBudget,
        ...(apiBudgetError === undefined ? {} : { apiBudgetError }),
        ...(plan === undefined ? {} : { plan }),
      };
    },
  );
};
