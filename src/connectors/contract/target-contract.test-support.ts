/**
 * The Target contract: what every PSA/billing connector must do, checked against its emulator
 * over real HTTP. A connector's `target.contract.int.test.ts` calls `describeTargetContract` with a
 * setup that starts its emulator (a dataset with at least one company, and for the features it
 * supports: a contract with a pay-as-you-go line in effect) and builds the target.
 *
 * Groups run only when the target's capabilities say it supports them, and the capability and the
 * method group must agree. Every write is run twice to prove it idempotent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { usagePeriodStart } from '../../domain/usage-writeback.ts';
import { collect } from '../kit/paging.ts';
import type { ContractLine, Target, TargetContract, TicketFieldBag } from '../ports.ts';

export interface TargetContractFixtures {
  /** Field bag a ticket is created with (valid picklist values of the target). */
  ticketFields?: TicketFieldBag;
  /** A status value that counts as closed on the target. */
  closedTicketStatus?: string;
}

export interface TargetContractSetup {
  target: Target;
  fixtures?: TargetContractFixtures;
  close(): Promise<void>;
}

export function describeTargetContract(name: string, setup: () => Promise<TargetContractSetup>): void {
  describe(`Target contract: ${name}`, () => {
    let s: TargetContractSetup;
    const target = (): Target => s.target;
    const run = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;

    beforeAll(async () => {
      s = await setup();
    });
    afterAll(async () => {
      await s?.close();
    });

    it('says what it supports, and has exactly the method groups its capabilities name', () => {
      const t = target();
      const caps = t.capabilities;
      expect(caps.catalog !== false).toBe(t.catalog !== undefined);
      expect(caps.contracts !== false).toBe(t.contracts !== undefined);
      expect(caps.usage !== false).toBe(t.usage !== undefined);
      expect(caps.tickets !== false).toBe(t.tickets !== undefined);
      if (caps.usage !== false) expect(t.usage?.mode).toBe(caps.usage.mode);
    });

    it('tests the connection with a name a person recognises', async () => {
      const check = await target().testConnection();
      expect(check.displayName.trim()).not.toBe('');
      expect(Array.isArray(check.warnings)).toBe(true);
    });

    it('prepares idempotently: a second run creates nothing', async () => {
      await target().prepare();
      const second = await target().prepare();
      expect(second.steps.filter((step) => step.outcome !== 'present')).toEqual([]);
    });

    describe('directory', () => {
      it('lists companies with unique ids, reads one back, and answers null for an unknown id', async () => {
        const companies = await collect(target().directory.listCompanies());
        expect(companies.length).toBeGreaterThan(0);
        expect(new Set(companies.map((c) => c.id)).size).toBe(companies.length);
        const first = companies[0];
        if (first === undefined) throw new Error('no company');
        const again = await target().directory.getCompany(first.id);
        expect(again).toMatchObject({ id: first.id, name: first.name });
        expect(await target().directory.getCompany('987654321')).toBeNull();
        if (target().capabilities.directory.companyTypes) {
          expect((await target().directory.listCompanyTypes()).length).toBeGreaterThan(0);
        }
      });

      it('lists nothing changed since a moment in the future', async () => {
        if (!target().capabilities.directory.incremental) return;
        const future = new Date(Date.now() + 10 * 365 * 86_400_000).toISOString();
        expect(await collect(target().directory.listCompanies({ updatedSince: future }))).toEqual([]);
      });
    });

    describe('catalog', () => {
      it('creates a service by name once, and finds it again', async () => {
        const catalog = target().catalog;
        if (catalog === undefined) return;
        const service = { name: `Contract test service ${run}`, periodType: 'monthly' as const, unitPrice: 4.5, unitCost: 2 };
        const first = await catalog.ensureService(service, { idempotencyKey: `svc-${run}` });
        const second = await catalog.ensureService({ ...service, name: service.name.toUpperCase() }, { idempotencyKey: `svc-${run}` });
        expect(first.created).toBe(true);
        expect(second).toMatchObject({ created: false, product: { id: first.product.id } });
        expect(first.product).toMatchObject({ kind: 'service', name: service.name, periodType: 'monthly', unitPrice: 4.5 });
        expect((await catalog.findServiceByName(service.name))?.id).toBe(first.product.id);
        const all = await collect(catalog.listProducts({ kind: 'service' }));
        expect(all.filter((p) => p.id === first.product.id)).toHaveLength(1);
        const updated = await catalog.updateService(first.product.id, { unitPrice: 5 });
        expect(updated.unitPrice).toBe(5);
      });
    });

    let contracts: TargetContract[] = [];

    describe('contracts', () => {
      it('lists contracts whose lines belong to them and carry their billing mode', async () => {
        const group = target().contracts;
        if (group === undefined) return;
        contracts = await collect(group.listContracts());
        expect(contracts.length).toBeGreaterThan(0);
        const caps = target().capabilities.contracts;
        const mixed = caps !== false && caps.allowMixedBilling;
        for (const contract of contracts) {
          for (const line of contract.lines) {
            expect(line.contractId).toBe(contract.id);
            // A target that allows mixed contracts marks each line; the contract is PAYG when any line is.
            if (mixed) expect(contract.billing === 'payg' || line.billing === 'prepaid').toBe(true);
            else expect(line.billing).toBe(contract.billing);
            expect(line.quantity).toBeGreaterThanOrEqual(0);
          }
        }
        const one = contracts[0] as TargetContract;
        const ofCompany = await collect(group.listContracts({ companyIds: [one.companyId] }));
        expect(ofCompany.map((c) => c.id)).toContain(one.id);
        expect(ofCompany.every((c) => c.companyId === one.companyId)).toBe(true);
      });
    });

    describe('usage', () => {
      it('sets a billed quantity level-triggered: the same call twice writes once', async () => {
        const usage = target().usage;
        if (usage === undefined) return;
        const now = new Date();
        const line = contracts
          .filter((c) => c.billing === 'payg' && c.active)
          .flatMap((c) => c.lines)
          .find((l: ContractLine) => l.active && l.billing === 'payg' && !l.lineId.startsWith('bundle:') && (l.startDate === null || Date.parse(l.startDate) <= now.getTime()));
        expect(line, 'the dataset needs a pay-as-you-go line in effect').toBeDefined();
        if (line === undefined) return;
        const effectiveDate = usagePeriodStart(now) < (line.startDate ?? '') ? (line.startDate as string) : usagePeriodStart(now);
        const before = await usage.readBilledQuantity(line, now);
        const key = `usage-${run}`;
        const first = await usage.setBilledQuantity(line, before + 3, { effectiveDate, idempotencyKey: key });
        const second = await usage.setBilledQuantity(line, before + 3, { effectiveDate, idempotencyKey: key });
        expect(first).toEqual({ previous: before, quantity: before + 3, changed: true });
        expect(second).toEqual({ previous: before + 3, quantity: before + 3, changed: false });
        expect(await usage.readBilledQuantity(line, now)).toBe(before + 3);
        await usage.setBilledQuantity(line, before, { effectiveDate, idempotencyKey: `${key}-back` });
        expect(await usage.readBilledQuantity(line, now)).toBe(before);
      });
    });

    describe('tickets', () => {
      it('answers picklists for every ticket field it names', async () => {
        const tickets = target().tickets;
        const caps = target().capabilities.tickets;
        if (tickets === undefined || caps === false) return;
        const lists = await tickets.picklists();
        for (const field of caps.fields) expect(lists[field], field).toBeDefined();
      });

      it('creates a ticket once per external reference, notes it once, closes it, and lists it as changed', async () => {
        const tickets = target().tickets;
        const caps = target().capabilities.tickets;
        if (tickets === undefined || caps === false) return;
        const since = new Date(Date.now() - 1000).toISOString();
        const [company] = await collect(target().directory.listCompanies());
        if (company === undefined) throw new Error('no company');
        const externalRef = `pb:${run}:1:ContractTest`.slice(0, caps.externalRefMaxLength);
        const fields = s.fixtures?.ticketFields ?? {};
        const ticket = { companyId: company.id, title: `Contract test ${run}`, description: 'Raised by the Target contract suite.', externalRef, fields };
        const first = await tickets.createTicket(ticket);
        const second = await tickets.createTicket(ticket);
        expect(first.created).toBe(true);
        expect(second).toMatchObject({ created: false, ticket: { id: first.ticket.id } });
        expect(first.ticket).toMatchObject({ companyId: company.id, externalRef, closed: false });
        expect((await tickets.findTicketsByExternalRef({ exact: externalRef })).map((t) => t.id)).toEqual([first.ticket.id]);
        expect((await tickets.findTicketsByExternalRef({ prefix: `pb:${run}:` })).map((t) => t.id)).toEqual([first.ticket.id]);
        expect(await tickets.findTicketsByExternalRef({ exact: `${externalRef.slice(0, -1)}#` })).toEqual([]);

        const note = { title: 'Recurred', text: `Seen again ${run}`, fields };
        const n1 = await tickets.addTicketNote(first.ticket.id, note, { idempotencyKey: `note-${run}` });
        const n2 = await tickets.addTicketNote(first.ticket.id, note, { idempotencyKey: `note-${run}` });
        expect(n1.created).toBe(true);
        expect(n2).toEqual({ noteId: n1.noteId, created: false });

        const closedStatus = s.fixtures?.closedTicketStatus;
        if (closedStatus !== undefined) {
          const closed = await tickets.setTicketStatus(first.ticket.id, closedStatus, { idempotencyKey: `close-${run}`, note: { text: `Closed ${run}`, fields } });
          expect(closed).toMatchObject({ id: first.ticket.id, status: closedStatus, closed: true });
          const again = await tickets.setTicketStatus(first.ticket.id, closedStatus, { idempotencyKey: `close-${run}`, note: { text: `Closed ${run}`, fields } });
          expect(again.lastModifiedAt).toBe(closed.lastModifiedAt);
        }
        const changed = await collect(tickets.listTicketsChanged({ since, externalRefPrefix: 'pb:' }));
        const mine = changed.find((t) => t.id === first.ticket.id);
        expect(mine).toBeDefined();
        if (closedStatus !== undefined) expect(mine?.closed).toBe(true);
        expect(await tickets.getTicket('987654321')).toBeNull();
      });
    });
  });
}
