/** Lookups several parts of the ConnectWise target read, cached for a few minutes (and forgotten after a failure). */
import { collect } from '../kit/paging.ts';
import type { ConnectWiseClient } from './client.ts';
import { cached, LOOKUP_TTL_MS, PATHS } from './target-parts.ts';
import type { z } from 'zod';
import * as wire from './wire.ts';

export interface BoardLookups {
  board: wire.WireLookup;
  types: wire.WireLookup[];
  subtypes: (wire.WireLookup & { typeAssociationIds?: number[] | null })[];
  statuses: wire.WireBoardStatus[];
}

export interface ConnectWiseLookups {
  inactiveStatusIds(): Promise<Set<number>>;
  companyTypes(): Promise<z.output<typeof wire.companyType>[]>;
  boards(): Promise<BoardLookups[]>;
  priorities(): Promise<z.output<typeof wire.priority>[]>;
  closedStatusIds(): Promise<Set<number>>;
}

export function createConnectWiseLookups(client: ConnectWiseClient, now: () => number): ConnectWiseLookups {
  const companyStatuses = cached(() => collect(client.list(PATHS.companyStatuses, wire.companyStatus, {}, { operation: 'list company statuses' })), LOOKUP_TTL_MS, now);
  const inactiveStatusIds = async () => new Set((await companyStatuses()).filter((s) => s.inactiveFlag === true).map((s) => s.id));
  const companyTypes = cached(() => collect(client.list(PATHS.companyTypes, wire.companyType, {}, { operation: 'list company types' })), LOOKUP_TTL_MS, now);
  const boards = cached(
    async (): Promise<BoardLookups[]> => {
      const list = await collect(client.list(PATHS.boards, wire.lookup, {}, { operation: 'list service boards' }));
      return Promise.all(
        list.map(async (board) => ({
          board,
          types: await collect(client.list(PATHS.boardPart(board.id, 'types'), wire.lookup, {}, { operation: 'list board types' })),
          subtypes: await collect(client.list(PATHS.boardPart(board.id, 'subtypes'), wire.boardSubtype, {}, { operation: 'list board subtypes' })),
          statuses: await collect(client.list(PATHS.boardPart(board.id, 'statuses'), wire.boardStatus, {}, { operation: 'list board statuses' })),
        })),
      );
    },
    LOOKUP_TTL_MS,
    now,
  );
  const priorities = cached(() => collect(client.list(PATHS.priorities, wire.priority, {}, { operation: 'list priorities' })), LOOKUP_TTL_MS, now);
  const closedStatusIds = async () => new Set((await boards()).flatMap((b) => b.statuses.filter((s) => s.closedStatus === true).map((s) => s.id)));

  return { inactiveStatusIds, companyTypes, boards, priorities, closedStatusIds };
}
