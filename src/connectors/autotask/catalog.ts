/** Autotask services and service bundles; services are created once, found by name. */
import { ConnectorError, isConnectorError, isTransient } from '../kit/errors.ts';
import { collect } from '../kit/paging.ts';
import type { NewTargetService, TargetCatalog, TargetProduct, TargetServicePatch, TargetWriteOptions } from '../ports.ts';
import { parseProductId, periodTypeLabel, toProduct } from './mapping.ts';
import { buildQuery, where, type Condition } from './query.ts';
import { lookUpThenWrite } from '../kit/look-up-then-write.ts';
import { badInput, type AutotaskParts } from './target-parts.ts';
import * as wire from './wire.ts';

const SERVICE_FIELDS = ['id', 'name', 'periodType', 'unitPrice', 'unitCost', 'billingCodeID', 'isActive', 'lastModifiedDate'];

export function createAutotaskCatalog(parts: AutotaskParts): TargetCatalog {
  const { client, picklists } = parts;

  async function periodLabels(entity: 'Services' | 'ServiceBundles'): Promise<Map<string, string>> {
    return new Map((await picklists.values(entity, 'periodType')).map((v) => [v.value, v.label]));
  }

  async function findServiceByName(name: string): Promise<TargetProduct | null> {
    const labels = await periodLabels('Services');
    const body = buildQuery([where.eq('name', name.trim())], { includeFields: SERVICE_FIELDS });
    for await (const s of client.query('Services', body, wire.service, { operation: 'find service by name' })) {
      if (s.name.trim().toLowerCase() === name.trim().toLowerCase()) return toProduct(s, 'service', labels.get(String(s.periodType)) ?? null);
    }
    return null;
  }

  async function defaultServiceCode(): Promise<number> {
    const codes = await listServiceCodeRows();
    const first = codes[0];
    if (first === undefined) {
      throw badInput(
        'Autotask has no active Recurring Service allocation code, which every service needs: create one (Admin > Products & Services > Allocation Codes) or choose a service code in the product mapping',
        'create service',
      );
    }
    return first.id;
  }

  async function listServiceCodeRows() {
    const recurring = await picklists.valueOf('BillingCodes', 'useType', 'Recurring Service');
    const body = buildQuery([where.eq('useType', recurring), where.eq('isActive', true)], { includeFields: ['id', 'name', 'isActive', 'useType'] });
    return collect(client.query('BillingCodes', body, wire.billingCode, { operation: 'list allocation codes' }));
  }

  async function readService(id: number): Promise<TargetProduct> {
    const row = await client.get('Services', id, wire.service, { operation: 'read service' });
    if (row === null) throw new ConnectorError({ code: 'not_found', system: 'autotask', message: `Autotask has no service ${id}`, context: { operation: 'read service' } });
    return toProduct(row, 'service', (await periodLabels('Services')).get(String(row.periodType)) ?? null);
  }

  async function ensureService(service: NewTargetService, options: TargetWriteOptions): Promise<{ product: TargetProduct; created: boolean }> {
    const name = service.name.trim();
    if (name === '') throw badInput('A service needs a name', 'create service');
    const operation = `create service "${name}"`;
    const result = await lookUpThenWrite({
      lookUp: () => findServiceByName(name),
      write: async () => readService(await client.create('Services', '/Services', await serviceBody(name, service, operation), { operation })),
      // A create that may have landed (timeout, reset) or lost a race (name taken) is found by name.
      lookUpAfter: (error) => isTransient(error) || isConnectorError(error, 'bad_request'),
      idempotencyKey: options.idempotencyKey,
    });
    return { product: result.value, created: result.created };
  }

  async function serviceBody(name: string, service: NewTargetService, operation: string): Promise<Record<string, unknown>> {
    const periodType = await picklists.valueOf('Services', 'periodType', periodTypeLabel(service.periodType));
    const billingCodeID =
      service.serviceCode === undefined || service.serviceCode === null || service.serviceCode === '' ? await defaultServiceCode() : Number(service.serviceCode);
    if (!Number.isInteger(billingCodeID)) throw badInput(`The service code "${String(service.serviceCode)}" is not an Autotask allocation code id`, operation);
    const body: Record<string, unknown> = {
      name,
      periodType,
      unitPrice: service.unitPrice,
      billingCodeID,
      invoiceDescription: name,
      isActive: true,
    };
    if (service.unitCost !== undefined && service.unitCost !== null) body.unitCost = service.unitCost;
    if (service.description !== undefined && service.description !== null) body.description = service.description;
    return body;
  }

  async function* listProducts(query: { kind?: 'service' | 'bundle'; activeOnly?: boolean } = {}): AsyncGenerator<TargetProduct> {
    const filter: Condition[] = query.activeOnly === true ? [where.eq('isActive', true)] : [where.all()];
    if (query.kind !== 'bundle') {
      const labels = await periodLabels('Services');
      const body = buildQuery(filter, { includeFields: SERVICE_FIELDS });
      for await (const s of client.query('Services', body, wire.service, { operation: 'list services', priority: 'background' })) {
        yield toProduct(s, 'service', labels.get(String(s.periodType)) ?? null);
      }
    }
    if (query.kind !== 'service') {
      const labels = await periodLabels('ServiceBundles');
      const members = new Map<number, number[]>();
      for await (const link of client.query('ServiceBundleServices', buildQuery([where.all()]), wire.serviceBundleService, {
        operation: 'list bundle services',
        priority: 'background',
      })) {
        members.set(link.serviceBundleID, [...(members.get(link.serviceBundleID) ?? []), link.serviceID]);
      }
      const body = buildQuery(filter, { includeFields: SERVICE_FIELDS });
      for await (const b of client.query('ServiceBundles', body, wire.serviceBundle, { operation: 'list service bundles', priority: 'background' })) {
        yield toProduct(b, 'bundle', labels.get(String(b.periodType)) ?? null, members.get(b.id) ?? []);
      }
    }
  }

  const catalog: TargetCatalog = {
    listProducts,
    findServiceByName,
    ensureService,
    updateService: async (id, patch: TargetServicePatch) => {
      const parsed = parseProductId(id);
      if (parsed === null || parsed.kind !== 'service') throw badInput(`"${id}" is not an Autotask service id`, 'update service');
      const body: Record<string, unknown> = { id: parsed.id };
      if (patch.unitPrice !== undefined) body.unitPrice = patch.unitPrice;
      if (patch.unitCost !== undefined) body.unitCost = patch.unitCost;
      if (patch.description !== undefined) body.description = patch.description;
      if (Object.keys(body).length > 1) await client.update('Services', '/Services', body, { operation: 'update service' });
      return readService(parsed.id);
    },
    listServiceCodes: async () => (await listServiceCodeRows()).map((c) => ({ value: String(c.id), label: c.name, active: c.isActive !== false })),
  };

  return catalog;
}
