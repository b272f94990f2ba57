/** Autotask Recurring Service contracts with their services, bundles and the units in force. */
import { collect } from '../kit/paging.ts';
import type { ListContractsQuery, TargetContract, TargetContracts } from '../ports.ts';
import type { BudgetPriority } from './budget.ts';
import { isoUtc, toContract, unitsInForce } from './mapping.ts';
import { buildQuery, inBatches, where, type Condition } from './query.ts';
import { dayStartIso, fullOrIncremental, UNIT_FIELDS, type AutotaskParts } from './target-parts.ts';
import * as wire from './wire.ts';

const LINE_FIELDS = ['id', 'contractID', 'serviceID', 'unitPrice', 'unitCost'];
const BUNDLE_LINE_FIELDS = ['id', 'contractID', 'serviceBundleID'];

export function createAutotaskContracts(parts: AutotaskParts): TargetContracts {
  const { client, picklists, paygUdf } = parts;

  async function activeStatusValues(): Promise<Set<string>> {
    const values = await picklists.values('Contracts', 'status');
    return new Set(values.filter((v) => /^(active|in effect)$/i.test(v.label)).map((v) => v.value));
  }

  async function contractsOfPage(page: readonly wire.WireContract[], atMs: number, priority: BudgetPriority, active: Set<string>): Promise<TargetContract[]> {
    const ids = page.map((c) => c.id);
    const at = isoUtc(new Date(atMs));
    const inForce = [where.lte('startDate', at), where.gte('endDate', dayStartIso(atMs))];
    const services = await collect(
      client.query('ContractServices', buildQuery([where.in('contractID', ids)], { includeFields: LINE_FIELDS }), wire.contractService, {
        operation: 'list contract services',
        priority,
      }),
    );
    const bundles = await collect(
      client.query('ContractServiceBundles', buildQuery([where.in('contractID', ids)], { includeFields: BUNDLE_LINE_FIELDS }), wire.contractServiceBundle, {
        operation: 'list contract service bundles',
        priority,
      }),
    );
    const rowsByLine = new Map<string, wire.WireUnitRow[]>();
    const add = (key: string, row: wire.WireUnitRow) => rowsByLine.set(key, [...(rowsByLine.get(key) ?? []), row]);
    if (services.length > 0) {
      const body = buildQuery([where.in('contractID', ids), ...inForce], { includeFields: [...UNIT_FIELDS, 'contractServiceID'] });
      for await (const row of client.query('ContractServiceUnits', body, wire.unitRow, { operation: 'read contract service units', priority })) {
        if (row.contractServiceID !== null && row.contractServiceID !== undefined) add(String(row.contractServiceID), row);
      }
    }
    if (bundles.length > 0) {
      const body = buildQuery([where.in('contractID', ids), ...inForce], { includeFields: [...UNIT_FIELDS, 'contractServiceBundleID'] });
      for await (const row of client.query('ContractServiceBundleUnits', body, wire.unitRow, { operation: 'read contract bundle units', priority })) {
        if (row.contractServiceBundleID !== null && row.contractServiceBundleID !== undefined) add(`bundle:${row.contractServiceBundleID}`, row);
      }
    }
    const units = new Map<string, number>();
    for (const [key, rows] of rowsByLine) units.set(key, unitsInForce(rows, atMs) ?? 0);
    return page.map((contract) =>
      toContract({
        contract,
        active: active.has(String(contract.status)),
        services: services.filter((s) => s.contractID === contract.id),
        bundles: bundles.filter((b) => b.contractID === contract.id),
        units,
        payGoUdf: paygUdf,
      }),
    );
  }

  /**
   * Recurring Service contracts only (contract services exist on no other type). Contracts are read
   * without IncludeFields: the API leaves user-defined fields out of narrowed rows, and the PAYG
   * field is needed; one page of full rows costs fewer requests than a second, narrowed query.
   *
   * Incremental (`updatedSince`): contracts whose record changed (`lastModifiedDateTime`). A unit
   * adjustment does not change the contract record, so only the slower full pass sees a technician's
   * new units; the hub's own usage writes it knows already.
   */
  async function* listContracts(query: ListContractsQuery = {}): AsyncGenerator<TargetContract> {
    const priority = fullOrIncremental(query.updatedSince);
    const atMs = (query.at ?? new Date()).getTime();
    const recurring = await picklists.valueOf('Contracts', 'contractType', 'Recurring Service');
    const active = await activeStatusValues();
    const filter: Condition[] = [where.eq('contractType', recurring)];
    if (query.updatedSince !== undefined) filter.push(where.gte('lastModifiedDateTime', isoUtc(query.updatedSince)));
    if (query.includeEnded === false) {
      filter.push(where.in('status', [...active].map(Number)), where.gte('endDate', dayStartIso(atMs)));
    }
    const companyBatches = query.companyIds === undefined ? [null] : [...inBatches(query.companyIds.filter((id) => /^\d+$/.test(id)).map(Number))];
    for (const batch of companyBatches) {
      if (batch !== null && batch.length === 0) continue;
      const body = buildQuery(batch === null ? filter : [...filter, where.in('companyID', batch)]);
      for await (const page of client.queryPages('Contracts', body, wire.contract, { operation: 'list contracts', priority })) {
        yield* await contractsOfPage(page, atMs, priority, active);
      }
    }
  }

  const contracts: TargetContracts = { listContracts };

  return contracts;
}
