// Wire values: coercing what clients send into the field's type (the API is lenient with "3" for an
// int, strict with booleans), ISO dates in UTC, and user-defined field definitions by entity.
import { badRequest } from './errors.ts';
import type { EntityDef, FieldDef } from './entities.ts';
import { valueOf } from './picklists.ts';
import type { AutotaskState, Row } from './state.ts';

/** 2026-01-01T00:00:00Z, with milliseconds only when there are some. */
export function formatDate(ms: number): string {
  const iso = new Date(ms).toISOString();
  return iso.endsWith('.000Z') ? `${iso.slice(0, 19)}Z` : iso;
}

export function parseDate(value: unknown): number | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  // A date without a zone is UTC on this API.
  const text = /[zZ]|[+-]\d\d:?\d\d$/.test(value) || !value.includes('T') ? value : `${value}Z`;
  const ms = Date.parse(text.includes('T') ? text : `${text}T00:00:00Z`);
  return Number.isNaN(ms) ? undefined : ms;
}

/** The field's value in its wire type, or a 400 naming the field. null stays null. */
export function coerce(entity: EntityDef, field: FieldDef, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  const bad = () => badRequest(`${entity.name}: the value '${typeof value === 'object' ? JSON.stringify(value) : String(value)}' is not valid for field ${field.name} (${field.type}).`);
  switch (field.type) {
    case 'integer':
    case 'long': {
      const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
      if (!Number.isInteger(n)) throw bad();
      return n;
    }
    case 'double': {
      const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
      if (!Number.isFinite(n)) throw bad();
      return n;
    }
    case 'boolean':
      if (typeof value !== 'boolean') throw bad();
      return value;
    case 'datetime': {
      const ms = parseDate(value);
      if (ms === undefined) throw bad();
      return formatDate(ms);
    }
    case 'string': {
      if (typeof value === 'object') throw bad();
      const s = String(value);
      if (field.length !== null && s.length > field.length) {
        throw badRequest(`${entity.name}: field ${field.name} is longer than its maximum length of ${field.length}.`);
      }
      return s;
    }
    case 'object':
      return value;
  }
}

/** Active UDF definitions of an entity (by its udfType), in sort order. */
export function udfDefinitions(state: AutotaskState, entity: EntityDef): Row[] {
  if (entity.udfType === null) return [];
  const type = valueOf(state.picklists.get('UserDefinedFieldDefinitions.udfType'), entity.udfType);
  const out: Row[] = [];
  for (const r of state.table('UserDefinedFieldDefinitions').rows.values()) if (r.udfType === type && r.isActive !== false) out.push(r);
  return out.sort((a, b) => Number(a.sortOrder ?? 0) - Number(b.sortOrder ?? 0) || a.id - b.id);
}

export function udfByName(state: AutotaskState, entity: EntityDef, name: string): Row | undefined {
  const lower = name.toLowerCase();
  return udfDefinitions(state, entity).find((d) => String(d.name).toLowerCase() === lower);
}

/** Label of a picklist value of `Entity.field`, or undefined. */
export function picklistLabel(state: AutotaskState, key: string, value: unknown): string | undefined {
  return state.picklists.get(key)?.find((v) => v.value === String(value))?.label;
}
