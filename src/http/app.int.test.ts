import { Kysely, SqliteDialect } from 'kysely';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Schema } from '../store/schema.ts';
import { buildApp } from './app.ts';
import { testDatabases } from '../../test/support/databases.ts';
import { startHub, TEST_ADMIN, type TestHub } from '../../test/support/hub.ts';

describe.each(testDatabases())('hub app on $name', (db) => {
  let hub: TestHub;
  beforeEach(async () => {
    hub = await startHub(db);
  });
  afterEach(async () => {
    await hub.close();
  });

  it('answers /healthz with 200 while the database is reachable', async () => {
    const res = await hub.app.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });

  it('serves real HTTP when listening on 127.0.0.1:0', async () => {
    const listening = await startHub(db, { listen: true });
    try {
      expect(listening.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const health = await fetch(`${listening.url}/healthz`);
      expect(await health.json()).toEqual({ status: 'ok' });
      const login = await fetch(`${listening.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(TEST_ADMIN),
      });
      expect(login.status).toBe(200);
      expect(login.headers.get('set-cookie')).toMatch(/psa_bridge_session=.+; Max-Age=43200; Path=\/; HttpOnly; SameSite=Lax/);
    } finally {
      await listening.close();
    }
  });

  it('answers /healthz with 503 when the database does not answer', async () => {
    const broken = new Kysely<Schema>({
      dialect: new SqliteDialect({
        database: async () => {
          throw new Error('connection refused');
        },
      }),
    });
    const app = await buildApp({ store: { ...hub.store, db: broken }, runtimes: hub.runtimes, version: 'x', logger: pino({ level: 'silent' }) });
    const res = await app.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({
      status: 'unavailable',
      error: { code: 'database_unreachable', message: 'The database does not answer' },
    });
    await app.close();
  });

  it('answers 404 in the error shape for unknown routes', async () => {
    const res = await hub.app.inject({ method: 'GET', url: '/nope?x=1' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: { code: 'not_found', message: 'No route GET /nope' } });
  });

  it('exposes Prometheus metrics, including request durations by route', async () => {
    await hub.app.inject({ method: 'GET', url: '/healthz' });
    const res = await hub.app.inject({ method: 'GET', url: '/metrics', headers: await hub.tokenHeaders() });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.body).toContain('psa_bridge_process_cpu_user_seconds_total');
    expect(res.body).toMatch(/psa_bridge_http_request_duration_seconds_count\{method="GET",route="\/healthz",status="200"\} 1/);
    expect(res.body).toContain('# TYPE psa_bridge_loop_runs_total counter');
    expect(res.body).toContain('# TYPE psa_bridge_operations_total counter');
  });

  it('keeps /metrics behind a token unless made public, and can turn it off', async () => {
    const anonymous = await hub.app.inject({ method: 'GET', url: '/metrics' });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json().error.code).toBe('unauthenticated');
    expect(anonymous.body).not.toContain('psa_bridge_');
    for (const [access, status] of [['public', 200], ['off', 404]] as const) {
      const other = await startHub(db, { metricsAccess: access });
      try {
        expect((await other.app.inject({ method: 'GET', url: '/metrics' })).statusCode, access).toBe(status);
      } finally {
        await other.close();
      }
    }
  });

  it('serves no API docs unless turned on', async () => {
    for (const url of ['/api/docs', '/api/docs/', '/api/docs/json', '/api/docs/yaml']) {
      const res = await hub.app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(404);
      expect(res.body).not.toContain('openapi');
    }
  });

  it('sends security headers on the API, /healthz, /metrics and the API docs', async () => {
    const docsHub = await startHub(db, { apiDocs: true });
    try {
      const token = await docsHub.tokenHeaders();
      const answers = {
        api: await docsHub.app.inject({ method: 'GET', url: '/api/v1/status', headers: token }),
        error: await docsHub.app.inject({ method: 'GET', url: '/api/v1/status' }),
        health: await docsHub.app.inject({ method: 'GET', url: '/healthz' }),
        metrics: await docsHub.app.inject({ method: 'GET', url: '/metrics', headers: token }),
        docs: await docsHub.app.inject({ method: 'GET', url: '/api/docs/' }),
        docsJson: await docsHub.app.inject({ method: 'GET', url: '/api/docs/json' }),
        unknown: await docsHub.app.inject({ method: 'GET', url: '/nope' }),
      };
      for (const [what, res] of Object.entries(answers)) {
        expect(res.headers['x-content-type-options'], what).toBe('nosniff');
        expect(res.headers['x-frame-options'], what).toBe('DENY');
        expect(res.headers['referrer-policy'], what).toBe('no-referrer');
        expect(res.headers['cross-origin-resource-policy'], what).toBe('same-origin');
        expect(String(res.headers['content-security-policy']), what).toMatch(/frame-ancestors 'none'/);
      }
      expect(answers.api.headers['content-security-policy']).toBe("default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
      expect(answers.api.headers['cache-control']).toBe('no-store');
      // The docs viewer runs its own script files, and nothing inline or from elsewhere.
      expect(answers.docs.statusCode).toBe(200);
      expect(answers.docs.headers['content-security-policy']).toMatch(/script-src 'self'\s*;/);
      expect(answers.docs.headers['content-security-policy']).not.toMatch(/upgrade-insecure-requests|unsafe-inline|unsafe-eval|validator\.swagger\.io/);
      // HSTS only where the request came over https.
      expect(answers.api.headers['strict-transport-security']).toBeUndefined();
    } finally {
      await docsHub.close();
    }
  });

  it('serves the OpenAPI document with every route, and the docs UI', async () => {
    await hub.close();
    hub = await startHub(db, { apiDocs: true });
    const res = await hub.app.inject({ method: 'GET', url: '/api/docs/json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json<{ paths: Record<string, Record<string, { requestBody?: unknown }>> }>();
    for (const path of [
      '/api/v1/auth/login',
      '/api/v1/auth/logout',
      '/api/v1/auth/me',
      '/api/v1/tokens',
      '/api/v1/tokens/{id}',
      '/api/v1/connections',
      '/api/v1/connections/{id}',
      '/api/v1/connections/{id}/test',
      '/api/v1/connections/test',
      '/api/v1/status',
      '/healthz',
      '/metrics',
    ]) {
      expect(Object.keys(doc.paths)).toContain(path);
    }
    const body = JSON.stringify(doc.paths['/api/v1/connections']!.post!.requestBody);
    expect(body).toContain('clientSecret');
    const ui = await hub.app.inject({ method: 'GET', url: '/api/docs/' });
    expect(ui.statusCode).toBe(200);
    expect(ui.body).toContain('swagger');
  });

  it('reports version, dialect and counts at /api/v1/status', async () => {
    const res = await hub.app.inject({ method: 'GET', url: '/api/v1/status', headers: await hub.tokenHeaders() });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      version: '0.0.0-test',
      database: { dialect: db.name },
      counts: { users: 1, connections: 0, integrations: 0, enabledIntegrations: 0 },
      jobs: { enabled: false, schedules: 0 },
    });
  });

  it('rejects a malformed JSON body with 400 in the error shape', async () => {
    const res = await hub.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: '{"username": ',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('invalid_request');
    expect(res.body).not.toMatch(/at .*\.js:\d+/);
  });

  it('never writes secrets to the log', async () => {
    const secret = 'Sup3r-S3cret-Client-Value';
    const headers = await hub.sessionHeaders();
    const token = (await hub.tokenHeaders()).authorization!.slice('Bearer '.length);
    await hub.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'admin', password: 'wrong-password-XYZ' } });
    await hub.app.inject({
      method: 'POST',
      url: '/api/v1/connections',
      headers: { authorization: `Bearer ${token}` },
      payload: { name: 'eu2', baseUrl: 'https://eu2-cloud.acronis.com', clientId: 'abc', clientSecret: secret },
    });
    // Whatever a future route logs, the redaction paths catch it.
    hub.app.log.info(
      {
        req: { headers: { authorization: `Bearer ${token}`, cookie: headers.cookie } },
        body: { clientSecret: secret, password: TEST_ADMIN.password },
        connection: { credentials: { clientSecret: secret }, apiKey: secret, privateKey: secret },
      },
      'logging an object full of secrets',
    );
    const log = hub.logs.join('\n');
    expect(log).toContain('logging an object full of secrets');
    expect(log).toContain('[redacted]');
    const sessionValue = headers.cookie!.split('=')[1]!;
    for (const leaked of [secret, token, sessionValue, TEST_ADMIN.password, 'wrong-password-XYZ']) {
      expect(log).not.toContain(leaked);
    }
  });
});
