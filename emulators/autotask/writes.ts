// Create, update (PATCH), replace (PUT) and delete with the rules the real API enforces: required
// fields, picklist values (dependent ones too), references that must exist, parent-only children,
// per-entity rules (contract services only on Recurring Service contracts, services need a
// recurring-service billing code…), UDF values, and the create-only adjustments that change units.
import { AtError, badRequest, notFound } from './errors.ts';
import { entity as entityDef, pluralOf, WEBHOOK_ENTITIES, type EntityDef, type FieldDef } from './entities.ts';
import { valueOf } from './picklists.ts';
import type { Adjustment, AutotaskState, Row } from './state.ts';
import { adjustmentsOf, catalogField, catalogTable, lineTable, segments, type LineKind } from './units.ts';
import { coerce, formatDate, parseDate, picklistLabel, udfByName } from './values.ts';

export interface WriteContext {
  state: AutotaskState;
  nowMs: number;
  /** The calling API user's resource id (creator / owner fields). */
  resourceId: number;
  /** Called after a Company, Contact, Ticket or TicketNote changes (webhook callouts). */
  changed?: (entity: EntityDef, action: 'Create' | 'Update' | 'Delete', row: Row, changedFields: string[]) => void;
}

export interface Parent {
  field: string;
  id: number;
}

type Mode = 'create' | 'update' | 'replace';

function asObject(body: unknown, what: string): Record<string, unknown> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw badRequest(`The ${what} body must be a JSON object.`);
  return body as Record<string, unknown>;
}

/** Body keys mapped to fields, case-insensitively; unknown keys are ignored, as the API's binder does. */
function fieldsOf(entity: EntityDef, body: Record<string, unknown>): { values: Map<FieldDef, unknown>; udfs: unknown; id: unknown } {
  const values = new Map<FieldDef, unknown>();
  let udfs: unknown;
  let id: unknown;
  for (const [k, v] of Object.entries(body)) {
    const lower = k.toLowerCase();
    if (lower === 'userdefinedfields') udfs = v;
    else if (lower === 'id') id = v;
    else {
      const f = entity.byLower.get(lower);
      if (f) values.set(f, v);
    }
  }
  return { values, udfs, id };
}

function tableOfReference(ref: string): string | undefined {
  return pluralOf.get(ref);
}

function checkPicklist(state: AutotaskState, entity: EntityDef, field: FieldDef, value: unknown, row: Row): void {
  if (!field.isPickList || value === null) return;
  const values = state.picklists.get(`${entity.name}.${field.name}`) ?? [];
  const hit = values.find((v) => v.value === String(value));
  if (!hit || !hit.isActive) throw badRequest(`${entity.name}: ${String(value)} is not a valid value for the picklist field ${field.name}.`);
  if (hit.parentValue !== null) {
    const parentField = field.name === 'subIssueType' ? 'issueType' : null;
    if (parentField && String(row[parentField]) !== hit.parentValue) {
      throw badRequest(`${entity.name}: ${field.name} ${String(value)} does not belong to ${parentField} ${String(row[parentField] ?? 'null')}.`);
    }
  }
}

function checkReference(state: AutotaskState, entity: EntityDef, field: FieldDef, value: unknown): void {
  if (field.referenceEntityType === null || value === null) return;
  const table = tableOfReference(field.referenceEntityType);
  if (!table) return;
  if (!state.table(table).rows.has(Number(value))) {
    throw badRequest(`${entity.name}: reference value on field ${field.name} of type ${field.referenceEntityType} does not exist or is invalid (${String(value)}).`);
  }
}

function applyUdfs(state: AutotaskState, entity: EntityDef, id: number, raw: unknown, replace: boolean): string[] {
  if (raw === undefined || raw === null) return [];
  if (entity.udfType === null) throw badRequest(`The ${entity.name} entity has no user-defined fields.`);
  if (!Array.isArray(raw)) throw badRequest('userDefinedFields must be an array of {name, value}.');
  const table = state.table(entity.name);
  let values = table.udfs.get(id);
  if (!values || replace) table.udfs.set(id, (values = replace ? new Map() : (values ?? new Map())));
  const changed: string[] = [];
  for (const item of raw) {
    const o = Object.fromEntries(Object.entries(asObject(item, 'userDefinedFields item')).map(([k, v]) => [k.toLowerCase(), v]));
    if (typeof o.name !== 'string') throw badRequest('Each userDefinedFields item needs a name.');
    const def = udfByName(state, entity, o.name);
    if (!def) throw badRequest(`${entity.name}: unable to find user-defined field '${o.name}'.`);
    const value = o.value === null || o.value === undefined ? null : String(o.value);
    if (value !== null && def.dataType === 2 && Number.isNaN(Number(value))) throw badRequest(`${entity.name}: UDF '${String(def.name)}' expects a number.`);
    if (value !== null && def.dataType === 4) {
      const items = state.table('UserDefinedFieldListItems').children('udfFieldID', def.id);
      if (!items.some((i) => i.valueForDisplay === value || i.valueForExport === value || String(i.id) === value)) {
        throw badRequest(`${entity.name}: '${value}' is not a list value of the UDF '${String(def.name)}' (${items.map((i) => String(i.valueForDisplay)).join(', ')}).`);
      }
    }
    values.set(String(def.name).toLowerCase(), value);
    changed.push(String(def.name));
  }
  if (entity.udfType !== null) {
    for (const def of state.table('UserDefinedFieldDefinitions').rows.values()) {
      if (def.isRequired === true && def.isActive !== false && (values.get(String(def.name).toLowerCase()) ?? null) === null && udfByName(state, entity, String(def.name))) {
        throw badRequest(`${entity.name}: the user-defined field '${String(def.name)}' is required.`);
      }
    }
  }
  return changed;
}

const isRecurringService = (state: AutotaskState, contract: Row) => picklistLabel(state, 'Contracts.contractType', contract.contractType) === 'Recurring Service';

/** Entity rules that hold on every write, with the merged row in hand. */
function rules(ctx: WriteContext, entity: EntityDef, row: Row, mode: Mode, before: Row | undefined): void {
  const { state } = ctx;
  switch (entity.name) {
    case 'Contacts':
      if (row.isActive !== 0 && row.isActive !== 1) throw badRequest('Contacts: isActive must be 0 or 1.');
      break;
    case 'Contracts': {
      const s = parseDate(row.startDate);
      const e = parseDate(row.endDate);
      if (s !== undefined && e !== undefined && e < s) throw badRequest('Contracts: endDate must be on or after startDate.');
      if (row.timeReportingRequiresStartAndStopTimes !== 0 && row.timeReportingRequiresStartAndStopTimes !== 1) {
        throw badRequest('Contracts: timeReportingRequiresStartAndStopTimes must be 0 or 1.');
      }
      if (before && before.contractType !== row.contractType) throw badRequest('Contracts: contractType cannot be changed once the contract exists.');
      break;
    }
    case 'ContractServices':
    case 'ContractServiceBundles': {
      if (mode !== 'create') break;
      const contract = state.table('Contracts').rows.get(Number(row.contractID)) as Row;
      if (!isRecurringService(state, contract)) throw badRequest(`${entity.name}: contract ${contract.id} is not a Recurring Service contract.`);
      const kind: LineKind = entity.name === 'ContractServices' ? 'service' : 'bundle';
      const item = state.table(catalogTable(kind)).rows.get(Number(row[catalogField(kind)])) as Row;
      row.unitPrice ??= item.unitPrice ?? null;
      if (kind === 'service') row.unitCost ??= item.unitCost ?? null;
      row.invoiceDescription ??= item.invoiceDescription ?? null;
      row.internalCurrencyUnitPrice = row.unitPrice;
      break;
    }
    case 'Services':
    case 'ServiceBundles': {
      const code = state.table('BillingCodes').rows.get(Number(row.billingCodeID));
      if (code && (code.isActive !== true || picklistLabel(state, 'BillingCodes.useType', code.useType) !== 'Recurring Service')) {
        throw badRequest(`${entity.name}: billingCodeID ${code.id} is not an active Recurring Service allocation code.`);
      }
      const name = String(row.name).toLowerCase();
      for (const other of state.table(entity.name).rows.values()) {
        if (other.id !== row.id && String(other.name).toLowerCase() === name) throw badRequest(`${entity.name}: a record named '${String(row.name)}' already exists.`);
      }
      if (mode === 'create') row.isActive ??= true;
      break;
    }
    case 'ServiceBundleServices':
      for (const other of state.table(entity.name).children('serviceBundleID', Number(row.serviceBundleID))) {
        if (other.serviceID === row.serviceID && other.id !== row.id) throw badRequest('ServiceBundleServices: the service is already in the bundle.');
      }
      break;
    case 'Tickets': {
      if (mode === 'create') {
        const d = new Date(ctx.nowMs);
        const day = `${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, '0')}${String(d.getUTCDate()).padStart(2, '0')}`;
        row.ticketNumber = `T${day}.${String(++state.ticketSeq).padStart(4, '0')}`;
        row.creatorResourceID = ctx.resourceId;
        row.creatorType = 1;
      }
      const complete = picklistLabel(state, 'Tickets.status', row.status) === 'Complete';
      if (complete && (before === undefined || before.status !== row.status)) {
        row.completedDate = formatDate(ctx.nowMs);
        row.completedByResourceID = ctx.resourceId;
      } else if (!complete) {
        row.completedDate = null;
        row.completedByResourceID = null;
      }
      break;
    }
    case 'TicketNotes':
      if (mode === 'create') row.creatorResourceID = ctx.resourceId;
      break;
    case 'UserDefinedFieldDefinitions': {
      const name = String(row.name).toLowerCase();
      for (const other of state.table(entity.name).rows.values()) {
        if (other.id !== row.id && other.udfType === row.udfType && String(other.name).toLowerCase() === name) {
          throw badRequest(`UserDefinedFieldDefinitions: a user-defined field named '${String(row.name)}' already exists for this entity type.`);
        }
      }
      if (mode === 'create') {
        row.isActive ??= true;
        row.isRequired ??= false;
        row.isProtected ??= false;
        row.isPrivate ??= false;
        row.isEncrypted ??= false;
        row.isFieldMapping ??= false;
        row.isVisibleToClientPortal ??= false;
        row.sortOrder ??= state.table(entity.name).rows.size + 1;
      }
      break;
    }
    case 'UserDefinedFieldListItems': {
      const def = state.table('UserDefinedFieldDefinitions').rows.get(Number(row.udfFieldID)) as Row;
      if (picklistLabel(state, 'UserDefinedFieldDefinitions.dataType', def.dataType) !== 'List') {
        throw badRequest(`UserDefinedFieldListItems: the user-defined field ${def.id} is not a list.`);
      }
      row.isActive ??= true;
      row.isSystem ??= false;
      break;
    }
    case 'CompanyWebhooks':
    case 'TicketWebhooks':
      if (mode === 'create') {
        row.webhookGUID = crypto.randomUUID();
        row.ownerResourceID = ctx.resourceId;
      }
      break;
    case 'Companies':
      if (mode === 'create') row.isActive ??= true;
      break;
  }
}

export function create(ctx: WriteContext, entity: EntityDef, body: unknown, parent?: Parent): number {
  const { state } = ctx;
  const { values, udfs } = fieldsOf(entity, asObject(body, entity.name));
  const row: Row = { id: 0 };
  for (const [f, v] of values) if (!f.readOnly) row[f.name] = coerce(entity, f, v);
  if (parent) {
    const given = row[parent.field];
    if (given !== undefined && given !== null && given !== parent.id) {
      throw badRequest(`${entity.name}: ${parent.field} ${String(given)} does not match the parent id ${parent.id} in the URL.`);
    }
    row[parent.field] = parent.id;
  }
  validate(ctx, entity, row, 'create', undefined);
  row.id = state.newId();
  const now = formatDate(ctx.nowMs);
  if (entity.createdField) row[entity.createdField] = now;
  if (entity.modifiedField) row[entity.modifiedField] = now;
  const table = state.table(entity.name);
  table.insert(row);
  try {
    applyUdfs(state, entity, row.id, udfs, true);
  } catch (e) {
    table.delete(row.id);
    throw e;
  }
  if (entity.udfType !== null && !table.udfs.has(row.id)) table.udfs.set(row.id, new Map());
  afterWrite(ctx, entity, row);
  ctx.changed?.(entity, 'Create', row, Object.keys(row));
  return row.id;
}

function validate(ctx: WriteContext, entity: EntityDef, row: Row, mode: Mode, before: Row | undefined): void {
  const missing = entity.fields.filter((f) => f.required && (row[f.name] === null || row[f.name] === undefined || row[f.name] === '')).map((f) => f.name);
  if (missing.length > 0) throw badRequest(missing.map((m) => `${entity.name}: the field ${m} is required.`));
  for (const f of entity.fields) {
    const v = row[f.name];
    if (v === undefined || v === null) continue;
    if (before && before[f.name] === v) continue;
    checkPicklist(ctx.state, entity, f, v, row);
    checkReference(ctx.state, entity, f, v);
  }
  rules(ctx, entity, row, mode, before);
}

function afterWrite(ctx: WriteContext, entity: EntityDef, row: Row): void {
  if (entity.name === 'Contacts' && row.primaryContact === true) {
    for (const other of ctx.state.table('Contacts').children('companyID', Number(row.companyID))) {
      if (other.id !== row.id && other.primaryContact === true) other.primaryContact = false;
    }
  }
  if (entity.name === 'TicketNotes') {
    const ticket = ctx.state.table('Tickets').rows.get(Number(row.ticketID));
    if (ticket) ticket.lastActivityDate = formatDate(ctx.nowMs);
  }
}

/** PATCH (only the fields sent change) or PUT (fields not sent become null). */
export function update(ctx: WriteContext, entity: EntityDef, body: unknown, mode: 'update' | 'replace', parent?: Parent): number {
  const { state } = ctx;
  const { values, udfs, id: rawId } = fieldsOf(entity, asObject(body, entity.name));
  const id = Number(rawId);
  if (rawId === undefined || rawId === null || !Number.isInteger(id)) throw badRequest(`${entity.name}: the body must carry the id of the record to update.`);
  const table = state.table(entity.name);
  const before = table.rows.get(id);
  if (!before || (parent && before[parent.field] !== parent.id)) throw notFound(entity.name, id);
  const next: Row = { ...before };
  if (mode === 'replace') {
    for (const f of entity.fields) if (!f.readOnly && f.name !== parent?.field && !values.has(f)) next[f.name] = null;
  }
  for (const [f, v] of values) {
    if (f.readOnly) continue;
    const value = coerce(entity, f, v);
    if (parent && f.name === parent.field) {
      if (value !== parent.id) throw badRequest(`${entity.name}: ${f.name} cannot be changed.`);
      continue;
    }
    if (entity.updatable && !entity.updatable.includes(f.name) && value !== (before[f.name] ?? null)) {
      throw badRequest(`${entity.name}: the field ${f.name} cannot be updated (updatable: ${entity.updatable.join(', ')}).`);
    }
    next[f.name] = value;
  }
  if (mode === 'replace' && entity.updatable) {
    for (const f of entity.fields) if (!entity.updatable.includes(f.name) && !f.readOnly) next[f.name] = before[f.name] ?? null;
  }
  validate(ctx, entity, next, mode, before);
  const changedFields = entity.fields.filter((f) => next[f.name] !== before[f.name]).map((f) => f.name);
  if (entity.modifiedField) next[entity.modifiedField] = formatDate(ctx.nowMs);
  table.unindex(before);
  Object.assign(before, next);
  table.reindex(before);
  const changedUdfs = applyUdfs(state, entity, id, udfs, mode === 'replace');
  afterWrite(ctx, entity, before);
  ctx.changed?.(entity, 'Update', before, [...changedFields, ...changedUdfs]);
  return id;
}

export function remove(ctx: WriteContext, entity: EntityDef, id: number, parent?: Parent): number {
  const { state } = ctx;
  const table = state.table(entity.name);
  const row = table.rows.get(id);
  if (!row || (parent && row[parent.field] !== parent.id)) {
    throw new AtError(404, 'No message. No matching records found. The logged in Resource may not have the required permissions to delete the data.');
  }
  if (entity.name === 'ServiceBundles' && [...state.table('ContractServiceBundles').rows.values()].some((r) => r.serviceBundleID === id)) {
    throw badRequest('ServiceBundles: the service bundle is used by a contract and cannot be deleted.');
  }
  if (WEBHOOK_ENTITIES.includes(entity.name)) {
    const one = entity.name.slice(0, -'Webhooks'.length);
    for (const child of [`${one}WebhookFields`, `${one}WebhookUdfFields`, `${one}WebhookExcludedResources`]) {
      const t = state.table(child);
      for (const r of t.children('webhookID', id)) t.delete(r.id);
    }
  }
  if (entity.name === 'ServiceBundles') {
    const t = state.table('ServiceBundleServices');
    for (const r of t.children('serviceBundleID', id)) t.delete(r.id);
  }
  table.delete(id);
  ctx.changed?.(entity, 'Delete', row, []);
  return id;
}

/**
 * ContractServiceAdjustments / ContractServiceBundleAdjustments: a unit delta from an effective date
 * on. Auto-creates the contract line when the contract lacks the service; refuses dates outside the
 * contract and changes that would leave a period with negative units.
 */
export function adjust(ctx: WriteContext, kind: LineKind, body: unknown, parentContractId?: number): number {
  const { state } = ctx;
  const entity = entityDef(kind === 'service' ? 'ContractServiceAdjustments' : 'ContractServiceBundleAdjustments');
  const { values } = fieldsOf(entity, asObject(body, entity.name));
  const input: Row = { id: 0 };
  for (const [f, v] of values) input[f.name] = coerce(entity, f, v);
  if (parentContractId !== undefined) {
    if (input.contractID !== undefined && input.contractID !== null && input.contractID !== parentContractId) {
      throw badRequest(`${entity.name}: contractID ${String(input.contractID)} does not match the parent id ${parentContractId} in the URL.`);
    }
    input.contractID = parentContractId;
  }
  const missing = entity.fields.filter((f) => f.required && (input[f.name] === undefined || input[f.name] === null)).map((f) => `${entity.name}: the field ${f.name} is required.`);
  if (missing.length > 0) throw badRequest(missing);
  const contract = state.table('Contracts').rows.get(Number(input.contractID));
  if (!contract) throw badRequest(`${entity.name}: reference value on field contractID of type Contract does not exist or is invalid (${String(input.contractID)}).`);
  if (!isRecurringService(state, contract)) throw badRequest(`${entity.name}: contract ${contract.id} is not a Recurring Service contract.`);

  const lineKey = kind === 'service' ? 'contractServiceID' : 'contractServiceBundleID';
  const itemKey = catalogField(kind);
  const lines = state.table(lineTable(kind));
  let line: Row | undefined;
  if (input[lineKey] !== undefined && input[lineKey] !== null) {
    line = lines.rows.get(Number(input[lineKey]));
    if (!line || line.contractID !== contract.id) throw badRequest(`${entity.name}: ${lineKey} ${String(input[lineKey])} is not a line of contract ${contract.id}.`);
  } else if (input[itemKey] !== undefined && input[itemKey] !== null) {
    const item = state.table(catalogTable(kind)).rows.get(Number(input[itemKey]));
    if (!item) throw badRequest(`${entity.name}: reference value on field ${itemKey} does not exist or is invalid (${String(input[itemKey])}).`);
    line = lines.children('contractID', contract.id).find((l) => l[itemKey] === item.id);
  } else throw badRequest(`${entity.name}: either ${itemKey} or ${lineKey} is required.`);

  const effectiveMs = parseDate(input.effectiveDate) as number;
  const start = parseDate(contract.startDate) as number;
  const end = parseDate(contract.endDate) as number;
  if (effectiveMs < start || effectiveMs > end) {
    throw badRequest(`${entity.name}: effectiveDate ${String(input.effectiveDate)} is outside the contract period (${String(contract.startDate)} – ${String(contract.endDate)}).`);
  }
  const unitChange = typeof input.unitChange === 'number' ? input.unitChange : 0;
  const adjustedUnitPrice = typeof input.adjustedUnitPrice === 'number' ? input.adjustedUnitPrice : null;
  const adjustedUnitCost = typeof input.adjustedUnitCost === 'number' ? input.adjustedUnitCost : null;

  let created = false;
  if (!line) {
    const lineEntity = entityDef(lineTable(kind));
    const id = create(ctx, lineEntity, { [itemKey]: input[itemKey], unitPrice: adjustedUnitPrice ?? undefined, unitCost: kind === 'service' ? (adjustedUnitCost ?? undefined) : undefined }, { field: 'contractID', id: contract.id });
    line = lines.rows.get(id) as Row;
    created = true;
  }
  const adjustment: Adjustment = { id: state.newId(), lineId: line.id, effectiveMs, unitChange, adjustedUnitPrice, adjustedUnitCost };
  const all = adjustmentsOf(state, kind);
  const list = all.get(line.id) ?? [];
  const next = [...list, adjustment].sort((a, b) => a.effectiveMs - b.effectiveMs || a.id - b.id);
  all.set(line.id, next);
  const negative = segments(state, kind, line).find((s) => s.units < 0);
  if (negative) {
    all.set(line.id, list);
    if (created) lines.delete(line.id);
    throw badRequest(`${entity.name}: the unit change would leave ${negative.units} units from ${formatDate(negative.start)}; units cannot be negative.`);
  }
  return adjustment.id;
}

/** Used by datasets: the id of a picklist value by label. */
export const pick = (state: AutotaskState, key: string, label: string) => valueOf(state.picklists.get(key), label);
