// Users (reference §5): login check, create, read/update/delete with versions, activation, access
// policies (PUT replaces the whole set) and MFA.
import { createHash, randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { EmulatorContext } from '../../kit/server.ts';
import { roleIds } from '../catalog.ts';
import { ApiError, badRequest, Code, notFound, versionMismatch } from '../errors.ts';
import { ZERO_UUID, type AcronisState, type UserRecord } from '../state.ts';
import { userView } from '../views.ts';
import { callerOf } from './auth.ts';
import { pageBySeq, parseBody, qs, qsBool, qsDate, qsInt, qsList, requiredVersion, seqCursor, visibleTenant } from './common.ts';
import { buildContact, contactInputSchema } from './tenants.ts';

const DEFAULT_IDP_ID = '11111111-1111-1111-1111-111111111111';

export const hashPassword = (password: string) => createHash('sha256').update(`acronis-emulator:${password}`).digest('hex');

/** At least 3 printable ASCII characters, no spaces (reference §5). */
export function checkLogin(login: string): void {
  if (!/^[\x21-\x7e]{3,}$/.test(login)) {
    throw new ApiError(400, Code.invalidLogin, 'Invalid login: use at least 3 ASCII characters without spaces.', undefined, { login });
  }
}

const notificationSchema = z.array(z.string()).optional();

const createSchema = z.looseObject({
  tenant_id: z.string().min(1),
  login: z.string(),
  contact: contactInputSchema.extend({ email: z.email() }),
  external_id: z.string().nullable().optional(),
  idp_id: z.string().optional(),
  enabled: z.boolean().optional(),
  language: z.string().min(2).max(16).optional(),
  business_types: z.array(z.string()).optional(),
  notifications: notificationSchema,
});

const updateSchema = z.looseObject({
  version: z.int(),
  login: z.string().optional(),
  contact: contactInputSchema.optional(),
  enabled: z.boolean().optional(),
  language: z.string().min(2).max(16).optional(),
  notifications: notificationSchema,
  business_types: z.array(z.string()).optional(),
  external_id: z.string().nullable().optional(),
});

const policySchema = z.looseObject({
  id: z.string().optional(),
  issuer_id: z.string().optional(),
  role_id: z.enum(roleIds),
  tenant_id: z.string().min(1),
  trustee_id: z.string().optional(),
  trustee_type: z.string().optional(),
  version: z.int().optional(),
  resource: z.record(z.string(), z.unknown()).optional(),
});

export function userRoutes(app: FastifyInstance, ctx: EmulatorContext<AcronisState>): void {
  const visibleUser = (request: Parameters<typeof visibleTenant>[1], id: string): UserRecord => {
    const u = ctx.state.liveUser(id);
    if (!u || !ctx.state.isWithin(u.tenant_id, callerOf(request).tenant_id)) throw notFound('User', id);
    return u;
  };

  app.get('/users/check_login', async (request, reply) => {
    const username = qs(request, 'username');
    if (username === undefined) throw badRequest("Query parameter 'username' is required.");
    checkLogin(username);
    if (ctx.state.usersByLogin.has(username.toLowerCase())) {
      return reply.code(409).send(new ApiError(409, 409, 'The login is already taken.', undefined, { login: username }).body());
    }
    return reply.code(204).send();
  });

  app.post('/users', async (request) => {
    const state = ctx.state;
    const body = parseBody(createSchema, request.body);
    const tenant = visibleTenant(state, request, body.tenant_id);
    checkLogin(body.login);
    if (state.usersByLogin.has(body.login.toLowerCase())) {
      throw new ApiError(409, Code.nameConflict, 'The login is already taken.', undefined, { login: body.login });
    }
    const now = ctx.clock.nowMs();
    const u = state.addUser({
      id: randomUUID(),
      version: 1,
      tenant_id: tenant.id,
      login: body.login,
      contact: buildContact(body.contact, now),
      activated: false,
      enabled: body.enabled ?? true,
      terms_accepted: false,
      created_at: now,
      updated_at: now,
      deleted_at: null,
      language: body.language ?? tenant.language,
      idp_id: body.idp_id ?? DEFAULT_IDP_ID,
      external_id: body.external_id ?? null,
      // Personal tenants are not modelled as tenant records; the id is what backup_user roles point to.
      personal_tenant_id: tenant.kind === 'customer' ? randomUUID() : null,
      business_types: body.business_types ?? [],
      notifications: body.notifications ?? ['quota', 'reports', 'backup_error', 'backup_warning', 'backup_daily_report', 'backup_critical', 'maintenance'],
      mfa_status: tenant.mfa_status === 'enabled' ? 'setup_required' : 'disabled',
      passwordHash: null,
      policies: [],
    });
    return userView(u);
  });

  app.get('/users', async (request) => {
    const state = ctx.state;
    const caller = callerOf(request).tenant_id;
    const withPolicies = qsBool(request, 'with_access_policies');
    const allowDeleted = qsBool(request, 'allow_deleted');
    const uuids = qsList(request, 'uuids');
    const externalIds = qsList(request, 'external_ids');
    const tenantId = qs(request, 'tenant_id');
    const subtreeId = qs(request, 'subtree_root_tenant_id');
    if (!uuids && !externalIds && !tenantId && !subtreeId) throw badRequest('One of tenant_id, subtree_root_tenant_id, uuids or external_ids is required.');
    if (tenantId) visibleTenant(state, request, tenantId);
    if (subtreeId) visibleTenant(state, request, subtreeId);
    const since = qsDate(request, 'updated_since');
    const limit = qsInt(request, 'limit', 1, 10_000);
    const all = tenantId ? [...(state.usersByTenant.get(tenantId) ?? [])] : [...state.users.values()];
    const { page, after } = pageBySeq(all, seqCursor(request), limit, (u) =>
      (allowDeleted || u.deleted_at === null) &&
      state.isWithin(u.tenant_id, caller) &&
      (!uuids || uuids.includes(u.id)) &&
      (!externalIds || (u.external_id !== null && externalIds.includes(u.external_id))) &&
      (!subtreeId || state.isWithin(u.tenant_id, subtreeId)) &&
      (since === undefined || u.updated_at >= since),
    );
    return {
      timestamp: new Date(ctx.clock.nowMs()).toISOString(),
      items: page.map((u) => userView(u, withPolicies)),
      paging: { cursors: after ? { after } : {} },
    };
  });

  app.get('/tenants/:id/users', async (request) => {
    const { id } = request.params as { id: string };
    const t = visibleTenant(ctx.state, request, id);
    const ids = (ctx.state.usersByTenant.get(t.id) ?? []).map((u) => u.id);
    if (qsBool(request, 'include_grand_children')) {
      for (const u of ctx.state.users.values()) if (u.deleted_at === null && u.tenant_id !== t.id && ctx.state.isWithin(u.tenant_id, t.id)) ids.push(u.id);
    }
    return { items: ids };
  });

  app.get('/users/:id', async (request) => {
    const { id } = request.params as { id: string };
    return userView(visibleUser(request, id));
  });

  app.put('/users/:id', async (request) => {
    const { id } = request.params as { id: string };
    const u = visibleUser(request, id);
    const body = parseBody(updateSchema, request.body);
    if (body.version !== u.version) throw versionMismatch(u.id, u.version, body.version);
    if (body.login !== undefined && body.login !== u.login) {
      checkLogin(body.login);
      const other = ctx.state.usersByLogin.get(body.login.toLowerCase());
      if (other && other !== u) throw new ApiError(409, Code.nameConflict, 'The login is already taken.', undefined, { login: body.login });
      ctx.state.renameUser(u, body.login);
    }
    const now = ctx.clock.nowMs();
    if (body.contact !== undefined) u.contact = buildContact(body.contact, now, u.contact);
    if (body.enabled !== undefined) u.enabled = body.enabled;
    if (body.language !== undefined) u.language = body.language;
    if (body.notifications !== undefined) u.notifications = [...body.notifications];
    if (body.business_types !== undefined) u.business_types = [...body.business_types];
    if (body.external_id !== undefined) u.external_id = body.external_id;
    u.version++;
    u.updated_at = now;
    return userView(u);
  });

  app.delete('/users/:id', async (request, reply) => {
    const { id } = request.params as { id: string };
    const u = visibleUser(request, id);
    const version = requiredVersion(request);
    if (version !== u.version) throw versionMismatch(u.id, u.version, version);
    ctx.state.deleteUser(u, ctx.clock.nowMs());
    return reply.code(204).send();
  });

  app.post('/users/:id/send-activation-email', async (request, reply) => {
    const { id } = request.params as { id: string };
    const u = visibleUser(request, id);
    if (!u.contact.email) throw badRequest('The user has no e-mail address.', { id: u.id });
    ctx.state.activationEmails.push({ user_id: u.id, login: u.login, email: u.contact.email, sent_at: new Date(ctx.clock.nowMs()).toISOString() });
    return reply.code(204).send();
  });

  app.post('/users/:id/password', async (request, reply) => {
    const { id } = request.params as { id: string };
    const u = visibleUser(request, id);
    const { password } = parseBody(z.looseObject({ password: z.string().min(1) }), request.body);
    u.passwordHash = hashPassword(password);
    u.activated = true;
    u.updated_at = ctx.clock.nowMs();
    return reply.code(204).send();
  });

  app.get('/users/:id/access_policies', async (request) => {
    const { id } = request.params as { id: string };
    return { items: visibleUser(request, id).policies.map((p) => ({ ...p })) };
  });

  app.put('/users/:id/access_policies', async (request) => {
    const { id } = request.params as { id: string };
    const u = visibleUser(request, id);
    const { items } = parseBody(z.looseObject({ items: z.array(policySchema) }), request.body);
    const caller = callerOf(request);
    const policies = items.map((p) => {
      if (p.tenant_id !== u.personal_tenant_id) visibleTenant(ctx.state, request, p.tenant_id);
      if (p.trustee_id !== undefined && p.trustee_id !== u.id) throw badRequest('trustee_id must be the user the policies are set on.', { trustee_id: p.trustee_id });
      return {
        id: p.id && p.id !== ZERO_UUID ? p.id : randomUUID(),
        issuer_id: p.issuer_id && p.issuer_id !== ZERO_UUID ? p.issuer_id : caller.client_id,
        role_id: p.role_id,
        tenant_id: p.tenant_id,
        trustee_id: u.id,
        trustee_type: p.trustee_type ?? 'user',
        version: p.version ?? 0,
        ...(p.resource ? { resource: p.resource } : {}),
      };
    });
    u.policies = policies;
    u.updated_at = ctx.clock.nowMs();
    return { items: policies.map((p) => ({ ...p })) };
  });

  app.put('/users/:id/mfa/status', async (request, reply) => {
    const { id } = request.params as { id: string };
    const u = visibleUser(request, id);
    const { enabled } = parseBody(z.looseObject({ enabled: z.boolean() }), request.body);
    u.mfa_status = enabled ? 'setup_required' : 'forcibly_disabled';
    u.updated_at = ctx.clock.nowMs();
    return reply.code(204).send();
  });
}
