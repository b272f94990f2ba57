import { describe, expect, it } from 'vitest';
import { all, startHarness } from './test-support.ts';
import { harnessPerFile } from '../kit/harness-per-file.test-support.ts';

const h = harnessPerFile(startHarness, 'demo');

const ids = (r: { body: { items: { id: number }[] } }) => r.body.items.map((i) => i.id);
const query = (entity: string, body: unknown) => h.api('POST', `/${entity}/query`, body);

describe('query operators', () => {
  it('evaluates every comparison operator, case-insensitively for names, fields and strings', async () => {
    const everything = await query('Companies', { filter: [all] });
    const rows = everything.body.items as { id: number; companyName: string; city: string | null; parentCompanyID: number | null }[];
    expect(rows.length).toBeGreaterThan(30);
    const mid = rows[10]!.id;
    const name = rows[5]!.companyName;
    const cases: [unknown, (r: (typeof rows)[number]) => boolean][] = [
      [{ op: 'eq', field: 'companyname', value: name.toUpperCase() }, (r) => r.companyName === name],
      [{ op: 'noteq', field: 'id', value: mid }, (r) => r.id !== mid],
      [{ op: 'gt', field: 'Id', value: mid }, (r) => r.id > mid],
      [{ op: 'gte', field: 'id', value: mid }, (r) => r.id >= mid],
      [{ op: 'lt', field: 'id', value: mid }, (r) => r.id < mid],
      [{ op: 'lte', field: 'id', value: String(mid) }, (r) => r.id <= mid],
      [{ op: 'beginsWith', field: 'companyName', value: 'conto' }, (r) => r.companyName.toLowerCase().startsWith('conto')],
      [{ op: 'endswith', field: 'companyName', value: 'GROUP' }, (r) => r.companyName.endsWith('Group')],
      [{ op: 'contains', field: 'companyName', value: 'dental' }, (r) => r.companyName.toLowerCase().includes('dental')],
      [{ op: 'exist', field: 'city' }, (r) => r.city !== null],
      [{ op: 'notExist', field: 'city' }, (r) => r.city === null],
      [{ op: 'in', field: 'id', value: [rows[1]!.id, rows[2]!.id, 1] }, (r) => r.id === rows[1]!.id || r.id === rows[2]!.id],
      [{ op: 'notIn', field: 'id', value: [rows[1]!.id] }, (r) => r.id !== rows[1]!.id],
    ];
    for (const [cond, expected] of cases) {
      const r = await query('Companies', { filter: [cond] });
      expect(r.status, JSON.stringify(cond)).toBe(200);
      expect(ids(r), JSON.stringify(cond)).toEqual(rows.filter(expected).map((x) => x.id));
    }
  });

  it('nests and/or groups; top-level items are ANDed', async () => {
    const r = await query('Contacts', {
      Filter: [
        { op: 'eq', field: 'isActive', value: 1 },
        { op: 'or', items: [{ op: 'eq', field: 'primaryContact', value: true }, { op: 'and', items: [{ op: 'contains', field: 'title', value: 'office' }, { op: 'beginsWith', field: 'firstName', value: 'a' }] }] },
      ],
    });
    expect(r.status).toBe(200);
    for (const c of r.body.items) expect(c.primaryContact === true || (c.title === 'Office Manager' && /^a/i.test(c.firstName))).toBe(true);
    expect(r.body.items.some((c: { primaryContact: boolean }) => !c.primaryContact)).toBe(true);
  });

  it('filters on a user-defined field with udf:true', async () => {
    const yes = await query('Contracts', { filter: [{ op: 'eq', field: 'Acronis PAYG', value: 'Yes', udf: true }] });
    expect(yes.body.items.length).toBeGreaterThan(0);
    for (const c of yes.body.items) expect(c.userDefinedFields).toContainEqual({ name: 'Acronis PAYG', value: 'Yes' });
    const no = await query('Contracts', { filter: [{ op: 'eq', field: 'acronis payg', value: 'No', udf: true }] });
    expect(no.body.items.length).toBeGreaterThan(0);
    const two = await query('Contracts', { filter: [{ op: 'eq', field: 'Acronis PAYG', value: 'Yes', udf: true }, { op: 'exist', field: 'Acronis PAYG', udf: true }] });
    expect(two.status).toBe(400);
  });

  it('returns only IncludeFields (and id) and honours MaxRecords 1..500', async () => {
    const r = await query('Companies', { filter: [all], IncludeFields: ['CompanyName', 'city'], MaxRecords: 2 });
    expect(r.body.items).toHaveLength(2);
    expect(Object.keys(r.body.items[0]).sort()).toEqual(['city', 'companyName', 'id', 'userDefinedFields']);
    expect(r.body.pageDetails).toMatchObject({ count: 2, requestCount: 2, prevPageUrl: null, nextPageUrl: expect.any(String) });
    for (const bad of [0, 501]) expect((await query('Companies', { filter: [all], MaxRecords: bad })).status).toBe(400);
  });

  it('rejects unknown fields and operators, nulls and non-boolean booleans with 400 naming them', async () => {
    const field = await query('Companies', { filter: [{ op: 'eq', field: 'colour', value: 'red' }] });
    expect(field.status).toBe(400);
    expect(field.body.errors[0]).toMatch(/colour/);
    const op = await query('Companies', { filter: [{ op: 'startsWith', field: 'companyName', value: 'a' }] });
    expect(op.status).toBe(400);
    expect(op.body.errors[0]).toMatch(/startsWith/);
    expect((await query('Companies', { filter: [{ op: 'eq', field: 'isActive', value: null }] })).status).toBe(400);
    expect((await query('Companies', { filter: [{ op: 'eq', field: 'isActive', value: 'true' }] })).status).toBe(400);
    expect((await query('Companies', { filter: [] })).status).toBe(400);
  });

  it('answers GET /query?search= like the POST and counts with /query/count', async () => {
    const search = { filter: [{ op: 'contains', field: 'companyName', value: 'a' }] };
    const post = await query('Companies', search);
    const get = await h.api('GET', `/Companies/query?search=${encodeURIComponent(JSON.stringify(search))}`);
    expect(ids(get)).toEqual(ids(post));
    const count = await h.api('POST', '/Companies/query/count', search);
    expect(count.body).toEqual({ queryCount: post.body.items.length });
    const getCount = await h.api('GET', `/Companies/query/count?search=${encodeURIComponent(JSON.stringify(search))}`);
    expect(getCount.body).toEqual({ queryCount: post.body.items.length });
  });
});

describe('paging', () => {
  it('follows nextPageUrl by re-POSTing the same body (and by GET) until it is null', async () => {
    const body = { filter: [all], MaxRecords: 7 };
    const total = (await h.api('POST', '/Contacts/query/count', body)).body.queryCount as number;
    const seen: number[] = [];
    let r = await query('Contacts', body);
    let pages = 1;
    while (true) {
      expect(r.status).toBe(200);
      seen.push(...ids(r));
      const next = r.body.pageDetails.nextPageUrl as string | null;
      if (next === null) break;
      expect(next.startsWith(`${h.emu.zoneUrl}V1.0/Contacts/query/next?`)).toBe(true);
      r = pages % 2 === 0 ? await h.raw('GET', next) : await h.raw('POST', next, body);
      pages++;
    }
    expect(seen).toHaveLength(total);
    expect(new Set(seen).size).toBe(total);
    expect([...seen].sort((a, b) => a - b)).toEqual(seen);
    expect(pages).toBe(Math.ceil(total / 7));
  });

  it('offers prevPageUrl on later pages', async () => {
    const body = { filter: [all], MaxRecords: 5 };
    const first = await query('Contacts', body);
    const second = await h.raw('POST', first.body.pageDetails.nextPageUrl, body);
    expect(second.body.pageDetails.prevPageUrl).toEqual(expect.any(String));
    const back = await h.raw('POST', second.body.pageDetails.prevPageUrl, body);
    expect(ids(back)).toEqual(ids(first));
  });
});
