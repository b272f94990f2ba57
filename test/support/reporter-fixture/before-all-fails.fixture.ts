// Run by summary-reporter.test.ts in a vitest of its own: a file whose beforeAll throws, beside a
// test skipped on purpose and one that passes.
import { beforeAll, describe, expect, it } from 'vitest';

describe('a browser that would not start', () => {
  beforeAll(() => {
    throw new Error('Chromium is not installed');
  });
  it('first page', () => expect(1).toBe(1));
  it('second page', () => expect(1).toBe(1));
});

describe('the rest', () => {
  it('passes', () => expect(1).toBe(1));
  it.skip('skipped on purpose', () => expect(1).toBe(1));
});
