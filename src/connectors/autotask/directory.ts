/** Autotask companies with their primary contacts (the MSP's own company 0 never). */
import type { ListCompaniesQuery, TargetCompany, TargetDirectory } from '../ports.ts';
import type { BudgetPriority } from './budget.ts';
import { isoUtc, toCompany, toPicklistEntries } from './mapping.ts';
import { buildQuery, inBatches, where, type Condition } from './query.ts';
import { fullOrIncremental, OWNER_COMPANY_ID, type AutotaskParts } from './target-parts.ts';
import * as wire from './wire.ts';
const COMPANY_FIELDS = ['id', 'companyName', 'companyType', 'companyNumber', 'isActive', 'webAddress', 'lastTrackedModifiedDateTime'];
const CONTACT_FIELDS = ['id', 'companyID', 'firstName', 'lastName', 'emailAddress', 'phone', 'primaryContact', 'isActive', 'lastModifiedDate'];

export function createAutotaskDirectory(parts: AutotaskParts): TargetDirectory {
  const { client, picklists } = parts;

  async function primaryContacts(companyIds: readonly number[], priority: BudgetPriority): Promise<Map<number, wire.WireContact>> {
    const out = new Map<number, wire.WireContact>();
    for (const batch of inBatches(companyIds)) {
      const body = buildQuery([where.in('companyID', batch), where.eq('primaryContact', true)], { includeFields: CONTACT_FIELDS });
      for await (const c of client.query('Contacts', body, wire.contact, { operation: 'list primary contacts', priority })) out.set(c.companyID, c);
    }
    return out;
  }

  async function companyTypeLabels(): Promise<Map<string, string>> {
    return new Map((await picklists.values('Companies', 'companyType')).map((v) => [v.value, v.label]));
  }

  async function companyFilter(query: ListCompaniesQuery): Promise<Condition[]> {
    const filter: Condition[] = [];
    if (query.includeInactive !== true) filter.push(where.eq('isActive', true));
    if (query.types !== undefined && query.types.length > 0) {
      const values = await Promise.all(query.types.map((label) => picklists.valueOf('Companies', 'companyType', label)));
      filter.push(where.in('companyType', values));
    }
    return filter;
  }

  async function* listCompanies(query: ListCompaniesQuery = {}): AsyncGenerator<TargetCompany> {
    const priority = fullOrIncremental(query.updatedSince);
    const labels = await companyTypeLabels();
    const base = await companyFilter(query);
    const filter = [...base, where.noteq('id', OWNER_COMPANY_ID)];
    if (query.updatedSince !== undefined) filter.push(where.gte('lastTrackedModifiedDateTime', isoUtc(query.updatedSince)));
    const seen = new Set<number>();
    const body = buildQuery(filter, { includeFields: COMPANY_FIELDS });
    for await (const page of client.queryPages('Companies', body, wire.company, { operation: 'list companies', priority })) {
      const companies = page.filter((c) => c.id !== OWNER_COMPANY_ID);
      const contacts = await primaryContacts(
        companies.map((c) => c.id),
        priority,
      );
      for (const c of companies) {
        seen.add(c.id);
        yield toCompany(c, contacts.get(c.id) ?? null, labels.get(String(c.companyType)) ?? null);
      }
    }
    if (query.updatedSince === undefined) return;
    // A changed primary contact does not touch the company's modified time: look for those too.
    const changed = new Map<number, wire.WireContact>();
    const contactsBody = buildQuery([where.eq('primaryContact', true), where.gte('lastModifiedDate', isoUtc(query.updatedSince))], { includeFields: CONTACT_FIELDS });
    for await (const c of client.query('Contacts', contactsBody, wire.contact, { operation: 'list changed primary contacts', priority })) {
      if (!seen.has(c.companyID) && c.companyID !== OWNER_COMPANY_ID) changed.set(c.companyID, c);
    }
    for (const batch of inBatches([...changed.keys()])) {
      const byId = buildQuery([...base, where.in('id', batch)], { includeFields: COMPANY_FIELDS });
      for await (const c of client.query('Companies', byId, wire.company, { operation: 'read companies of changed contacts', priority })) {
        yield toCompany(c, changed.get(c.id) ?? null, labels.get(String(c.companyType)) ?? null);
      }
    }
  }

  const directory: TargetDirectory = {
    listCompanies,
    getCompany: async (id) => {
      if (!/^\d+$/.test(id)) return null;
      const row = await client.get('Companies', id, wire.company, { operation: 'read company' });
      if (row === null) return null;
      const contacts = await primaryContacts([row.id], 'normal');
      return toCompany(row, contacts.get(row.id) ?? null, (await companyTypeLabels()).get(String(row.companyType)) ?? null);
    },
    listCompanyTypes: async () => toPicklistEntries(await picklists.values('Companies', 'companyType')),
  };

  return directory;
}
