// /api/2/tenants: create, read, list with cursors, update with versions, disable, recursive delete,
// MFA status, pricing mode and search (reference §2, §9).
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { EmulatorContext } from '../../kit/server.ts';
import { ApiError, badRequest, Code, versionMismatch } from '../errors.ts';
import type { AcronisState, Contact, TenantKind, TenantRecord } from '../state.ts';
import { tenantView, type Lod } from '../views.ts';
import { changesBetween, lookOf, recordSubtreeDeleted, recordTenantChange } from '../tenant-events.ts';
import { callerOf } from './auth.ts';
import { itemsOfTenant } from './offering-items.ts';
import { pageBySeq, parseBody, qs, qsBool, qsDate, qsInt, qsList, requiredVersion, seqCursor, visibleTenant } from './common.ts';

const nullableString = (max: number) => z.string().max(max).nullable().optional();

export const contactInputSchema = z.looseObject({
  types: z.array(z.enum(['legal', 'primary', 'billing', 'technical', 'management'])).optional(),
  email: nullableString(254),
  address1: nullableString(255),
  address2: nullableString(255),
  country: nullableString(255),
  state: nullableString(255),
  city: nullableString(255),
  zipcode: nullableString(64),
  phone: nullableString(64),
  firstname: nullableString(255),
  lastname: nullableString(255),
  title: nullableString(255),
  website: nullableString(255),
  industry: nullableString(255),
  organization_size: nullableString(64),
  aan: nullableString(255),
  fax: nullableString(64),
  language: nullableString(16),
});
export type ContactInput = z.infer<typeof contactInputSchema>;

const contactFields = [
  'email', 'address1', 'address2', 'country', 'state', 'city', 'zipcode', 'phone', 'firstname',
  'lastname', 'title', 'website', 'industry', 'organization_size', 'aan', 'fax', 'language',
] as const;

export function buildContact(input: ContactInput | undefined, nowMs: number, previous?: Contact | null): Contact {
  const now = new Date(nowMs).toISOString();
  const base: Contact = previous
    ? { ...previous, updated_at: now }
    : {
        id: randomUUID(), created_at: now, updated_at: now, types: [], email: null, address1: null, address2: null, country: null,
        state: null, city: null, zipcode: null, phone: null, firstname: null, lastname: null, title: null, website: null,
        industry: null, organization_size: null, email_confirmed: false, aan: null, fax: null, language: null,
      };
  if (!input) return base;
  for (const f of contactFields) if (input[f] !== undefined) base[f] = input[f] ?? null;
  if (input.types) base.types = [...input.types];
  return base;
}

const creatableKinds = ['partner', 'folder', 'customer', 'unit'] as const;
const customerTypes = ['default', 'enterprise', 'consumer', 'small_office'] as const;

const createSchema = z.looseObject({
  name: z.string().trim().min(1).max(255),
  kind: z.enum(creatableKinds),
  parent_id: z.string().min(1),
  contact: contactInputSchema.optional(),
  enabled: z.boolean().optional(),
  customer_id: nullableString(255),
  internal_tag: nullableString(256),
  language: z.string().min(2).max(16).optional(),
  default_idp_id: z.string().nullable().optional(),
  update_lock: z.object({ enabled: z.boolean() }).optional(),
  ancestral_access: z.boolean().optional(),
  customer_type: z.enum(customerTypes).optional(),
});

const updateSchema = z.looseObject({
  version: z.int(),
  name: z.string().trim().min(1).max(255).optional(),
  customer_type: z.enum(customerTypes).optional(),
  parent_id: z.string().min(1).optional(),
  kind: z.enum(creatableKinds).optional(),
  contact: contactInputSchema.optional(),
  enabled: z.boolean().optional(),
  customer_id: nullableString(255),
  brand_id: z.int().optional(),
  internal_tag: nullableString(256),
  language: z.string().min(2).max(16).optional(),
  default_idp_id: z.string().nullable().optional(),
  update_lock: z.object({ enabled: z.boolean() }).optional(),
  ancestral_access: z.boolean().optional(),
});

/** Which parent kinds each kind may live under. */
const allowedParents: Record<TenantKind, readonly TenantKind[]> = {
  root: [],
  partner: ['root', 'partner', 'folder'],
  folder: ['root', 'partner', 'folder'],
  customer: ['partner', 'folder'],
  unit: ['customer', 'unit'],
};

function checkPlacement(kind: TenantKind, parent: TenantRecord): void {
  if (!allowedParents[kind].includes(parent.kind)) {
    throw badRequest(`A ${kind} tenant cannot be created under a ${parent.kind} tenant.`, { kind, parent_kind: parent.kind });
  }
}

function checkSiblingName(state: AcronisState, parentId: string, name: string, selfId?: string): void {
  const lower = name.toLowerCase();
  for (const sibling of state.children.get(parentId) ?? []) {
    if (sibling.deleted_at === null && sibling.id !== selfId && sibling.name.toLowerCase() === lower) {
      throw new ApiError(409, Code.nameConflict, `A tenant named '${name}' already exists under this parent.`, undefined, { name, parent_id: parentId });
    }
  }
}

const lods = ['stamps', 'basic', 'full_without_contacts', 'full'] as const;

function listOptions(request: FastifyRequest, state: AcronisState) {
  const lodParam = qs(request, 'lod');
  if (lodParam !== undefined && !(lods as readonly string[]).includes(lodParam)) throw badRequest(`lod must be one of ${lods.join(', ')}.`);
  const withItems = qsBool(request, 'with_offering_items');
  const withContacts = qsBool(request, 'with_contacts');
  return (t: TenantRecord) =>
    tenantView(state, t, {
      lod: (lodParam as Lod | undefined) ?? 'full',
      withContacts,
      ...(withItems ? { offeringItems: itemsOfTenant(state, t).filter((i) => i.status === 1) } : {}),
    });
}

export function tenantRoutes(app: FastifyInstance, ctx: EmulatorContext<AcronisState>): void {
  app.post('/tenants', async (request, reply) => {
    const state = ctx.state;
    const body = parseBody(createSchema, request.body);
    const parent = visibleTenant(state, request, body.parent_id);
    if (!parent.enabled) throw new ApiError(409, Code.parentDisabled, 'The parent tenant is disabled.', undefined, { parent_id: parent.id });
    checkPlacement(body.kind, parent);
    checkSiblingName(state, parent.id, body.name);
    const now = ctx.clock.nowMs();
    const t = state.addTenant({
      id: randomUUID(),
      name: body.name,
      parent_id: parent.id,
      kind: body.kind,
      enabled: body.enabled ?? true,
      version: 1,
      customer_id: body.customer_id ?? null,
      internal_tag: body.internal_tag ?? null,
      language: body.language ?? 'en',
      contact: body.contact ? buildContact(body.contact, now) : null,
      ancestral_access: body.ancestral_access ?? true,
      mfa_status: 'disabled',
      pricing_mode: body.kind === 'customer' ? 'trial' : 'production',
      pricing_version: now,
      production_start_date: null,
      customer_type: body.customer_type ?? 'default',
      brand_id: parent.brand_id,
      brand_uuid: parent.brand_uuid,
      default_idp_id: body.default_idp_id ?? parent.default_idp_id,
      update_lock: { enabled: body.update_lock?.enabled ?? false, owner_id: body.update_lock?.enabled ? callerOf(request).client_id : null },
      owner_id: null,
      created_at: now,
      updated_at: now,
      deleted_at: null,
    });
    t.apps.add('7459244f-68f3-3bf4-9f53-5f63ecc1d91f');
    recordTenantChange(ctx, t, ['created']);
    return reply.code(201).send(tenantView(state, t));
  });

  app.get('/tenants', async (request) => {
    const state = ctx.state;
    const callerTenant = callerOf(request).tenant_id;
    const view = listOptions(request, state);
    const allowDeleted = qsBool(request, 'allow_deleted');
    const uuids = qsList(request, 'uuids');
    if (uuids) {
      const items = [];
      for (const id of uuids) {
        const t = state.tenants.get(id);
        if (!t || (t.deleted_at !== null && !allowDeleted) || !state.isWithin(t.id, callerTenant)) continue;
        items.push(view(t));
      }
      return { items };
    }
    const parentId = qs(request, 'parent_id');
    const subtreeId = qs(request, 'subtree_root_id') ?? qs(request, 'subtree_root_tenant_id');
    if (!parentId && !subtreeId) throw badRequest('One of uuids, parent_id or subtree_root_id is required.');
    const updatedSince = qsDate(request, 'updated_since');
    const limit = qsInt(request, 'limit', 1, 10_000);
    const afterSeq = seqCursor(request);
    const timestamp = new Date(ctx.clock.nowMs()).toISOString();
    const keep = (t: TenantRecord) =>
      (allowDeleted || t.deleted_at === null) && (updatedSince === undefined || t.updated_at >= updatedSince);
    let result;
    if (parentId) {
      visibleTenant(state, request, parentId);
      result = pageBySeq(state.children.get(parentId) ?? [], afterSeq, limit, keep);
    } else {
      const root = visibleTenant(state, request, subtreeId as string);
      result = pageBySeq(state.tenantsBySeq, afterSeq, limit, (t) => keep(t) && state.isWithin(t.id, root.id));
    }
    return {
      timestamp,
      items: result.page.map(view),
      paging: { cursors: result.after ? { after: result.after } : {} },
    };
  });

  app.get('/tenants/:id', async (request) => {
    const { id } = request.params as { id: string };
    return tenantView(ctx.state, visibleTenant(ctx.state, request, id));
  });

  app.get('/tenants/:id/children', async (request) => {
    const { id } = request.params as { id: string };
    const t = visibleTenant(ctx.state, request, id);
    let children = (ctx.state.children.get(t.id) ?? []).filter((c) => c.deleted_at === null);
    const order = qs(request, 'order');
    if (order === 'name' || order === '-name') {
      children = [...children].sort((a, b) => a.name.localeCompare(b.name));
      if (order === '-name') children.reverse();
    } else if (order === 'status' || order === '-status') {
      children = [...children].sort((a, b) => Number(b.enabled) - Number(a.enabled));
      if (order === '-status') children.reverse();
    }
    if (qsBool(request, 'include_details')) return { items: children.map((c) => tenantView(ctx.state, c)) };
    return { items: children.map((c) => c.id) };
  });

  app.put('/tenants/:id', async (request) => {
    const state = ctx.state;
    const { id } = request.params as { id: string };
    const t = visibleTenant(state, request, id);
    const body = parseBody(updateSchema, request.body);
    if (body.version !== t.version) throw versionMismatch(t.id, t.version, body.version);
    if (body.kind !== undefined && body.kind !== t.kind) {
      const swap = (t.kind === 'partner' && body.kind === 'folder') || (t.kind === 'folder' && body.kind === 'partner');
      if (!swap) throw badRequest('kind can only change between partner and folder.', { kind: t.kind, requested: body.kind });
    }
    let newParent: TenantRecord | undefined;
    if (body.parent_id !== undefined && body.parent_id !== t.parent_id) {
      if (t.id === callerOf(request).tenant_id) throw new ApiError(403, Code.accessDenied, 'A tenant cannot move itself.');
      newParent = visibleTenant(state, request, body.parent_id);
      if (state.isWithin(newParent.id, t.id)) {
        throw new ApiError(409, Code.moveUnderChild, 'A tenant cannot be moved under itself or its descendants.', undefined, { id: t.id, parent_id: newParent.id });
      }
      checkPlacement(body.kind ?? t.kind, newParent);
    }
    const name = body.name ?? t.name;
    const parentId = newParent?.id ?? t.parent_id;
    if (parentId !== null && (name !== t.name || newParent)) checkSiblingName(state, parentId, name, t.id);

    const now = ctx.clock.nowMs();
    const before = lookOf(t);
    if (newParent) state.moveTenant(t, newParent);
    t.name = name;
    if (body.kind !== undefined) t.kind = body.kind;
    if (body.customer_type !== undefined) t.customer_type = body.customer_type;
    if (body.contact !== undefined) t.contact = buildContact(body.contact, now, t.contact);
    if (body.enabled !== undefined) t.enabled = body.enabled;
    if (body.customer_id !== undefined) t.customer_id = body.customer_id;
    if (body.brand_id !== undefined) t.brand_id = body.brand_id;
    if (body.internal_tag !== undefined) t.internal_tag = body.internal_tag;
    if (body.language !== undefined) t.language = body.language;
    if (body.default_idp_id !== undefined) t.default_idp_id = body.default_idp_id;
    if (body.ancestral_access !== undefined) t.ancestral_access = body.ancestral_access;
    if (body.update_lock !== undefined) {
      t.update_lock = { enabled: body.update_lock.enabled, owner_id: body.update_lock.enabled ? callerOf(request).client_id : null };
    }
    t.version++;
    t.updated_at = now;
    recordTenantChange(ctx, t, changesBetween(before, t));
    return tenantView(state, t);
  });

  app.delete('/tenants/:id', async (request, reply) => {
    const state = ctx.state;
    const { id } = request.params as { id: string };
    const t = visibleTenant(state, request, id);
    const version = requiredVersion(request);
    if (t.id === callerOf(request).tenant_id || t.kind === 'root') throw new ApiError(403, Code.accessDenied, 'You cannot delete your own tenant.');
    if (version !== t.version) throw versionMismatch(t.id, t.version, version);
    if (t.enabled) {
      throw new ApiError(409, Code.deleteEnabledTenant, 'It is prohibited to delete a non-disabled tenant.', { info: 'Disable the tenant first: PUT {"enabled":false,"version":N}.' }, { id: t.id });
    }
    const now = ctx.clock.nowMs();
    state.deleteTenant(t, now);
    recordSubtreeDeleted(ctx, t, now);
    return reply.code(204).send();
  });

  app.get('/tenants/:id/mfa/status', async (request) => {
    const { id } = request.params as { id: string };
    const t = visibleTenant(ctx.state, request, id);
    const users = ctx.state.usersByTenant.get(t.id) ?? [];
    return {
      mfa_status: t.mfa_status,
      users: users.length,
      users_with_totp_enabled: users.filter((u) => u.mfa_status === 'enabled').length,
      update_allowed: t.kind !== 'root',
    };
  });

  app.put('/tenants/:id/mfa/status', async (request, reply) => {
    const { id } = request.params as { id: string };
    const t = visibleTenant(ctx.state, request, id);
    const { enabled } = parseBody(z.looseObject({ enabled: z.boolean() }), request.body);
    t.mfa_status = enabled ? 'enabled' : 'disabled';
    for (const u of ctx.state.usersByTenant.get(t.id) ?? []) {
      if (enabled && u.mfa_status === 'disabled') u.mfa_status = 'setup_required';
      if (!enabled) u.mfa_status = 'disabled';
    }
    t.updated_at = ctx.clock.nowMs();
    recordTenantChange(ctx, t, ['updated']);
    return reply.code(204).send();
  });

  const pricingView = (t: TenantRecord) => ({
    mode: t.pricing_mode,
    currency: null,
    production_start_date: t.production_start_date,
    version: t.pricing_version,
  });

  app.get('/tenants/:id/pricing', async (request) => {
    const { id } = request.params as { id: string };
    return pricingView(visibleTenant(ctx.state, request, id));
  });

  app.put('/tenants/:id/pricing', async (request) => {
    const { id } = request.params as { id: string };
    const t = visibleTenant(ctx.state, request, id);
    const body = parseBody(z.looseObject({ mode: z.enum(['trial', 'production']), version: z.int() }), request.body);
    if (body.version !== t.pricing_version) throw versionMismatch(t.id, t.pricing_version, body.version);
    if (t.pricing_mode === 'production' && body.mode === 'trial') {
      throw badRequest('Switching a tenant from production back to trial is not possible.', { mode: t.pricing_mode });
    }
    const now = ctx.clock.nowMs();
    if (t.pricing_mode === 'trial' && body.mode === 'production') {
      t.pricing_mode = 'production';
      t.production_start_date = new Date(now).toISOString().slice(0, 19);
    }
    t.pricing_version = Math.max(now, t.pricing_version + 1);
    return pricingView(t);
  });

  app.get('/search', async (request) => {
    const state = ctx.state;
    const rootId = qs(request, 'tenant') ?? callerOf(request).tenant_id;
    const root = visibleTenant(state, request, rootId);
    const text = (qs(request, 'text') ?? '').toLowerCase();
    if (text === '') throw badRequest("Query parameter 'text' is required.");
    const limit = qsInt(request, 'limit', 1, 1000) ?? 100;
    const items: Record<string, unknown>[] = [];
    const pathOf = (t: TenantRecord) => state.lineage(t).slice(state.lineage(root).length - 1).map((x) => x.name);
    for (const t of state.tenantsBySeq) {
      if (items.length >= limit) break;
      if (t.deleted_at !== null || !t.name.toLowerCase().includes(text) || !state.isWithin(t.id, root.id)) continue;
      items.push({ obj_type: 'tenant', id: t.id, parent_id: t.parent_id, path: pathOf(t), kind: t.kind, name: t.name });
    }
    for (const u of state.users.values()) {
      if (items.length >= limit) break;
      if (u.deleted_at !== null || !state.isWithin(u.tenant_id, root.id)) continue;
      const hay = `${u.login} ${u.contact.email ?? ''} ${u.contact.firstname ?? ''} ${u.contact.lastname ?? ''}`.toLowerCase();
      if (!hay.includes(text)) continue;
      const owner = state.tenants.get(u.tenant_id) as TenantRecord;
      items.push({
        obj_type: 'user', id: u.id, parent_id: u.tenant_id, path: pathOf(owner), login: u.login,
        first_name: u.contact.firstname, last_name: u.contact.lastname,
      });
    }
    return { items };
  });
}
