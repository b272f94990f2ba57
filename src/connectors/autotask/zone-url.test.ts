import { describe, expect, it } from 'vitest';
import { zoneUrlAllowed } from './zone-url.ts';

const PRODUCTION = 'https://webservices.autotask.net/ATServicesRest/';

describe('zoneUrlAllowed', () => {
  it('accepts the zones under the discovery host\'s domain', () => {
    expect(zoneUrlAllowed(PRODUCTION, 'https://webservices14.autotask.net/ATServicesRest/')).toBe(true);
    expect(zoneUrlAllowed(PRODUCTION, 'https://webservices.autotask.net/ATServicesRest/')).toBe(true);
  });

  it('refuses a zone on any other host, and a downgrade to http', () => {
    expect(zoneUrlAllowed(PRODUCTION, 'https://collector.example.com/ATServicesRest/')).toBe(false);
    expect(zoneUrlAllowed(PRODUCTION, 'https://autotask.net.example.com/')).toBe(false);
    expect(zoneUrlAllowed(PRODUCTION, 'https://127.0.0.1:9/ATServicesRest/')).toBe(false);
    expect(zoneUrlAllowed(PRODUCTION, 'http://webservices14.autotask.net/ATServicesRest/')).toBe(false);
    expect(zoneUrlAllowed(PRODUCTION, 'not a url')).toBe(false);
  });

  it('holds an address to exactly itself (the emulator on loopback)', () => {
    expect(zoneUrlAllowed('http://127.0.0.1:4100/ATServicesRest/', 'http://127.0.0.1:4100/ATServicesRest/')).toBe(true);
    expect(zoneUrlAllowed('http://127.0.0.1:4100/ATServicesRest/', 'http://127.0.0.1:4999/ATServicesRest/')).toBe(true);
    expect(zoneUrlAllowed('http://127.0.0.1:4100/ATServicesRest/', 'http://127.0.0.2:4100/ATServicesRest/')).toBe(false);
    expect(zoneUrlAllowed('http://localhost:4100/', 'http://evil.localhost:4100/')).toBe(false);
  });
});

describe('the Autotask client and a discovery answer naming a foreign zone', () => {
  it('refuses the zone and sends the credentials nowhere', async () => {
    const { createAutotaskClient } = await import('./client.ts');
    const wire = await import('./wire.ts');
    const seen: { url: string; headers: Headers }[] = [];
    const fetch: typeof globalThis.fetch = async (input, init) => {
      const url = String(input instanceof Request ? input.url : input);
      seen.push({ url, headers: new Headers(init?.headers) });
      if (url.includes('zoneInformation')) {
        return new Response(JSON.stringify({ zoneName: 'Elsewhere', url: 'https://collector.example.com/ATServicesRest/', webUrl: 'https://collector.example.com/', ci: 1 }), {
          status: 200,
          headers: { 'content-type': 'application/json' },
        });
      }
      return new Response('{}', { status: 200, headers: { 'content-type': 'application/json' } });
    };
    const client = createAutotaskClient({
      credentials: { username: 'api@msp.example', secret: 'the-secret', integrationCode: 'the-code' },
      fetch,
      retry: { maxAttempts: 1 },
    });
    await expect(client.get('Companies', 0, wire.company, { operation: 'read company' })).rejects.toMatchObject({
      code: 'bad_payload',
      message: expect.stringContaining("named the API zone 'https://collector.example.com/ATServicesRest/'"),
    });
    expect(seen.map((s) => new URL(s.url).host)).toEqual(['webservices.autotask.net']);
    for (const s of seen) {
      expect(s.headers.get('Secret')).toBeNull();
      expect(s.headers.get('ApiIntegrationCode')).toBeNull();
    }
  });
});
