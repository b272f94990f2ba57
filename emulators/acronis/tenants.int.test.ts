import { beforeAll, describe, expect, it } from 'vitest';
import { startHarness } from './test-support.ts';
import { harnessPerFile } from '../kit/harness-per-file.test-support.ts';

const h = harnessPerFile(startHarness, 'demo', { reseedEachTest: true });
let partner: string;
beforeAll(() => {
  partner = h.emu.partnerId;
});

const newCustomer = (name: string, extra: Record<string, unknown> = {}) =>
  h.api('POST', '/tenants', { name, kind: 'customer', parent_id: partner, ...extra });

describe('create and read', () => {
  it('creates a customer: 201, version 1, trial pricing, the given references', async () => {
    const r = await newCustomer('Foobar', { language: 'fr', internal_tag: 'x', customer_id: 'CRM-42', contact: { email: 'a@b.example', phone: '+1 555' } });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      name: 'Foobar',
      kind: 'customer',
      parent_id: partner,
      version: 1,
      enabled: true,
      has_children: false,
      pricing_mode: 'trial',
      customer_id: 'CRM-42',
      internal_tag: 'x',
      language: 'fr',
      ancestral_access: true,
      mfa_status: 'disabled',
      contact: { email: 'a@b.example', phone: '+1 555', id: expect.any(String) },
    });
    expect((await h.api('GET', `/tenants/${r.body.id}`)).body).toEqual(r.body);
    expect((await h.api('GET', `/tenants/${partner}/pricing`)).body.mode).toBe('production');
    expect((await h.api('GET', `/tenants/${r.body.id}/pricing`)).body).toMatchObject({ mode: 'trial', version: expect.any(Number) });
  });

  it('validates: required fields, kinds, internal_tag length, unit under a partner', async () => {
    const missing = await h.api('POST', '/tenants', { kind: 'customer', parent_id: partner });
    expect(missing.status).toBe(400);
    expect(missing.body.error.details.fields[0].field).toBe('name');
    expect((await newCustomer('x', { internal_tag: 'y'.repeat(257) })).status).toBe(400);
    expect((await h.api('POST', '/tenants', { name: 'u', kind: 'unit', parent_id: partner })).status).toBe(400);
    expect((await h.api('POST', '/tenants', { name: 'u', kind: 'root', parent_id: partner })).status).toBe(400);
    const nf = await newCustomer('x', { parent_id: '7a1b2c3d-0000-4000-8000-000000000000' });
    expect(nf.status).toBe(404);
    expect(nf.body.error).toMatchObject({ code: 1005, domain: 'PlatformAccountServer' });
  });

  it('refuses a sibling name conflict with 1004 (409)', async () => {
    const r = await newCustomer('Contoso Dental Group');
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe(1004);
  });

  it('units live under customers', async () => {
    const c = (await newCustomer('HasUnits')).body;
    const u = await h.api('POST', '/tenants', { name: 'Dept', kind: 'unit', parent_id: c.id });
    expect(u.status).toBe(201);
    expect((await h.api('GET', `/tenants/${c.id}`)).body.has_children).toBe(true);
  });

  it('reads several by uuids and children as ids or details', async () => {
    const list = (await h.api('GET', `/tenants?parent_id=${partner}&limit=3`)).body.items as { id: string }[];
    const ids = list.map((t) => t.id);
    const byIds = await h.api('GET', `/tenants?uuids=${ids.join(',')}`);
    expect(byIds.body.items.map((t: { id: string }) => t.id)).toEqual(ids);
    const children = await h.api('GET', `/tenants/${partner}/children`);
    expect(children.body.items.slice(0, 3)).toEqual(ids);
    expect(typeof children.body.items[0]).toBe('string');
    const detailed = await h.api('GET', `/tenants/${partner}/children?include_details=true`);
    expect(detailed.body.items[0]).toMatchObject({ id: ids[0], kind: 'customer' });
  });

  it('includes contacts and offering items on request, and honours lod', async () => {
    const r = await h.api('GET', `/tenants?parent_id=${partner}&limit=1&with_contacts=true&with_offering_items=true`);
    const t = r.body.items[0];
    expect(t.contacts).toHaveLength(1);
    expect(t.offering_items.length).toBeGreaterThan(0);
    expect(t.offering_items.every((i: { status: number }) => i.status === 1)).toBe(true);
    const stamps = await h.api('GET', `/tenants?parent_id=${partner}&limit=1&lod=stamps`);
    expect(Object.keys(stamps.body.items[0]).sort()).toEqual(['deleted_at', 'id', 'updated_at', 'version']);
    const noContacts = await h.api('GET', `/tenants?parent_id=${partner}&limit=1&lod=full_without_contacts`);
    expect(noContacts.body.items[0].contact).toBeUndefined();
  });

  it('exposes one self-service customer, a folder, and customers with and without customer_id', async () => {
    const all = (await h.api('GET', `/tenants?subtree_root_id=${partner}`)).body.items as Array<Record<string, unknown>>;
    expect(all.filter((t) => t.ancestral_access === false)).toHaveLength(1);
    expect(all.filter((t) => t.kind === 'folder')).toHaveLength(1);
    const customers = all.filter((t) => t.kind === 'customer');
    expect(customers.length).toBeGreaterThanOrEqual(28);
    expect(customers.some((t) => t.customer_id === null)).toBe(true);
    expect(customers.some((t) => typeof t.customer_id === 'string')).toBe(true);
  });
});

describe('paging and incremental listing', () => {
  it('walks every child with opaque cursors; the last page has no after', async () => {
    const seen: string[] = [];
    let after: string | undefined;
    let pages = 0;
    do {
      const r = await h.api('GET', `/tenants?parent_id=${partner}&limit=7${after ? `&after=${encodeURIComponent(after)}` : ''}`);
      expect(r.status).toBe(200);
      expect(r.body.timestamp).toEqual(expect.any(String));
      seen.push(...r.body.items.map((t: { id: string }) => t.id));
      after = r.body.paging.cursors.after;
      pages++;
    } while (after);
    const children = (await h.api('GET', `/tenants/${partner}/children`)).body.items;
    expect(seen).toEqual(children);
    expect(pages).toBe(Math.ceil(children.length / 7));
    expect((await h.api('GET', `/tenants?parent_id=${partner}&after=garbage!`)).status).toBe(400);
  });

  it('returns only tenants changed since updated_since (the previous timestamp)', async () => {
    const first = await h.api('GET', `/tenants?subtree_root_id=${partner}`);
    const since = first.body.timestamp as string;
    const none = await h.api('GET', `/tenants?subtree_root_id=${partner}&updated_since=${encodeURIComponent(since)}`);
    expect(none.body.items).toEqual([]);
    const target = first.body.items.find((t: { kind: string }) => t.kind === 'customer');
    await h.api('PUT', `/tenants/${target.id}`, { version: target.version, internal_tag: 'changed' });
    const changed = await h.api('GET', `/tenants?subtree_root_id=${partner}&updated_since=${encodeURIComponent(since)}`);
    expect(changed.body.items.map((t: { id: string }) => t.id)).toEqual([target.id]);
  });

  it('needs one of uuids, parent_id or subtree_root_id', async () => {
    expect((await h.api('GET', '/tenants')).status).toBe(400);
  });
});

describe('update, disable, delete', () => {
  it('updates partially with the version, bumps it and refuses a stale one with 1001', async () => {
    const c = (await newCustomer('Versioned')).body;
    const r = await h.api('PUT', `/tenants/${c.id}`, { version: 1, name: 'JohnDoe, Inc', language: 'fr', contact: { email: 'new@x.example' } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ version: 2, name: 'JohnDoe, Inc', language: 'fr', customer_id: null, contact: { email: 'new@x.example' } });
    expect(Date.parse(r.body.updated_at)).toBeGreaterThanOrEqual(Date.parse(c.updated_at));
    const stale = await h.api('PUT', `/tenants/${c.id}`, { version: 1, name: 'Other' });
    expect(stale.status).toBe(409);
    expect(stale.body.error).toMatchObject({ code: 1001, domain: 'PlatformAccountServer' });
    expect((await h.api('PUT', `/tenants/${c.id}`, { name: 'NoVersion' })).status).toBe(400);
  });

  it('refuses to delete an enabled tenant (1006), then deletes recursively once disabled', async () => {
    const c = (await newCustomer('ToDelete')).body;
    const unit = (await h.api('POST', '/tenants', { name: 'Sub', kind: 'unit', parent_id: c.id })).body;
    const refused = await h.api('DELETE', `/tenants/${c.id}?version=1`);
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 1006, message: 'It is prohibited to delete a non-disabled tenant.' });
    const disabled = await h.api('PUT', `/tenants/${c.id}`, { enabled: false, version: 1 });
    expect(disabled.body).toMatchObject({ enabled: false, version: 2 });
    expect((await h.api('DELETE', `/tenants/${c.id}?version=1`)).body.error.code).toBe(1001);
    const del = await h.api('DELETE', `/tenants/${c.id}?version=2`);
    expect(del.status).toBe(204);
    expect(del.body).toBeUndefined();
    expect((await h.api('GET', `/tenants/${c.id}`)).body.error.code).toBe(1005);
    expect((await h.api('GET', `/tenants/${unit.id}`)).status).toBe(404);
    expect((await h.api('GET', `/tenants/${partner}/children`)).body.items).not.toContain(c.id);
    const withDeleted = await h.api('GET', `/tenants?uuids=${c.id}&allow_deleted=true`);
    expect(withDeleted.body.items[0].deleted_at).not.toBeNull();
  });

  it('moves a tenant with parent_id and refuses a move under its own subtree (1007)', async () => {
    const folder = (await h.api('POST', '/tenants', { name: 'Folder X', kind: 'folder', parent_id: partner })).body;
    const c = (await newCustomer('Mover')).body;
    const moved = await h.api('PUT', `/tenants/${c.id}`, { version: 1, parent_id: folder.id });
    expect(moved.body.parent_id).toBe(folder.id);
    expect((await h.api('GET', `/tenants/${folder.id}/children`)).body.items).toEqual([c.id]);
    const loop = await h.api('PUT', `/tenants/${folder.id}`, { version: folder.version, parent_id: folder.id });
    expect(loop.body.error.code).toBe(1007);
  });

  it('changes kind only between partner and folder', async () => {
    const f = (await h.api('POST', '/tenants', { name: 'Sub-partner', kind: 'partner', parent_id: partner })).body;
    expect((await h.api('PUT', `/tenants/${f.id}`, { version: 1, kind: 'folder' })).body.kind).toBe('folder');
    expect((await h.api('PUT', `/tenants/${f.id}`, { version: 2, kind: 'customer' })).status).toBe(400);
  });
});

describe('MFA, pricing, search', () => {
  it('reads and sets tenant MFA status', async () => {
    const c = (await newCustomer('Mfa')).body;
    expect((await h.api('GET', `/tenants/${c.id}/mfa/status`)).body).toEqual({ mfa_status: 'disabled', users: 0, users_with_totp_enabled: 0, update_allowed: true });
    expect((await h.api('PUT', `/tenants/${c.id}/mfa/status`, { enabled: true })).status).toBe(204);
    expect((await h.api('GET', `/tenants/${c.id}`)).body.mfa_status).toBe('enabled');
  });

  it('switches trial to production once, with the pricing version', async () => {
    const c = (await newCustomer('Pricing')).body;
    const p = (await h.api('GET', `/tenants/${c.id}/pricing`)).body;
    expect((await h.api('PUT', `/tenants/${c.id}/pricing`, { mode: 'production', version: p.version - 1 })).status).toBe(409);
    const r = await h.api('PUT', `/tenants/${c.id}/pricing`, { mode: 'production', version: p.version });
    expect(r.body).toMatchObject({ mode: 'production', production_start_date: expect.any(String) });
    expect(r.body.version).toBeGreaterThan(p.version);
    expect((await h.api('PUT', `/tenants/${c.id}/pricing`, { mode: 'trial', version: r.body.version })).status).toBe(400);
    expect((await h.api('GET', `/tenants/${c.id}`)).body.pricing_mode).toBe('production');
  });

  it('searches tenants and users by text', async () => {
    const r = await h.api('GET', `/search?tenant=${partner}&text=northwind`);
    expect(r.body.items).toContainEqual(expect.objectContaining({ obj_type: 'tenant', name: 'Northwind Traders', kind: 'customer' }));
    expect(r.body.items).toContainEqual(expect.objectContaining({ obj_type: 'user', login: 'northwind_admin', parent_id: partner }));
  });
});

describe('applications, infra, locations', () => {
  it('lists applications with their real ids and binds/unbinds them', async () => {
    const apps = (await h.api('GET', '/applications')).body.items as Array<{ id: string; type: string; usages: string[] }>;
    expect(apps.find((a) => a.type === 'backup')?.id).toBe('6e6d758d-8e74-3ae3-ac84-50eb0dff12eb');
    expect(apps.find((a) => a.type === 'platform')?.id).toBe('7459244f-68f3-3bf4-9f53-5f63ecc1d91f');
    expect(apps.find((a) => a.type === 'files_cloud')?.id).toBe('dfd85a5f-a464-32ab-81fd-99bcc66a070f');
    expect(apps.find((a) => a.type === 'backup')?.usages).toContain('mailboxes');
    const c = (await newCustomer('Apps')).body;
    const backup = '6e6d758d-8e74-3ae3-ac84-50eb0dff12eb';
    expect((await h.api('GET', `/tenants/${c.id}/applications`)).body.items).not.toContain(backup);
    expect((await h.api('POST', `/applications/${backup}/bindings/tenants/${c.id}`)).status).toBe(204);
    expect((await h.api('GET', `/tenants/${c.id}/applications`)).body.items).toContain(backup);
    expect((await h.api('DELETE', `/applications/${backup}/bindings/tenants/${c.id}`)).status).toBe(204);
    expect((await h.api('GET', `/tenants/${c.id}/applications`)).body.items).not.toContain(backup);
  });

  it('shows the partner two storages: Acronis-hosted and its own, with locations', async () => {
    const infras = (await h.api('GET', `/tenants/${partner}/infra`)).body.infras as string[];
    expect(infras).toHaveLength(2);
    const items = (await h.api('GET', `/infra?uuids=${infras.join(',')}`)).body.items;
    expect(items.map((i: { platform_owned: boolean }) => i.platform_owned).sort()).toEqual([false, true]);
    expect(items.find((i: { platform_owned: boolean }) => !i.platform_owned).owner_tenant_id).toBe(partner);
    const locations = (await h.api('GET', `/tenants/${partner}/locations`)).body.locations as string[];
    const locs = (await h.api('GET', `/locations?uuids=${locations.join(',')}`)).body.items;
    expect(locs).toHaveLength(2);
  });
});

describe('content types', () => {
  it('answers 415 for a non-JSON body on a JSON route', async () => {
    const token = await h.token();
    const res = await fetch(`${h.emu.url}/api/2/tenants`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'text/plain' },
      body: 'name=x',
    });
    expect(res.status).toBe(415);
    expect(((await res.json()) as any).error.code).toBe(415);
  });
});
