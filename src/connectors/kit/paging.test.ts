import { describe, expect, it } from 'vitest';
import { ConnectorError } from './errors.ts';
import { chunk, collect, pageByCursor, pageByNextUrl, pageByNumber } from './paging.ts';

describe('paging', () => {
  it('follows cursors until the last page has none', async () => {
    const pages: Record<string, { items: number[]; next?: string | null }> = {
      start: { items: [1, 2], next: 'a' },
      a: { items: [3], next: 'b' },
      b: { items: [4], next: null },
    };
    const asked: (string | undefined)[] = [];
    const items = await collect(pageByCursor(async (c) => {
      asked.push(c);
      return pages[c ?? 'start'] ?? { items: [] };
    }));
    expect(items).toEqual([1, 2, 3, 4]);
    expect(asked).toEqual([undefined, 'a', 'b']);
  });

  it('stops fetching when the consumer stops', async () => {
    let fetched = 0;
    for await (const item of pageByCursor(async (c) => {
      fetched += 1;
      return { items: [Number(c ?? 0)], next: String(Number(c ?? 0) + 1) };
    })) {
      if (item >= 2) break;
    }
    expect(fetched).toBe(3);
  });

  it('refuses a cursor that comes back', async () => {
    const run = collect(pageByCursor(async () => ({ items: [1], next: 'same' }), { system: 'demo', what: 'widgets' }));
    await expect(run).rejects.toBeInstanceOf(ConnectorError);
    await expect(collect(pageByCursor(async () => ({ items: [1], next: 'same' }), { what: 'widgets' }))).rejects.toThrow(/widgets did not end/);
  });

  it('pages by number until a short page', async () => {
    const data = [1, 2, 3, 4, 5];
    const asked: number[] = [];
    const items = await collect(pageByNumber(async (page, size) => {
      asked.push(page);
      return { items: data.slice((page - 1) * size, page * size) };
    }, { pageSize: 2 }));
    expect(items).toEqual(data);
    expect(asked).toEqual([1, 2, 3]);
  });

  it('follows next URLs', async () => {
    const items = await collect(pageByNextUrl(async (url) => (url === undefined ? { items: ['a'], nextUrl: 'http://x/2' } : { items: ['b'], nextUrl: null })));
    expect(items).toEqual(['a', 'b']);
  });

  it('chunks ids', () => {
    expect([...chunk([1, 2, 3, 4, 5], 2)]).toEqual([[1, 2], [3, 4], [5]]);
  });
});
