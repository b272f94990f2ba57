import { describe, expect, it } from 'vitest';
import { nextCronTime, parseCron } from './cron.ts';

const next = (expr: string, after: string) => nextCronTime(parseCron(expr), new Date(after)).toISOString();

describe('cron', () => {
  it('finds the next matching minute in UTC', () => {
    expect(next('*/5 * * * *', '2025-03-01T10:02:30Z')).toBe('2025-03-01T10:05:00.000Z');
    expect(next('*/5 * * * *', '2025-03-01T10:05:00Z')).toBe('2025-03-01T10:10:00.000Z');
    expect(next('30 2 * * *', '2025-03-01T10:00:00Z')).toBe('2025-03-02T02:30:00.000Z');
    expect(next('0 0 1 1 *', '2025-03-01T00:00:00Z')).toBe('2026-01-01T00:00:00.000Z');
    expect(next('0 9 * * 1-5', '2025-03-01T10:00:00Z')).toBe('2025-03-03T09:00:00.000Z'); // Saturday → Monday
    expect(next('0 0 29 2 *', '2025-03-01T00:00:00Z')).toBe('2028-02-29T00:00:00.000Z');
    expect(next('0 12 13 * 5', '2025-03-01T00:00:00Z')).toBe('2025-03-07T12:00:00.000Z'); // day 13 or a Friday
  });

  it('rejects malformed expressions with the reason', () => {
    expect(() => parseCron('* * * *')).toThrow(/4 fields/);
    expect(() => parseCron('61 * * * *')).toThrow(/minute/);
    expect(() => parseCron('* * * * mon')).toThrow(/day of week/);
    expect(() => nextCronTime(parseCron('0 0 31 2 *'), new Date())).toThrow(/never matches/);
  });
});
