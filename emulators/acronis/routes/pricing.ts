// The price list a tenant sells at: `GET /tenants/{id}/offering_items/pricing` (reference §9 [SWG]:
// `{items:[{application_id, name, infra_id?, price:"1.23", version}]}`). The `currency` query, the
// `currency` and `available_currencies` fields of the answer and the 400 for an unpriced currency
// are the emulator's inference (see price-list.ts).
import type { FastifyInstance } from 'fastify';
import type { EmulatorContext } from '../../kit/server.ts';
import { ApiError } from '../errors.ts';
import { isPriceCurrency, PRICE_CURRENCIES, priceOf, pricedItems } from '../price-list.ts';
import type { AcronisState } from '../state.ts';
import { qs, visibleTenant } from './common.ts';

/** The list's version: fixed, the emulator's prices never change (epoch-ms, like quota versions). */
const PRICE_LIST_VERSION = Date.UTC(2025, 0, 1);

export function pricingRoutes(app: FastifyInstance, ctx: EmulatorContext<AcronisState>): void {
  app.get('/tenants/:id/offering_items/pricing', async (request) => {
    const { id } = request.params as { id: string };
    const state = ctx.state;
    const t = visibleTenant(state, request, id);
    const currency = (qs(request, 'currency') ?? 'USD').toUpperCase();
    if (!isPriceCurrency(currency)) {
      throw new ApiError(400, 400, `Currency '${currency}' is not in the price list; the vendor prices in ${PRICE_CURRENCIES.join(', ')}.`, {
        currency,
        available_currencies: [...PRICE_CURRENCIES],
      });
    }
    const offered = new Set(state.itemInstances(t).filter((i) => state.itemStatus(t, i.key) === 1 || t.kind === 'root').map((i) => i.def.name));
    const items = [];
    const seen = new Set<string>();
    for (const def of pricedItems) {
      if (!offered.has(def.name) || seen.has(def.name)) continue;
      seen.add(def.name);
      items.push({
        application_id: def.application_id,
        name: def.name,
        usage_name: def.usage_name,
        edition: def.edition,
        measurement_unit: def.measurement_unit,
        price: priceOf(def, currency),
        version: PRICE_LIST_VERSION,
      });
    }
    return { currency, available_currencies: [...PRICE_CURRENCIES], items };
  });
}
