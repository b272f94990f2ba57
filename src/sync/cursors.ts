import { StoreError } from '../store/errors.ts';
import type { CursorsRepository } from '../store/repositories/cursors.ts';

/**
 * Where each loop resumes, per integration. Values are kept as text because the systems disagree on
 * what a position is:
 * - Acronis alerts: `updated_at` in Unix **nanoseconds** (`1439789551045000000`). That is beyond
 *   2^53, so Number would round it and two distinct cursors could compare equal; digit strings are
 *   compared as BigInt.
 * - Autotask `lastModifiedDateTime`, ConnectWise `lastUpdated`: ISO-8601 instants, possibly with
 *   offsets and more than millisecond precision. Text order is wrong across offsets and Date drops
 *   digits past the millisecond, so they are compared as nanoseconds since the epoch.
 * - Anything else (opaque paging tokens) has no order: `advance` stores it as given.
 */
export type CursorOrder = -1 | 0 | 1;

const DIGITS = /^\d+$/;
const ISO_INSTANT = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:?\d{2})?$/;

/** Orders two cursor values, or returns undefined when they are not of one comparable kind. */
export function compareCursorValues(a: string, b: string): CursorOrder | undefined {
  const x = cursorPosition(a);
  const y = cursorPosition(b);
  if (x === undefined || y === undefined || x.kind !== y.kind) return undefined;
  return x.at < y.at ? -1 : x.at > y.at ? 1 : 0;
}

function cursorPosition(value: string): { kind: 'integer' | 'instant'; at: bigint } | undefined {
  if (DIGITS.test(value)) return { kind: 'integer', at: BigInt(value) };
  const match = ISO_INSTANT.exec(value);
  if (!match) return undefined;
  const [, seconds, fraction = '', zone] = match;
  // A zone-less ISO string would be read in the host's local time; cursors from APIs are UTC.
  const ms = Date.parse(`${seconds}${zone ?? 'Z'}`);
  if (Number.isNaN(ms)) return undefined;
  return { kind: 'instant', at: BigInt(ms) * 1_000_000n + BigInt((fraction + '000000000').slice(0, 9)) };
}

export class Cursors {
  constructor(private readonly repo: CursorsRepository) {}

  /** The stored position, or undefined when the loop has never completed a pass (run a full one). */
  async get(integrationId: string, loop: string): Promise<string | undefined> {
    return (await this.repo.get(integrationId, loop))?.value;
  }

  /** Stores the value as is, also backwards (e.g. an operator rewinding to re-read a period). */
  async set(integrationId: string, loop: string, value: string): Promise<void> {
    await this.repo.put(integrationId, loop, value);
  }

  /**
   * Moves the cursor forward to `value`, never back: a slow worker finishing an older page after a
   * faster one must not make the next pass re-read (or, worse, skip) changes. Returns the value now
   * stored and whether it moved. Values of no comparable kind replace the stored one.
   *
   * A compare-and-set loop rather than a row lock, so it works the same on SQLite and PostgreSQL.
   */
  async advance(integrationId: string, loop: string, value: string): Promise<{ advanced: boolean; value: string }> {
    for (let attempt = 0; attempt < 20; attempt++) {
      const current = await this.repo.get(integrationId, loop);
      if (!current) {
        if (await this.repo.insertIfAbsent(integrationId, loop, value)) return { advanced: true, value };
        continue;
      }
      const order = compareCursorValues(value, current.value);
      if (order !== undefined && order <= 0) return { advanced: false, value: current.value };
      if (await this.repo.compareAndSet(integrationId, loop, current.value, value)) return { advanced: true, value };
    }
    throw new StoreError(
      'conflict',
      `the ${loop} cursor of integration ${integrationId} kept changing while being advanced: another worker is running the same loop`,
      { integrationId, loop },
    );
  }

  /** Forgets the position, so the next pass of the loop is a full one. */
  async reset(integrationId: string, loop: string): Promise<void> {
    await this.repo.delete(integrationId, loop);
  }
}
