/** Agreements with their additions (mapping.ts says how additions become lines). */
import { collect } from '../kit/paging.ts';
import type { ListContractsQuery, TargetContract, TargetContracts } from '../ports.ts';
import { and, inBatches, where } from './conditions.ts';
import { toContract } from './mapping.ts';
import { PATHS, type ConnectWiseParts } from './target-parts.ts';
import * as wire from './wire.ts';

async function forEachPooled<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

export function createConnectWiseContracts(parts: ConnectWiseParts): TargetContracts {
  const { client, now, paygCaption, additionConcurrency } = parts;

  async function contractsOfPage(page: readonly wire.WireAgreement[]): Promise<TargetContract[]> {
    const additions = new Map<number, wire.WireAddition[]>();
    await forEachPooled(page, additionConcurrency, async (a) => {
      additions.set(a.id, await collect(client.list(PATHS.additions(a.id), wire.addition, {}, { operation: 'list agreement additions' })));
    });
    return page.map((a) => toContract(a, additions.get(a.id) ?? [], paygCaption));
  }

  async function* listContracts(query: ListContractsQuery = {}): AsyncGenerator<TargetContract> {
    const since = query.updatedSince === undefined ? undefined : new Date(query.updatedSince);
    const base = [since !== undefined && where.gte('lastUpdated', since), query.includeEnded === false && where.eq('cancelledFlag', false)];
    const batches = query.companyIds === undefined ? [null] : [...inBatches(query.companyIds.filter((id) => /^\d+$/.test(id)).map(Number))];
    for (const batch of batches) {
      if (batch !== null && batch.length === 0) continue;
      const conditions = and([...base, batch !== null && where.in('company/id', batch)]);
      for await (const page of client.pages(PATHS.agreements, wire.agreement, { conditions }, { operation: 'list agreements' })) {
        const contracts = await contractsOfPage(page);
        yield* query.includeEnded === false ? contracts.filter((c) => c.endDate === null || Date.parse(c.endDate) >= (query.at ?? new Date(now())).getTime() - 86_400_000) : contracts;
      }
    }
  }

  const contracts: TargetContracts = { listContracts };

  return contracts;
}
