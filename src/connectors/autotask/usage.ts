/** Pay-as-you-go units written back to Autotask as contract service (bundle) unit adjustments. */
import { ConnectorError } from '../kit/errors.ts';
import { collect } from '../kit/paging.ts';
import type { BilledQuantityResult, ContractLineRef, SetBilledQuantityOptions, TargetUsage } from '../ports.ts';
import { isoUtc, parseProductId, unitsInForce } from './mapping.ts';
import { buildQuery, where } from './query.ts';
import { lookUpThenWrite } from '../kit/look-up-then-write.ts';
import { badInput, dayStartIso, UNIT_FIELDS, type AutotaskParts } from './target-parts.ts';
import * as wire from './wire.ts';

export function createAutotaskUsage(parts: AutotaskParts): TargetUsage {
  const { client } = parts;

  function lineOf(line: ContractLineRef, operation: string): { kind: 'service' | 'bundle'; id: number; contractId: number } {
    const bundle = line.lineId.startsWith('bundle:');
    const idText = bundle ? line.lineId.slice('bundle:'.length) : line.lineId;
    if (!/^\d+$/.test(idText) || !/^\d+$/.test(line.contractId)) throw badInput(`"${line.lineId}" on contract "${line.contractId}" is not an Autotask contract line`, operation);
    return { kind: bundle ? 'bundle' : 'service', id: Number(idText), contractId: Number(line.contractId) };
  }

  async function unitsAt(line: ContractLineRef, atMs: number, operation: string): Promise<number> {
    const { kind, id, contractId } = lineOf(line, operation);
    const entity = kind === 'service' ? 'ContractServiceUnits' : 'ContractServiceBundleUnits';
    const key = kind === 'service' ? 'contractServiceID' : 'contractServiceBundleID';
    const body = buildQuery([where.eq(key, id), where.lte('startDate', isoUtc(new Date(atMs))), where.gte('endDate', dayStartIso(atMs))], {
      includeFields: UNIT_FIELDS,
    });
    const rows = await collect(client.query(entity, body, wire.unitRow, { operation }));
    const units = unitsInForce(rows, atMs);
    if (units !== null) return units;
    const lineRow = await client.get(kind === 'service' ? 'ContractServices' : 'ContractServiceBundles', id, kind === 'service' ? wire.contractService : wire.contractServiceBundle, {
      operation,
    });
    if (lineRow === null || lineRow.contractID !== contractId) {
      throw new ConnectorError({
        code: 'not_found',
        system: 'autotask',
        message: `Autotask has no contract ${kind} ${id} on contract ${contractId}: the contract line was removed or the contract changed`,
        context: { operation, lineId: line.lineId, contractId: line.contractId },
      });
    }
    return 0; // outside the contract's term: no period, no units
  }

  function parseAt(value: Date | string, operation: string): number {
    const ms = value instanceof Date ? value.getTime() : Date.parse(value);
    if (Number.isNaN(ms)) throw badInput(`"${String(value)}" is not a date`, operation);
    return ms;
  }

  /**
   * Adjustments are create-only and cannot be read back, so the units in force are the truth:
   * read them at the effective date, post the difference, and after a failure that may have landed,
   * read again before posting anything (a retry after a crash finds the units moved and posts nothing).
   */
  async function setBilledQuantity(line: ContractLineRef, quantity: number, options: SetBilledQuantityOptions): Promise<BilledQuantityResult> {
    const operation = 'write usage (unit adjustment)';
    if (!Number.isInteger(quantity) || quantity < 0) throw badInput(`Autotask units are whole and not negative; cannot set ${quantity}`, operation, { lineId: line.lineId });
    const { kind, id, contractId } = lineOf(line, operation);
    const atMs = parseAt(options.effectiveDate, operation);
    let previous: number | undefined;
    let current = 0;
    const result = await lookUpThenWrite({
      lookUp: async () => {
        current = await unitsAt(line, atMs, operation);
        previous ??= current;
        return current === quantity ? current : null;
      },
      write: async () => {
        const body: Record<string, unknown> =
          kind === 'service'
            ? { contractID: contractId, contractServiceID: id, effectiveDate: isoUtc(new Date(atMs)), unitChange: quantity - current }
            : { contractID: contractId, contractServiceBundleID: id, effectiveDate: isoUtc(new Date(atMs)), unitChange: quantity - current };
        const product = parseProductId(line.productId);
        if (product !== null && product.kind === kind) body[kind === 'service' ? 'serviceID' : 'serviceBundleID'] = product.id;
        await client.create(
          kind === 'service' ? 'ContractServiceAdjustments' : 'ContractServiceBundleAdjustments',
          `/Contracts/${contractId}/${kind === 'service' ? 'ServiceAdjustments' : 'ServiceBundleAdjustments'}`,
          body,
          { operation },
        );
        return quantity;
      },
      idempotencyKey: options.idempotencyKey,
    });
    return { previous: previous ?? current, quantity, changed: result.created };
  }

  const usage: TargetUsage = {
    mode: 'delta',
    readBilledQuantity: (line, at) => unitsAt(line, parseAt(at, 'read billed units'), 'read billed units'),
    setBilledQuantity,
  };

  return usage;
}
