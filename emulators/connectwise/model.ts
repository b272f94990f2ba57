// How a resource is described once and used everywhere: the wire view, conditions/orderBy/fields
// paths and their types, write parsing (POST/PUT/PATCH) and validation. Rows store scalars, and
// references as ids, so names shown in references are always current (as the real API joins them).
import type { CwFieldError } from './errors.ts';
import type { CwState, Row } from './state.ts';

export type ResourceKey =
  | 'companies'
  | 'companyStatuses'
  | 'companyTypes'
  | 'contacts'
  | 'agreementTypes'
  | 'agreements'
  | 'additions'
  | 'catalog'
  | 'productCategories'
  | 'productSubcategories'
  | 'productTypes'
  | 'boards'
  | 'boardTypes'
  | 'boardSubtypes'
  | 'boardStatuses'
  | 'priorities'
  | 'tickets'
  | 'notes'
  | 'callbacks'
  | 'members';

export type ScalarType = 'string' | 'number' | 'boolean' | 'datetime';

export type FieldType =
  | { kind: 'string'; max?: number }
  | { kind: 'number'; integer?: boolean; min?: number }
  | { kind: 'boolean' }
  | { kind: 'datetime' }
  | { kind: 'enum'; values: readonly string[] }
  /** A reference, stored as the target id. `show`: what the reference displays besides id. */
  | { kind: 'ref'; to: ResourceKey; show: readonly ('identifier' | 'name')[]; scopedBy?: string }
  | { kind: 'refs'; to: ResourceKey; show: readonly ('identifier' | 'name')[] }
  | { kind: 'ints' }
  /** Stored and shown as sent; `sub` types the paths conditions may use inside (arrays are "any"). */
  | { kind: 'objects'; sub: Record<string, ScalarType> }
  | { kind: 'object'; sub: Record<string, ScalarType> }
  | { kind: 'customFields' };

export interface WriteCtx {
  state: CwState;
  nowMs: number;
  /** Member identifier of the caller (API member or a technician through the control API). */
  actor: string;
  actorMemberId: number;
  /** The parent row id for child resources. */
  parentId?: number;
}

export interface FieldDef {
  name: string;
  type: FieldType;
  required?: boolean;
  /** Not writable; shown from the row (or `derive`). */
  readOnly?: boolean;
  /** Accepted on write, never stored or shown (e.g. skipCallback). */
  writeOnly?: boolean;
  default?: (row: Row, ctx: WriteCtx) => unknown;
  /** Read when the stored row has no value at all (rows seeded sparse to keep `large` lean). */
  fallback?: unknown;
  /** Computed at view and query time. */
  derive?: (row: Row, state: CwState) => unknown;
}

export interface ResourceDef {
  key: ResourceKey;
  /** Path under /apis/3.0 with `{parentId}` for child resources, e.g. 'finance/agreements/{parentId}/additions'. */
  path: string;
  /** Used in messages: "company object is invalid". */
  label: string;
  parent?: {
    key: ResourceKey;
    /** Row field holding the parent id. */
    field: string;
    /** How the parent shows in the view: an id field (`agreementId`) or a reference (`board`). */
    view: { kind: 'id'; name: string } | { kind: 'ref'; name: string };
  };
  fields: FieldDef[];
  methods: readonly ('GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE')[];
  /** The name a reference to a row of this resource shows (default: row.name). */
  displayName?: (row: Row) => string;
  /** Cross-field rules, run after the fields parse. */
  validate?: (row: Row, ctx: WriteCtx, before: Row | undefined) => CwFieldError[];
  /** Extra `_info` hrefs (absolute, from the API base URL). */
  hrefs?: (row: Row, base: string) => Record<string, string>;
  /** Callback type fired on changes (company, contact, agreement, ticket). */
  callbackType?: string;
}

export const fieldError = (resource: string, field: string, code: string, message: string): CwFieldError => ({ code, message, resource, field });
