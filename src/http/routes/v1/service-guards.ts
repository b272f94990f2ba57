// Changes that take service from a customer, as a person reviews them:
// - `POST /integrations/:id/mappings/preview`: what mapping a company to a tenant would do, before it
//   is saved ("mapping X to Y will set workstations 60 → 0, 55 in use");
// - `GET /integrations/:id/approvals`: the changes waiting for approval, with company and what happens;
// - `POST /integrations/:id/approvals`: approve one change, a company's changes, or all of them (the
//   whole pass); the next provisioning pass applies them, or at once with `run: true`.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { runVerdict, type RunVerdict } from '../../../domain/integration-health.ts';
import { previewMapping } from '../../../sync/mapping-preview.ts';
import { listReadableProblems } from '../../../sync/plan-problems.ts';
import { ApiError, errorResponses } from '../../api-error.ts';
import { principalOf } from '../../auth/authenticate.ts';
import { actorOf } from '../../auth/principal.ts';
import type { RouteDeps } from '../../route-deps.ts';
import { integrationOrNotFound } from '../../integration-or-not-found.ts';

const heldSchema = z.object({
  changeKey: z.string(),
  company: z.object({ id: z.string(), name: z.string().nullable() }),
  change: z.string().describe('quota_below_usage, item_off_in_use, disable_tenant or delete_tenant'),
  description: z.string(),
  since: z.string(),
});

export const serviceGuardRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app, deps) => {
  const store = deps.store;
  const approvals = store.repos.changeApprovals;

  const requireIntegration = (id: string) => integrationOrNotFound(store.repos.integrations, id);

  async function held(integrationId: string) {
    const problems = await listReadableProblems(store, integrationId, { loop: 'provisioning' });
    return problems
      .filter((p) => p.code === 'awaiting_approval' && typeof p.context.changeKey === 'string')
      .map((p) => ({
        changeKey: p.context.changeKey as string,
        company: p.company,
        change: String(p.context.change ?? ''),
        description: p.message.replace(/^Waiting for approval: /, '').replace(/\.$/, ''),
        since: p.seenAt,
      }));
  }

  app.post(
    '/integrations/:id/mappings/preview',
    {
      config: { readOnlyAllowed: 'computes what a mapping would do and stores nothing' },
      schema: {
        tags: ['mappings'],
        summary: 'What mapping a company to an existing tenant would do (the next provisioning pass for the pair, with usage); changes nothing',
        params: z.object({ id: z.string().min(1) }),
        body: z.object({ companyId: z.string().min(1, 'is required'), tenantId: z.string().min(1, 'is required') }),
        response: {
          200: z.object({
            companyId: z.string(),
            companyName: z.string(),
            tenantId: z.string(),
            tenantName: z.string(),
            changes: z.array(z.object({ item: z.string(), from: z.string(), to: z.string(), inUse: z.number().nullable(), reduces: z.boolean(), description: z.string() })),
            reductions: z.number().int(),
            problems: z.array(z.object({ severity: z.string(), message: z.string() })),
            summary: z.string(),
          }),
          ...errorResponses(400, 401, 404, 502),
        },
      },
    },
    async (request) => {
      const integration = await requireIntegration(request.params.id);
      const rt = await deps.runtimes.get(integration.id);
      return previewMapping(rt, request.body.companyId, request.body.tenantId);
    },
  );

  app.get(
    '/integrations/:id/approvals',
    {
      schema: {
        tags: ['provisioning'],
        summary: 'Changes that take service from a customer and wait for a person, and the approvals given',
        params: z.object({ id: z.string().min(1) }),
        response: {
          200: z.object({
            waiting: z.array(heldSchema),
            approved: z.array(z.object({ changeKey: z.string(), companyId: z.string(), approvedBy: z.string(), approvedAt: z.string() })),
          }),
          ...errorResponses(401, 404),
        },
      },
    },
    async (request) => {
      const integration = await requireIntegration(request.params.id);
      return { waiting: await held(integration.id), approved: await approvals.list(integration.id) };
    },
  );

  app.post(
    '/integrations/:id/approvals',
    {
      schema: {
        tags: ['provisioning'],
        summary: 'Approve waiting changes: by key, every change of a company, or all (the whole pass); run=true applies them now',
        params: z.object({ id: z.string().min(1) }),
        body: z
          .object({ changeKeys: z.array(z.string().min(1)).optional(), companyId: z.string().min(1).optional(), all: z.literal(true).optional(), run: z.boolean().optional() })
          .refine((b) => [b.changeKeys !== undefined, b.companyId !== undefined, b.all === true].filter(Boolean).length === 1, {
            message: 'choose what to approve: changeKeys, companyId or all',
          }),
        response: {
          200: z.object({
            approved: z.array(heldSchema),
            run: z
              .object({
                status: z.string(),
                error: z.string().nullable(),
                verdict: z.object({ status: z.string(), count: z.number().int(), reason: z.string().nullable() }).describe('What the pass means (succeeded only when it left nothing failed or open)'),
              })
              .nullable(),
          }),
          ...errorResponses(400, 401, 404, 409),
        },
      },
    },
    async (request) => {
      const integration = await requireIntegration(request.params.id);
      const waiting = await held(integration.id);
      const { changeKeys, companyId, all } = request.body;
      const chosen = all === true ? waiting : companyId !== undefined ? waiting.filter((h) => h.company.id === companyId) : waiting.filter((h) => changeKeys!.includes(h.changeKey));
      if (changeKeys !== undefined) {
        const unknown = changeKeys.filter((k) => !waiting.some((h) => h.changeKey === k));
        if (unknown.length > 0) throw new ApiError(409, 'not_waiting', `${unknown.length} of the changes are no longer waiting for approval (the plan changed); reload the list`);
      }
      const actor = actorOf(principalOf(request));
      await approvals.approve(
        integration.id,
        chosen.map((h) => ({ changeKey: h.changeKey, companyId: h.company.id })),
        actor,
      );
      await store.repos.auditLog.record({
        actor,
        action: 'provisioning.approve_reductions',
        subjectType: 'integration',
        subjectId: integration.id,
        details: { count: chosen.length, changes: chosen.map((h) => `${h.company.name ?? h.company.id}: ${h.description}`) },
      });
      let run: { status: string; error: string | null; verdict: RunVerdict } | null = null;
      if (request.body.run === true && chosen.length > 0 && deps.jobRunner !== undefined) {
        const result = await deps.jobRunner.runNow(integration.id, 'provisioning');
        const error = result.error?.message ?? null;
        run = { status: result.status, error, verdict: runVerdict({ status: result.status === 'ok' ? 'succeeded' : result.status, error, stats: result.stats }) };
      }
      return { approved: chosen, run };
    },
  );
};
