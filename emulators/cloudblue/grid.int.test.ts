// The grid-report filter: the documented example, every jqGrid operator, groups, sort, paging,
// TotalRows, gridcolumns, and 400 for filters that do not make sense.
import { describe, expect, it } from 'vitest';
import { startHarness } from './test-support.ts';
import { harnessPerFile } from '../kit/harness-per-file.test-support.ts';

const h = harnessPerFile(startHarness, 'demo');

const CUSTOMERS = 'customers/getcustomersreport';
const TICKETS = 'tickets/getticketsreport';
const rule = (field: string, op: string, data?: unknown) => ({ field, op, ...(data === undefined ? {} : { data }) });
const names = async (filters: unknown, extra: Record<string, unknown> = {}): Promise<string[]> => {
  const r = await h.report(CUSTOMERS, { pagesize: 1000, gridcolumns: 'Name', sortcolumn: 'Id', filters, ...extra });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return (r.body as { Name: string }[]).map((x) => x.Name);
};
const allNames = () => [...h.emu.state.customers.values()].sort((a, b) => a.id - b.id).map((c) => c.name);

describe('the documented request', () => {
  it('answers the Power Query connector example with a bare array keyed by the grid columns', async () => {
    const filter = {
      pageno: 1, pagesize: 10, filters: [{ field: 'Type', op: 'cn', data: 'n' }], filterop: 'AND', sortcolumn: 'Name',
      sortorder: 'Asc', resulttype: 'Json', includeccysymbols: true, gridcolumns: 'RefNumber,Type,Name',
    };
    const r = await h.report(TICKETS, filter);
    expect(r.status).toBe(200);
    expect(Array.isArray(r.body)).toBe(true);
    expect(r.body.length).toBeGreaterThan(0);
    for (const row of r.body) {
      expect(Object.keys(row)).toEqual(['RefNumber', 'Type', 'Name']);
      expect(row.Type.toLowerCase()).toContain('n');
    }
    const sorted = [...r.body].map((x: { Name: string }) => x.Name.toLowerCase());
    expect(sorted).toEqual([...sorted].sort());
  });

  it('pages as the connector does: pagesize "1000" as a string, TotalRows appended, only pageno changing', async () => {
    const first = await h.report(CUSTOMERS, { pageno: 1, pagesize: '1000', gridcolumns: 'Id,Name,TotalRows' });
    expect(first.status).toBe(200);
    expect(first.body[0].TotalRows).toBe(h.emu.state.customers.size);
    const ids = new Set<number>();
    for (let page = 1; page <= 4; page++) {
      const r = await h.report(CUSTOMERS, { pageno: page, pagesize: 10, gridcolumns: 'Id,TotalRows' });
      for (const row of r.body) {
        expect(row.TotalRows).toBe(34);
        ids.add(row.Id);
      }
      expect(r.body.length).toBe(page < 4 ? 10 : 4);
    }
    expect(ids.size).toBe(34);
    expect((await h.report(CUSTOMERS, { pageno: 5, pagesize: 10 })).body).toEqual([]);
  });

  it('without a filter answers the default columns of the first 100 rows', async () => {
    const r = await h.report(CUSTOMERS);
    expect(r.status).toBe(200);
    expect(r.body).toHaveLength(34);
    expect(Object.keys(r.body[0])).toEqual(['Id', 'RefNumber', 'Name', 'Status']);
  });

  it('reads filter property names and column names without regard to case', async () => {
    const r = await h.report(CUSTOMERS, { PageNo: 1, PAGESIZE: 2, Filters: [{ field: 'name', op: 'EQ', data: 'WILBUR' }], GridColumns: 'name,totalrows' });
    expect(r.status).toBe(200);
    expect(r.body).toEqual([{ Name: 'Wilbur', TotalRows: 1 }]);
  });
});

describe('operators', () => {
  it('eq ne (strings without regard to case)', async () => {
    expect(await names([rule('Name', 'eq', 'wilbur')])).toEqual(['Wilbur']);
    expect(await names([rule('Status', 'ne', 'active')])).toHaveLength(9);
  });

  it('lt le gt ge on numbers', async () => {
    expect(await names([rule('Id', 'lt', 1003)])).toEqual(['Contoso Dental Group', 'Fabrikam Logistics']);
    expect(await names([rule('Id', 'le', '1003')])).toHaveLength(3);
    expect(await names([rule('Id', 'gt', 1032)])).toEqual(['Pinewood Dental Care', 'Redwood Accounting']);
    expect(await names([rule('Id', 'ge', 1033)])).toHaveLength(2);
  });

  it('lt ge on strings compare without regard to case', async () => {
    const lt = await names([rule('Name', 'lt', 'b')]);
    expect(lt.sort()).toEqual(['Adatum Architects', 'Alpine Ski House']);
    expect(await names([rule('Name', 'ge', 'b')])).toHaveLength(32);
  });

  it('bw bn ew en cn nc', async () => {
    expect(await names([rule('Name', 'bw', 'tail')])).toEqual(['Tailspin Travel', 'Tailspin Travel (old account)']);
    expect(await names([rule('Name', 'bn', 'T')])).toHaveLength(30);
    expect(await names([rule('Name', 'ew', 'TRAVEL')])).toEqual(['Tailspin Travel', 'Margie Travel']);
    expect(await names([rule('Name', 'en', 'travel')])).toHaveLength(32);
    expect(await names([rule('Name', 'cn', 'dental')])).toEqual(['Contoso Dental Group', 'Harbor Dental Clinic', 'Pinewood Dental Care']);
    expect(await names([rule('Name', 'nc', 'a')])).toEqual(allNames().filter((n) => !n.toLowerCase().includes('a')));
  });

  it('in ni take a comma-separated list (or an array)', async () => {
    expect(await names([rule('Status', 'in', 'Inactive, Prospect')])).toHaveLength(7);
    expect(await names([rule('Status', 'ni', ['Inactive', 'Prospect'])])).toHaveLength(27);
    expect(await names([rule('Id', 'in', '1001,1034')])).toEqual(['Contoso Dental Group', 'Redwood Accounting']);
  });

  it('nu nn look at empty cells; other operators never match them (SQL nulls)', async () => {
    expect((await names([rule('PrimaryContactEmail', 'nu')])).sort()).toEqual(['DE Telecom Gmbh', 'Konopelski', 'Pinewood Dental Care']);
    expect(await names([rule('PrimaryContactEmail', 'nn')])).toHaveLength(31);
    expect(await names([rule('PrimaryContactEmail', 'nc', 'zzz')])).toHaveLength(31);
  });

  it('dates: a day covers the whole day, a date-time its instant', async () => {
    const rows = (await h.report(TICKETS, { pagesize: 1000, gridcolumns: 'Id,CreatedDate', sortcolumn: 'CreatedDate' })).body as { Id: number; CreatedDate: string }[];
    const pivot = rows[3] as { Id: number; CreatedDate: string };
    const ge = await h.report(TICKETS, { pagesize: 1000, gridcolumns: 'Id', filters: [rule('CreatedDate', 'ge', pivot.CreatedDate)] });
    expect(ge.body.length).toBe(rows.filter((r) => r.CreatedDate >= pivot.CreatedDate).length);
    const eq = await h.report(TICKETS, { gridcolumns: 'Id', filters: [rule('CreatedDate', 'eq', pivot.CreatedDate)] });
    expect(eq.body).toEqual([{ Id: pivot.Id }]);
    const day = pivot.CreatedDate.slice(0, 10);
    const sameDay = await h.report(TICKETS, { gridcolumns: 'Id', pagesize: 1000, filters: [rule('CreatedDate', 'eq', day)] });
    expect(sameDay.body.length).toBe(rows.filter((r) => r.CreatedDate.startsWith(day)).length);
  });

  it('true/false columns take eq and ne', async () => {
    const closed = await h.report(TICKETS, { gridcolumns: 'Status,IsClosed', filters: [rule('IsClosed', 'eq', 'true')] });
    expect(closed.body.map((r: { Status: string }) => r.Status).sort()).toEqual(['Closed', 'Fixed', 'Resolved']);
    const open = await h.report(TICKETS, { gridcolumns: 'Id', filters: [rule('IsClosed', 'ne', true)] });
    expect(open.body).toHaveLength(5);
  });
});

describe('groups and sort', () => {
  it('filterop OR over the filters array', async () => {
    expect(await names([rule('Name', 'eq', 'Wilbur'), rule('Name', 'eq', 'Konopelski')], { filterop: 'OR' })).toEqual(['Wilbur', 'Konopelski']);
    expect(await names([rule('Name', 'eq', 'Wilbur'), rule('Name', 'eq', 'Konopelski')], { filterop: 'AND' })).toEqual([]);
  });

  it('nested jqGrid groups, as filters itself or inside the array', async () => {
    const group = { groupOp: 'OR', rules: [rule('Name', 'eq', 'Wilbur')], groups: [{ groupOp: 'AND', rules: [rule('Status', 'eq', 'Prospect'), rule('Name', 'cn', 'dental')] }] };
    expect(await names(group)).toEqual(['Wilbur', 'Pinewood Dental Care']);
    expect(await names([rule('Status', 'eq', 'Active'), group])).toEqual(['Wilbur']);
  });

  it('sorts by any column, desc, nulls first, ties by Id', async () => {
    const r = await h.report(CUSTOMERS, { pagesize: 1000, gridcolumns: 'Id,Name', sortcolumn: 'name', sortorder: 'DESC' });
    const got = r.body.map((x: { Name: string }) => x.Name.toLowerCase());
    expect(got).toEqual([...got].sort().reverse());
    const byEmail = await h.report(CUSTOMERS, { pagesize: 1000, gridcolumns: 'Id,PrimaryContactEmail', sortcolumn: 'PrimaryContactEmail' });
    expect(byEmail.body.slice(0, 3).map((x: { PrimaryContactEmail: string | null }) => x.PrimaryContactEmail)).toEqual([null, null, null]);
    const ids = byEmail.body.slice(0, 3).map((x: { Id: number }) => x.Id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    const byStatus = await h.report(CUSTOMERS, { pagesize: 1000, gridcolumns: 'Id,Status', sortcolumn: 'Status' });
    const active = byStatus.body.filter((x: { Status: string }) => x.Status === 'Active').map((x: { Id: number }) => x.Id);
    expect(active).toEqual([...active].sort((a, b) => a - b));
  });
});

describe('bad filters answer 400 {Message} naming the problem', () => {
  const cases: [string, unknown, RegExp][] = [
    ['not JSON', '{pageno:1', /not valid JSON/],
    ['not an object', '[1,2]', /JSON object/],
    ['unknown field', { filters: [rule('Nope', 'eq', 'x')] }, /unknown column 'Nope'/],
    ['unknown op', { filters: [rule('Name', 'like', 'x')] }, /unknown op 'like'/],
    ['no data', { filters: [rule('Name', 'eq')] }, /needs data/],
    ['number expected', { filters: [rule('Id', 'gt', 'abc')] }, /'abc' is not a number/],
    ['date expected', { filters: [rule('CreatedDate', 'ge', 'yesterday')] }, /not a date/],
    ['group op', { filters: [rule('Id', 'eq', 1), { groupOp: 'XOR', rules: [] }] }, /must be AND or OR/],
    ['filterop', { filters: [], filterop: 'NOT' }, /filterop must be AND or OR/],
    ['empty in', { filters: [rule('Status', 'in', ' , ')] }, /at least one value/],
    ['list for eq', { filters: [rule('Status', 'eq', ['a'])] }, /only in and ni take a list/],
    ['pagesize too big', { pagesize: 1001 }, /pagesize must be between 1 and 1000/],
    ['pagesize zero', { pagesize: 0 }, /pagesize/],
    ['pageno zero', { pageno: 0 }, /pageno/],
    ['unknown sort column', { sortcolumn: 'Shoe' }, /sortcolumn: unknown column 'Shoe'/],
    ['bad sort order', { sortorder: 'up' }, /sortorder/],
    ['unknown grid column', { gridcolumns: 'Id,Nope' }, /gridcolumns: unknown column 'Nope'/],
    ['result type', { resulttype: 'Xml' }, /resulttype/],
  ];
  for (const [what, filter, message] of cases) {
    it(what, async () => {
      const r = await h.report(CUSTOMERS, filter);
      expect(r.status).toBe(400);
      expect(r.body.Message).toMatch(/^Invalid filter: /);
      expect(r.body.Message).toMatch(message);
    });
  }
  it('a date op on a true/false column', async () => {
    const r = await h.report(TICKETS, { filters: [rule('IsClosed', 'gt', 'true')] });
    expect(r.status).toBe(400);
  });
});
