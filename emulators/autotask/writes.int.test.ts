import { createServer } from 'node:http';
import { describe, expect, it } from 'vitest';
import { all, startHarness } from './test-support.ts';
import { harnessPerFile } from '../kit/harness-per-file.test-support.ts';

const h = harnessPerFile(startHarness, 'demo');

const picklist = async (entity: string, field: string, label: string): Promise<number> => {
  const r = await h.api('GET', `/${entity}/entityInformation/fields`);
  const f = r.body.fields.find((x: { name: string }) => x.name === field);
  const v = f.picklistValues.find((p: { label: string }) => p.label === label);
  return Number(v.value);
};
const owner = async () => (await h.api('POST', '/Resources/query', { filter: [all] })).body.items[0].id as number;

describe('create, update, get', () => {
  it('creates a company from any-case input, returns {itemId}, reads it back camelCase, PATCHes and PUTs it', async () => {
    const created = await h.api('POST', '/Companies', { COMPANYNAME: 'Acme Ltd', companytype: await picklist('Companies', 'companyType', 'Customer'), Phone: '8005551212', ownerResourceID: await owner() });
    expect(created.status).toBe(200);
    expect(created.body).toEqual({ itemId: expect.any(Number) });
    const id = created.body.itemId;
    const got = await h.api('GET', `/Companies/${id}`);
    expect(got.body.item).toMatchObject({ id, companyName: 'Acme Ltd', phone: '8005551212', isActive: true, city: null, userDefinedFields: [] });
    expect(got.body.item.createDate).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    const patched = await h.api('PATCH', '/Companies', { id, city: 'Boston' });
    expect(patched.body).toEqual({ itemId: id });
    expect((await h.api('GET', `/Companies/${id}`)).body.item).toMatchObject({ city: 'Boston', phone: '8005551212' });
    const put = await h.api('PUT', '/Companies', { ...got.body.item, webAddress: 'https://acme.example', city: undefined });
    expect(put.status).toBe(200);
    expect((await h.api('GET', `/Companies/${id}`)).body.item).toMatchObject({ city: null, webAddress: 'https://acme.example' });
  });

  it('answers validation failures with 400 naming the fields, and unknown ids with 404', async () => {
    const missing = await h.api('POST', '/Companies', { companyName: 'No phone' });
    expect(missing.status).toBe(400);
    expect(missing.body.errors.join(' ')).toMatch(/companyType/);
    expect(missing.body.errors.join(' ')).toMatch(/phone/);
    const badPick = await h.api('POST', '/Companies', { companyName: 'X', companyType: 99, phone: '1', ownerResourceID: await owner() });
    expect(badPick.status).toBe(400);
    expect(badPick.body.errors[0]).toMatch(/companyType/);
    expect((await h.api('GET', '/Companies/999999999')).status).toBe(404);
    expect((await h.api('PATCH', '/Companies', { id: 999999999, city: 'x' })).status).toBe(404);
    expect((await h.api('PATCH', '/Companies', { city: 'x' })).status).toBe(400);
  });
});

describe('parent-child routes', () => {
  it('writes contacts only under their company and keeps one primary contact', async () => {
    const company = (await h.api('POST', '/Companies/query', { filter: [{ op: 'eq', field: 'companyType', value: await picklist('Companies', 'companyType', 'Customer') }], MaxRecords: 1 })).body.items[0].id;
    const c = await h.api('POST', `/Companies/${company}/Contacts`, { firstName: 'Pat', lastName: 'Lee', isActive: 1, primaryContact: true, emailAddress: 'pat@x.example' });
    expect(c.status).toBe(200);
    const list = await h.api('GET', `/Companies/${company}/Contacts`);
    const primaries = list.body.items.filter((x: { primaryContact: boolean }) => x.primaryContact);
    expect(primaries.map((x: { id: number }) => x.id)).toEqual([c.body.itemId]);
    expect((await h.api('GET', `/Contacts/${c.body.itemId}`)).body.item.companyID).toBe(company);
    expect((await h.api('PATCH', `/Companies/${company}/Contacts`, { id: c.body.itemId, title: 'CTO' })).status).toBe(200);
    expect((await h.api('DELETE', `/Companies/${company}/Contacts/${c.body.itemId}`)).body).toEqual({ itemId: c.body.itemId });
    expect((await h.api('GET', `/Contacts/${c.body.itemId}`)).status).toBe(404);
    expect((await h.api('POST', '/Companies/999999999/Contacts', { firstName: 'a', lastName: 'b', isActive: 1 })).status).toBe(404);
  });

  it('adds ticket notes through /Tickets/{id}/Notes and services to bundles through /ServiceBundles/{id}/Services', async () => {
    const ticket = (await h.api('POST', '/Tickets/query', { filter: [all], MaxRecords: 1 })).body.items[0];
    const note = await h.api('POST', `/Tickets/${ticket.id}/Notes`, { title: 'Update', description: 'Quota raised', noteType: await picklist('TicketNotes', 'noteType', 'Task Detail'), publish: await picklist('TicketNotes', 'publish', 'All Autotask Users') });
    expect(note.status).toBe(200);
    const notes = await h.api('POST', '/TicketNotes/query', { filter: [{ op: 'eq', field: 'ticketID', value: ticket.id }] });
    expect(notes.body.items.map((n: { id: number }) => n.id)).toContain(note.body.itemId);
    expect((await h.api('POST', '/TicketNotes', { ticketID: ticket.id, description: 'x', noteType: 1, publish: 1 })).status).toBe(405);
    const bundle = (await h.api('POST', '/ServiceBundles/query', { filter: [all] })).body.items[0];
    const services = (await h.api('POST', '/Services/query', { filter: [all] })).body.items;
    const link = await h.api('POST', `/ServiceBundles/${bundle.id}/Services`, { serviceID: services[services.length - 1].id });
    expect(link.status).toBe(200);
    expect((await h.api('GET', `/ServiceBundles/${bundle.id}/Services`)).body.items.map((s: { id: number }) => s.id)).toContain(link.body.itemId);
  });

  it('creates tickets with a number, dependent sub-issue types, and completion', async () => {
    const company = (await h.api('POST', '/Companies/query', { filter: [{ op: 'gt', field: 'id', value: 0 }], MaxRecords: 1 })).body.items[0].id;
    const base = { companyID: company, title: 'Backup quota exceeded', status: await picklist('Tickets', 'status', 'New'), priority: await picklist('Tickets', 'priority', 'High') };
    const wrongSub = await h.api('POST', '/Tickets', { ...base, issueType: await picklist('Tickets', 'issueType', 'Backup'), subIssueType: await picklist('Tickets', 'subIssueType', 'Quota exceeded') });
    expect(wrongSub.status).toBe(400);
    const t = await h.api('POST', '/Tickets', { ...base, issueType: await picklist('Tickets', 'issueType', 'Storage'), subIssueType: await picklist('Tickets', 'subIssueType', 'Quota exceeded') });
    const ticket = (await h.api('GET', `/Tickets/${t.body.itemId}`)).body.item;
    expect(ticket.ticketNumber).toMatch(/^T\d{8}\.\d{4}$/);
    expect(ticket.completedDate).toBeNull();
    await h.api('PATCH', '/Tickets', { id: ticket.id, status: await picklist('Tickets', 'status', 'Complete') });
    expect((await h.api('GET', `/Tickets/${ticket.id}`)).body.item.completedDate).toEqual(expect.any(String));
  });
});

describe('contracts, services, adjustments and units', () => {
  it('adds a service to a recurring contract, adjusts units from an effective date and splits ContractServiceUnits there', async () => {
    const recurring = await picklist('Contracts', 'contractType', 'Recurring Service');
    const company = (await h.api('POST', '/Companies/query', { filter: [{ op: 'gt', field: 'id', value: 0 }], MaxRecords: 1 })).body.items[0].id;
    const year = new Date().getUTCFullYear();
    const contract = await h.api('POST', '/Contracts', {
      companyID: company, contractName: 'Acme Managed Backup', contractType: recurring, status: await picklist('Contracts', 'status', 'Active'),
      startDate: `${year}-01-01T00:00:00Z`, endDate: `${year}-12-31T00:00:00Z`, timeReportingRequiresStartAndStopTimes: 1,
      userDefinedFields: [{ name: 'Acronis PAYG', value: 'Yes' }],
    });
    expect(contract.status).toBe(200);
    const cid = contract.body.itemId;
    const services = (await h.api('POST', '/Services/query', { filter: [{ op: 'eq', field: 'isActive', value: true }] })).body.items;
    const line = await h.api('POST', `/Contracts/${cid}/Services`, { serviceID: services[0].id, unitPrice: 4.5, unitCost: 2.1 });
    expect(line.status).toBe(200);
    expect((await h.api('POST', '/ContractServices', { contractID: cid, serviceID: services[0].id })).status).toBe(405);
    const add = await h.api('POST', `/Contracts/${cid}/ServiceAdjustments`, { serviceID: services[0].id, effectiveDate: `${year}-01-01T00:00:00Z`, unitChange: 10 });
    expect(add.body).toEqual({ itemId: expect.any(Number) });
    const more = await h.api('POST', '/ContractServiceAdjustments', { contractID: cid, contractServiceID: line.body.itemId, effectiveDate: `${year}-03-15T00:00:00Z`, unitChange: 3 });
    expect(more.status).toBe(200);
    const units = await h.api('GET', `/Contracts/${cid}/ServiceUnits`);
    const rows = units.body.items as { startDate: string; endDate: string; units: number; contractServiceID: number }[];
    expect(rows.every((r) => r.contractServiceID === line.body.itemId)).toBe(true);
    expect(rows.find((r) => r.startDate.startsWith(`${year}-02-01`))?.units).toBe(10);
    expect(rows.find((r) => r.startDate.startsWith(`${year}-03-01`))).toMatchObject({ units: 10, endDate: `${year}-03-14T00:00:00Z` });
    expect(rows.find((r) => r.startDate.startsWith(`${year}-03-15`))).toMatchObject({ units: 13, endDate: `${year}-03-31T00:00:00Z` });
    expect(rows.find((r) => r.startDate.startsWith(`${year}-12-01`))?.units).toBe(13);
    expect(rows).toHaveLength(13);
    const byQuery = await h.api('POST', '/ContractServiceUnits/query', { filter: [{ op: 'eq', field: 'contractID', value: cid }, { op: 'lte', field: 'startDate', value: `${year}-03-20T00:00:00Z` }, { op: 'gte', field: 'endDate', value: `${year}-03-20T00:00:00Z` }] });
    expect(byQuery.body.items.map((r: { units: number }) => r.units)).toEqual([13]);
    expect((await h.api('GET', `/ContractServiceUnits/${byQuery.body.items[0].id}`)).body.item.units).toBe(13);

    // An adjustment for a service the contract lacks creates the contract service.
    const auto = await h.api('POST', `/Contracts/${cid}/ServiceAdjustments`, { serviceID: services[1].id, effectiveDate: `${year}-06-01T00:00:00Z`, unitChange: 4 });
    expect(auto.status).toBe(200);
    const lines = (await h.api('GET', `/Contracts/${cid}/Services`)).body.items;
    expect(lines.map((l: { serviceID: number }) => l.serviceID)).toEqual([services[0].id, services[1].id]);
    const units2 = (await h.control('GET', `/contracts/${cid}/units?at=${year}-07-01`)).body;
    expect(units2.services.map((s: { units: number }) => s.units)).toEqual([13, 4]);

    // Create-only, within the contract, never negative.
    expect((await h.api('POST', '/ContractServiceAdjustments/query', { filter: [all] })).status).toBeGreaterThanOrEqual(404);
    expect((await h.api('POST', '/ContractServiceAdjustments', { contractID: cid, serviceID: services[0].id, effectiveDate: `${year + 3}-01-01T00:00:00Z`, unitChange: 1 })).status).toBe(400);
    const negative = await h.api('POST', '/ContractServiceAdjustments', { contractID: cid, serviceID: services[0].id, effectiveDate: `${year}-02-01T00:00:00Z`, unitChange: -11 });
    expect(negative.status).toBe(400);
    expect(negative.body.errors[0]).toMatch(/negative/);
    // Only invoiceDescription / adjustedPrice change on a contract service.
    expect((await h.api('PATCH', `/Contracts/${cid}/Services`, { id: line.body.itemId, invoiceDescription: 'Backup' })).status).toBe(200);
    const price = await h.api('PATCH', `/Contracts/${cid}/Services`, { id: line.body.itemId, unitPrice: 9 });
    expect(price.status).toBe(400);
    expect(price.body.errors[0]).toMatch(/unitPrice/);
  });

  it('refuses contract services on a contract that is not Recurring Service', async () => {
    const tm = (await h.api('POST', '/Contracts/query', { filter: [{ op: 'eq', field: 'contractType', value: await picklist('Contracts', 'contractType', 'Time & Materials') }] })).body.items[0];
    const service = (await h.api('POST', '/Services/query', { filter: [all], MaxRecords: 1 })).body.items[0];
    const r = await h.api('POST', `/Contracts/${tm.id}/Services`, { serviceID: service.id });
    expect(r.status).toBe(400);
    expect(r.body.errors[0]).toMatch(/Recurring Service/);
  });

  it('creates services only with a recurring-service billing code and a unique name', async () => {
    const codes = (await h.api('POST', '/BillingCodes/query', { filter: [all] })).body.items;
    const recurringUse = await picklist('BillingCodes', 'useType', 'Recurring Service');
    const good = codes.find((c: { useType: number; isActive: boolean }) => c.useType === recurringUse && c.isActive);
    const labor = codes.find((c: { useType: number }) => c.useType !== recurringUse);
    const monthly = await picklist('Services', 'periodType', 'Monthly');
    const ok = await h.api('POST', '/Services', { name: 'Acronis - Mobile devices (new)', periodType: monthly, unitPrice: 1, billingCodeID: good.id });
    expect(ok.status).toBe(200);
    expect((await h.api('GET', `/Services/${ok.body.itemId}`)).body.item.isActive).toBe(true);
    expect((await h.api('POST', '/Services', { name: 'Acronis - Mobile devices (new)', periodType: monthly, unitPrice: 1, billingCodeID: good.id })).status).toBe(400);
    expect((await h.api('POST', '/Services', { name: 'Other', periodType: monthly, unitPrice: 1, billingCodeID: labor.id })).status).toBe(400);
  });
});

describe('metadata', () => {
  it('describes entities, fields with picklists (string values, dependent sub-issue types) and UDFs', async () => {
    const info = await h.api('GET', '/contracts/entityinformation');
    expect(info.body.info).toMatchObject({ name: 'Contracts', canCreate: true, canQuery: true, canUpdate: true, hasUserDefinedFields: true });
    expect((await h.api('GET', '/ContractServiceUnits/entityInformation')).body.info).toMatchObject({ canCreate: false, canUpdate: false, canQuery: true });
    expect((await h.api('GET', '/ContractServiceAdjustments/entityInformation')).body.info).toMatchObject({ canCreate: true, canQuery: false });
    const period = (await h.api('GET', '/Services/entityInformation/fields')).body.fields.find((f: { name: string }) => f.name === 'periodType');
    expect(period.picklistValues.map((v: { label: string }) => v.label)).toEqual(['Monthly', 'Quarterly', 'Semi-Annual', 'Yearly']);
    expect(typeof period.picklistValues[0].value).toBe('string');
    const ticketFields = (await h.api('GET', '/Tickets/entityInformation/fields')).body.fields;
    for (const name of ['status', 'priority', 'queueID', 'source', 'issueType', 'subIssueType', 'ticketType']) {
      expect(ticketFields.find((f: { name: string }) => f.name === name).isPickList, name).toBe(true);
    }
    const sub = ticketFields.find((f: { name: string }) => f.name === 'subIssueType');
    expect(sub.picklistParentValueField).toBe('issueType');
    expect(sub.picklistValues[0].parentValue).toEqual(expect.any(String));
    const noteFields = (await h.api('GET', '/TicketNotes/entityInformation/fields')).body.fields;
    expect(noteFields.find((f: { name: string }) => f.name === 'publish').picklistValues.length).toBeGreaterThan(0);
    const statuses = (await h.api('GET', '/Contracts/entityInformation/fields')).body.fields.find((f: { name: string }) => f.name === 'status');
    expect(statuses.picklistValues.map((v: { label: string }) => v.label)).toContain('Active');
    const udfs = await h.api('GET', '/Contracts/entityInformation/userDefinedFields');
    expect(udfs.body.fields).toEqual([expect.objectContaining({ name: 'Acronis PAYG', isPickList: true, picklistValues: [expect.objectContaining({ label: 'Yes' }), expect.objectContaining({ label: 'No' })] })]);
  });

  it('lets a connector create the PAYG UDF when it is missing (empty dataset)', async () => {
    const e = await startHarness('empty');
    try {
      expect((await e.api('GET', '/Contracts/entityInformation/userDefinedFields')).body.fields).toEqual([]);
      const fields = (await e.api('GET', '/UserDefinedFieldDefinitions/entityInformation/fields')).body.fields;
      const value = (field: string, label: string) => Number(fields.find((f: { name: string }) => f.name === field).picklistValues.find((v: { label: string }) => v.label === label).value);
      const udf = await e.api('POST', '/UserDefinedFieldDefinitions', { name: 'Acronis PAYG', udfType: value('udfType', 'Contract'), dataType: value('dataType', 'List') });
      expect(udf.status).toBe(200);
      for (const v of ['Yes', 'No']) expect((await e.api('POST', `/UserDefinedFields/${udf.body.itemId}/ListItems`, { valueForDisplay: v, valueForExport: v })).status).toBe(200);
      expect((await e.api('POST', '/UserDefinedFieldDefinitions', { name: 'acronis payg', udfType: value('udfType', 'Contract'), dataType: value('dataType', 'List') })).status).toBe(400);
      const names = (await e.api('GET', '/Contracts/entityInformation/userDefinedFields')).body.fields.map((f: { name: string }) => f.name);
      expect(names).toEqual(['Acronis PAYG']);
    } finally {
      await e.close();
    }
  });
});

/** A local receiver of webhook callouts: what arrived (headers and raw body), its server and port. */
async function calloutSink() {
  const received: { headers: Record<string, unknown>; body: string }[] = [];
  const sink = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.end('ok');
    });
  });
  await new Promise<void>((r) => sink.listen(0, '127.0.0.1', r));
  return { received, sink, port: (sink.address() as { port: number }).port };
}

describe('company webhooks', () => {
  it('CRUDs a webhook with fields and delivers signed callouts when a company changes', async () => {
    const { received, sink, port } = await calloutSink();
    try {
      const hook = await h.api('POST', '/CompanyWebhooks', {
        name: 'sync', isActive: true, webhookUrl: `http://127.0.0.1:${port}/hook`, secretKey: 's3cret', isSubscribedToCreateEvents: true, isSubscribedToUpdateEvents: true,
        isSubscribedToDeleteEvents: false, sendThresholdExceededNotification: false,
      });
      expect(hook.status).toBe(200);
      expect((await h.api('GET', `/CompanyWebhooks/${hook.body.itemId}`)).body.item).toMatchObject({ isReady: false, webhookGUID: expect.any(String) });
      const fields = (await h.api('GET', '/Companies/entityInformation/fields')).body.fields.map((f: { name: string }) => f.name);
      const cityId = fields.indexOf('city') + 1;
      expect((await h.api('POST', `/CompanyWebhooks/${hook.body.itemId}/Fields`, { fieldID: cityId, isSubscribedField: true, isDisplayAlwaysField: false })).status).toBe(200);
      expect((await h.api('GET', `/CompanyWebhooks/${hook.body.itemId}`)).body.item.isReady).toBe(true);
      const company = (await h.api('POST', '/Companies/query', { filter: [{ op: 'gt', field: 'id', value: 0 }], MaxRecords: 1 })).body.items[0];
      await h.api('PATCH', '/Companies', { id: company.id, phone: '555-9999' });
      await h.api('PATCH', '/Companies', { id: company.id, city: 'Lisbon' });
      for (let i = 0; i < 50 && received.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
      expect(received).toHaveLength(1);
      const payload = JSON.parse(received[0]!.body);
      expect(payload).toMatchObject({ Action: 'Update', EntityType: 'Account', Id: company.id, Fields: { city: 'Lisbon' } });
      const { createHmac } = await import('node:crypto');
      expect(received[0]!.headers['x-hook-signature']).toBe(`sha1=${createHmac('sha1', 's3cret').update(received[0]!.body).digest('base64')}`);
      expect((await h.api('DELETE', `/CompanyWebhooks/${hook.body.itemId}`)).body).toEqual({ itemId: hook.body.itemId });
    } finally {
      await new Promise((r) => sink.close(r));
    }
  });
});

describe('ticket webhooks', () => {
  it('delivers a signed Ticket callout when a subscribed ticket field changes, with the fields shown always', async () => {
    const { received, sink, port } = await calloutSink();
    try {
      const hook = await h.api('POST', '/TicketWebhooks', {
        name: 'tickets', isActive: true, webhookUrl: `http://127.0.0.1:${port}/hook`, secretKey: 'k3y', isSubscribedToCreateEvents: false, isSubscribedToUpdateEvents: true,
        isSubscribedToDeleteEvents: false, sendThresholdExceededNotification: false,
      });
      expect(hook.status).toBe(200);
      expect((await h.api('GET', `/TicketWebhooks/${hook.body.itemId}`)).body.item).toMatchObject({ isReady: false, webhookGUID: expect.any(String) });
      const fieldList = (await h.api('GET', '/Tickets/entityInformation/fields')).body.fields as { name: string; isPickList: boolean; picklistValues: { value: string; label: string }[] }[];
      const id = (name: string) => fieldList.findIndex((f) => f.name === name) + 1;
      expect((await h.api('POST', `/TicketWebhooks/${hook.body.itemId}/Fields`, { fieldID: id('status'), isSubscribedField: true, isDisplayAlwaysField: false })).status).toBe(200);
      expect((await h.api('POST', `/TicketWebhooks/${hook.body.itemId}/Fields`, { fieldID: id('companyID'), isSubscribedField: false, isDisplayAlwaysField: true })).status).toBe(200);
      expect((await h.api('GET', `/TicketWebhooks/${hook.body.itemId}`)).body.item.isReady).toBe(true);
      const complete = Number(fieldList.find((f) => f.name === 'status')!.picklistValues.find((v) => v.label === 'Complete')!.value);
      const ticket = (await h.api('POST', '/Tickets/query', { filter: [{ op: 'gt', field: 'id', value: 0 }], MaxRecords: 1 })).body.items[0];
      await h.api('PATCH', '/Tickets', { id: ticket.id, title: 'retitled, not subscribed' });
      await h.api('PATCH', '/Tickets', { id: ticket.id, status: complete });
      for (let i = 0; i < 50 && received.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
      expect(received).toHaveLength(1);
      expect(JSON.parse(received[0]!.body)).toMatchObject({ Action: 'Update', EntityType: 'Ticket', Id: ticket.id, Fields: { status: complete, companyID: ticket.companyID } });
      const { createHmac } = await import('node:crypto');
      expect(received[0]!.headers['x-hook-signature']).toBe(`sha1=${createHmac('sha1', 'k3y').update(received[0]!.body).digest('base64')}`);
      expect((await h.api('DELETE', `/TicketWebhooks/${hook.body.itemId}`)).body).toEqual({ itemId: hook.body.itemId });
    } finally {
      await new Promise((r) => sink.close(r));
    }
  });
});
