// In-memory CloudBlue PSA instance: API keys, the reported product version, lookups, customers
// (with their primary contact and links to external systems such as CMP), tickets and their notes.
// Records are plain objects with epoch-ms times; views.ts shapes them for the wire.
import { defaultLookups, type Lookups } from './lookups.ts';

export const DEFAULT_VERSION = '4.28.2.1043';

export interface ApiKey {
  key: string;
  name: string;
  /** The employee the key belongs to; notes and tickets written with it carry this name. */
  userName: string;
  createdMs: number;
}

export interface PrimaryContact {
  firstName: string;
  lastName: string;
  email: string | null;
  phone: string | null;
}

export interface ExternalLink {
  /** An external system's name, e.g. "CMP" (Ingram Cloud Marketplace). */
  system: string;
  externalId: string;
  /** The customer's name in that system ("External Customer Name" in Setup > External System). */
  externalName: string;
}

export interface Customer {
  id: number;
  refNumber: string;
  name: string;
  statusId: number;
  contact: PrimaryContact | null;
  phone: string | null;
  email: string | null;
  website: string | null;
  city: string | null;
  country: string | null;
  external: ExternalLink[];
  createdMs: number;
  modifiedMs: number;
}

export interface Ticket {
  id: number;
  refNumber: string;
  subject: string;
  description: string;
  customerId: number;
  typeId: number;
  categoryId: number | null;
  teamId: number;
  statusId: number;
  priorityId: number;
  externalReference: string | null;
  createdBy: string;
  createdMs: number;
  modifiedMs: number;
  /** Set when the ticket enters a Resolved status, cleared when it goes back to Open. */
  resolvedMs: number | null;
  /** Set when the ticket enters a Closed status, cleared when it goes back to Open. */
  closedMs: number | null;
}

export interface Note {
  id: number;
  ticketId: number;
  text: string;
  isPublic: boolean;
  createdBy: string;
  createdMs: number;
}

export class CloudBlueState {
  version = DEFAULT_VERSION;
  readonly apiKeys = new Map<string, ApiKey>();
  readonly lookups: Lookups = defaultLookups();
  readonly customers = new Map<number, Customer>();
  readonly tickets = new Map<number, Ticket>();
  /** Notes per ticket id, in creation order. */
  readonly notes = new Map<number, Note[]>();
  nextCustomerId = 1001;
  nextTicketId = 5001;
  nextNoteId = 90001;
  /** The key printed as the dataset's credentials. */
  primaryKey = '';

  addCustomer(input: Omit<Customer, 'id' | 'refNumber'> & { id?: number }): Customer {
    const id = input.id ?? this.nextCustomerId++;
    if (id >= this.nextCustomerId) this.nextCustomerId = id + 1;
    const customer: Customer = { ...input, id, refNumber: `CUS-${String(id).padStart(6, '0')}` };
    this.customers.set(id, customer);
    return customer;
  }

  addTicket(input: Omit<Ticket, 'id' | 'refNumber'>): Ticket {
    const id = this.nextTicketId++;
    const ticket: Ticket = { ...input, id, refNumber: `TCK-${String(id).padStart(6, '0')}` };
    this.tickets.set(id, ticket);
    return ticket;
  }

  addNote(input: Omit<Note, 'id'>): Note {
    const note: Note = { ...input, id: this.nextNoteId++ };
    const list = this.notes.get(input.ticketId);
    if (list) list.push(note);
    else this.notes.set(input.ticketId, [note]);
    return note;
  }

  status(id: number) {
    return this.lookups.statuses.find((s) => s.Id === id);
  }

  customerStatus(id: number) {
    return this.lookups.customerStatuses.find((s) => s.Id === id);
  }
}
