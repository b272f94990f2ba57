// CSV downloads of the tables an MSP takes into a spreadsheet: the customer mapping (every company,
// not one page) and the prepaid usage against the contract (one record per customer and service).
// The same data as the JSON routes, through the same functions; quoting in src/domain/csv.ts.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { csvFileName, toCsv } from '../../../domain/csv.ts';
import { listMappings } from '../../../sync/mapping-list.ts';
import { listPrepaidUsage } from '../../../sync/prepaid-usage.ts';
import { errorResponses } from '../../api-error.ts';
import type { RouteDeps } from '../../route-deps.ts';
import { integrationOrNotFound } from '../../integration-or-not-found.ts';

const params = z.object({ id: z.string().min(1) });
const PAGE = 1000;

export const exportRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app, deps) => {
  const runtime = async (id: string) => {
    const integration = await integrationOrNotFound(deps.store.repos.integrations, id);
    return deps.runtimes.get(id);
  };

  app.get(
    '/integrations/:id/mappings.csv',
    {
      schema: {
        tags: ['mappings'],
        summary: 'The customer mapping as CSV (text/csv): every company with its PSA status, mapping state and tenant',
        params,
        response: errorResponses(401, 404),
      },
    },
    async (request, reply) => {
      const rt = await runtime(request.params.id);
      const rows = [];
      for (let offset = 0; ; offset += PAGE) {
        const page = await listMappings(rt, { limit: PAGE, offset });
        rows.push(...page.items);
        if (page.items.length < PAGE || rows.length >= page.total) break;
      }
      const csv = toCsv(
        ['Company', 'Company ID', 'PSA status', 'Active', 'Mapping', 'Tenant', 'Tenant ID', 'Pending', 'Error', 'Updated'],
        rows.map((r) => [r.companyName, r.companyId, r.companyStatus, r.companyActive, r.stateLabel, r.tenantName, r.tenantId, r.pending, r.error, r.updatedAt]),
      );
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${csvFileName(rt.integration.name, 'mappings')}"`)
        .send(csv as never); // text, not a JSON body: no 200 schema, so it goes out as is
    },
  );

  app.get(
    '/integrations/:id/prepaid-usage.csv',
    {
      schema: {
        tags: ['billing'],
        summary: 'Prepaid usage as CSV (text/csv): one record per customer and service, usage against the contracted quantity and the overage',
        params,
        response: errorResponses(401, 404, 502, 504),
      },
    },
    async (request, reply) => {
      const rt = await runtime(request.params.id);
      const report = await listPrepaidUsage(rt, { onlyOver: false });
      const csv = toCsv(
        ['Company', 'Tenant', 'Service', 'Unit', 'Contracted', 'Usage', 'Quota', 'Overage', 'Over contract'],
        report.customers.flatMap((c) =>
          c.rows.map((r) => [c.companyName, c.tenantName, r.label, r.billingUnit, r.contracted, r.usage, r.quotaValue, r.overage, r.over]),
        ),
      );
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${csvFileName(rt.integration.name, 'prepaid-usage')}"`)
        .send(csv as never);
    },
  );
};
