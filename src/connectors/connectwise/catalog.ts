/** Procurement catalog products: a product's name is its description; created once, found by name or identifier. */
import { createHash } from 'node:crypto';
import { ConnectorError, isConnectorError, isTransient } from '../kit/errors.ts';
import { collect } from '../kit/paging.ts';
import { lookUpThenWrite } from '../kit/look-up-then-write.ts';
import type { NewTargetService, TargetCatalog, TargetProduct, TargetServicePatch, TargetWriteOptions } from '../ports.ts';
import { CONNECTWISE_SYSTEM } from './client.ts';
import { and, where } from './conditions.ts';
import { identifierFor, toProduct } from './mapping.ts';
import { badInput, cached, LOOKUP_TTL_MS, numericId, PATHS, type ConnectWiseParts } from './target-parts.ts';
import * as wire from './wire.ts';

export function createConnectWiseCatalog(parts: ConnectWiseParts): TargetCatalog {
  const { client, now } = parts;

  const subcategories = cached(() => collect(client.list(PATHS.subcategories, wire.lookup, {}, { operation: 'list product subcategories' })), LOOKUP_TTL_MS, now);
  const productTypes = cached(() => collect(client.list(PATHS.productTypes, wire.lookup, {}, { operation: 'list product types' })), LOOKUP_TTL_MS, now);

  async function findServiceByName(name: string): Promise<TargetProduct | null> {
    const wanted = name.trim();
    if (wanted === '') return null;
    const conditions = `(${where.eq('description', wanted).text} or ${where.eq('identifier', wanted).text})`;
    const rows = await collect(client.list(PATHS.catalog, wire.catalogItem, { conditions }, { operation: 'find product by name' }));
    const lower = wanted.toLowerCase();
    const match = rows.find((p) => (p.description ?? '').trim().toLowerCase() === lower) ?? rows.find((p) => p.identifier.toLowerCase() === lower);
    return match === undefined ? null : toProduct(match);
  }

  async function readProduct(id: string | number, operation: string): Promise<TargetProduct> {
    const row = await client.find(`${PATHS.catalog}/${id}`, wire.catalogItem, { operation });
    if (row === null) throw new ConnectorError({ code: 'not_found', system: CONNECTWISE_SYSTEM, message: `ConnectWise has no catalog product ${id}`, context: { operation } });
    return toProduct(row);
  }

  async function ensureService(service: NewTargetService, options: TargetWriteOptions): Promise<{ product: TargetProduct; created: boolean }> {
    const name = service.name.trim();
    const operation = `create product "${name}"`;
    if (name === '') throw badInput('A product needs a name', 'create product');
    const description = name.slice(0, 60);
    const result = await lookUpThenWrite({
      lookUp: () => findServiceByName(name),
      write: async (round) => {
        const subs = (await subcategories()).filter((s) => s.inactiveFlag !== true);
        const types = (await productTypes()).filter((t) => t.inactiveFlag !== true);
        const subcategory = service.serviceCode ? numericId(service.serviceCode, 'product subcategory', operation) : (subs.find((s) => /backup/i.test(s.name)) ?? subs[0])?.id;
        const type = (types.find((t) => t.defaultFlag === true) ?? types[0])?.id;
        if (subcategory === undefined || type === undefined) {
          throw badInput('ConnectWise has no active product subcategory or product type to file a new product under: create one (Setup Tables > Product Subcategory / Product Type)', operation);
        }
        const body: Record<string, unknown> = {
          identifier: identifierFor(name, round === 1 ? '' : `-${createHash('sha256').update(`${name}|${round}`).digest('hex').slice(0, 4)}`),
          description,
          customerDescription: description,
          subcategory: { id: subcategory },
          type: { id: type },
          productClass: 'Service',
          price: service.unitPrice,
          recurringFlag: service.periodType === 'monthly',
          ...(service.unitCost === undefined || service.unitCost === null ? {} : { cost: service.unitCost }),
        };
        return toProduct(await client.create(PATHS.catalog, body, wire.catalogItem, { operation }));
      },
      // A create that may have landed (timeout, reset) or lost a race (name taken) is found by name.
      lookUpAfter: (error) => isTransient(error) || isConnectorError(error, 'bad_request'),
      // The identifier is taken by another product: the next round adds a suffix.
      writeAgainAfter: (error) => isTransient(error) || (isConnectorError(error, 'bad_request') && /identifier/i.test(error.message)),
      idempotencyKey: options.idempotencyKey,
    });
    return { product: result.value, created: result.created };
  }

  const catalog: TargetCatalog = {
    listProducts: (query = {}) =>
      (async function* () {
        if (query.kind === 'bundle') return;
        const conditions = query.activeOnly === true ? and([where.eq('inactiveFlag', false)]) : undefined;
        for await (const p of client.list(PATHS.catalog, wire.catalogItem, { conditions }, { operation: 'list catalog products' })) yield toProduct(p);
      })(),
    findServiceByName,
    ensureService,
    updateService: async (id: string, patch: TargetServicePatch) => {
      const operation = 'update product';
      const ops: { op: 'replace'; path: string; value: unknown }[] = [];
      if (patch.unitPrice !== undefined) ops.push({ op: 'replace', path: 'price', value: patch.unitPrice });
      if (patch.unitCost !== undefined) ops.push({ op: 'replace', path: 'cost', value: patch.unitCost ?? 0 });
      if (patch.description !== undefined && patch.description !== null) ops.push({ op: 'replace', path: 'customerDescription', value: patch.description.slice(0, 60) });
      if (ops.length === 0) return readProduct(numericId(id, 'product', operation), operation);
      return toProduct(await client.patch(`${PATHS.catalog}/${numericId(id, 'product', operation)}`, ops, wire.catalogItem, { operation, repeatable: true }));
    },
    listServiceCodes: async () => (await subcategories()).map((s) => ({ value: String(s.id), label: s.name, active: s.inactiveFlag !== true })),
  };

  return catalog;
}
