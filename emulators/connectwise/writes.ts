// Creates, full replaces (PUT: what is not sent goes back to its default or null), JSON-patch
// updates (reference §B.3: `[{op:"replace", path:"quantity", value:5}]`, applied to the row's
// write form and then validated like a PUT) and deletes. Body property names match
// case-insensitively [INF: .NET]; unknown properties and `_info` are ignored. Validation failures
// answer 400 InvalidObject with one entry per field.
import { CwError, invalidObject, type CwFieldError } from './errors.ts';
import { fieldError, type FieldDef, type ResourceDef, type ResourceKey, type WriteCtx } from './model.ts';
import { resource } from './resources.ts';
import type { Row } from './state.ts';
import { displayName, formatDate } from './views.ts';

export type Action = 'added' | 'updated' | 'deleted';

export interface WriteResult {
  row: Row;
  /** `skipCallback: true` on the body: the write fires no callbacks. */
  skipCallback: boolean;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

function keyOf(body: Record<string, unknown>, name: string): string | undefined {
  if (name in body) return name;
  const lower = name.toLowerCase();
  return Object.keys(body).find((k) => k.toLowerCase() === lower);
}

function resolveRef(ctx: WriteCtx, def: ResourceDef, field: FieldDef, to: ResourceKey, value: unknown, row: Row, errors: CwFieldError[]): number | null | undefined {
  if (value === null) return null;
  const target = resource(to);
  const table = ctx.state.table(to);
  const scopedBy = field.type.kind === 'ref' ? field.type.scopedBy : undefined;
  const inScope = (r: Row) => scopedBy === undefined || r[target.parent?.field ?? ''] === row[scopedBy];
  if (!isObject(value)) {
    errors.push(fieldError(def.label, field.name, 'InvalidField', `${field.name} must be a reference object such as {"id": 1}.`));
    return undefined;
  }
  const id = value[keyOf(value, 'id') ?? 'id'];
  const identifier = value[keyOf(value, 'identifier') ?? 'identifier'];
  const name = value[keyOf(value, 'name') ?? 'name'];
  if (typeof id === 'number' || (typeof id === 'string' && /^\d+$/.test(id))) {
    const r = table.rows.get(Number(id));
    if (r) return r.id;
    errors.push(fieldError(def.label, field.name, 'InvalidField', `${field.name} with id ${String(id)} was not found.`));
    return undefined;
  }
  if (typeof identifier === 'string' && target.fields.some((f) => f.name === 'identifier')) {
    const want = identifier.toLowerCase();
    for (const r of table.rows.values()) if (String(r.identifier).toLowerCase() === want && inScope(r)) return r.id;
    errors.push(fieldError(def.label, field.name, 'InvalidField', `${field.name} with identifier "${identifier}" was not found.`));
    return undefined;
  }
  if (typeof name === 'string') {
    const want = name.toLowerCase();
    for (const r of table.rows.values()) if (displayName(target, r)?.toLowerCase() === want && inScope(r)) return r.id;
    errors.push(fieldError(def.label, field.name, 'InvalidField', `${field.name} named "${name}" was not found${scopedBy ? ` on this ${scopedBy}` : ''}.`));
    return undefined;
  }
  errors.push(fieldError(def.label, field.name, 'InvalidField', `${field.name} needs an id${target.fields.some((f) => f.name === 'identifier') ? ', an identifier' : ''} or a name.`));
  return undefined;
}

function parseField(ctx: WriteCtx, def: ResourceDef, field: FieldDef, value: unknown, row: Row, errors: CwFieldError[]): unknown {
  const t = field.type;
  const bad = (message: string) => {
    errors.push(fieldError(def.label, field.name, 'InvalidField', message));
    return undefined;
  };
  if (value === null && t.kind !== 'customFields') return null;
  switch (t.kind) {
    case 'string':
      if (typeof value !== 'string') return bad(`${field.name} must be a string.`);
      if (t.max !== undefined && value.length > t.max) return bad(`${field.name} is limited to ${t.max} characters.`);
      return value;
    case 'number': {
      const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
      if (typeof n !== 'number' || !Number.isFinite(n)) return bad(`${field.name} must be a number.`);
      if (t.integer && !Number.isInteger(n)) return bad(`${field.name} must be a whole number.`);
      return n;
    }
    case 'boolean':
      if (typeof value === 'boolean') return value;
      if (value === 'true' || value === 'false') return value === 'true';
      return bad(`${field.name} must be true or false.`);
    case 'datetime': {
      const ms = typeof value === 'string' ? Date.parse(value) : NaN;
      if (Number.isNaN(ms)) return bad(`${field.name} must be a date such as 2026-03-01T00:00:00Z.`);
      return ms;
    }
    case 'enum': {
      const v = t.values.find((x) => typeof value === 'string' && x.toLowerCase() === value.toLowerCase());
      return v ?? bad(`${field.name} must be one of ${t.values.join(', ')}.`);
    }
    case 'ref':
      return resolveRef(ctx, def, field, t.to, value, row, errors);
    case 'refs': {
      if (!Array.isArray(value)) return bad(`${field.name} must be a list of references.`);
      const ids: number[] = [];
      for (const v of value) {
        const id = resolveRef(ctx, def, field, t.to, v, row, errors);
        if (typeof id === 'number' && !ids.includes(id)) ids.push(id);
      }
      return ids;
    }
    case 'ints':
      if (!Array.isArray(value) || !value.every((v) => Number.isInteger(v))) return bad(`${field.name} must be a list of ids.`);
      return value;
    case 'object':
      if (!isObject(value)) return bad(`${field.name} must be an object.`);
      return stripInfo(value);
    case 'objects':
      if (!Array.isArray(value) || !value.every(isObject)) return bad(`${field.name} must be a list of objects.`);
      return value.map((v) => stripInfo(v as Record<string, unknown>));
    case 'customFields': {
      if (value === null) return [];
      if (!Array.isArray(value)) return bad('customFields must be a list of {id, value}.');
      const defs = ctx.state.customFields.get(def.key) ?? [];
      const out: { id: number; value: unknown }[] = [];
      for (const cf of value) {
        if (!isObject(cf)) return bad('customFields must be a list of {id, value}.');
        const d = defs.find((x) => x.id === cf.id || (typeof cf.caption === 'string' && cf.id === undefined && x.caption.toLowerCase() === cf.caption.toLowerCase()));
        if (!d) return bad(`There is no custom field ${String(cf.id ?? cf.caption)} on ${def.label}.`);
        let v = cf.value ?? null;
        if (v !== null) {
          if (d.type === 'Checkbox' && typeof v !== 'boolean') v = v === 'true' || v === 'True' ? true : v === 'false' || v === 'False' ? false : v;
          const ok = d.type === 'Checkbox' ? typeof v === 'boolean' : d.type === 'Number' || d.type === 'Currency' || d.type === 'Percent' ? typeof v === 'number' : typeof v === 'string';
          if (!ok) return bad(`Custom field "${d.caption}" (${d.type}) cannot take the value ${JSON.stringify(v)}.`);
        }
        out.push({ id: d.id, value: v });
      }
      return out;
    }
  }
}

function stripInfo(v: Record<string, unknown>): Record<string, unknown> {
  const { _info: _, ...rest } = v;
  return rest;
}

/**
 * Builds the stored row from a body. `base`: the row being replaced (keeps id, parent, bookkeeping
 * and read-only fields). Fields missing from the body take their default (or null).
 */
function build(def: ResourceDef, body: unknown, ctx: WriteCtx, base: Row | undefined): WriteResult {
  if (!isObject(body)) throw new CwError(400, `The request body must be a JSON ${def.label} object.`);
  const errors: CwFieldError[] = [];
  const row: Row = base
    ? { ...base }
    : { id: 0, _lastUpdated: ctx.nowMs, _updatedBy: ctx.actor, _dateEntered: ctx.nowMs, _enteredBy: ctx.actor };
  if (def.parent && !base) row[def.parent.field] = ctx.parentId;
  let skipCallback = false;
  for (const field of def.fields) {
    if (field.readOnly || field.derive) continue;
    const key = keyOf(body, field.name);
    if (field.writeOnly) {
      if (field.name === 'skipCallback' && key !== undefined && body[key] === true) skipCallback = true;
      continue;
    }
    if (key !== undefined) {
      const parsed = parseField(ctx, def, field, body[key], row, errors);
      if (parsed !== undefined) row[field.name] = parsed;
    } else {
      row[field.name] = field.default ? field.default(row, ctx) : field.type.kind === 'customFields' ? [] : null;
    }
    const v = row[field.name];
    if (field.required && (v === null || v === undefined || v === '')) {
      if (!errors.some((e) => e.field === field.name)) errors.push(fieldError(def.label, field.name, 'NullOrEmpty', `The ${field.name} field is required.`));
    }
  }
  if (errors.length === 0 && def.validate) errors.push(...def.validate(row, ctx, base));
  if (errors.length > 0) throw invalidObject(def.label, errors);
  return { row, skipCallback };
}

function stamp(row: Row, ctx: WriteCtx): void {
  row._lastUpdated = ctx.nowMs;
  row._updatedBy = ctx.actor;
}

export function createRow(def: ResourceDef, body: unknown, ctx: WriteCtx): WriteResult {
  const result = build(def, body, ctx, undefined);
  const table = ctx.state.table(def.key);
  result.row.id = table.newId();
  table.insert(result.row);
  afterWrite(def, result.row, undefined, ctx);
  return result;
}

export function replaceRow(def: ResourceDef, existing: Row, body: unknown, ctx: WriteCtx): WriteResult {
  const result = build(def, body, ctx, existing);
  stamp(result.row, ctx);
  commit(def, existing, result.row, ctx);
  return result;
}

/** The row as a PUT body would carry it: references as {id}, dates as text. */
export function writeForm(def: ResourceDef, row: Row): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of def.fields) {
    if (f.readOnly || f.derive || f.writeOnly) continue;
    const v = row[f.name] === undefined ? f.fallback : row[f.name];
    if (v === null || v === undefined) out[f.name] = null;
    else if (f.type.kind === 'ref') out[f.name] = { id: v };
    else if (f.type.kind === 'refs') out[f.name] = (v as number[]).map((id) => ({ id }));
    else if (f.type.kind === 'datetime') out[f.name] = formatDate(v as number);
    else out[f.name] = structuredClone(v);
  }
  return out;
}

const patchOpSchema = (v: unknown): v is { op: string; path: string; value?: unknown } => isObject(v) && typeof v.op === 'string' && typeof v.path === 'string';

export function patchRow(def: ResourceDef, existing: Row, ops: unknown, ctx: WriteCtx): WriteResult {
  if (!Array.isArray(ops) || ops.length === 0 || !ops.every(patchOpSchema)) {
    throw new CwError(400, 'The request body must be a JSON patch array such as [{"op":"replace","path":"name","value":"New name"}].');
  }
  const form = writeForm(def, existing);
  let skipCallback = false;
  const errors: CwFieldError[] = [];
  for (const { op, path, value } of ops) {
    const kind = op.toLowerCase();
    if (kind !== 'add' && kind !== 'replace' && kind !== 'remove') {
      errors.push(fieldError(def.label, path, 'InvalidField', `Unsupported patch op "${op}"; use add, replace or remove.`));
      continue;
    }
    const segs = path.replace(/^\//, '').split('/').filter((s) => s !== '');
    const head = segs[0] ?? '';
    if (head.toLowerCase() === 'skipcallback') {
      skipCallback = value === true;
      continue;
    }
    const field = def.fields.find((f) => f.name.toLowerCase() === head.toLowerCase() && !f.writeOnly);
    if (!field) {
      errors.push(fieldError(def.label, path, 'InvalidField', `${def.label} has no field "${head}".`));
      continue;
    }
    if (field.readOnly || field.derive) {
      errors.push(fieldError(def.label, field.name, 'ReadOnly', `${field.name} is read-only.`));
      continue;
    }
    const newValue = kind === 'remove' ? null : value;
    if (segs.length === 1) form[field.name] = newValue;
    else if (field.type.kind === 'ref' && segs.length === 2) form[field.name] = { [segs[1] as string]: newValue };
    else {
      let target = (form[field.name] ??= {}) as Record<string, unknown>;
      for (const s of segs.slice(1, -1)) target = (target[s] ??= {}) as Record<string, unknown>;
      target[segs[segs.length - 1] as string] = newValue;
    }
  }
  if (errors.length > 0) throw invalidObject(def.label, errors);
  const result = replaceRow(def, existing, form, ctx);
  return { row: result.row, skipCallback: skipCallback || result.skipCallback };
}

function commit(def: ResourceDef, before: Row, after: Row, ctx: WriteCtx): void {
  ctx.state.table(def.key).rows.set(after.id, after);
  afterWrite(def, after, before, ctx);
}

/** Keeps company.defaultContact and the contacts' defaultFlag in agreement (as the real UI does). */
function afterWrite(def: ResourceDef, row: Row, before: Row | undefined, ctx: WriteCtx): void {
  const s = ctx.state;
  if (def.key === 'companies' && row.defaultContact !== before?.defaultContact) {
    for (const c of s.table('contacts').rows.values()) if (c.company === row.id) c.defaultFlag = c.id === row.defaultContact;
  }
  if (def.key === 'contacts') {
    const company = s.table('companies').rows.get(row.company as number);
    if (company && row.defaultFlag === true && company.defaultContact !== row.id) {
      company.defaultContact = row.id;
      for (const c of s.table('contacts').rows.values()) if (c.company === company.id && c.id !== row.id) c.defaultFlag = false;
    } else if (company && row.defaultFlag !== true && company.defaultContact === row.id) company.defaultContact = null;
  }
}

const blocking: Partial<Record<ResourceKey, [ResourceKey, string][]>> = {
  companies: [['agreements', 'company'], ['tickets', 'company']],
  boards: [['tickets', 'board']],
  catalog: [['additions', 'product']],
};
const cascade: Partial<Record<ResourceKey, ResourceKey[]>> = {
  agreements: ['additions'],
  tickets: ['notes'],
  boards: ['boardTypes', 'boardSubtypes', 'boardStatuses'],
};

/** Deletes a row (and its children). Rows still referenced by agreements/tickets answer 409 [INF]. */
export function deleteRow(def: ResourceDef, row: Row, ctx: WriteCtx): void {
  const s = ctx.state;
  for (const [key, field] of blocking[def.key] ?? []) {
    for (const other of s.table(key).rows.values()) {
      if (other[field] === row.id) throw new CwError(409, `${def.label} ${row.id} is still used by ${resource(key).label} ${other.id}; remove or move that first.`, 'Conflict');
    }
  }
  for (const child of cascade[def.key] ?? []) for (const c of [...s.table(child).children(row.id)]) s.table(child).delete(c.id);
  if (def.key === 'companies') for (const c of [...s.table('contacts').rows.values()]) if (c.company === row.id) s.table('contacts').delete(c.id);
  if (def.key === 'contacts') {
    const company = s.table('companies').rows.get(row.company as number);
    if (company?.defaultContact === row.id) company.defaultContact = null;
  }
  s.table(def.key).delete(row.id);
}

