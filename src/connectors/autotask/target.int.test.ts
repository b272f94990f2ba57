import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { usagePeriodStart } from '../../domain/usage-writeback.ts';
import { collect } from '../kit/paging.ts';
import { targetFeature, type TargetContract } from '../ports.ts';
import { buildQuery, where } from './query.ts';
import { startAutotaskHarness, type AutotaskHarness } from './test-support.ts';
import * as wire from './wire.ts';

describe('Autotask target on the large dataset', () => {
  let h: AutotaskHarness;
  beforeAll(async () => {
    h = await startAutotaskHarness('large');
    await h.control('PUT', '/limits', { latencyAt50Ms: 0, latencyAt75Ms: 0 });
  });
  afterAll(async () => {
    await h.close();
  });

  it('pages through 10,000 companies 500 at a time by re-POSTing nextPageUrl', async () => {
    const { target, calls } = h.target();
    const body = buildQuery([where.all()], { includeFields: ['id', 'companyName'] });
    let n = 0;
    for await (const page of target.client.queryPages('Companies', body, wire.company, { operation: 'page companies' })) {
      expect(page.length).toBeLessThanOrEqual(500);
      n += page.length;
    }
    expect(n).toBe(10_001); // with company 0, the MSP itself
    expect(calls.total({ operation: 'page companies', method: 'POST' })).toBe(21);
    expect(calls.total({ operation: 'page companies' })).toBe(21);
  });

  it('lists the directory with primary contacts for one extra request per page', async () => {
    const { target, calls } = h.target();
    const companies = await collect(target.directory.listCompanies());
    expect(companies).toHaveLength(10_000);
    expect(companies.every((c) => c.primaryContact?.email?.endsWith('.example') === true)).toBe(true);
    expect(calls.total({ operation: 'list companies' })).toBe(20);
    expect(calls.total({ operation: 'list primary contacts' })).toBe(20);
  });

  it('reads contract lines of a few companies without walking all of them', async () => {
    const { target, calls } = h.target();
    const some = (await collect(target.directory.listCompanies({ types: ['Customer'] }))).slice(0, 3).map((c) => c.id);
    calls.reset();
    const contracts = await collect(targetFeature(target, 'contracts').listContracts({ companyIds: some }));
    expect(contracts.map((c) => c.companyId).sort()).toEqual([...some].sort());
    expect(contracts.every((c) => c.lines.length === 3)).toBe(true);
    expect(calls.total()).toBeLessThanOrEqual(5);
  });
});

describe('Autotask target writes', () => {
  let h: AutotaskHarness;
  beforeAll(async () => {
    h = await startAutotaskHarness('empty');
  });
  afterAll(async () => {
    await h.close();
  });

  it('prepare() creates the PAYG field with Yes/No exactly once, and completes a half-made one', async () => {
    const { target } = h.target();
    const first = await target.prepare();
    expect(first.steps.map((s) => s.outcome)).toEqual(['created', 'created', 'created']);
    const second = await target.prepare();
    expect(second.steps.map((s) => s.outcome)).toEqual(['present']);
    const defs = await h.control<{ items: { name: string; id: number }[] }>('GET', '/entities/UserDefinedFieldDefinitions');
    expect(defs.items.filter((d) => d.name === 'Acronis PAYG')).toHaveLength(1);
    const items = await h.control<{ items: { udfFieldID: number }[] }>('GET', '/entities/UserDefinedFieldListItems');
    expect(items.items).toHaveLength(2);
    expect((await target.testConnection()).warnings).toEqual([]);

    // A run cut short after the field, before its values: the next run adds only the values.
    await h.control('POST', '/seed', { dataset: 'empty' });
    const raw = h.target();
    const contract = await raw.target.client.fields('UserDefinedFieldDefinitions');
    const udfType = contract.find((f) => f.name === 'udfType')?.picklistValues?.find((v) => v.label === 'Contract')?.value;
    const dataType = contract.find((f) => f.name === 'dataType')?.picklistValues?.find((v) => v.label === 'List')?.value;
    await raw.target.client.create('UserDefinedFieldDefinitions', '/UserDefinedFieldDefinitions', { name: 'Acronis PAYG', udfType, dataType }, { operation: 'half-made field' });
    const resumed = await raw.target.prepare();
    expect(resumed.steps.map((s) => s.outcome)).toEqual(['present', 'created', 'created']);
  });
});

describe('Autotask target on the demo dataset', () => {
  let h: AutotaskHarness;
  let contracts: TargetContract[];
  beforeAll(async () => {
    h = await startAutotaskHarness('demo');
    contracts = await collect(targetFeature(h.target().target, 'contracts').listContracts());
  });
  afterAll(async () => {
    await h.close();
  });

  it('maps recurring-service contracts to lines: PAYG from the field, units in force, bundles apart', async () => {
    expect(contracts).toHaveLength(32); // 36 companies less 4 prospects; the time-and-materials contract is not listed
    expect(contracts.some((c) => c.billing === 'payg')).toBe(true);
    expect(contracts.some((c) => c.billing === 'prepaid' && c.lines.some((l) => l.quantity > 0))).toBe(true);
    expect(contracts.flatMap((c) => c.lines).some((l) => l.productId.startsWith('bundle:') && l.lineId.startsWith('bundle:'))).toBe(true);
    const units = await h.control<{ services: { contractServiceID: number; units: number }[] }>('GET', `/contracts/${contracts[1]?.id}/units`);
    for (const s of units.services) {
      expect(contracts[1]?.lines.find((l) => l.lineId === String(s.contractServiceID))?.quantity).toBe(s.units);
    }
  });

  it('setBilledQuantity posts the difference once; a retry after a crash posts nothing', async () => {
    const { target } = h.target();
    const usage = target.usage;
    if (usage === undefined) throw new Error('usage expected');
    const contract = contracts.find((c) => c.billing === 'payg') as TargetContract;
    const line = contract.lines.find((l) => !l.lineId.startsWith('bundle:'));
    if (line === undefined) throw new Error('line expected');
    const effectiveDate = usagePeriodStart(new Date());
    const adjustments = () => h.emu.state.serviceAdjustments.get(Number(line.lineId))?.length ?? 0;
    const before = adjustments();

    expect(await usage.setBilledQuantity(line, 7, { effectiveDate, idempotencyKey: 'k1' })).toEqual({ previous: 0, quantity: 7, changed: true });
    expect(await usage.setBilledQuantity(line, 7, { effectiveDate, idempotencyKey: 'k1' })).toEqual({ previous: 7, quantity: 7, changed: false });
    expect(adjustments()).toBe(before + 1);

    // Crash simulation: an earlier process posted the adjustment for 12 and died before recording it.
    await target.client.create(
      'ContractServiceAdjustments',
      `/Contracts/${contract.id}/ServiceAdjustments`,
      { contractID: Number(contract.id), contractServiceID: Number(line.lineId), effectiveDate, unitChange: 5 },
      { operation: 'the crashed attempt' },
    );
    expect(await usage.setBilledQuantity(line, 12, { effectiveDate, idempotencyKey: 'k2' })).toEqual({ previous: 12, quantity: 12, changed: false });
    expect(adjustments()).toBe(before + 2);
    expect(await usage.readBilledQuantity(line, new Date())).toBe(12);

    await expect(usage.setBilledQuantity(line, 1.5, { effectiveDate, idempotencyKey: 'k3' })).rejects.toMatchObject({ code: 'bad_request' });
    await expect(usage.readBilledQuantity({ ...line, lineId: '999999999' }, new Date())).rejects.toMatchObject({ code: 'not_found' });
  });

  it('creates a service by name once, with the period type read from the picklist', async () => {
    const { target } = h.target();
    const catalog = target.catalog;
    if (catalog === undefined) throw new Error('catalog expected');
    const a = await catalog.ensureService({ name: 'Acronis Cyber Protect - Servers', periodType: 'monthly', unitPrice: 22 }, { idempotencyKey: 's' });
    expect(a.created).toBe(false);
    const b = await catalog.ensureService({ name: 'Acronis Advanced Backup', periodType: 'semi_annual', unitPrice: 3, unitCost: 1.2 }, { idempotencyKey: 's2' });
    const c = await catalog.ensureService({ name: 'Acronis Advanced Backup', periodType: 'semi_annual', unitPrice: 3 }, { idempotencyKey: 's2' });
    expect(b).toMatchObject({ created: true, product: { periodType: 'semi_annual', unitCost: 1.2 } });
    expect(c).toMatchObject({ created: false, product: { id: b.product.id } });
    const codes = await catalog.listServiceCodes();
    expect(codes.map((x) => x.label)).toEqual(['Managed Services', 'Backup & Recovery Services']);
  });

  it('tickets: external reference lookup, notes once, status, and changes since a cursor', async () => {
    const { target, calls } = h.target();
    const tickets = target.tickets;
    if (tickets === undefined) throw new Error('tickets expected');
    const lists = await tickets.picklists();
    expect(lists.queue?.map((e) => e.label)).toContain('Monitoring Alert');
    expect(lists.subIssueType?.find((e) => e.label === 'Quota exceeded')?.parent).toBe(lists.issueType?.find((e) => e.label === 'Storage')?.value);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const since = new Date(h.emu.context.clock.nowMs()).toISOString();
    const company = contracts[0] as TargetContract;
    const ref = 'pb:0123456789abcdef:1:BackupFailed';
    const storage = lists.issueType?.find((e) => e.label === 'Storage')?.value as string;
    const quota = lists.subIssueType?.find((e) => e.label === 'Quota exceeded')?.value as string;
    const created = await tickets.createTicket({
      companyId: company.companyId,
      title: 'Backup failed on srv-01',
      description: 'The scheduled backup did not complete.',
      externalRef: ref,
      fields: { issueType: storage, subIssueType: quota, queue: lists.queue?.find((e) => e.label === 'Monitoring Alert')?.value as string },
      contractId: company.id,
    });
    expect(created.ticket).toMatchObject({ externalRef: ref, contractId: company.id, closed: false });
    const row = await h.control<Record<string, unknown>>('GET', `/entities/Tickets/${created.ticket.id}`);
    expect(row).toMatchObject({ externalID: ref, issueType: Number(storage), subIssueType: Number(quota) });

    calls.reset();
    expect((await tickets.createTicket({ companyId: company.companyId, title: 'x', description: 'y', externalRef: ref, fields: {} })).created).toBe(false);
    expect(calls.total({ method: 'POST', operation: 'create ticket' })).toBe(0);

    await expect(tickets.createTicket({ companyId: company.companyId, title: 'x', description: 'y', externalRef: 'x'.repeat(51), fields: {} })).rejects.toMatchObject({
      code: 'bad_request',
    });
    const complete = lists.status?.find((e) => e.label === 'Complete')?.value as string;
    const closed = await tickets.setTicketStatus(created.ticket.id, complete, { idempotencyKey: 'c', note: { title: 'Alert cleared', text: 'Closed by psa-bridge', fields: {} } });
    expect(closed).toMatchObject({ status: complete, closed: true });
    const notes = await h.control<{ items: { ticketID: number; title: string }[] }>('GET', '/entities/TicketNotes?limit=1000');
    expect(notes.items.filter((n) => n.ticketID === Number(created.ticket.id)).map((n) => n.title)).toEqual(['Alert cleared']);
    expect((await collect(tickets.listTicketsChanged({ since }))).map((t) => t.id)).toEqual([created.ticket.id]);
    expect((await collect(tickets.listTicketsChanged({ since, externalRefPrefix: 'pb:' }))).map((t) => t.id)).toEqual([created.ticket.id]);
    expect(await collect(tickets.listTicketsChanged({ since, externalRefPrefix: 'other:' }))).toEqual([]);
  });
});
