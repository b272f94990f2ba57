// Ticket writes, shared by the API (as the key's user) and the control API (as a technician):
// create, update (subject, description, type, category, team, status, priority, external
// reference), status change with resolved/closed dates, and notes. Lookups are given by id or by
// name (a category name is looked up within the ticket's type). Bodies are read without regard to
// the case of their property names, as Json.NET does. Validation failures answer 400 with an
// ASP.NET-style ModelState naming the field.
import { z } from 'zod';
import { badRequest, CbError, notFound } from './errors.ts';
import type { Lookup } from './lookups.ts';
import type { CloudBlueState, Note, Ticket } from './state.ts';

export const EXTERNAL_REFERENCE_MAX = 100;
export const SUBJECT_MAX = 255;

const ref = z.union([z.int().positive(), z.string().trim().min(1)]);
const ticketFields = {
  subject: z.string().trim().min(1, 'Subject is required.').max(SUBJECT_MAX, `Subject is longer than ${SUBJECT_MAX} characters.`),
  description: z.string().max(20_000),
  customerid: z.int().positive(),
  type: ref,
  typeid: z.int().positive(),
  category: ref.nullable(),
  categoryid: z.int().positive().nullable(),
  team: ref,
  teamid: z.int().positive(),
  status: ref,
  statusid: z.int().positive(),
  priority: ref,
  priorityid: z.int().positive(),
  externalreference: z.string().max(EXTERNAL_REFERENCE_MAX, `ExternalReference is longer than ${EXTERNAL_REFERENCE_MAX} characters.`).nullable(),
};
const createSchema = z.object(ticketFields).partial().extend({ subject: ticketFields.subject, customerid: ticketFields.customerid });
const updateSchema = z.object(ticketFields).partial().omit({ customerid: true });
const statusSchema = z.object({ status: ref.optional(), statusid: z.int().positive().optional() });
const noteSchema = z.object({ text: z.string().trim().min(1, 'Text is required.').max(20_000), ispublic: z.boolean().optional() });

const PASCAL: Record<string, string> = {
  subject: 'Subject', description: 'Description', customerid: 'CustomerId', type: 'Type', typeid: 'TypeId', category: 'Category', categoryid: 'CategoryId',
  team: 'Team', teamid: 'TeamId', status: 'Status', statusid: 'StatusId', priority: 'Priority', priorityid: 'PriorityId', externalreference: 'ExternalReference',
  text: 'Text', ispublic: 'IsPublic',
};

function invalid(field: string, message: string): CbError {
  return badRequest('The request is invalid.', { [`request.${PASCAL[field] ?? field}`]: [message] });
}

function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) throw badRequest('The request is invalid.', { request: ['A JSON object body is required.'] });
  const lowered = Object.fromEntries(Object.entries(body as Record<string, unknown>).map(([k, v]) => [k.toLowerCase(), v]));
  const parsed = schema.safeParse(lowered);
  if (!parsed.success) {
    const modelState: Record<string, string[]> = {};
    for (const issue of parsed.error.issues) {
      const key = `request.${PASCAL[String(issue.path[0])] ?? issue.path.join('.')}`;
      (modelState[key] ??= []).push(issue.message);
    }
    throw badRequest('The request is invalid.', modelState);
  }
  return parsed.data;
}

/** An id, a numeric string, or a name (case-insensitive). */
function resolve<T extends Lookup>(list: T[], value: number | string, field: string, what: string): T {
  const byId = typeof value === 'number' ? value : /^\d+$/.test(value) ? Number(value) : undefined;
  const found = byId !== undefined ? list.find((x) => x.Id === byId) : list.find((x) => x.Name.toLowerCase() === String(value).toLowerCase());
  if (!found) throw invalid(field, `${what} '${value}' does not exist (one of: ${list.map((x) => `${x.Id} ${x.Name}`).join(', ')}).`);
  return found;
}

interface LookupInput {
  type?: number | string | undefined;
  typeid?: number | undefined;
  category?: number | string | null | undefined;
  categoryid?: number | null | undefined;
  team?: number | string | undefined;
  teamid?: number | undefined;
  status?: number | string | undefined;
  statusid?: number | undefined;
  priority?: number | string | undefined;
  priorityid?: number | undefined;
}

function pickRef(input: LookupInput, name: keyof LookupInput, idName: keyof LookupInput): number | string | null | undefined {
  return input[idName] !== undefined ? input[idName] : input[name];
}

function resolveLookups(state: CloudBlueState, input: LookupInput, current: Ticket | undefined) {
  const L = state.lookups;
  const typeRef = pickRef(input, 'type', 'typeid');
  const typeId = typeRef === undefined || typeRef === null ? current?.typeId : resolve(L.types, typeRef, input.typeid !== undefined ? 'typeid' : 'type', 'Type').Id;
  if (typeId === undefined) throw invalid('type', 'Type is required.');
  const categoryRef = pickRef(input, 'category', 'categoryid');
  const ofType = L.categories.filter((c) => c.TypeId === typeId);
  const typeName = L.types.find((t) => t.Id === typeId)?.Name;
  let categoryId: number | null;
  if (categoryRef === undefined) {
    categoryId = current?.categoryId ?? null;
    if (categoryId !== null && !ofType.some((c) => c.Id === categoryId)) {
      throw invalid('category', `Category ${categoryId} does not belong to type '${typeName}'; send a Category of that type.`);
    }
  } else if (categoryRef === null) categoryId = null;
  else {
    const field = input.categoryid !== undefined ? 'categoryid' : 'category';
    const byId = typeof categoryRef === 'number' ? categoryRef : /^\d+$/.test(categoryRef) ? Number(categoryRef) : undefined;
    const any = byId !== undefined ? L.categories.find((c) => c.Id === byId) : undefined;
    if (any && any.TypeId !== typeId) throw invalid(field, `Category ${any.Id} '${any.Name}' does not belong to type '${typeName}'.`);
    categoryId = resolve(ofType, categoryRef, field, `Category of type '${typeName}'`).Id;
  }
  const teamRef = pickRef(input, 'team', 'teamid');
  const teamId = teamRef === undefined || teamRef === null ? current?.teamId : resolve(L.teams, teamRef, input.teamid !== undefined ? 'teamid' : 'team', 'Team').Id;
  if (teamId === undefined) throw invalid('team', 'Team is required.');
  const statusRef = pickRef(input, 'status', 'statusid');
  const statusId =
    statusRef === undefined || statusRef === null
      ? (current?.statusId ?? (L.statuses.find((s) => s.IsDefault) ?? L.statuses[0])!.Id)
      : resolve(L.statuses, statusRef, input.statusid !== undefined ? 'statusid' : 'status', 'Status').Id;
  const priorityRef = pickRef(input, 'priority', 'priorityid');
  const priorityId =
    priorityRef === undefined || priorityRef === null
      ? (current?.priorityId ?? (L.priorities.find((p) => p.IsDefault) ?? L.priorities[0])!.Id)
      : resolve(L.priorities, priorityRef, input.priorityid !== undefined ? 'priorityid' : 'priority', 'Priority').Id;
  return { typeId, categoryId, teamId, statusId, priorityId };
}

/** Moves the resolved/closed dates with the status: entering Resolved or Closed stamps them, going back to Open clears both. */
function applyStatus(state: CloudBlueState, ticket: Ticket, statusId: number, nowMs: number): void {
  if (ticket.statusId === statusId) return;
  const kind = state.status(statusId)?.Kind ?? 'Open';
  ticket.statusId = statusId;
  if (kind === 'Open') {
    ticket.resolvedMs = null;
    ticket.closedMs = null;
  } else if (kind === 'Resolved') {
    ticket.resolvedMs = nowMs;
    ticket.closedMs = null;
  } else {
    ticket.resolvedMs ??= nowMs;
    ticket.closedMs = nowMs;
  }
}

export function getTicket(state: CloudBlueState, id: number): Ticket {
  const t = state.tickets.get(id);
  if (!t) throw notFound('Ticket', id);
  return t;
}

export function createTicket(state: CloudBlueState, body: unknown, by: string, nowMs: number): Ticket {
  const input = parseBody(createSchema, body);
  if (!state.customers.has(input.customerid)) throw invalid('customerid', `Customer ${input.customerid} does not exist.`);
  const { statusId, ...lookups } = resolveLookups(state, input, undefined);
  const ticket = state.addTicket({
    subject: input.subject, description: input.description ?? '', customerId: input.customerid, ...lookups,
    statusId: (state.lookups.statuses.find((s) => s.IsDefault) ?? state.lookups.statuses[0])!.Id,
    externalReference: input.externalreference ?? null, createdBy: by, createdMs: nowMs, modifiedMs: nowMs, resolvedMs: null, closedMs: null,
  });
  applyStatus(state, ticket, statusId, nowMs);
  return ticket;
}

export function updateTicket(state: CloudBlueState, id: number, body: unknown, nowMs: number): Ticket {
  const ticket = getTicket(state, id);
  const input = parseBody(updateSchema, body);
  const next = resolveLookups(state, input, ticket);
  const before = JSON.stringify(ticket);
  if (input.subject !== undefined) ticket.subject = input.subject;
  if (input.description !== undefined) ticket.description = input.description;
  if (input.externalreference !== undefined) ticket.externalReference = input.externalreference;
  ticket.typeId = next.typeId;
  ticket.categoryId = next.categoryId;
  ticket.teamId = next.teamId;
  ticket.priorityId = next.priorityId;
  applyStatus(state, ticket, next.statusId, nowMs);
  if (JSON.stringify(ticket) !== before) ticket.modifiedMs = nowMs;
  return ticket;
}

export function setTicketStatus(state: CloudBlueState, id: number, body: unknown, nowMs: number): Ticket {
  const ticket = getTicket(state, id);
  const input = parseBody(statusSchema, body);
  const value = input.statusid ?? input.status;
  if (value === undefined) throw invalid('status', 'Status is required.');
  const status = resolve(state.lookups.statuses, value, input.statusid !== undefined ? 'statusid' : 'status', 'Status');
  if (status.Id !== ticket.statusId) {
    applyStatus(state, ticket, status.Id, nowMs);
    ticket.modifiedMs = nowMs;
  }
  return ticket;
}

export function addNote(state: CloudBlueState, ticketId: number, body: unknown, by: string, nowMs: number): Note {
  const ticket = getTicket(state, ticketId);
  const input = parseBody(noteSchema, body);
  ticket.modifiedMs = nowMs;
  return state.addNote({ ticketId, text: input.text, isPublic: input.ispublic ?? false, createdBy: by, createdMs: nowMs });
}
