// Roles: a read-only user, or a read-only API token, may read everything and change nothing. The
// guard sits in one place (src/http/auth/authorize.ts); this test walks every route the API scope
// registered (recorded by the guard's onRoute hook) so a route added later cannot escape it, and
// checks that list against the OpenAPI document so the record itself is complete.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as tokenRoles from '../../src/store/migrations/0016_token_roles.ts';
import { testDatabases } from '../support/databases.ts';
import { startHub, type TestHub } from '../support/hub.ts';
import { CSRF_HEADER } from '../../src/http/auth/authenticate.ts';
import { SESSION_COOKIE } from '../../src/http/auth/session-cookie.ts';
import { deleteUser, setUserDisabled, setUserRole } from '../../src/sync/hub-users.ts';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** The only non-GET routes a read-only principal may call, each with the reason in its config. */
const ALLOWED = ['POST /api/v1/auth/logout', 'POST /api/v1/auth/password', 'POST /api/v1/integrations/:id/mappings/preview'];

describe.each(testDatabases())('read-only role on $name', (db) => {
  let hub: TestHub;
  let admin: Record<string, string>;
  beforeEach(async () => {
    hub = await startHub(db, { apiDocs: true });
    admin = await hub.tokenHeaders();
  });
  afterEach(async () => {
    await hub.close();
  });

  const call = (method: Method, url: string, headers: Record<string, string>, payload?: object) =>
    hub.app.inject({ method, url: `/api/v1${url}`, headers, ...(payload ? { payload } : {}) });

  async function readOnlyToken(): Promise<Record<string, string>> {
    const res = await call('POST', '/tokens', admin, { name: 'dashboard', role: 'read_only' });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ name: 'dashboard', role: 'read_only' });
    return { authorization: `Bearer ${res.json().token}` };
  }

  async function viewerSession(): Promise<{ id: string; headers: Record<string, string> }> {
    const created = await call('POST', '/users', admin, { username: 'viewer', role: 'read_only' });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({ username: 'viewer', role: 'read_only', generatedPassword: expect.any(String) });
    const login = await hub.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'viewer', password: created.json().generatedPassword } });
    expect(login.statusCode, login.body).toBe(200);
    expect(login.json().user.role).toBe('read_only');
    const cookie = login.cookies.find((c) => c.name === SESSION_COOKIE)!;
    return { id: created.json().id, headers: { cookie: `${SESSION_COOKIE}=${cookie.value}`, [CSRF_HEADER]: 'psa-bridge' } };
  }

  it('existing users and tokens stay admins; a read-only token reads and cannot write (sample of routes)', async () => {
    expect((await call('GET', '/auth/me', admin)).json().user.role).toBe('admin');
    expect((await call('GET', '/users', admin)).json().items).toEqual([expect.objectContaining({ username: 'admin', role: 'admin' })]);
    const reader = await readOnlyToken();
    expect((await call('GET', '/auth/me', reader)).json()).toMatchObject({ user: { username: 'admin', role: 'read_only' }, via: 'token' });

    const connectionsBefore = (await call('GET', '/connections', admin)).json().items.length;
    for (const url of ['/integrations', '/connections', '/users', '/tokens', '/status']) {
      expect((await call('GET', url, reader)).statusCode, `GET ${url}`).toBe(200);
    }
    const writes: Array<[Method, string, object | undefined]> = [
      ['POST', '/connections', { name: 'x', baseUrl: 'https://eu2-cloud.acronis.com', clientId: 'c', clientSecret: 's' }],
      ['DELETE', '/connections/some-id', undefined],
      ['POST', '/users', { username: 'sneaky', password: 'long enough password' }],
      ['POST', '/tokens', { name: 'escalate', role: 'admin' }],
      ['PATCH', '/integrations/some-id', { name: 'renamed' }],
      ['POST', '/integrations/some-id/loops/provisioning/run', {}],
      ['POST', '/integrations/some-id/approvals', {}],
      ['PUT', '/integrations/some-id/settings/provisioning', {}],
    ];
    for (const [method, url, payload] of writes) {
      const res = await call(method, url, reader, payload);
      expect(res.statusCode, `${method} ${url}: ${res.body}`).toBe(403);
      expect(res.json().error.code).toBe('read_only');
      expect(res.json().error.message).toMatch(/^The API token "dashboard" is read-only: it may read everything but change nothing/);
      expect(res.json().error.message).toMatch(/Ask an administrator/);
    }
    // Nothing was written by the refused calls.
    expect((await call('GET', '/users', admin)).json().items).toHaveLength(1);
    expect((await call('GET', '/connections', admin)).json().items).toHaveLength(connectionsBefore);
    expect((await call('GET', '/tokens', admin)).json().items.map((t: { name: string }) => t.name)).toEqual(['tests', 'dashboard']);
  });

  it('a read-only user signs in, reads, changes only their own password, and no admin token of theirs writes', async () => {
    const viewer = await viewerSession();
    expect((await call('GET', '/integrations', viewer.headers)).statusCode).toBe(200);
    const refused = await call('PATCH', `/users/${viewer.id}`, viewer.headers, { role: 'admin' });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.message).toMatch(/^The user "viewer" is read-only/);
    // Even a token of theirs stored as admin acts read-only: the lesser of the two roles.
    const { token } = await hub.store.repos.apiTokens.create(viewer.id, 'old', 'admin');
    const res = await call('POST', '/connections', { authorization: `Bearer ${token}` }, {});
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('read_only');

    const password = await call('POST', '/auth/password', viewer.headers, { currentPassword: 'wrong password!', newPassword: 'a brand new password' });
    expect(password.statusCode).toBe(403);
    expect(password.json().error.code).toBe('wrong_password'); // reached the route: only the password was wrong
    expect((await call('POST', '/auth/logout', viewer.headers)).statusCode).toBe(204);
  });

  it('refuses every non-GET route the API registered, except the few that change only the caller; the record matches the OpenAPI document', async () => {
    const reader = await readOnlyToken();
    const routes = hub.app.guardedRoutes!;
    const unsafe = routes.filter((r) => UNSAFE.has(r.method));
    expect(unsafe.length).toBeGreaterThanOrEqual(30);

    // The onRoute record is complete: every non-GET operation of /api/v1 in the OpenAPI document is in it.
    const doc = (await hub.app.inject({ method: 'GET', url: '/api/docs/json' })).json<{ paths: Record<string, Record<string, unknown>> }>();
    const documented = Object.entries(doc.paths)
      .filter(([path]) => path.startsWith('/api/v1/'))
      .flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path.replace(/\{([^}]+)\}/g, ':$1')}`))
      .filter((key) => UNSAFE.has(key.split(' ')[0]!));
    expect(new Set(unsafe.map((r) => `${r.method} ${r.url}`))).toEqual(new Set(documented));

    expect(unsafe.filter((r) => r.policy === 'allowed').map((r) => `${r.method} ${r.url}`).sort()).toEqual(ALLOWED);
    expect(unsafe.filter((r) => r.policy === 'public').map((r) => `${r.method} ${r.url}`)).toEqual(['POST /api/v1/auth/login']);

    for (const route of unsafe.filter((r) => r.policy === 'write')) {
      const url = route.url.replace(/:[A-Za-z]+/g, 'x');
      const res = await hub.app.inject({ method: route.method as Method, url, headers: reader, payload: {} });
      expect(res.statusCode, `${route.method} ${route.url}: ${res.body}`).toBe(403);
      expect(res.json().error.code, `${route.method} ${route.url}`).toBe('read_only');
    }
  });

  it('an administrator changes roles; nobody demotes themselves and the last enabled administrator cannot be made read-only, disabled or deleted', async () => {
    const viewer = await viewerSession();
    const promoted = await call('PATCH', `/users/${viewer.id}`, admin, { role: 'admin' });
    expect(promoted.statusCode, promoted.body).toBe(200);
    expect(promoted.json().role).toBe('admin');
    // Their existing session writes now (the role is read per request).
    expect((await call('POST', '/tokens', viewer.headers, { name: 'mine' })).statusCode).toBe(201);
    expect((await call('PATCH', `/users/${viewer.id}`, admin, { role: 'read_only' })).json().role).toBe('read_only');

    const self = (await call('GET', '/auth/me', admin)).json().user.id;
    const selfDemote = await call('PATCH', `/users/${self}`, await hub.sessionHeaders(), { role: 'read_only' });
    expect(selfDemote.statusCode).toBe(409);
    expect(selfDemote.json().error.code).toBe('cannot_change_self');
    // An operator (the CLI) may act on anyone, but not leave the hub without an enabled administrator.
    const operator = { kind: 'operator', label: 'cli' } as const;
    await expect(setUserRole(hub.store.repos, operator, self, 'read_only')).rejects.toThrow(/only enabled administrator/);
    await expect(setUserDisabled(hub.store.repos, operator, self, true)).rejects.toThrow(/only enabled administrator/);
    await expect(deleteUser(hub.store.repos, operator, self)).rejects.toThrow(/only enabled administrator/);
    // With a second administrator, the first may be made read-only.
    await call('PATCH', `/users/${viewer.id}`, admin, { role: 'admin' });
    expect((await setUserRole(hub.store.repos, operator, self, 'read_only')).role).toBe('read_only');
    expect((await call('POST', '/tokens', admin, { name: 'after' })).json().error.code).toBe('read_only');
    await call('PATCH', `/users/${viewer.id}`, viewer.headers, { role: 'read_only' }).then((r) => expect(r.json().error.code).toBe('cannot_change_self'));
    const bad = await call('PATCH', `/users/${self}`, viewer.headers, { role: 'root' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toBe('body.role: must be "admin" or "read_only"');
    const audit = await hub.store.repos.auditLog.list({ subjectId: viewer.id });
    expect(audit.filter((a) => a.action === 'user.role').map((a) => a.details)).toEqual([
      { username: 'viewer', from: 'read_only', to: 'admin' },
      { username: 'viewer', from: 'admin', to: 'read_only' },
      { username: 'viewer', from: 'read_only', to: 'admin' },
    ]);
  });

  it('the migration makes existing API tokens admin tokens', async () => {
    const { token } = await hub.store.repos.apiTokens.create((await call('GET', '/auth/me', admin)).json().user.id, 'before');
    await tokenRoles.down(hub.store.db);
    await tokenRoles.up(hub.store.db);
    const me = await call('GET', '/auth/me', { authorization: `Bearer ${token}` });
    expect(me.json().user.role).toBe('admin');
    expect((await call('GET', '/tokens', admin)).json().items.map((t: { role: string }) => t.role)).toEqual(['admin', 'admin']);
  });
});
