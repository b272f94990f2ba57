import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reply, startScriptedServer, type ScriptedServer } from '../kit/scripted-server.test-support.ts';
import { createAcronisClient, readAcronisError } from './client.ts';
import { tenant } from './wire.ts';
import { connectorFailure as failure } from '../kit/connector-failure.test-support.ts';

let server: ScriptedServer;
beforeAll(async () => {
  server = await startScriptedServer();
});
afterAll(async () => {
  await server.close();
});

const token = reply(200, { access_token: 'tok', token_type: 'bearer', expires_on: Math.floor(Date.now() / 1000) + 7200 });

function client() {
  return createAcronisClient({
    baseUrl: server.url,
    clientId: 'client-123',
    clientSecret: 's3cr3t',
    connectionName: 'EU2',
    sleep: async () => {},
  });
}

describe('acronis client', () => {
  it('reads both error shapes and numeric strings', () => {
    expect(readAcronisError({ error: { code: '1001', message: 'Version mismatch' } })).toEqual({ code: 1001, message: 'Version mismatch' });
    expect(readAcronisError({ error: 'invalid_client', error_description: 'bad' })).toEqual({ code: 'invalid_client', message: 'bad' });
  });

  it('authenticates with Basic auth and a form body, then sends the bearer token', async () => {
    server.script(token, reply(200, { id: 't', name: 'n', kind: 'partner', version: 1 }));
    await client().requestJson({ method: 'GET', path: '/api/2/tenants/t', operation: 'read tenant' }, tenant);
    const [issue, read] = server.requests;
    expect(issue?.url).toBe('/api/2/idp/token');
    expect(issue?.headers.authorization).toBe(`Basic ${Buffer.from('client-123:s3cr3t').toString('base64')}`);
    expect(issue?.body).toBe('grant_type=client_credentials');
    expect(read?.headers.authorization).toBe('Bearer tok');
  });

  it('names the client id, never the secret, when credentials are rejected', async () => {
    server.script(reply(401, { domain: 'Access', reason: 'InvalidClient', error: 'invalid_client', error_description: 'Client authentication failed' }));
    const error = await failure(client().request({ method: 'GET', path: '/api/2/tenants/t', operation: 'read tenant' }));
    expect(error.code).toBe('auth_failed');
    expect(error.vendorCode).toBe('invalid_client');
    expect(error.message).toContain("Acronis rejected the API client credentials of connection 'EU2' (client id client-123)");
    expect(error.message).toContain('check the client id and secret');
    expect(JSON.stringify(error.toJSON())).not.toContain('s3cr3t');
    expect(server.requests).toHaveLength(1);
  });

  it('maps platform error codes', async () => {
    const cases: [number, unknown, string][] = [
      [409, { error: { code: 1001, message: 'Version mismatch' } }, 'version_conflict'],
      [409, { error: { code: 1004, message: 'Name taken' } }, 'conflict'],
      [400, { error: { code: 1006, message: 'It is prohibited to delete a non-disabled tenant.' } }, 'conflict'],
      [404, { error: { code: 404, message: 'Not found' } }, 'not_found'],
      [400, { error: { code: 1005, message: 'Tenant not found' } }, 'not_found'],
      [403, { error: { code: 1002, message: 'Access denied' } }, 'forbidden'],
      [400, { error: { code: 1022, message: 'Hard quota exceeded' } }, 'bad_request'],
    ];
    for (const [status, body, code] of cases) {
      server.script(token, reply(status, body));
      const error = await failure(client().request({ method: 'PUT', path: '/api/2/tenants/t', json: {}, operation: 'update tenant' }));
      expect(error.code, JSON.stringify(body)).toBe(code);
      expect(error.message).toContain('Acronis says:');
    }
  });
});
