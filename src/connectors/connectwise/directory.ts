/** ConnectWise companies with their default contacts; the MSP's own company (type "Owner") never. */
import type { ListCompaniesQuery, TargetCompany, TargetDirectory } from '../ports.ts';
import { and, inBatches, where } from './conditions.ts';
import { toCompany } from './mapping.ts';
import { PATHS, type ConnectWiseParts } from './target-parts.ts';
import * as wire from './wire.ts';

const COMPANY_FIELDS = ['id', 'identifier', 'name', 'status', 'types', 'defaultContact', 'deletedFlag', '_info/lastUpdated'];
const CONTACT_FIELDS = ['id', 'firstName', 'lastName', 'company', 'defaultFlag', 'inactiveFlag', 'communicationItems', '_info/lastUpdated'];
const OWNER_TYPE = 'owner';

export function createConnectWiseDirectory(parts: ConnectWiseParts): TargetDirectory {
  const { client } = parts;
  const { inactiveStatusIds, companyTypes } = parts.lookups;

  async function defaultContacts(contactIds: readonly number[], operation: string): Promise<Map<number, wire.WireContact>> {
    const out = new Map<number, wire.WireContact>();
    for (const batch of inBatches(contactIds)) {
      for await (const c of client.list(PATHS.contacts, wire.contact, { conditions: and([where.in('id', batch)]), fields: CONTACT_FIELDS }, { operation })) out.set(c.id, c);
    }
    return out;
  }

  const isOwner = (c: wire.WireCompany) => (c.types ?? []).some((t) => (t.name ?? '').toLowerCase() === OWNER_TYPE);

  async function companyConditions(query: ListCompaniesQuery): Promise<{ conditions: string | undefined; childConditions: string | undefined }> {
    const inactive = query.includeInactive === true ? [] : [...(await inactiveStatusIds())];
    return {
      conditions: and([query.includeInactive !== true && where.eq('deletedFlag', false), inactive.length > 0 && where.notIn('status/id', inactive)]),
      childConditions: query.types !== undefined && query.types.length > 0 ? and([where.in('types/name', query.types)]) : undefined,
    };
  }

  async function* companiesOf(rows: AsyncIterable<wire.WireCompany[]>, seen: Set<number>, operation: string): AsyncGenerator<TargetCompany> {
    const inactive = await inactiveStatusIds();
    for await (const page of rows) {
      const companies = page.filter((c) => !isOwner(c) && !seen.has(c.id));
      const contacts = await defaultContacts(
        companies.flatMap((c) => (c.defaultContact ? [c.defaultContact.id] : [])),
        `${operation}: default contacts`,
      );
      for (const c of companies) {
        seen.add(c.id);
        yield toCompany(c, c.defaultContact ? contacts.get(c.defaultContact.id) : null, inactive);
      }
    }
  }

  async function* listCompanies(query: ListCompaniesQuery = {}): AsyncGenerator<TargetCompany> {
    const base = await companyConditions(query);
    const seen = new Set<number>();
    const since = query.updatedSince === undefined ? undefined : new Date(query.updatedSince);
    const conditions = and([base.conditions === undefined ? undefined : { text: base.conditions }, since !== undefined && where.gte('lastUpdated', since)]);
    yield* companiesOf(client.pages(PATHS.companies, wire.company, { conditions, childConditions: base.childConditions, fields: COMPANY_FIELDS }, { operation: 'list companies' }), seen, 'list companies');
    if (since === undefined) return;
    // A changed default contact does not touch its company's lastUpdated: look for those too.
    const changed = new Set<number>();
    const contactConditions = and([where.eq('defaultFlag', true), where.gte('lastUpdated', since)]);
    for await (const c of client.list(PATHS.contacts, wire.contact, { conditions: contactConditions, fields: ['id', 'company'] }, { operation: 'list changed default contacts' })) {
      if (c.company && !seen.has(c.company.id)) changed.add(c.company.id);
    }
    for (const batch of inBatches([...changed])) {
      const byId = and([base.conditions === undefined ? undefined : { text: base.conditions }, where.in('id', batch)]);
      yield* companiesOf(
        client.pages(PATHS.companies, wire.company, { conditions: byId, childConditions: base.childConditions, fields: COMPANY_FIELDS }, { operation: 'read companies of changed contacts' }),
        seen,
        'read companies of changed contacts',
      );
    }
  }

  const directory: TargetDirectory = {
    listCompanies,
    getCompany: async (id) => {
      if (!/^\d+$/.test(id)) return null;
      const row = await client.find(`${PATHS.companies}/${id}`, wire.company, { operation: 'read company', fields: COMPANY_FIELDS });
      if (row === null || isOwner(row)) return null;
      const contacts = row.defaultContact ? await defaultContacts([row.defaultContact.id], 'read default contact') : new Map<number, wire.WireContact>();
      return toCompany(row, row.defaultContact ? contacts.get(row.defaultContact.id) : null, await inactiveStatusIds());
    },
    listCompanyTypes: async () => (await companyTypes()).map((t) => ({ value: String(t.id), label: t.name })),
  };

  return directory;
}
