import { ConnectorError } from './errors.ts';

/**
 * Paging as async iterators: callers write `for await (const t of pages)` and stop early by
 * breaking, which stops fetching. Each helper guards against a server that repeats itself.
 */

export interface CursorPage<T> {
  items: readonly T[];
  /** Cursor for the next page; absent, null or empty on the last page. */
  next?: string | null | undefined;
}

/** Cursor paging (Acronis `paging.cursors.after`, alert manager). */
export async function* pageByCursor<T>(
  fetchPage: (cursor: string | undefined) => Promise<CursorPage<T>>,
  options: { system?: string; what?: string } = {},
): AsyncGenerator<T, void, undefined> {
  let cursor: string | undefined;
  const seen = new Set<string>();
  for (;;) {
    const page = await fetchPage(cursor);
    yield* page.items;
    const next = page.next ?? undefined;
    if (next === undefined || next === '') return;
    if (seen.has(next)) throw loopError(options, `cursor ${JSON.stringify(next)} came back twice`);
    seen.add(next);
    cursor = next;
  }
}

export interface NumberedPage<T> {
  items: readonly T[];
  /** When the API says so; otherwise a short page ends the listing. */
  hasMore?: boolean;
}

/** Page-number paging (ConnectWise `page`/`pageSize`). */
export async function* pageByNumber<T>(
  fetchPage: (page: number, pageSize: number) => Promise<NumberedPage<T>>,
  options: { pageSize: number; firstPage?: number; maxPages?: number; system?: string; what?: string },
): AsyncGenerator<T, void, undefined> {
  const maxPages = options.maxPages ?? 100_000;
  let page = options.firstPage ?? 1;
  for (let n = 0; n < maxPages; n += 1, page += 1) {
    const result = await fetchPage(page, options.pageSize);
    yield* result.items;
    const more = result.hasMore ?? result.items.length >= options.pageSize;
    if (!more || result.items.length === 0) return;
  }
  throw loopError(options, `more than ${maxPages} pages`);
}

export interface LinkedPage<T> {
  items: readonly T[];
  /** Absolute URL of the next page (Autotask `pageDetails.nextPageUrl`); absent or null at the end. */
  nextUrl?: string | null | undefined;
}

/** Next-URL paging (Autotask query results). */
export async function* pageByNextUrl<T>(
  fetchPage: (url: string | undefined) => Promise<LinkedPage<T>>,
  options: { system?: string; what?: string } = {},
): AsyncGenerator<T, void, undefined> {
  let url: string | undefined;
  const seen = new Set<string>();
  for (;;) {
    const page = await fetchPage(url);
    yield* page.items;
    const next = page.nextUrl ?? undefined;
    if (next === undefined || next === '') return;
    if (seen.has(next)) throw loopError(options, `next-page URL ${next} came back twice`);
    seen.add(next);
    url = next;
  }
}

/** Splits ids into batches (Acronis usages: 100 tenants per call). */
export function* chunk<T>(items: readonly T[], size: number): Generator<T[], void, undefined> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}

export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

function loopError(options: { system?: string; what?: string }, detail: string): ConnectorError {
  return new ConnectorError({
    code: 'bad_payload',
    system: options.system ?? 'unknown',
    message: `Paging through ${options.what ?? 'a listing'} did not end: ${detail}; stopped to avoid an endless loop`,
  });
}
