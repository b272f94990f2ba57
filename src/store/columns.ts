import { randomUUID } from 'node:crypto';

/** How values are written to columns, the same on SQLite and PostgreSQL (see schema.ts). */

/** Time source; tests pass a fake one so expiry and leases can be checked without waiting. */
export type Clock = () => Date;
export const systemClock: Clock = () => new Date();

export const newId = (): string => randomUUID();

export const isoAt = (clock: Clock, offsetMs = 0): string => new Date(clock().getTime() + offsetMs).toISOString();

export const toJsonText = (value: unknown): string => JSON.stringify(value ?? null);

export function fromJsonText<T = unknown>(text: string | null | undefined, fallback: T): T {
  if (text === null || text === undefined || text === '') return fallback;
  return JSON.parse(text) as T;
}

/** A not-null JSON column (the repository wrote it with JSON.stringify): its value, no fallback needed. */
export function fromRequiredJsonText<T>(text: string): T {
  return JSON.parse(text) as T;
}

export const toFlag = (value: boolean): number => (value ? 1 : 0);
export const fromFlag = (value: number | boolean | string): boolean => value === 1 || value === true || value === '1';

/** PostgreSQL returns count(*) as a bigint string, SQLite as a number. */
export const toCount = (value: string | number | bigint | null | undefined): number => Number(value ?? 0);
