// The ticket configuration every dataset starts with: types, categories (each belongs to one type,
// so the same name can exist under several types, as "TCB" does in the seed's alert table), teams,
// statuses (with the state each one means), priorities, customer statuses and external systems.
// The names come from the seed's screenshots (Bug / Incident A, TCB / Cat 3, Support / Operations,
// New / Fixed, "No Relationship"); the rest are what a PSA of this kind ships with. Ids are not
// 1..n on purpose, so a client has to read them.

export interface Lookup {
  Id: number;
  Name: string;
}

export interface CategoryLookup extends Lookup {
  TypeId: number;
}

/** Open: work to do. Resolved: fixed, may be reopened. Closed: finished. */
export type StatusKind = 'Open' | 'Resolved' | 'Closed';

export interface StatusLookup extends Lookup {
  Kind: StatusKind;
  /** True for Resolved and Closed: the ticket no longer needs work. */
  IsClosed: boolean;
  /** The status a new ticket gets when none is given. */
  IsDefault: boolean;
}

export interface CustomerStatusLookup extends Lookup {
  IsActive: boolean;
}

export interface Lookups {
  types: Lookup[];
  categories: CategoryLookup[];
  teams: Lookup[];
  statuses: StatusLookup[];
  priorities: (Lookup & { IsDefault: boolean })[];
  customerStatuses: CustomerStatusLookup[];
  externalSystems: Lookup[];
}

const status = (Id: number, Name: string, Kind: StatusKind, IsDefault = false): StatusLookup => ({ Id, Name, Kind, IsClosed: Kind !== 'Open', IsDefault });

export function defaultLookups(): Lookups {
  return {
    types: [
      { Id: 11, Name: 'Bug' },
      { Id: 12, Name: 'Incident A' },
      { Id: 13, Name: 'Incident' },
      { Id: 14, Name: 'Service Request' },
      { Id: 15, Name: 'Monitoring Alert' },
    ],
    categories: [
      { Id: 101, Name: 'TCB', TypeId: 11 },
      { Id: 102, Name: 'User Interface', TypeId: 11 },
      { Id: 103, Name: 'TCB', TypeId: 12 },
      { Id: 104, Name: 'Cat 3', TypeId: 12 },
      { Id: 105, Name: 'Backup', TypeId: 13 },
      { Id: 106, Name: 'Security', TypeId: 13 },
      { Id: 107, Name: 'Hardware', TypeId: 13 },
      { Id: 108, Name: 'Access', TypeId: 14 },
      { Id: 109, Name: 'Software', TypeId: 14 },
      { Id: 110, Name: 'Backup', TypeId: 15 },
      { Id: 111, Name: 'Protection', TypeId: 15 },
    ],
    teams: [
      { Id: 21, Name: 'Support' },
      { Id: 22, Name: 'Operations' },
      { Id: 23, Name: 'Service Desk' },
      { Id: 24, Name: 'Network' },
    ],
    statuses: [
      status(31, 'New', 'Open', true),
      status(32, 'Assigned', 'Open'),
      status(33, 'In Progress', 'Open'),
      status(34, 'Waiting for Customer', 'Open'),
      status(35, 'Reopened', 'Open'),
      status(36, 'Fixed', 'Resolved'),
      status(37, 'Resolved', 'Resolved'),
      status(38, 'Closed', 'Closed'),
      status(39, 'Cancelled', 'Closed'),
    ],
    priorities: [
      { Id: 41, Name: 'Low', IsDefault: false },
      { Id: 42, Name: 'Medium', IsDefault: true },
      { Id: 43, Name: 'High', IsDefault: false },
      { Id: 44, Name: 'Critical', IsDefault: false },
    ],
    customerStatuses: [
      { Id: 51, Name: 'Active', IsActive: true },
      { Id: 52, Name: 'Inactive', IsActive: false },
      { Id: 53, Name: 'Prospect', IsActive: true },
      { Id: 54, Name: 'No Relationship', IsActive: false },
    ],
    externalSystems: [
      { Id: 61, Name: 'CMP' },
      { Id: 62, Name: 'Xero' },
    ],
  };
}
