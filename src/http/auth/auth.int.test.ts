import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildApp } from '../app.ts';
import { testDatabases } from '../../../test/support/databases.ts';
import { startHub, TEST_ADMIN, type TestHub } from '../../../test/support/hub.ts';
import { SESSION_COOKIE } from './session-cookie.ts';

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT';

describe.each(testDatabases())('authentication on $name', (db) => {
  let hub: TestHub;
  beforeEach(async () => {
    hub = await startHub(db, { loginThrottle: { freeAttempts: 5, baseLockMs: 15_000 }, apiDocs: true });
  });
  afterEach(async () => {
    await hub.close();
  });

  const login = (payload: unknown, headers: Record<string, string> = {}) =>
    hub.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: payload as object, headers });

  it('refuses every /api/v1 route but login without a session or token (401)', async () => {
    const doc = (await hub.app.inject({ method: 'GET', url: '/api/docs/json' })).json<{ paths: Record<string, Record<string, unknown>> }>();
    const routes = Object.entries(doc.paths)
      .filter(([path]) => path.startsWith('/api/v1/'))
      .flatMap(([path, methods]) => Object.keys(methods).map((m) => [m.toUpperCase() as Method, path.replace(/\{[^}]+\}/g, 'x')] as const));
    expect(routes.length).toBeGreaterThanOrEqual(11);
    for (const [method, url] of routes) {
      if (url === '/api/v1/auth/login') continue;
      const res = await hub.app.inject({ method, url, payload: method === 'GET' || method === 'DELETE' ? undefined : {} });
      expect(res.statusCode, `${method} ${url}`).toBe(401);
      expect(res.json().error.code).toBe('unauthenticated');
      expect(res.json().error.message).toMatch(/POST \/api\/v1\/auth\/login/);
    }
  });

  it('logs in with a session cookie (httpOnly, SameSite=Lax), serves /me, and logs out', async () => {
    const res = await login(TEST_ADMIN);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ user: { username: 'admin' } });
    const cookie = res.cookies.find((c) => c.name === SESSION_COOKIE)!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    expect(cookie.secure).toBeFalsy(); // plain http
    const headers = { cookie: `${SESSION_COOKIE}=${cookie.value}` };

    const me = await hub.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ user: { username: 'admin' }, via: 'session' });

    const logout = await hub.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: { ...headers, 'x-requested-with': 'psa-bridge' } });
    expect(logout.statusCode).toBe(204);
    const after = await hub.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers });
    expect(after.statusCode).toBe(401);
    expect(after.json().error.code).toBe('session_expired');

    const audit = await hub.store.repos.auditLog.list({ actor: 'admin' });
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['auth.login', 'auth.logout']));
  });

  it('marks the cookie Secure behind an https proxy', async () => {
    await hub.close();
    hub = await startHub(db, { trustProxy: true });
    const res = await login(TEST_ADMIN, { 'x-forwarded-proto': 'https' });
    expect(res.cookies.find((c) => c.name === SESSION_COOKIE)!.secure).toBe(true);
  });

  it('refuses a wrong password with 401, then throttles with 429 and Retry-After (growth: login-throttle.test.ts)', async () => {
    const wrong = { username: 'admin', password: 'not the password' };
    for (let i = 0; i < 5; i++) {
      const res = await login(wrong);
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual({ error: { code: 'invalid_credentials', message: 'Wrong username or password' } });
    }
    const locked = await login(TEST_ADMIN); // even the right password waits
    expect(locked.statusCode).toBe(429);
    // The fifth attempt set a 15 s lock when it was counted, before its password check.
    const wait = Number(locked.headers['retry-after']);
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(15);
    expect(locked.json().error.code).toBe('too_many_attempts');
    // Another client IP is not locked out.
    const elsewhere = await hub.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: TEST_ADMIN, remoteAddress: '10.1.2.3' });
    expect(elsewhere.statusCode).toBe(200);
    // An unknown user is throttled the same way (no hint that the user does not exist).
    const unknown = await login({ username: 'nobody', password: 'x' });
    expect(unknown.json().error.code).toBe('invalid_credentials');
  });

  it('checks at most the free attempts of 40 concurrent wrong passwords, and a burst ending with the right one does not log in', async () => {
    const checked = vi.spyOn(hub.store.repos.users, 'verifyPassword');
    const burst = await Promise.all(
      Array.from({ length: 40 }, () => login({ username: 'admin', password: 'not the password' }, {})),
    );
    expect(checked.mock.calls.length).toBeLessThanOrEqual(5);
    expect(burst.filter((r) => r.statusCode === 401)).toHaveLength(checked.mock.calls.length);
    expect(burst.filter((r) => r.statusCode === 429)).toHaveLength(40 - checked.mock.calls.length);

    // From another address (its own count): 29 wrong, then the right password last, all at once.
    const from = { remoteAddress: '10.9.9.9' };
    const attempts = [
      ...Array.from({ length: 29 }, () => ({ username: 'admin', password: 'guess' })),
      TEST_ADMIN,
    ].map((payload) => hub.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload, ...from }));
    const answers = await Promise.all(attempts);
    expect(answers.at(-1)!.statusCode).toBe(429);
    expect(answers.filter((r) => r.statusCode === 200)).toHaveLength(0);
    checked.mockRestore();
  });

  it('keeps the count in the database: a restarted hub on the same database is still locked', async () => {
    for (let i = 0; i < 5; i++) expect((await login({ username: 'admin', password: 'wrong' })).statusCode).toBe(401);
    const restarted = await buildApp({ store: hub.store, runtimes: hub.runtimes, version: 'test', loginThrottle: { freeAttempts: 5 } });
    try {
      const res = await restarted.inject({ method: 'POST', url: '/api/v1/auth/login', payload: TEST_ADMIN });
      expect(res.statusCode).toBe(429);
      expect(res.json().error.code).toBe('too_many_attempts');
    } finally {
      await restarted.close();
    }
  });

  it('validates the login body and names the missing field', async () => {
    const res = await login({ username: 'admin' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'invalid_request', message: 'body.password: is required' });
  });

  it('requires the X-Requested-With header for cookie-authenticated changes (CSRF)', async () => {
    const { cookie } = await hub.sessionHeaders();
    const res = await hub.app.inject({ method: 'POST', url: '/api/v1/tokens', headers: { cookie: cookie! }, payload: { name: 'x' } });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('csrf_header_missing');
    const read = await hub.app.inject({ method: 'GET', url: '/api/v1/tokens', headers: { cookie: cookie! } });
    expect(read.statusCode).toBe(200);
  });

  it('creates API tokens shown once, lists them without values, authenticates with them, and revokes them', async () => {
    const session = await hub.sessionHeaders();
    const created = await hub.app.inject({ method: 'POST', url: '/api/v1/tokens', headers: session, payload: { name: 'ci' } });
    expect(created.statusCode).toBe(201);
    const { id, token } = created.json<{ id: string; token: string }>();
    expect(token).toMatch(/^psab_/);

    const list = await hub.app.inject({ method: 'GET', url: '/api/v1/tokens', headers: session });
    expect(list.json().items).toEqual([expect.objectContaining({ id, name: 'ci', lastUsedAt: null })]);
    expect(list.body).not.toContain(token);

    const bearer = { authorization: `Bearer ${token}` };
    const me = await hub.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: bearer });
    expect(me.json()).toMatchObject({ user: { username: 'admin' }, via: 'token' });
    // Tokens need no CSRF header.
    const second = await hub.app.inject({ method: 'POST', url: '/api/v1/tokens', headers: bearer, payload: { name: 'other' } });
    expect(second.statusCode).toBe(201);

    const revoked = await hub.app.inject({ method: 'DELETE', url: `/api/v1/tokens/${id}`, headers: session });
    expect(revoked.statusCode).toBe(204);
    const denied = await hub.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: bearer });
    expect(denied.statusCode).toBe(401);
    expect(denied.json().error.code).toBe('invalid_token');
    const again = await hub.app.inject({ method: 'DELETE', url: `/api/v1/tokens/${id}`, headers: session });
    expect(again.statusCode).toBe(404);

    const audit = await hub.store.repos.auditLog.list({ subjectType: 'api_token' });
    expect(audit.map((a) => a.action).sort()).toEqual(['api_token.create', 'api_token.create', 'api_token.revoke']);
    expect(JSON.stringify(audit)).not.toContain(token);
  });

  it('refuses a malformed Authorization header', async () => {
    const res = await hub.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { authorization: 'Basic YWRtaW46eA==' } });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.message).toMatch(/Bearer <token>/);
  });
});
