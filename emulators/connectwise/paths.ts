// Field paths as conditions, childConditions and orderBy name them (`company/id`, `board/name`,
// `types/name`, `communicationItems/value`, `lastUpdated` or `_info/lastUpdated`), compiled once per
// request into typed getters over stored rows. Names match case-insensitively [INF].
import { CwError } from './errors.ts';
import type { ResourceDef, ScalarType } from './model.ts';
import { resource } from './resources.ts';
import type { CwState, Row } from './state.ts';
import { displayName, fieldValue } from './views.ts';

export type ValueType = ScalarType | 'any';

export interface Getter {
  path: string;
  type: ValueType;
  /** A path through a list (types, communicationItems): `get` returns every value. */
  multi: boolean;
  get(row: Row): unknown;
}

const META: Record<string, { type: ValueType; field: string }> = {
  lastupdated: { type: 'datetime', field: '_lastUpdated' },
  updatedby: { type: 'string', field: '_updatedBy' },
  dateentered: { type: 'datetime', field: '_dateEntered' },
  enteredby: { type: 'string', field: '_enteredBy' },
};

const unknownField = (path: string, def: ResourceDef) => new CwError(400, `Cannot find field "${path}" on ${def.label}. Check the field name and the "/" path to nested fields.`);

function refPart(state: CwState, to: Parameters<typeof resource>[0], sub: string | undefined, path: string, def: ResourceDef): { type: ValueType; map: (id: unknown) => unknown } {
  const target = resource(to);
  if (sub === 'id') return { type: 'number', map: (id) => id };
  if (sub === 'name') return { type: 'string', map: (id) => (typeof id === 'number' ? ((r) => (r ? displayName(target, r) : null))(state.table(to).rows.get(id)) : null) };
  if (sub === 'identifier' && target.fields.some((f) => f.name === 'identifier')) {
    return { type: 'string', map: (id) => (typeof id === 'number' ? (state.table(to).rows.get(id)?.identifier ?? null) : null) };
  }
  if (sub === undefined) throw new CwError(400, `The field "${path}" is an object; compare one of its fields, e.g. ${path}/id.`);
  throw unknownField(path, def);
}

export function compilePath(def: ResourceDef, state: CwState, raw: string): Getter {
  const path = raw.trim();
  const segs = path.split('/').map((s) => s.toLowerCase());
  if (segs[0] === '_info') segs.shift();
  const [head, ...rest] = segs;
  if (head === undefined || head === '') throw unknownField(path, def);
  if (head === 'id' && rest.length === 0) return { path, type: 'number', multi: false, get: (r) => r.id };
  const meta = META[head];
  if (meta && rest.length === 0) return { path, type: meta.type, multi: false, get: (r) => r[meta.field] };
  if (def.parent) {
    const p = def.parent;
    if (p.view.kind === 'id' && head === p.view.name.toLowerCase() && rest.length === 0) return { path, type: 'number', multi: false, get: (r) => r[p.field] };
    if (p.view.kind === 'ref' && head === p.view.name.toLowerCase()) {
      const part = refPart(state, p.key, rest[0], path, def);
      if (rest.length > 1) throw unknownField(path, def);
      return { path, type: part.type, multi: false, get: (r) => part.map(r[p.field]) };
    }
  }
  const field = def.fields.find((f) => f.name.toLowerCase() === head && !f.writeOnly);
  if (!field) throw unknownField(path, def);
  const t = field.type;
  const own = (r: Row) => fieldValue(field, r, state);
  switch (t.kind) {
    case 'string':
    case 'enum':
    case 'number':
    case 'boolean':
    case 'datetime': {
      if (rest.length > 0) throw unknownField(path, def);
      const type: ValueType = t.kind === 'enum' ? 'string' : t.kind;
      return { path, type, multi: false, get: own };
    }
    case 'ref': {
      if (rest.length > 1) throw unknownField(path, def);
      const part = refPart(state, t.to, rest[0], path, def);
      return { path, type: part.type, multi: false, get: (r) => part.map(own(r)) };
    }
    case 'refs': {
      if (rest.length > 1) throw unknownField(path, def);
      const part = refPart(state, t.to, rest[0], path, def);
      return { path, type: part.type, multi: true, get: (r) => ((own(r) as number[] | undefined) ?? []).map(part.map) };
    }
    case 'ints':
      if (rest.length > 0) throw unknownField(path, def);
      return { path, type: 'number', multi: true, get: (r) => (own(r) as number[] | undefined) ?? [] };
    case 'object':
    case 'objects': {
      const subKey = Object.keys(t.sub).find((k) => k.toLowerCase() === rest.join('/'));
      if (subKey === undefined) throw unknownField(path, def);
      const subPath = subKey.split('/');
      const dig = (o: unknown) => subPath.reduce<unknown>((acc, k) => (acc !== null && typeof acc === 'object' ? (acc as Record<string, unknown>)[k] : undefined), o);
      const type = t.sub[subKey] as ScalarType;
      if (t.kind === 'object') return { path, type, multi: false, get: (r) => dig(own(r)) };
      return { path, type, multi: true, get: (r) => ((own(r) as unknown[] | undefined) ?? []).map(dig) };
    }
    case 'customFields':
      throw new CwError(400, `Custom fields cannot be used in conditions; use customFieldConditions.`);
  }
}
