// Customers: status, primary contact, links to external systems (CMP ids for the Ingram Cloud
// Marketplace matching wizard), the linked-customers report, lookups, and the large dataset.
import { describe, expect, it } from 'vitest';
import { DEMO_CMP_PAIRS, LARGE_CMP_BASE } from './datasets.ts';
import { startHarness } from './test-support.ts';
import { harnessPerFile } from '../kit/harness-per-file.test-support.ts';

const h = harnessPerFile(startHarness, 'demo');

const idOf = async (name: string): Promise<number> => {
  const r = await h.report('customers/getcustomersreport', { gridcolumns: 'Id', filters: [{ field: 'Name', op: 'eq', data: name }] });
  return r.body[0].Id;
};

describe('customers (demo)', () => {
  it('GET /customers/{id}: status, primary contact and CMP link', async () => {
    const r = await h.api('GET', `/customers/${await idOf('Tailspin Travel')}`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      Name: 'Tailspin Travel', Status: 'Active', RefNumber: expect.stringMatching(/^CUS-\d{6}$/),
      PrimaryContact: { FirstName: expect.any(String), LastName: expect.any(String), Email: expect.stringContaining('@tailspin-travel.example') },
      ExternalSystems: [{ System: 'CMP', ExternalId: '1100244801', ExternalName: 'Tailspin Travel' }],
    });
    expect(Date.parse(r.body.CreatedDate)).not.toBeNaN();
  });

  it('has customers without a primary contact, without an e-mail, and in every status', async () => {
    expect((await h.api('GET', `/customers/${await idOf('DE Telecom Gmbh')}`)).body).toMatchObject({ Status: 'No Relationship', PrimaryContact: null });
    expect((await h.api('GET', `/customers/${await idOf('Konopelski')}`)).body.PrimaryContact.Email).toBeNull();
    const statuses = await h.report('customers/getcustomersreport', { pagesize: 1000, gridcolumns: 'Status' });
    expect(new Set(statuses.body.map((x: { Status: string }) => x.Status))).toEqual(new Set(['Active', 'Inactive', 'Prospect', 'No Relationship']));
  });

  it('the customers report carries the primary contact columns', async () => {
    const r = await h.report('customers/getcustomersreport', {
      gridcolumns: 'Id,Name,Status,PrimaryContactFirstName,PrimaryContactLastName,PrimaryContactEmail', filters: [{ field: 'Name', op: 'eq', data: 'Wingtip Toys' }],
    });
    expect(r.body[0]).toMatchObject({ Name: 'Wingtip Toys', Status: 'Active', PrimaryContactEmail: expect.stringContaining('@wingtip-toys.example') });
  });

  it('answers 404 {Message} for an unknown customer', async () => {
    const r = await h.api('GET', '/customers/999999');
    expect(r.status).toBe(404);
    expect(r.body).toEqual({ Message: 'Customer 999999 was not found.' });
  });

  it('the linked-customers report lists CMP links with numeric ids, including the pairs for the Acronis demo', async () => {
    const r = await h.report('customers/getlinkedcustomersreport', {
      pagesize: 1000, filters: [{ field: 'ExternalSystem', op: 'eq', data: 'CMP' }], gridcolumns: 'CustomerId,CustomerName,CustomerStatus,ExternalId,ExternalCustomerName,TotalRows',
    });
    expect(r.status).toBe(200);
    expect(r.body).toHaveLength(14);
    for (const row of r.body) expect(row.ExternalId).toMatch(/^\d+$/);
    for (const pair of DEMO_CMP_PAIRS) {
      expect(r.body).toContainEqual(expect.objectContaining({ CustomerName: pair.cloudBlueCustomer, ExternalId: pair.cmpId, ExternalCustomerName: pair.acronisTenant }));
    }
    // A re-created customer: two CloudBlue records share one CMP account, one of them inactive.
    const dup = r.body.filter((x: { ExternalId: string }) => x.ExternalId === '1100244801');
    expect(dup.map((x: { CustomerStatus: string }) => x.CustomerStatus).sort()).toEqual(['Active', 'Inactive']);
    const xero = await h.report('customers/getlinkedcustomersreport', { filters: [{ field: 'ExternalSystem', op: 'ne', data: 'CMP' }] });
    expect(xero.body.every((x: { ExternalSystem: string }) => x.ExternalSystem === 'Xero')).toBe(true);
  });

  it('lookups: customer statuses and external systems', async () => {
    expect((await h.api('GET', '/customers/statuses')).body).toEqual([
      { Id: 51, Name: 'Active', IsActive: true },
      { Id: 52, Name: 'Inactive', IsActive: false },
      { Id: 53, Name: 'Prospect', IsActive: true },
      { Id: 54, Name: 'No Relationship', IsActive: false },
    ]);
    expect((await h.api('GET', '/externalsystems')).body).toEqual([{ Id: 61, Name: 'CMP' }, { Id: 62, Name: 'Xero' }]);
  });

  it('control API: add and change customers (status, contact, CMP link)', async () => {
    const created = await h.control('POST', '/customers', { name: 'Zeta Freight', status: 'Prospect', external: [{ system: 'CMP', externalId: '1100249999' }] });
    expect(created.status).toBe(201);
    const id = created.body.Id;
    const patched = await h.control('PATCH', `/customers/${id}`, { status: 'Active', primaryContact: { firstName: 'Zoe', lastName: 'Ng', email: 'zoe@zeta.example' } });
    expect(patched.body).toMatchObject({ Status: 'Active', PrimaryContact: { FirstName: 'Zoe', Email: 'zoe@zeta.example' } });
    const api = await h.api('GET', `/customers/${id}`);
    expect(api.body.ExternalSystems).toEqual([{ System: 'CMP', ExternalId: '1100249999', ExternalName: 'Zeta Freight' }]);
    expect((await h.control('PATCH', `/customers/${id}`, { status: 'Gone' })).status).toBe(400);
  });
});

describe('customers (large)', () => {
  it('10,000 customers in 10 pages of 1000, every 5th linked to CMP', async () => {
    await h.control('POST', '/seed', { dataset: 'large' });
    const ids = new Set<number>();
    for (let page = 1; page <= 10; page++) {
      const r = await h.report('customers/getcustomersreport', { pageno: page, pagesize: 1000, gridcolumns: 'Id,Name,TotalRows' });
      expect(r.body).toHaveLength(1000);
      expect(r.body[0].TotalRows).toBe(10_000);
      for (const row of r.body) ids.add(row.Id);
    }
    expect(ids.size).toBe(10_000);
    const linked = await h.report('customers/getlinkedcustomersreport', { pagesize: 1, filters: [{ field: 'ExternalSystem', op: 'eq', data: 'CMP' }], gridcolumns: 'ExternalId,TotalRows', sortcolumn: 'CustomerId' });
    expect(linked.body).toEqual([{ ExternalId: String(LARGE_CMP_BASE), TotalRows: 2000 }]);
    const tickets = await h.report('tickets/getticketsreport', { pagesize: 1, gridcolumns: 'TotalRows' });
    expect(tickets.body[0].TotalRows).toBe(1000);
    await h.control('POST', '/seed', { dataset: 'demo' });
  });
});
