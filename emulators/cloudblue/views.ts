// Wire shapes of single records (PascalCase, as reference/psa.md §C.2 proposes them).
import { iso } from './reports.ts';
import type { CloudBlueState, Customer, Note, Ticket } from './state.ts';

export function customerView(state: CloudBlueState, c: Customer) {
  return {
    Id: c.id,
    RefNumber: c.refNumber,
    Name: c.name,
    Status: state.customerStatus(c.statusId)?.Name ?? null,
    StatusId: c.statusId,
    PrimaryContact: c.contact === null ? null : { FirstName: c.contact.firstName, LastName: c.contact.lastName, Email: c.contact.email, Phone: c.contact.phone },
    Phone: c.phone,
    Email: c.email,
    Website: c.website,
    City: c.city,
    Country: c.country,
    ExternalSystems: c.external.map((l) => ({ System: l.system, ExternalId: l.externalId, ExternalName: l.externalName })),
    CreatedDate: iso(c.createdMs),
    ModifiedDate: iso(c.modifiedMs),
  };
}

export function ticketView(state: CloudBlueState, t: Ticket) {
  const L = state.lookups;
  const status = state.status(t.statusId);
  return {
    Id: t.id,
    RefNumber: t.refNumber,
    Subject: t.subject,
    Description: t.description,
    CustomerId: t.customerId,
    CustomerName: state.customers.get(t.customerId)?.name ?? null,
    TypeId: t.typeId,
    Type: L.types.find((x) => x.Id === t.typeId)?.Name ?? null,
    CategoryId: t.categoryId,
    Category: t.categoryId === null ? null : (L.categories.find((x) => x.Id === t.categoryId)?.Name ?? null),
    TeamId: t.teamId,
    Team: L.teams.find((x) => x.Id === t.teamId)?.Name ?? null,
    StatusId: t.statusId,
    Status: status?.Name ?? null,
    IsClosed: status?.IsClosed ?? false,
    PriorityId: t.priorityId,
    Priority: L.priorities.find((x) => x.Id === t.priorityId)?.Name ?? null,
    ExternalReference: t.externalReference,
    CreatedBy: t.createdBy,
    CreatedDate: iso(t.createdMs),
    ModifiedDate: iso(t.modifiedMs),
    ResolvedDate: iso(t.resolvedMs),
    ClosedDate: iso(t.closedMs),
  };
}

export const noteView = (n: Note) => ({
  Id: n.id,
  TicketId: n.ticketId,
  Text: n.text,
  IsPublic: n.isPublic,
  CreatedBy: n.createdBy,
  CreatedDate: iso(n.createdMs),
});
