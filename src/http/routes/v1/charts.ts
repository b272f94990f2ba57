// Data for the portal's charts, where a person would rather look than read:
// - `charts/usage?company=`: per customer, contracted vs used units of each offering item per day
//   (the usage loop's history, migration 0004), plus the companies that have history to choose from;
// - `charts/tickets`: tickets raised from alerts opened and closed per day (the hub's alert links).
// Days are UTC `YYYY-MM-DD`; series are aligned with `days` (null where there is no value).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { catalogItem, isCatalogItemKey } from '../../../domain/offering-item-catalog.ts';
import { utcDayOf } from '../../../store/repositories/usage-history.ts';
import { errorResponses, notFound } from '../../api-error.ts';
import type { RouteDeps } from '../../route-deps.ts';
import { integrationOrNotFound } from '../../integration-or-not-found.ts';

const DAY_MS = 86_400_000;

/** Every UTC day from `days - 1` days before `now` to `now`'s day. */
export function dayRange(now: Date, days: number): string[] {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return Array.from({ length: days }, (_, i) => utcDayOf(new Date(today - (days - 1 - i) * DAY_MS)));
}

const itemLabel = (key: string, infraId: string | null): string => {
  const name = isCatalogItemKey(key) ? catalogItem(key).displayName : key;
  return infraId === null ? name : `${name} (${infraId})`;
};

const unitOf = (key: string): string => (isCatalogItemKey(key) && catalogItem(key).billingUnit === 'GB' ? 'GB' : 'units');

export const chartRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app, deps) => {
  const store = deps.store;
  const history = store.repos.usageHistory;
  const links = store.db;
  const requireIntegration = (id: string) => integrationOrNotFound(store.repos.integrations, id);

  app.get(
    '/integrations/:id/charts/usage',
    {
      schema: {
        tags: ['charts'],
        summary: 'Contracted vs used units per offering item per day for one company (default: the one with the most recent history), and the companies with history',
        params: z.object({ id: z.string().min(1) }),
        querystring: z.object({ company: z.string().min(1).optional(), days: z.coerce.number().int().min(2).max(366).default(90) }),
        response: {
          200: z.object({
            companies: z.array(z.object({ companyId: z.string(), companyName: z.string(), tenantName: z.string().nullable(), lastDay: z.string() })),
            company: z.object({ companyId: z.string(), companyName: z.string() }).nullable(),
            days: z.array(z.string()),
            items: z.array(
              z.object({ itemKey: z.string(), infraId: z.string().nullable(), label: z.string(), unit: z.string(), contracted: z.array(z.number().nullable()), used: z.array(z.number().nullable()) }),
            ),
          }),
          ...errorResponses(401, 404),
        },
      },
    },
    async (request) => {
      const integration = await requireIntegration(request.params.id);
      const [withHistory, mappings] = await Promise.all([history.companies(integration.id), store.repos.mappings.list(integration.id)]);
      const byId = new Map(mappings.map((m) => [m.companyId, m]));
      const companies = withHistory
        .map((c) => ({ companyId: c.companyId, companyName: byId.get(c.companyId)?.companyName ?? c.companyId, tenantName: byId.get(c.companyId)?.tenantName ?? null, lastDay: c.lastDay }))
        .sort((a, b) => a.companyName.localeCompare(b.companyName));
      const chosen = request.query.company ?? [...companies].sort((a, b) => b.lastDay.localeCompare(a.lastDay))[0]?.companyId;
      const days = dayRange(new Date(), request.query.days);
      if (chosen === undefined) return { companies, company: null, days, items: [] };
      const name = byId.get(chosen)?.companyName;
      if (name === undefined && !companies.some((c) => c.companyId === chosen)) throw notFound('company with usage history', chosen);

      const rows = await history.series(integration.id, chosen, { fromDay: days[0]! });
      const index = new Map(days.map((d, i) => [d, i]));
      const items = new Map<string, { itemKey: string; infraId: string | null; label: string; unit: string; contracted: (number | null)[]; used: (number | null)[] }>();
      for (const row of rows) {
        const slot = `${row.itemKey}|${row.infraId ?? ''}`;
        let item = items.get(slot);
        if (item === undefined) {
          item = { itemKey: row.itemKey, infraId: row.infraId, label: itemLabel(row.itemKey, row.infraId), unit: unitOf(row.itemKey), contracted: days.map(() => null), used: days.map(() => null) };
          items.set(slot, item);
        }
        const i = index.get(row.day);
        if (i === undefined) continue;
        item.contracted[i] = row.contracted;
        item.used[i] = row.used;
      }
      return { companies, company: { companyId: chosen, companyName: name ?? chosen }, days, items: [...items.values()].sort((a, b) => a.label.localeCompare(b.label)) };
    },
  );

  app.get(
    '/integrations/:id/charts/tickets',
    {
      schema: {
        tags: ['charts'],
        summary: 'Tickets raised from alerts: opened and closed per day (UTC)',
        params: z.object({ id: z.string().min(1) }),
        querystring: z.object({ days: z.coerce.number().int().min(2).max(366).default(30) }),
        response: {
          200: z.object({ days: z.array(z.string()), opened: z.array(z.number().int()), closed: z.array(z.number().int()), openNow: z.number().int() }),
          ...errorResponses(401, 404),
        },
      },
    },
    async (request) => {
      const integration = await requireIntegration(request.params.id);
      const days = dayRange(new Date(), request.query.days);
      const from = `${days[0]!}T00:00:00.000Z`;
      const rows = await links
        .selectFrom('alert_ticket_links')
        .select(['opened_at', 'closed_at'])
        .where('integration_id', '=', integration.id)
        .where((eb) => eb.or([eb('opened_at', '>=', from), eb('closed_at', '>=', from), eb('closed_at', 'is', null)]))
        .execute();
      const index = new Map(days.map((d, i) => [d, i]));
      const opened = days.map(() => 0);
      const closed = days.map(() => 0);
      let openNow = 0;
      for (const row of rows) {
        const o = index.get(row.opened_at.slice(0, 10));
        if (o !== undefined) opened[o]! += 1;
        if (row.closed_at === null) openNow += 1;
        else {
          const c = index.get(row.closed_at.slice(0, 10));
          if (c !== undefined) closed[c]! += 1;
        }
      }
      return { days, opened, closed, openNow };
    },
  );
};
