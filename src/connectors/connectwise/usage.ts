/** Pay-as-you-go usage as the PAYG addition's quantity: read, then PATCH only when different. */
import { ConnectorError } from '../kit/errors.ts';
import { withIdempotencyKey } from '../kit/look-up-then-write.ts';
import type { BilledQuantityResult, ContractLineRef, SetBilledQuantityOptions, TargetUsage } from '../ports.ts';
import { CONNECTWISE_SYSTEM } from './client.ts';
import { badInput, numericId, PATHS, type ConnectWiseParts } from './target-parts.ts';
import * as wire from './wire.ts';

export function createConnectWiseUsage(parts: ConnectWiseParts): TargetUsage {
  const { client } = parts;

  function additionPath(line: ContractLineRef, operation: string): string {
    return `${PATHS.additions(numericId(line.contractId, 'agreement', operation))}/${numericId(line.lineId, 'agreement addition', operation)}`;
  }

  async function readQuantity(line: ContractLineRef, operation: string): Promise<number> {
    const row = await client.find(additionPath(line, operation), wire.addition, { operation });
    if (row === null) {
      throw new ConnectorError({
        code: 'not_found',
        system: CONNECTWISE_SYSTEM,
        message: `ConnectWise has no addition ${line.lineId} on agreement ${line.contractId}: the addition was removed or moved to another agreement`,
        context: { operation, lineId: line.lineId, contractId: line.contractId },
      });
    }
    return row.quantity ?? 0;
  }

  async function setBilledQuantity(line: ContractLineRef, quantity: number, options: SetBilledQuantityOptions): Promise<BilledQuantityResult> {
    const operation = 'write usage (addition quantity)';
    if (!Number.isFinite(quantity) || quantity < 0) throw badInput(`An addition's quantity cannot be ${quantity}`, operation, { lineId: line.lineId });
    const previous = await readQuantity(line, operation);
    if (previous === quantity) return { previous, quantity, changed: false };
    try {
      // Setting the quantity twice is harmless, so a lost answer may be retried as it is.
      await client.patch(additionPath(line, operation), [{ op: 'replace', path: 'quantity', value: quantity }], wire.addition, { operation, repeatable: true });
    } catch (error) {
      throw withIdempotencyKey(error, options.idempotencyKey);
    }
    return { previous, quantity, changed: true };
  }

  const usage: TargetUsage = {
    mode: 'absolute',
    readBilledQuantity: (line) => readQuantity(line, 'read addition quantity'),
    setBilledQuantity,
  };

  return usage;
}
