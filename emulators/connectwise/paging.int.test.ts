import { describe, expect, it } from 'vitest';
import { startHarness } from './test-support.ts';
import { harnessPerFile } from '../kit/harness-per-file.test-support.ts';

const h = harnessPerFile(startHarness, 'large');

function links(header: string | null): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? '').split(',')) {
    const m = /<([^>]+)>;\s*rel="(\w+)"/.exec(part.trim());
    if (m) out[m[2] as string] = m[1] as string;
  }
  return out;
}

describe('navigable paging', () => {
  it('defaults to 25, clamps to 1000 and links first/prev/next/last', async () => {
    expect((await h.api('GET', '/company/companies')).body).toHaveLength(25);
    const total = (await h.api('GET', '/company/companies/count')).body.count as number;
    expect(total).toBeGreaterThan(10_000);
    const first = await h.api('GET', '/company/companies?pageSize=5000&conditions=status/id=1');
    expect(first.body).toHaveLength(1000);
    const l1 = links(first.headers.get('link'));
    expect(Object.keys(l1).sort()).toEqual(['last', 'next']);
    expect(new URL(l1.next as string).searchParams.get('page')).toBe('2');
    expect(new URL(l1.next as string).searchParams.get('conditions')).toBe('status/id=1');
    const second = await h.raw('GET', l1.next as string);
    expect(second.body[0].id).toBeGreaterThan(first.body[999].id);
    expect(Object.keys(links(second.headers.get('link'))).sort()).toEqual(['first', 'last', 'next', 'prev']);
    const last = await h.raw('GET', l1.last as string);
    expect(Object.keys(links(last.headers.get('link'))).sort()).toEqual(['first', 'prev']);
    expect((await h.api('GET', '/company/companies?pageSize=0')).status).toBe(400);
    expect((await h.api('GET', '/company/companies?page=abc')).status).toBe(400);
  });
});

describe('forward-only paging', () => {
  it('walks all companies of the large dataset with pageId links', async () => {
    const total = (await h.api('GET', '/company/companies/count')).body.count as number;
    let url: string | undefined = `${h.emu.apiUrl}/company/companies?pageSize=1000&fields=id`;
    const seen: number[] = [];
    let calls = 0;
    while (url) {
      const page = await h.raw('GET', url, undefined, { ...h.headers, 'pagination-type': 'forward-only' });
      expect(page.status).toBe(200);
      calls++;
      for (const c of page.body as { id: number }[]) seen.push(c.id);
      const l = links(page.headers.get('link'));
      expect(l.last).toBeUndefined();
      url = l.next;
      if (url) expect(Number(new URL(url).searchParams.get('pageId'))).toBe(seen[seen.length - 1]);
    }
    expect(seen).toHaveLength(total);
    expect(new Set(seen).size).toBe(total);
    expect([...seen].sort((a, b) => a - b)).toEqual(seen);
    expect(calls).toBe(Math.ceil(total / 1000));
  });

  it('treats pageId as id > pageId even without the header, and refuses orderBy with it', async () => {
    const page = await h.api('GET', '/company/companies?pageId=300&pageSize=3&fields=id');
    expect(page.body).toEqual([{ id: 301 }, { id: 302 }, { id: 303 }]);
    expect((await h.api('GET', '/company/companies?pageId=300&orderBy=name')).status).toBe(400);
  });

  it('pages additions of an agreement and counts them', async () => {
    const agreements = (await h.api('GET', '/finance/agreements?conditions=company/identifier="Cust00042"')).body;
    expect(agreements).toHaveLength(1);
    const additions = (await h.api('GET', `/finance/agreements/${agreements[0].id}/additions`)).body;
    expect(additions.map((a: any) => a.product.identifier)).toEqual(['AcronisPhysicalWorkstations', 'AcronisServers', 'AcronisStorageQuota']);
    expect((await h.api('GET', `/finance/agreements/${agreements[0].id}/additions/count`)).body).toEqual({ count: 3 });
  });
});
