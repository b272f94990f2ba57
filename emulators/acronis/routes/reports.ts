// Usage reports (reference §9): `POST /reports` with `parameters{kind, tenant_id, level, formats,
// period{start,end}}` → 201 `{id}`; `GET /reports/{id}/stored` → `{items:[{id, report_format, size,
// created_at, status}]}`; `GET /reports/{id}/stored/{sid}` downloads it. Only what a billing pull
// needs is served: kind `usage_summary`, level `all_customers`, format `csv_v2_0`. A report is
// `in_progress` on its first poll and `saved` after, so a client must poll as with the real one.
// The CSV columns are the emulator's own (inf: the public sources name the format, not its columns).
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { EmulatorContext } from '../../kit/server.ts';
import { itemsByUsage } from '../catalog.ts';
import { ApiError, badRequest, notFound } from '../errors.ts';
import type { AcronisState, TenantRecord } from '../state.ts';
import { monthOf, usageInMonth } from '../usage-history.ts';
import { parseBody, visibleTenant } from './common.ts';

export const REPORT_COLUMNS = [
  'tenant_id', 'tenant_name', 'parent_id', 'customer_id', 'usage_name', 'offering_item', 'edition',
  'infra_id', 'measurement_unit', 'period_start', 'period_end', 'value',
] as const;

const createSchema = z.looseObject({
  parameters: z.looseObject({
    kind: z.enum(['usage_current', 'usage_summary', 'usage_daily', 'usage_breakdown']),
    tenant_id: z.string().min(1),
    level: z.enum(['accounts', 'direct_partners', 'all_partners', 'all_customers']),
    formats: z.array(z.string()).min(1),
    period: z.object({ start: z.iso.date(), end: z.iso.date() }),
    show_skus: z.boolean().optional(),
  }),
  schedule: z.looseObject({ type: z.literal('once') }),
  result_action: z.literal('save'),
  recipients: z.array(z.unknown()).optional(),
});

interface StoredReport {
  id: string;
  storedId: string;
  tenantId: string;
  createdAt: string;
  polls: number;
  csv: string;
}

const reports = new WeakMap<AcronisState, Map<string, StoredReport>>();
function reportsOf(state: AcronisState): Map<string, StoredReport> {
  let map = reports.get(state);
  if (map === undefined) reports.set(state, (map = new Map()));
  return map;
}

const csvCell = (value: string | number | null): string => {
  const text = value === null ? '' : String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

/** Customers at any depth below `root` (sub-partners and folders are walked through). */
function customersBelow(state: AcronisState, root: TenantRecord): TenantRecord[] {
  const out: TenantRecord[] = [];
  const stack = [root];
  while (stack.length > 0) {
    const t = stack.pop() as TenantRecord;
    for (const child of state.children.get(t.id) ?? []) {
      if (child.deleted_at !== null) continue;
      if (child.kind === 'customer') out.push(child);
      else if (child.kind === 'partner' || child.kind === 'folder') stack.push(child);
    }
  }
  return out.sort((a, b) => a.seq - b.seq);
}

/** The usage of every customer below `root` in the month the period starts in. */
export function usageSummaryCsv(state: AcronisState, root: TenantRecord, period: { start: string; end: string }, nowMs: number): string {
  const month = monthOf(Date.parse(`${period.start}T00:00:00Z`));
  const lines = [REPORT_COLUMNS.join(',')];
  for (const t of customersBelow(state, root)) {
    const usages = [...usageInMonth(state, t, month, nowMs).values()].sort((a, b) =>
      `${a.usage_name}|${a.infra_id ?? ''}` < `${b.usage_name}|${b.infra_id ?? ''}` ? -1 : 1,
    );
    for (const u of usages) {
      const def = itemsByUsage.get(`${u.usage_name}|${u.edition ?? ''}`);
      lines.push(
        [t.id, t.name, t.parent_id, t.customer_id, u.usage_name, def?.name ?? u.usage_name, u.edition, u.infra_id, def?.measurement_unit ?? 'quantity', period.start, period.end, u.value]
          .map(csvCell)
          .join(','),
      );
    }
  }
  return `${lines.join('\r\n')}\r\n`;
}

export function reportRoutes(app: FastifyInstance, ctx: EmulatorContext<AcronisState>): void {
  app.post('/reports', async (request, reply) => {
    const body = parseBody(createSchema, request.body);
    const p = body.parameters;
    const root = visibleTenant(ctx.state, request, p.tenant_id);
    if (p.kind !== 'usage_summary' || p.level !== 'all_customers') {
      throw badRequest(`The emulator serves usage_summary reports at level all_customers only (asked: ${p.kind} at ${p.level}).`);
    }
    if (!p.formats.includes('csv_v2_0')) throw badRequest("Report format must include 'csv_v2_0'.", { formats: p.formats });
    if (p.period.end < p.period.start) throw badRequest('The report period ends before it starts.', { period: p.period });
    const now = ctx.clock.nowMs();
    const report: StoredReport = {
      id: randomUUID(),
      storedId: randomUUID(),
      tenantId: root.id,
      createdAt: new Date(now).toISOString(),
      polls: 0,
      csv: usageSummaryCsv(ctx.state, root, p.period, now),
    };
    reportsOf(ctx.state).set(report.id, report);
    return reply.code(201).send({ id: report.id });
  });

  const reportOf = (id: string, request: Parameters<typeof visibleTenant>[1]): StoredReport => {
    const report = reportsOf(ctx.state).get(id);
    if (report === undefined) throw notFound('Report', id);
    visibleTenant(ctx.state, request, report.tenantId);
    return report;
  };

  app.get('/reports/:id/stored', async (request) => {
    const { id } = request.params as { id: string };
    const report = reportOf(id, request);
    report.polls += 1;
    const status = report.polls === 1 ? 'in_progress' : 'saved';
    return {
      items: [{ id: report.storedId, report_format: 'csv_v2_0', size: status === 'saved' ? Buffer.byteLength(report.csv) : 0, created_at: report.createdAt, status }],
    };
  });

  app.get('/reports/:id/stored/:sid', async (request, reply) => {
    const { id, sid } = request.params as { id: string; sid: string };
    const report = reportOf(id, request);
    if (sid !== report.storedId) throw notFound('Stored report', sid);
    if (report.polls < 2) throw new ApiError(409, 409, 'The report is still being generated; poll /stored until it is saved.');
    return reply.type('text/csv; charset=utf-8').send(report.csv);
  });
}
