import { describe, expect, it } from 'vitest';
import { raisedBeforeStart } from './ticket-start.ts';

describe('raisedBeforeStart', () => {
  const start = { raiseFrom: '2026-12-01T10:00:00.000Z', decidedBy: 'admin', decidedAt: '2026-12-01T10:00:00.000Z' };
  it('leaves alerts created before the start alone, raises the ones after', () => {
    expect(raisedBeforeStart('2026-09-01T00:00:00.000Z', start)).toBe(true);
    expect(raisedBeforeStart('2026-12-01T10:00:01.000Z', start)).toBe(false);
    expect(raisedBeforeStart(null, start)).toBe(true);
    // Alerts are stamped to the second: the start's own second counts as after.
    expect(raisedBeforeStart('2026-12-01T10:00:00Z', { ...start, raiseFrom: '2026-12-01T10:00:00.700Z' })).toBe(false);
  });
  it('raises everything when a person chose to, or when no start was recorded', () => {
    expect(raisedBeforeStart('2026-09-01T00:00:00.000Z', { ...start, raiseFrom: null })).toBe(false);
    expect(raisedBeforeStart('2026-09-01T00:00:00.000Z', null)).toBe(false);
  });
});
