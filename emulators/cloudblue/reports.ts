// The three grid reports and their columns. `tickets/getticketsreport` is the documented one (its
// example asks for RefNumber, Type, Name); its other columns, and the customers and linked-customers
// reports, are proposed [INF]. The linked-customers report mirrors the seed's "Setup > External System
// > Customers > Linked" screen: one row per (customer, external system) link.
import type { Column, GridDefinition } from './grid.ts';
import type { CloudBlueState, Customer, ExternalLink, Ticket } from './state.ts';

export const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

export function customersGrid(state: CloudBlueState): GridDefinition<Customer> {
  const statusName = new Map(state.lookups.customerStatuses.map((s) => [s.Id, s.Name]));
  const columns: Column<Customer>[] = [
    { name: 'Id', type: 'number', get: (c) => c.id },
    { name: 'RefNumber', type: 'string', get: (c) => c.refNumber },
    { name: 'Name', type: 'string', get: (c) => c.name },
    { name: 'Status', type: 'string', get: (c) => statusName.get(c.statusId) ?? null },
    { name: 'StatusId', type: 'number', get: (c) => c.statusId },
    { name: 'PrimaryContactFirstName', type: 'string', get: (c) => c.contact?.firstName ?? null },
    { name: 'PrimaryContactLastName', type: 'string', get: (c) => c.contact?.lastName ?? null },
    { name: 'PrimaryContactEmail', type: 'string', get: (c) => c.contact?.email ?? null },
    { name: 'PrimaryContactPhone', type: 'string', get: (c) => c.contact?.phone ?? null },
    { name: 'Phone', type: 'string', get: (c) => c.phone },
    { name: 'Email', type: 'string', get: (c) => c.email },
    { name: 'Website', type: 'string', get: (c) => c.website },
    { name: 'City', type: 'string', get: (c) => c.city },
    { name: 'Country', type: 'string', get: (c) => c.country },
    { name: 'CreatedDate', type: 'date', get: (c) => iso(c.createdMs) },
    { name: 'ModifiedDate', type: 'date', get: (c) => iso(c.modifiedMs) },
  ];
  return { name: 'customers', columns, key: 'Id', defaultColumns: ['Id', 'RefNumber', 'Name', 'Status'] };
}

export interface LinkRow {
  customer: Customer;
  link: ExternalLink;
}

export function linkedCustomersGrid(state: CloudBlueState): GridDefinition<LinkRow> {
  const statusName = new Map(state.lookups.customerStatuses.map((s) => [s.Id, s.Name]));
  const columns: Column<LinkRow>[] = [
    { name: 'CustomerId', type: 'number', get: (r) => r.customer.id },
    { name: 'CustomerRefNumber', type: 'string', get: (r) => r.customer.refNumber },
    { name: 'CustomerName', type: 'string', get: (r) => r.customer.name },
    { name: 'CustomerStatus', type: 'string', get: (r) => statusName.get(r.customer.statusId) ?? null },
    { name: 'ExternalSystem', type: 'string', get: (r) => r.link.system },
    { name: 'ExternalId', type: 'string', get: (r) => r.link.externalId },
    { name: 'ExternalCustomerName', type: 'string', get: (r) => r.link.externalName },
  ];
  return {
    name: 'linked customers', columns, key: 'CustomerId',
    defaultColumns: ['CustomerId', 'CustomerName', 'ExternalSystem', 'ExternalId', 'ExternalCustomerName'],
  };
}

export function* linkRows(state: CloudBlueState): Iterable<LinkRow> {
  for (const customer of state.customers.values()) for (const link of customer.external) yield { customer, link };
}

export function ticketsGrid(state: CloudBlueState): GridDefinition<Ticket> {
  const name = <T extends { Id: number; Name: string }>(list: T[]) => {
    const m = new Map(list.map((x) => [x.Id, x.Name]));
    return (id: number | null) => (id === null ? null : (m.get(id) ?? null));
  };
  const type = name(state.lookups.types);
  const category = name(state.lookups.categories);
  const team = name(state.lookups.teams);
  const status = name(state.lookups.statuses);
  const priority = name(state.lookups.priorities);
  const closed = new Set(state.lookups.statuses.filter((s) => s.IsClosed).map((s) => s.Id));
  const customerName = (id: number) => state.customers.get(id)?.name ?? null;
  const columns: Column<Ticket>[] = [
    { name: 'Id', type: 'number', get: (t) => t.id },
    { name: 'RefNumber', type: 'string', get: (t) => t.refNumber },
    // The documented example asks for `Name`; it is read here as the ticket's title, the same value
    // the proposed write routes call `Subject`.
    { name: 'Name', type: 'string', get: (t) => t.subject },
    { name: 'Subject', type: 'string', get: (t) => t.subject },
    { name: 'Description', type: 'string', get: (t) => t.description },
    { name: 'CustomerId', type: 'number', get: (t) => t.customerId },
    { name: 'CustomerName', type: 'string', get: (t) => customerName(t.customerId) },
    { name: 'Type', type: 'string', get: (t) => type(t.typeId) },
    { name: 'TypeId', type: 'number', get: (t) => t.typeId },
    { name: 'Category', type: 'string', get: (t) => category(t.categoryId) },
    { name: 'CategoryId', type: 'number', get: (t) => t.categoryId },
    { name: 'Team', type: 'string', get: (t) => team(t.teamId) },
    { name: 'TeamId', type: 'number', get: (t) => t.teamId },
    { name: 'Status', type: 'string', get: (t) => status(t.statusId) },
    { name: 'StatusId', type: 'number', get: (t) => t.statusId },
    { name: 'IsClosed', type: 'boolean', get: (t) => closed.has(t.statusId) },
    { name: 'Priority', type: 'string', get: (t) => priority(t.priorityId) },
    { name: 'PriorityId', type: 'number', get: (t) => t.priorityId },
    { name: 'ExternalReference', type: 'string', get: (t) => t.externalReference },
    { name: 'CreatedBy', type: 'string', get: (t) => t.createdBy },
    { name: 'CreatedDate', type: 'date', get: (t) => iso(t.createdMs) },
    { name: 'ModifiedDate', type: 'date', get: (t) => iso(t.modifiedMs) },
    { name: 'ResolvedDate', type: 'date', get: (t) => iso(t.resolvedMs) },
    { name: 'ClosedDate', type: 'date', get: (t) => iso(t.closedMs) },
  ];
  return { name: 'tickets', columns, key: 'Id', defaultColumns: ['Id', 'RefNumber', 'Type', 'Name', 'Status'] };
}
