import { describe, expect, it } from 'vitest';
import { createPlanSample } from './plan-sample.ts';

describe('plan sample', () => {
  it('keeps the first entries up to its limit and counts the ones left out', () => {
    const sample = createPlanSample<{ n: number }>(3);
    const entries = Array.from({ length: 10 }, (_, n) => ({ n }));
    for (const e of entries) sample.add(e);
    expect(sample.entries.map((e) => e.n)).toEqual([0, 1, 2]);
    expect(sample.omitted).toBe(7);
  });

  it('keeps an entry offered twice once, without counting it as left out', () => {
    const sample = createPlanSample<{ n: number }>(2);
    const a = { n: 1 };
    sample.add(a);
    sample.add(a);
    sample.add({ n: 2 });
    sample.add(a);
    expect(sample.entries).toEqual([{ n: 1 }, { n: 2 }]);
    expect(sample.omitted).toBe(0);
  });

  it('keeps everything with no limit (a dry run)', () => {
    const sample = createPlanSample<number>(Number.POSITIVE_INFINITY);
    for (let i = 0; i < 1000; i++) sample.add(i);
    expect(sample.entries).toHaveLength(1000);
    expect(sample.omitted).toBe(0);
  });
});
