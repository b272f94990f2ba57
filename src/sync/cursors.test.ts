import { describe, expect, it } from 'vitest';
import { compareCursorValues } from './cursors.ts';

describe('compareCursorValues', () => {
  it('compares nanosecond strings exactly, beyond Number precision', () => {
    expect(compareCursorValues('1439789551045000001', '1439789551045000000')).toBe(1);
    expect(Number('1439789551045000001') === Number('1439789551045000000')).toBe(true);
    expect(compareCursorValues('9', '10')).toBe(-1);
    expect(compareCursorValues('10', '10')).toBe(0);
  });

  it('compares ISO instants across offsets and below the millisecond', () => {
    expect(compareCursorValues('2025-01-01T10:00:00.0000001Z', '2025-01-01T10:00:00Z')).toBe(1);
    expect(compareCursorValues('2025-01-01T11:00:00+01:00', '2025-01-01T10:00:00Z')).toBe(0);
    expect(compareCursorValues('2025-01-01T10:30:00+01:00', '2025-01-01T10:00:00Z')).toBe(-1);
    expect(compareCursorValues('2025-01-01T10:00:00.5', '2025-01-01T10:00:00.499Z')).toBe(1);
  });

  it('does not order unlike or opaque values', () => {
    expect(compareCursorValues('1439789551045000000', '2025-01-01T10:00:00Z')).toBeUndefined();
    expect(compareCursorValues('0A8AAAAAAAAAAA==', '0A9AAAAAAAAAAA==')).toBeUndefined();
  });
});
