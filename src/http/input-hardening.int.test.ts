// Hostile input at the API's door: names of Object.prototype where a key is expected, and text with
// half a character in it.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testDatabases } from '../../test/support/databases.ts';
import { startHub, type TestHub } from '../../test/support/hub.ts';

describe.each(testDatabases())('hostile input on $name', (db) => {
  let hub: TestHub;
  let auth: Record<string, string>;
  let integrationId: string;
  beforeEach(async () => {
    hub = await startHub(db);
    auth = await hub.tokenHeaders();
    const connection = await hub.store.repos.connections.create({ name: 'eu2', baseUrl: 'http://127.0.0.1:1', clientId: 'c', clientSecret: 's' });
    integrationId = (await hub.store.repos.integrations.create({ name: 'PSA', connectionId: connection.id, target: 'autotask', credentials: {} })).id;
  });
  afterEach(async () => {
    await hub.close();
  });

  it.each(['constructor', 'toString', 'hasOwnProperty', '__proto__', 'valueOf'])('answers 404 for the settings section "%s"', async (key) => {
    for (const method of ['GET', 'PUT', 'PATCH'] as const) {
      const res = await hub.app.inject({
        method,
        url: `/api/v1/integrations/${integrationId}/settings/${key}`,
        headers: auth,
        ...(method === 'GET' ? {} : { payload: {} }),
      });
      expect(res.statusCode, `${method} ${key}`).toBe(404);
      expect(res.json().error.code).toBe('not_found');
      expect(res.body).not.toMatch(/native code|function/);
    }
  });

  it('refuses a lone surrogate with 400 naming the field, and stores nothing', async () => {
    const payload = JSON.stringify({ name: 'broken', baseUrl: 'http://127.0.0.1:9', clientId: 'client\ud800', clientSecret: 'secret' });
    // JSON.stringify escapes it as \ud800, as a client would send it.
    expect(payload).toContain('\\ud800');
    for (const url of ['/api/v1/connections', '/api/v1/connections/test']) {
      const res = await hub.app.inject({ method: 'POST', url, headers: { ...auth, 'content-type': 'application/json' }, payload });
      expect(res.statusCode, url).toBe(400);
      expect(res.json().error).toMatchObject({
        code: 'invalid_request',
        message: 'body.clientId: contains a broken character (an unpaired UTF-16 surrogate, e.g. half of an emoji); send whole characters',
        details: [{ field: 'body.clientId', message: expect.any(String) }],
      });
    }
    expect((await hub.store.repos.connections.list()).map((c) => c.name)).toEqual(['eu2']);
    const nested = await hub.app.inject({
      method: 'PATCH',
      url: `/api/v1/integrations/${integrationId}/settings/provisioning`,
      headers: { ...auth, 'content-type': 'application/json' },
      payload: '{"adminAccount":{"login":"x\\udc00y"}}',
    });
    expect(nested.statusCode).toBe(400);
    expect(nested.json().error.details).toEqual([{ field: 'body.adminAccount.login', message: expect.any(String) }]);
    // A whole emoji is fine.
    const emoji = await hub.app.inject({ method: 'POST', url: '/api/v1/connections', headers: auth, payload: { name: 'ok 🙂', baseUrl: 'http://127.0.0.1:9', clientId: 'c', clientSecret: 's' } });
    expect(emoji.statusCode).toBe(201);
  });
});
