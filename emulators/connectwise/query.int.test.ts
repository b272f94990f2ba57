import { describe, expect, it } from 'vitest';
import { cond, startHarness } from './test-support.ts';
import { harnessPerFile } from '../kit/harness-per-file.test-support.ts';

const h = harnessPerFile(startHarness, 'demo');

const ids = (rows: { id: number }[]) => rows.map((r) => r.id);
const list = async (path: string, q: string) => {
  const r = await h.api('GET', `${path}?${q}&pageSize=1000`);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body as any[];
};

describe('conditions', () => {
  it('filters on nested references, like with %, contains, in and not in', async () => {
    const active = await list('/company/companies', cond('status/name = "Active" and name like "green%"'));
    expect(active.length).toBeGreaterThan(0);
    for (const c of active) {
      expect(c.status.name).toBe('Active');
      expect(c.name.toLowerCase().startsWith('green')).toBe(true);
    }
    const contains = await list('/company/companies', cond('name contains "TORCH"'));
    expect(contains.map((c) => c.name)).toContain('Green Torch, Inc.');
    const notLike = await list('/company/companies', cond('name not like "Green%"'));
    expect(notLike.every((c) => !c.name.startsWith('Green'))).toBe(true);
    const byIds = await list('/company/companies', cond('id in (250, 251, 99999)'));
    expect(ids(byIds)).toEqual([250, 251]);
    const notIn = await list('/company/companies', cond('status/id not in (1)'));
    expect(notIn.length).toBeGreaterThan(0);
    expect(notIn.every((c) => c.status.id !== 1)).toBe(true);
    const additions = await list('/finance/agreements/70/additions', cond('product/identifier = "AcronisPhysicalWorkstations"'));
    expect(additions.every((a) => a.product.identifier === 'AcronisPhysicalWorkstations')).toBe(true);
  });

  it('honours and-before-or precedence and parentheses', async () => {
    const a = await list('/company/companies', cond('id = 250 or id = 251 and id = 252'));
    expect(ids(a)).toEqual([250]);
    const b = await list('/company/companies', cond('(id = 250 or id = 251) and id = 251'));
    expect(ids(b)).toEqual([251]);
  });

  it('compares booleans, nulls and dates', async () => {
    const primary = await list('/company/contacts', cond('company/id = 250 AND defaultFlag = TRUE'));
    expect(primary).toHaveLength(1);
    const company = (await h.api('GET', '/company/companies/250')).body;
    expect(primary[0].id).toBe(company.defaultContact.id);
    const noEnd = await list('/finance/agreements', cond('noEndingDateFlag = true and endDate != null'));
    expect(noEnd.length).toBeGreaterThan(0);
    const withoutParent = await list('/company/companies', cond('parentCompany/id = null'));
    expect(withoutParent.length).toBe((await h.api('GET', '/company/companies/count')).body.count);
    const cancelled = await list('/finance/agreements', cond('cancelledFlag = true and dateCancelled < [2100-01-01T00:00:00Z]'));
    expect(cancelled.length).toBeGreaterThan(0);
    expect(cancelled.every((x) => x.agreementStatus === 'Cancelled')).toBe(true);
  });

  it('supports lastUpdated for incremental polling', async () => {
    const before = (await h.control('GET', '/clock')).body.now as string;
    const since = `[${before.slice(0, 19)}Z]`;
    expect(await list('/service/tickets', cond(`lastUpdated > ${since}`))).toHaveLength(0);
    await h.control('POST', '/clock', { advance_ms: 2000 });
    const patched = await h.api('PATCH', '/service/tickets/3001', [{ op: 'replace', path: 'summary', value: 'Changed summary' }]);
    expect(patched.status).toBe(200);
    const changed = await list('/service/tickets', cond(`_info/lastUpdated > ${since}`));
    expect(ids(changed)).toEqual([3001]);
    expect(changed[0]._info.updatedBy).toBe('psabridge');
  });

  it('answers 400 with a message naming the problem', async () => {
    const cases: [string, RegExp][] = [
      ['closedFlag = 1', /Expected a boolean value, not a numeric.*String values should be enclosed/],
      ['name = Acme', /expected a value but found "Acme"/],
      ['summary = "x" and (id = 1', /"\(" at position 19 is not closed/],
      ['nosuchfield = 1', /Cannot find field "nosuchfield"/],
      ['company = 1', /is an object; compare one of its fields/],
      ['id >> 3', /expected a value but found ">"/],
      ['summary like 5', /Expected a string value, not a numeric/],
      ['summary = "open', /is not closed/],
      ['dateEntered > [yesterday]', /not a datetime/],
      ['id = 1 id = 2', /expected "and", "or" or the end/],
    ];
    for (const [c, message] of cases) {
      const r = await h.api('GET', `/service/tickets?${cond(c)}`);
      expect(r.status, c).toBe(400);
      expect(r.body.code).toBe('BadRequest');
      expect(r.body.message, c).toMatch(message);
    }
  });
});

describe('childConditions, customFieldConditions, orderBy, fields, count', () => {
  it('filters on list fields with childConditions', async () => {
    const prospects = await list('/company/companies', `childConditions=${encodeURIComponent('types/name = "Prospect"')}`);
    expect(prospects.length).toBeGreaterThan(0);
    expect(prospects.every((c) => c.types.some((t: any) => t.name === 'Prospect'))).toBe(true);
    const byMail = await list('/company/contacts', `childConditions=${encodeURIComponent('communicationItems/value like "%@greentorchinc.example"')}`);
    expect(byMail.length).toBeGreaterThan(0);
    const r = await h.api('GET', `/company/companies?${cond('types/name = "Client"')}`);
    expect(r.status).toBe(400);
    expect(r.body.message).toMatch(/childConditions/);
  });

  it('filters additions by custom field (PAYG)', async () => {
    const payg = await list('/finance/agreements/70/additions', `customFieldConditions=${encodeURIComponent('caption = "Acronis PAYG" AND value = True')}`);
    const all = await list('/finance/agreements/70/additions', '');
    const flag = (a: any) => a.customFields.find((f: any) => f.caption === 'Acronis PAYG')?.value === true;
    expect(ids(payg)).toEqual(ids(all.filter(flag)));
    expect(payg.length).toBeGreaterThan(0);
  });

  it('orders, projects fields and counts', async () => {
    const byName = await list('/company/companies', 'orderBy=name desc');
    const names = byName.map((c) => c.name.toLowerCase());
    expect(names).toEqual([...names].sort().reverse());
    const partial = (await h.api('GET', `/company/companies?${cond('id = 250')}&fields=id,name,status/name`)).body;
    expect(partial).toEqual([{ id: 250, name: 'Green Torch, Inc.', status: { name: 'Active' } }]);
    const one = (await h.api('GET', '/company/companies/250?fields=identifier,types/name')).body;
    expect(one).toEqual({ identifier: 'GreenTorchInc', types: [{ name: 'Client' }] });
    const count = await h.api('GET', `/company/companies/count?${cond('status/name = "Active"')}`);
    expect(count.body).toEqual({ count: (await list('/company/companies', cond('status/name = "Active"'))).length });
    expect((await h.api('GET', '/company/companies?orderBy=bogus asc')).status).toBe(400);
  });

  it('lists board types, subtypes, statuses and priorities', async () => {
    const boards = (await h.api('GET', '/service/boards')).body;
    expect(boards.map((b: any) => b.name)).toEqual(['Professional Services', 'Help Desk']);
    const statuses = (await h.api('GET', `/service/boards/1/statuses?${cond('closedStatus = true')}`)).body;
    expect(statuses.map((s: any) => s.name)).toEqual(['Completed', '>Closed']);
    expect(statuses[0].board).toMatchObject({ id: 1, name: 'Professional Services' });
    const subtypes = (await h.api('GET', '/service/boards/1/subtypes')).body;
    expect(subtypes.find((s: any) => s.name === 'Break-fix subtype').typeAssociationIds).toEqual([10]);
    const priorities = (await h.api('GET', '/service/priorities?orderBy=sortOrder')).body;
    expect(priorities[1].name).toBe('Priority 2 - Quick Response');
    expect((await h.api('GET', '/company/companies/statuses')).body.map((s: any) => s.name)).toContain('Credit Hold');
    expect((await h.api('GET', '/company/companies/types')).body.map((s: any) => s.name)).toContain('Prospect');
    expect((await h.api('GET', '/procurement/catalog/count?conditions=inactiveFlag=false')).body.count).toBeGreaterThan(10);
  });
});
