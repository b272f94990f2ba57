import { describe, expect, it } from 'vitest';
import { startHarness } from './test-support.ts';
import { harnessPerFile } from '../kit/harness-per-file.test-support.ts';

const h = harnessPerFile(startHarness, 'demo', { reseedEachTest: true });

describe('companies and contacts', () => {
  it('creates with 201 and defaults, and answers InvalidObject with field errors', async () => {
    const created = await h.api('POST', '/company/companies', { identifier: 'AcmeLtd', name: 'Acme Ltd', status: { id: 1 }, types: [{ id: 1 }], site: { name: 'Main' } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ identifier: 'AcmeLtd', name: 'Acme Ltd', status: { id: 1, name: 'Active' }, types: [{ id: 1, name: 'Client' }], deletedFlag: false });
    expect(created.body._info).toMatchObject({ updatedBy: 'psabridge', enteredBy: 'psabridge', lastUpdated: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/) });
    const dup = await h.api('POST', '/company/companies', { identifier: 'acmeltd', status: { name: 'Nope' } });
    expect(dup.status).toBe(400);
    expect(dup.body.code).toBe('InvalidObject');
    expect(dup.body.message).toBe('company object is invalid');
    expect(dup.body.errors).toEqual(
      expect.arrayContaining([
        { code: 'NullOrEmpty', message: 'The name field is required.', resource: 'company', field: 'name' },
        expect.objectContaining({ code: 'InvalidField', resource: 'company', field: 'status' }),
      ]),
    );
    const contact = await h.api('POST', '/company/contacts', { firstName: 'Wile', lastName: 'Coyote', company: { identifier: 'AcmeLtd' }, defaultFlag: true });
    expect(contact.status).toBe(201);
    expect((await h.api('GET', `/company/companies/${created.body.id}`)).body.defaultContact).toMatchObject({ id: contact.body.id, name: 'Wile Coyote' });
  });

  it('replaces with PUT (what is not sent is reset) and deletes with 204', async () => {
    const before = (await h.api('GET', '/company/companies/251')).body;
    expect(before.phoneNumber).toBeDefined();
    const put = await h.api('PUT', '/company/companies/251', { identifier: before.identifier, name: 'Renamed', status: { id: 4 } });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ id: 251, name: 'Renamed', status: { name: 'Credit Hold' } });
    expect(put.body.phoneNumber).toBeUndefined();
    const created = (await h.api('POST', '/company/companies', { identifier: 'Temp', name: 'Temp' })).body;
    const del = await h.api('DELETE', `/company/companies/${created.id}`);
    expect(del.status).toBe(204);
    expect((await h.api('GET', `/company/companies/${created.id}`)).status).toBe(404);
    expect((await h.api('DELETE', '/company/companies/250')).status).toBe(409);
  });
});

describe('agreements and additions', () => {
  it('adds an addition by product identifier, patches its quantity, cancels it', async () => {
    const agreement = (await h.api('GET', '/finance/agreements?conditions=company/id=250')).body[0];
    const created = await h.api('POST', `/finance/agreements/${agreement.id}/additions`, {
      product: { identifier: 'AcronisStorageQuota' }, quantity: 120, lessIncluded: 0, unitPrice: 0.05, unitCost: 0.03, billCustomer: 'Billable',
      effectiveDate: '2026-03-01T00:00:00Z', invoiceDescription: 'Acronis backup (GB)', customFields: [{ id: 7, value: true }],
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ agreementId: agreement.id, product: { identifier: 'AcronisStorageQuota' }, quantity: 120, billedQuantity: 120, extPrice: 6, extCost: 3.6, agreementStatus: 'Active', effectiveDate: '2026-03-01T00:00:00Z' });
    expect(created.body.customFields).toEqual([expect.objectContaining({ caption: 'Acronis PAYG', value: true })]);
    const path = `/finance/agreements/${agreement.id}/additions/${created.body.id}`;
    const patched = await h.api('PATCH', path, [{ op: 'replace', path: 'quantity', value: 130 }]);
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ quantity: 130, extPrice: 6.5, unitPrice: 0.05, invoiceDescription: 'Acronis backup (GB)' });
    const cancelled = await h.api('PATCH', path, [{ op: 'replace', path: '/cancelledDate', value: '2026-04-30T00:00:00Z' }]);
    expect(cancelled.body.cancelledDate).toBe('2026-04-30T00:00:00Z');
    const readOnly = await h.api('PATCH', path, [{ op: 'replace', path: 'extPrice', value: 1 }]);
    expect(readOnly.status).toBe(400);
    expect(readOnly.body.errors[0]).toMatchObject({ field: 'extPrice' });
    expect((await h.api('PATCH', path, { quantity: 1 })).status).toBe(400);
    expect((await h.api('PATCH', path, [{ op: 'move', path: 'quantity', value: 1 }])).status).toBe(400);
    expect((await h.api('DELETE', path)).status).toBe(204);
    expect((await h.api('GET', path)).status).toBe(404);
  });

  it('validates additions and agreements', async () => {
    const bad = await h.api('POST', '/finance/agreements/70/additions', { product: { identifier: 'LegacyTapeBackup' }, quantity: -1 });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: any) => e.field).sort()).toEqual(['billCustomer']);
    const inactive = await h.api('POST', '/finance/agreements/70/additions', { product: { identifier: 'LegacyTapeBackup' }, billCustomer: 'Billable' });
    expect(inactive.body.errors[0]).toMatchObject({ field: 'product', message: expect.stringMatching(/inactive/) });
    const agreement = await h.api('POST', '/finance/agreements', { name: 'New', type: { name: 'Managed Backup' }, company: { id: 250 }, contact: { id: 1001 }, noEndingDateFlag: true });
    expect(agreement.status).toBe(201);
    expect(agreement.body).toMatchObject({ type: { name: 'Managed Backup' }, agreementStatus: 'Active', cancelledFlag: false });
    const wrongContact = await h.api('POST', '/finance/agreements', { name: 'New', type: { id: 1 }, company: { id: 251 }, contact: { id: 1001 }, noEndingDateFlag: true });
    expect(wrongContact.body.errors[0]).toMatchObject({ field: 'contact' });
    const cancel = await h.api('PATCH', `/finance/agreements/${agreement.body.id}`, [{ op: 'replace', path: 'cancelledFlag', value: true }]);
    expect(cancel.body).toMatchObject({ agreementStatus: 'Cancelled', cancelledFlag: true, dateCancelled: expect.any(String) });
  });
});

describe('tickets and notes', () => {
  it('creates a ticket by board and status names, closes it, adds notes', async () => {
    const created = await h.api('POST', '/service/tickets', {
      summary: 'Backup quota exceeded', company: { identifier: 'GreenTorchInc' }, board: { name: 'Professional Services' },
      type: { name: 'Break-fix' }, subType: { name: 'Quota' }, priority: { id: 2 }, initialDescription: 'Quota exceeded', recordType: 'ServiceTicket',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ status: { name: 'New (not responded)' }, closedFlag: false, board: { id: 1 }, subType: { name: 'Quota' } });
    const id = created.body.id;
    const closed = await h.api('PATCH', `/service/tickets/${id}`, [{ op: 'replace', path: 'status', value: { name: 'Completed' } }]);
    expect(closed.body).toMatchObject({ closedFlag: true, status: { name: 'Completed' }, closedBy: 'psabridge', closedDate: expect.any(String) });
    const reopened = await h.api('PATCH', `/service/tickets/${id}`, [{ op: 'replace', path: 'status/id', value: 100 }]);
    expect(reopened.body.closedFlag).toBe(false);
    expect(reopened.body.closedDate).toBeUndefined();
    const wrongBoard = await h.api('PATCH', `/service/tickets/${id}`, [{ op: 'replace', path: 'status', value: { id: 106 } }]);
    expect(wrongBoard.status).toBe(400);
    const badSub = await h.api('PATCH', `/service/tickets/${id}`, [{ op: 'replace', path: 'type', value: { name: 'Request' } }]);
    expect(badSub.body.errors[0]).toMatchObject({ field: 'subType' });
    const note = await h.api('POST', `/service/tickets/${id}/notes`, { text: 'Quota raised', detailDescriptionFlag: true });
    expect(note.status).toBe(201);
    expect(note.body).toMatchObject({ ticketId: id, text: 'Quota raised', member: { identifier: 'psabridge' }, createdBy: 'psabridge' });
    expect((await h.api('POST', `/service/tickets/${id}/notes`, { text: 'x' })).status).toBe(400);
    expect((await h.api('GET', `/service/tickets/${id}/notes/count`)).body).toEqual({ count: 1 });
    expect((await h.api('DELETE', `/service/tickets/${id}`)).status).toBe(204);
  });

  it('accepts ticket search by POST body', async () => {
    const r = await h.api('POST', '/service/tickets/search?pageSize=2', { conditions: 'board/name = "Professional Services" and closedFlag = false', orderBy: 'id desc' });
    expect(r.status).toBe(200);
    expect(r.body).toHaveLength(2);
    expect(r.body[0].id).toBeGreaterThan(r.body[1].id);
  });
});
