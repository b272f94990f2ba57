// The resources this emulator serves, with their wire fields (reference §B.4, fields from the
// CW-GO models). Paths are relative to /apis/3.0. Lookups the reference does not list but the
// resources need (agreement types, product categories/subcategories/types, members) use the paths
// ConnectWise has for them [INF].
import { fieldError, type FieldDef, type FieldType, type ResourceDef, type ResourceKey, type WriteCtx } from './model.ts';
import type { CwFieldError } from './errors.ts';
import type { CwState, Row } from './state.ts';

const str = (name: string, max?: number, extra: Partial<FieldDef> = {}): FieldDef => ({ name, type: { kind: 'string', ...(max ? { max } : {}) }, ...extra });
const num = (name: string, extra: Partial<FieldDef> = {}): FieldDef => ({ name, type: { kind: 'number' }, ...extra });
const int = (name: string, extra: Partial<FieldDef> = {}): FieldDef => ({ name, type: { kind: 'number', integer: true }, ...extra });
const bool = (name: string, def = false, extra: Partial<FieldDef> = {}): FieldDef => ({ name, type: { kind: 'boolean' }, default: () => def, fallback: def, ...extra });
/** A number defaulting to a constant (also read for sparse seeded rows). */
const numd = (name: string, value: number, extra: Partial<FieldDef> = {}): FieldDef => ({ name, type: { kind: 'number' }, default: () => value, fallback: value, ...extra });
const date = (name: string, extra: Partial<FieldDef> = {}): FieldDef => ({ name, type: { kind: 'datetime' }, ...extra });
const enm = (name: string, values: readonly string[], extra: Partial<FieldDef> = {}): FieldDef => ({ name, type: { kind: 'enum', values }, ...extra });
const ref = (name: string, to: ResourceKey, show: readonly ('identifier' | 'name')[], extra: Partial<FieldDef> & { scopedBy?: string } = {}): FieldDef => {
  const { scopedBy, ...rest } = extra;
  const type: FieldType = { kind: 'ref', to, show, ...(scopedBy ? { scopedBy } : {}) };
  return { name, type, ...rest };
};
const customFields: FieldDef = { name: 'customFields', type: { kind: 'customFields' } };
const NAMED: FieldDef = str('name', 50, { required: true });
const ALL = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

const startOfDay = (ms: number) => Math.floor(ms / 86_400_000) * 86_400_000;
const round2 = (n: number) => Math.round(n * 100) / 100;
const rows = (state: CwState, key: ResourceKey) => state.table(key).rows;
const lower = (v: unknown) => (typeof v === 'string' ? v.toLowerCase() : v);

function unique(state: CwState, key: ResourceKey, field: string, row: Row, resource: string): CwFieldError[] {
  const value = lower(row[field]);
  for (const other of rows(state, key).values()) {
    if (other.id !== row.id && lower(other[field]) === value) {
      return [fieldError(resource, field, 'Unique', `The ${field} "${String(row[field])}" is already in use.`)];
    }
  }
  return [];
}

function defaultOf(state: CwState, key: ResourceKey, filter: (r: Row) => boolean = () => true): number | null {
  let first: Row | undefined;
  for (const r of rows(state, key).values()) {
    if (!filter(r)) continue;
    if (r.defaultFlag === true) return r.id;
    first ??= r;
  }
  return first?.id ?? null;
}

const personName = (r: Row) => [r.firstName, r.lastName].filter((s) => typeof s === 'string' && s !== '').join(' ');

export const billCustomerValues = ['Billable', 'DoNotBill', 'NoCharge'] as const;
export const callbackTypes: Record<string, readonly string[]> = {
  company: ['owner', 'company', 'status', 'type', 'territory'],
  contact: ['owner', 'company', 'contact'],
  agreement: ['owner', 'company', 'type', 'agreement'],
  ticket: ['owner', 'board', 'company', 'status', 'ticket'],
  project: ['owner', 'board', 'project'],
  opportunity: ['owner', 'opportunity'],
  activity: ['owner', 'status', 'type', 'activity'],
  schedule: ['owner', 'schedule'],
  configuration: ['owner', 'company', 'configuration'],
};

export function agreementStatus(a: Row, nowMs: number): string {
  if (a.cancelledFlag === true) return 'Cancelled';
  if (a.noEndingDateFlag !== true && typeof a.endDate === 'number' && a.endDate < nowMs) return 'Expired';
  if (typeof a.startDate === 'number' && a.startDate > nowMs) return 'Inactive';
  return 'Active';
}

const lookup = (key: ResourceKey, path: string, label: string, fields: FieldDef[], extra: Partial<ResourceDef> = {}): ResourceDef => ({
  key,
  path,
  label,
  fields: [NAMED, ...fields],
  methods: ALL,
  ...extra,
});

const boardChild = (key: ResourceKey, path: string, label: string, fields: FieldDef[]): ResourceDef =>
  lookup(key, `service/boards/{parentId}/${path}`, label, fields, { parent: { key: 'boards', field: 'boardId', view: { kind: 'ref', name: 'board' } } });

export const resources: readonly ResourceDef[] = [
    {
      key: 'companies',
      path: 'company/companies',
      label: 'company',
      callbackType: 'company',
      methods: ALL,
      fields: [
        str('identifier', 25, { required: true }),
        str('name', 50, { required: true }),
        ref('status', 'companyStatuses', ['name'], { default: (_r, c) => defaultOf(c.state, 'companyStatuses') }),
        { name: 'types', type: { kind: 'refs', to: 'companyTypes', show: ['name'] }, default: (_r, c) => [defaultOf(c.state, 'companyTypes')].filter((x) => x !== null) },
        str('addressLine1', 50), str('addressLine2', 50), str('city', 50), str('state', 50), str('zip', 12),
        { name: 'country', type: { kind: 'object', sub: { id: 'number', name: 'string' } } },
        str('phoneNumber', 30), str('faxNumber', 30), str('website', 255),
        ref('defaultContact', 'contacts', ['name']),
        ref('parentCompany', 'companies', ['identifier', 'name']),
        bool('deletedFlag'),
        date('dateAcquired', { default: (_r, c) => c.nowMs }),
        num('annualRevenue'),
        customFields,
      ],
      validate: (row, ctx) => {
        const errs = unique(ctx.state, 'companies', 'identifier', row, 'company');
        if (typeof row.identifier === 'string' && /\s/.test(row.identifier)) errs.push(fieldError('company', 'identifier', 'InvalidField', 'The identifier cannot contain spaces.'));
        if (typeof row.defaultContact === 'number' && rows(ctx.state, 'contacts').get(row.defaultContact)?.company !== row.id) {
          errs.push(fieldError('company', 'defaultContact', 'InvalidField', 'The default contact must be a contact of this company.'));
        }
        if (row.parentCompany === row.id) errs.push(fieldError('company', 'parentCompany', 'InvalidField', 'A company cannot be its own parent.'));
        return errs;
      },
      hrefs: (row, base) => ({
        contacts_href: `${base}/company/contacts?conditions=company/id=${row.id}`,
        agreements_href: `${base}/finance/agreements?conditions=company/id=${row.id}`,
        tickets_href: `${base}/service/tickets?conditions=company/id=${row.id}`,
      }),
    },
    lookup('companyStatuses', 'company/companies/statuses', 'companyStatus', [bool('defaultFlag'), bool('inactiveFlag'), bool('notifyFlag'), bool('disallowSavingFlag'), str('notificationMessage', 500), bool('customNoteFlag'), bool('cancelOpenTracksFlag')]),
    lookup('companyTypes', 'company/companies/types', 'companyType', [bool('defaultFlag'), bool('vendorFlag'), bool('serviceAlertFlag'), str('serviceAlertMessage', 500)]),
    {
      key: 'contacts',
      path: 'company/contacts',
      label: 'contact',
      callbackType: 'contact',
      methods: ALL,
      displayName: personName,
      fields: [
        str('firstName', 30, { required: true }),
        str('lastName', 30),
        ref('company', 'companies', ['identifier', 'name']),
        str('title', 100),
        bool('inactiveFlag'),
        bool('defaultFlag'),
        { name: 'communicationItems', type: { kind: 'objects', sub: { value: 'string', communicationType: 'string', defaultFlag: 'boolean', 'type/id': 'number', 'type/name': 'string' } }, default: () => [], fallback: [] },
        customFields,
      ],
    },
    lookup('agreementTypes', 'finance/agreements/types', 'agreementType', [bool('defaultFlag'), bool('inactiveFlag'), bool('prePaymentFlag'), str('invoiceDescription', 4000)]),
    {
      key: 'agreements',
      path: 'finance/agreements',
      label: 'agreement',
      callbackType: 'agreement',
      methods: ALL,
      fields: [
        str('name', 100, { required: true }),
        ref('type', 'agreementTypes', ['name'], { required: true }),
        ref('company', 'companies', ['identifier', 'name'], { required: true }),
        ref('contact', 'contacts', ['name'], { required: true }),
        date('startDate', { default: (_r, c) => startOfDay(c.nowMs) }),
        date('endDate'),
        bool('noEndingDateFlag'),
        bool('cancelledFlag'),
        date('dateCancelled'),
        str('reasonCancelled', 100),
        enm('agreementStatus', ['Active', 'Cancelled', 'Expired', 'Inactive'], { readOnly: true, derive: (r, s) => agreementStatus(r, s.now()) }),
        { name: 'billingCycle', type: { kind: 'object', sub: { id: 'number', name: 'string' } } },
        numd('billAmount', 0),
        enm('applicationUnits', ['Amount', 'Hours', 'Incidents'], { default: () => 'Amount', fallback: 'Amount' }),
        num('applicationLimit'),
        enm('periodType', ['Current', 'Future', 'Both', 'Undefined'], { default: () => 'Current', fallback: 'Current' }),
        str('invoiceDescription', 4000),
        ref('parentAgreement', 'agreements', ['name']),
        customFields,
      ],
      validate: (row, ctx) => {
        const errs: CwFieldError[] = [];
        const contact = typeof row.contact === 'number' ? rows(ctx.state, 'contacts').get(row.contact) : undefined;
        if (contact && contact.company !== row.company) errs.push(fieldError('agreement', 'contact', 'InvalidField', 'The contact must belong to the agreement company.'));
        if (row.noEndingDateFlag !== true && row.endDate == null) errs.push(fieldError('agreement', 'endDate', 'NullOrEmpty', 'An end date is required unless noEndingDateFlag is set.'));
        if (typeof row.endDate === 'number' && typeof row.startDate === 'number' && row.endDate < row.startDate) errs.push(fieldError('agreement', 'endDate', 'InvalidField', 'The end date must not be before the start date.'));
        if (row.cancelledFlag === true && row.dateCancelled == null) row.dateCancelled = ctx.nowMs;
        if (row.cancelledFlag !== true) row.dateCancelled = null;
        return errs;
      },
      hrefs: (row, base) => ({ additions_href: `${base}/finance/agreements/${row.id}/additions` }),
    },
    {
      key: 'additions',
      path: 'finance/agreements/{parentId}/additions',
      label: 'addition',
      parent: { key: 'agreements', field: 'agreementId', view: { kind: 'id', name: 'agreementId' } },
      methods: ALL,
      fields: [
        ref('product', 'catalog', ['identifier'], { required: true }),
        numd('quantity', 0),
        numd('lessIncluded', 0),
        num('unitPrice', { default: (r, c) => (rows(c.state, 'catalog').get(r.product as number)?.price as number | undefined) ?? 0 }),
        num('unitCost', { default: (r, c) => (rows(c.state, 'catalog').get(r.product as number)?.cost as number | undefined) ?? 0 }),
        enm('billCustomer', billCustomerValues, { required: true }),
        date('effectiveDate', { default: (_r, c) => startOfDay(c.nowMs) }),
        date('cancelledDate'),
        bool('taxableFlag'),
        str('serialNumber', 50),
        str('invoiceDescription', 4000, { default: (r, c) => rows(c.state, 'catalog').get(r.product as number)?.customerDescription ?? null }),
        bool('purchaseItemFlag'),
        bool('specialOrderFlag'),
        str('description', 60, { default: (r, c) => rows(c.state, 'catalog').get(r.product as number)?.description ?? null }),
        num('sequenceNumber', {
          default: (_r, c) => {
            let max = 0;
            for (const a of c.state.table('additions').children(c.parentId ?? -1)) max = Math.max(max, Number(a.sequenceNumber ?? 0));
            return max + 1;
          },
        }),
        num('billedQuantity', { readOnly: true, derive: (r) => Math.max(0, Number(r.quantity ?? 0) - Number(r.lessIncluded ?? 0)) }),
        num('extPrice', { readOnly: true, derive: (r) => round2(Number(r.unitPrice ?? 0) * Math.max(0, Number(r.quantity ?? 0) - Number(r.lessIncluded ?? 0))) }),
        num('extCost', { readOnly: true, derive: (r) => round2(Number(r.unitCost ?? 0) * Math.max(0, Number(r.quantity ?? 0) - Number(r.lessIncluded ?? 0))) }),
        num('margin', { readOnly: true, derive: (r) => round2((Number(r.unitPrice ?? 0) - Number(r.unitCost ?? 0)) * Math.max(0, Number(r.quantity ?? 0) - Number(r.lessIncluded ?? 0))) }),
        enm('agreementStatus', ['Active', 'Cancelled', 'Expired', 'Inactive'], {
          readOnly: true,
          derive: (r, s) => {
            const a = rows(s, 'agreements').get(r.agreementId as number);
            return a ? agreementStatus(a, s.now()) : null;
          },
        }),
        customFields,
      ],
      validate: (row, ctx, before) => {
        const errs: CwFieldError[] = [];
        const product = rows(ctx.state, 'catalog').get(row.product as number);
        if (product?.inactiveFlag === true && (before === undefined || before.product !== row.product)) errs.push(fieldError('addition', 'product', 'InvalidField', `The product ${String(product.identifier)} is inactive.`));
        if (Number(row.quantity) < 0) errs.push(fieldError('addition', 'quantity', 'InvalidField', 'The quantity cannot be negative.'));
        if (typeof row.cancelledDate === 'number' && typeof row.effectiveDate === 'number' && row.cancelledDate < row.effectiveDate) {
          errs.push(fieldError('addition', 'cancelledDate', 'InvalidField', 'The cancelled date must not be before the effective date.'));
        }
        return errs;
      },
    },
    {
      key: 'catalog',
      path: 'procurement/catalog',
      label: 'catalogItem',
      methods: ALL,
      displayName: (r) => String(r.description ?? ''),
      fields: [
        str('identifier', 25, { required: true }),
        str('description', 60, { required: true }),
        str('customerDescription', 60, { required: true }),
        ref('category', 'productCategories', ['name'], { default: (r, c) => rows(c.state, 'productSubcategories').get(r.subcategory as number)?.category ?? null }),
        ref('subcategory', 'productSubcategories', ['name'], { required: true }),
        ref('type', 'productTypes', ['name'], { required: true }),
        enm('productClass', ['Agreement', 'Bundle', 'Inventory', 'NonInventory', 'Service'], { default: () => 'NonInventory', fallback: 'NonInventory' }),
        bool('inactiveFlag'),
        numd('price', 0),
        numd('cost', 0),
        bool('taxableFlag'),
        bool('recurringFlag'),
        num('recurringRevenue'),
        num('recurringCost'),
        bool('recurringOneTimeFlag'),
        enm('recurringCycleType', ['ContractYear', 'CalendarYear']),
        { name: 'unitOfMeasure', type: { kind: 'object', sub: { id: 'number', name: 'string' } } },
        str('manufacturerPartNumber', 50),
        customFields,
      ],
      validate: (row, ctx) => {
        const errs = unique(ctx.state, 'catalog', 'identifier', row, 'catalogItem');
        const sub = rows(ctx.state, 'productSubcategories').get(row.subcategory as number);
        if (sub && row.category != null && sub.category !== row.category) errs.push(fieldError('catalogItem', 'subcategory', 'InvalidField', 'The subcategory does not belong to the category.'));
        return errs;
      },
    },
    lookup('productCategories', 'procurement/categories', 'category', [bool('inactiveFlag')]),
    lookup('productSubcategories', 'procurement/subcategories', 'subcategory', [ref('category', 'productCategories', ['name'], { required: true }), bool('inactiveFlag')]),
    lookup('productTypes', 'procurement/types', 'productType', [bool('defaultFlag'), bool('inactiveFlag')]),
    lookup('boards', 'service/boards', 'board', [
      { name: 'location', type: { kind: 'object', sub: { id: 'number', name: 'string' } } },
      { name: 'department', type: { kind: 'object', sub: { id: 'number', name: 'string' } } },
      bool('inactiveFlag'),
      bool('projectFlag'),
    ], {
      validate: (row, ctx) => unique(ctx.state, 'boards', 'name', row, 'board'),
      hrefs: (row, base) => ({ types_href: `${base}/service/boards/${row.id}/types`, subtypes_href: `${base}/service/boards/${row.id}/subtypes`, statuses_href: `${base}/service/boards/${row.id}/statuses` }),
    }),
    boardChild('boardTypes', 'types', 'type', [enm('category', ['Reactive', 'Proactive'], { default: () => 'Reactive' }), bool('defaultFlag'), bool('inactiveFlag')]),
    boardChild('boardSubtypes', 'subtypes', 'subtype', [bool('inactiveFlag'), { name: 'typeAssociationIds', type: { kind: 'ints' }, default: () => [] }]),
    boardChild('boardStatuses', 'statuses', 'status', [int('sortOrder', { default: () => 0 }), bool('displayOnBoard', true), bool('inactive'), bool('closedStatus'), bool('defaultFlag'), bool('timeEntryNotAllowed')]),
    lookup('priorities', 'service/priorities', 'priority', [str('color', 50, { default: () => 'White' }), int('sortOrder', { default: () => 0 }), bool('defaultFlag'), str('level', 20)]),
    {
      key: 'tickets',
      path: 'service/tickets',
      label: 'ticket',
      callbackType: 'ticket',
      methods: ALL,
      displayName: (r) => String(r.summary ?? ''),
      fields: [
        str('summary', 100, { required: true }),
        enm('recordType', ['ServiceTicket', 'ProjectTicket', 'ProjectIssue'], { default: () => 'ServiceTicket', fallback: 'ServiceTicket' }),
        ref('board', 'boards', ['name'], { default: (_r, c) => defaultOf(c.state, 'boards', (b) => b.inactiveFlag !== true) }),
        ref('status', 'boardStatuses', ['name'], { scopedBy: 'board', default: (r, c) => defaultOf(c.state, 'boardStatuses', (s) => s.boardId === r.board && s.inactive !== true) }),
        ref('company', 'companies', ['identifier', 'name'], { required: true }),
        ref('contact', 'contacts', ['name']),
        ref('type', 'boardTypes', ['name'], { scopedBy: 'board' }),
        ref('subType', 'boardSubtypes', ['name'], { scopedBy: 'board' }),
        ref('priority', 'priorities', ['name'], { default: (_r, c) => defaultOf(c.state, 'priorities') }),
        ref('owner', 'members', ['identifier', 'name']),
        ref('agreement', 'agreements', ['name']),
        enm('severity', ['Low', 'Medium', 'High'], { default: () => 'Medium' }),
        enm('impact', ['Low', 'Medium', 'High'], { default: () => 'Medium' }),
        str('initialDescription', 0),
        str('initialInternalAnalysis', 0),
        str('externalXRef', 100),
        date('requiredDate'),
        bool('closedFlag', false, { readOnly: true, derive: (r, s) => rows(s, 'boardStatuses').get(r.status as number)?.closedStatus === true }),
        date('closedDate', { readOnly: true }),
        str('closedBy', 30, { readOnly: true }),
        { name: 'skipCallback', type: { kind: 'boolean' }, writeOnly: true },
        customFields,
      ],
      validate: (row, ctx, before) => {
        const s = ctx.state;
        const errs: CwFieldError[] = [];
        const onBoard = (key: ResourceKey, field: string) => {
          const v = row[field];
          if (typeof v !== 'number') return;
          const target = rows(s, key).get(v);
          if (target && target.boardId !== row.board) errs.push(fieldError('ticket', field, 'InvalidField', `The ${field} "${String(target.name)}" is not on the board of this ticket.`));
        };
        // Moving a ticket to another board without a status takes the new board's default status.
        if (before && before.board !== row.board && row.status === before.status) {
          row.status = defaultOf(s, 'boardStatuses', (st) => st.boardId === row.board && st.inactive !== true);
        }
        if (row.status == null) errs.push(fieldError('ticket', 'status', 'NullOrEmpty', 'The board of this ticket has no status to start from.'));
        onBoard('boardStatuses', 'status');
        onBoard('boardTypes', 'type');
        onBoard('boardSubtypes', 'subType');
        const sub = typeof row.subType === 'number' ? rows(s, 'boardSubtypes').get(row.subType) : undefined;
        const assoc = (sub?.typeAssociationIds as number[] | undefined) ?? [];
        if (sub && typeof row.type === 'number' && assoc.length > 0 && !assoc.includes(row.type)) {
          errs.push(fieldError('ticket', 'subType', 'InvalidField', `The subtype "${String(sub.name)}" is not associated with the ticket type.`));
        }
        const contact = typeof row.contact === 'number' ? rows(s, 'contacts').get(row.contact) : undefined;
        if (contact && contact.company !== row.company) errs.push(fieldError('ticket', 'contact', 'InvalidField', 'The contact must belong to the ticket company.'));
        const agreement = typeof row.agreement === 'number' ? rows(s, 'agreements').get(row.agreement) : undefined;
        if (agreement && agreement.company !== row.company) errs.push(fieldError('ticket', 'agreement', 'InvalidField', 'The agreement must belong to the ticket company.'));
        const closed = rows(s, 'boardStatuses').get(row.status as number)?.closedStatus === true;
        const wasClosed = before ? rows(s, 'boardStatuses').get(before.status as number)?.closedStatus === true : false;
        if (closed && !wasClosed) {
          row.closedDate = ctx.nowMs;
          row.closedBy = ctx.actor;
        } else if (!closed) {
          row.closedDate = null;
          row.closedBy = null;
        }
        return errs;
      },
      hrefs: (row, base) => ({ notes_href: `${base}/service/tickets/${row.id}/notes` }),
    },
    {
      key: 'notes',
      path: 'service/tickets/{parentId}/notes',
      label: 'serviceNote',
      parent: { key: 'tickets', field: 'ticketId', view: { kind: 'id', name: 'ticketId' } },
      methods: ALL,
      fields: [
        str('text', 0, { required: true }),
        bool('detailDescriptionFlag'),
        bool('internalAnalysisFlag'),
        bool('resolutionFlag'),
        bool('internalFlag'),
        bool('externalFlag'),
        ref('member', 'members', ['identifier', 'name'], { readOnly: true }),
        ref('contact', 'contacts', ['name']),
        { name: 'processNotifications', type: { kind: 'boolean' }, writeOnly: true },
        date('dateCreated', { readOnly: true, derive: (r) => r._dateEntered }),
        str('createdBy', 30, { readOnly: true, derive: (r) => r._enteredBy }),
      ],
      validate: (row, ctx, before) => {
        if (before === undefined) row.member = ctx.actorMemberId;
        if (row.detailDescriptionFlag !== true && row.internalAnalysisFlag !== true && row.resolutionFlag !== true) {
          return [fieldError('serviceNote', 'detailDescriptionFlag', 'InvalidField', 'At least one of detailDescriptionFlag, internalAnalysisFlag or resolutionFlag must be true.')];
        }
        return [];
      },
    },
    {
      key: 'callbacks',
      path: 'system/callbacks',
      label: 'callbackEntry',
      methods: ALL,
      displayName: (r) => String(r.description ?? ''),
      fields: [
        str('description', 100),
        str('url', 1000, { required: true }),
        int('objectId', { required: true }),
        str('type', 50, { required: true }),
        str('level', 50, { required: true }),
        int('memberId', { default: (_r, c) => c.actorMemberId }),
        str('payloadVersion', 20),
        bool('inactiveFlag'),
        bool('isSoapCallbackFlag'),
        bool('isSelfSuppressedFlag'),
      ],
      validate: (row) => {
        const errs: CwFieldError[] = [];
        try {
          const u = new URL(String(row.url));
          if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('scheme');
        } catch {
          errs.push(fieldError('callbackEntry', 'url', 'InvalidField', 'The url must be an absolute http or https URL.'));
        }
        const type = String(row.type ?? '').toLowerCase();
        const levels = callbackTypes[type];
        if (!levels) errs.push(fieldError('callbackEntry', 'type', 'InvalidField', `Unknown callback type "${String(row.type)}". Use one of: ${Object.keys(callbackTypes).join(', ')}.`));
        else {
          row.type = type;
          const level = String(row.level ?? '').toLowerCase();
          if (!levels.includes(level)) errs.push(fieldError('callbackEntry', 'level', 'InvalidField', `Level "${String(row.level)}" is not valid for type ${type}. Use one of: ${levels.join(', ')}.`));
          else row.level = level;
        }
        return errs;
      },
    },
    {
      key: 'members',
      path: 'system/members',
      label: 'member',
      methods: ['GET'],
      displayName: personName,
      fields: [str('identifier', 15, { required: true }), str('firstName', 30), str('lastName', 30), str('emailAddress', 250), bool('inactiveFlag'), enm('licenseClass', ['A', 'C', 'F', 'X'])],
    },
  ];

export const resourceByKey = new Map<ResourceKey, ResourceDef>(resources.map((r) => [r.key, r]));

export function resource(key: ResourceKey): ResourceDef {
  const r = resourceByKey.get(key);
  if (!r) throw new Error(`no resource ${key}`);
  return r;
}
