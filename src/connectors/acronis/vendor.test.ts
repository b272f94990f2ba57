import { afterEach, describe, expect, it } from 'vitest';
import { startScriptedServer, type ScriptedServer } from '../kit/scripted-server.test-support.ts';
import { createAcronisVendor } from './vendor.ts';

describe('Acronis vendor: values that cannot go into a URL', () => {
  let server: ScriptedServer | undefined;
  afterEach(async () => {
    await server?.close();
  });

  it('says which value is broken (a lone surrogate) instead of throwing a bare URIError', async () => {
    server = await startScriptedServer();
    server.script((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ access_token: 'token', token_type: 'bearer', expires_in: 3600 }));
    });
    const vendor = createAcronisVendor({ baseUrl: server.url, clientId: 'client\ud800', clientSecret: 'secret', retry: { maxAttempts: 1 } });
    const failure = await vendor.whoAmI().then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toMatchObject({ name: 'ConnectorError', code: 'bad_request', message: expect.stringMatching(/unpaired UTF-16 surrogate/) });
    expect(failure).not.toBeInstanceOf(URIError);
    // Refused before anything went out.
    expect(server.requests).toEqual([]);
  });
});
