import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Fastify, { type FastifyInstance } from 'fastify';
import { importMapHashes, portalRoutes } from './portal.ts';

describe('portal serving', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = Fastify();
    await app.register(portalRoutes);
    await app.ready();
  });
  afterAll(() => app.close());

  const get = (url: string, accept = 'text/html') => app.inject({ method: 'GET', url, headers: { accept } });

  it('answers client routes with index.html and its security headers when a browser asks', async () => {
    for (const url of ['/', '/integrations', '/integrations/abc/summary', '/sign-in?next=%2Fconnections']) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.body).toContain('<script type="importmap">');
      expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(res.headers['content-security-policy']).not.toContain('unsafe-inline');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
    }
  });

  it('pins the import map by its hash in the CSP', async () => {
    const res = await get('/');
    const [hash] = importMapHashes(res.body);
    expect(hash).toMatch(/^'sha256-/);
    expect(res.headers['content-security-policy']).toContain(hash);
  });

  it('serves the vendor modules the import map names, and nothing else of node_modules', async () => {
    const preact = await get('/assets/vendor/preact/preact.module.js', '*/*');
    expect(preact.statusCode).toBe(200);
    expect(preact.headers['content-type']).toMatch(/javascript/);
    expect((await get('/assets/vendor/htm/preact.module.js', '*/*')).statusCode).toBe(200);
    expect((await get('/assets/vendor/preact/package.json', '*/*')).statusCode).toBe(404);
    expect((await get('/assets/vendor/../../package.json', '*/*')).statusCode).toBe(404);
  });

  it('keeps JSON 404s for the API, for missing files and for non-browser clients', async () => {
    for (const [url, accept] of [['/api/v1/nope', 'text/html'], ['/nope.js', 'text/html'], ['/%2e%2e/package.json', '*/*'], ['/integrations', 'application/json']] as const) {
      const res = await get(url, accept);
      expect(res.statusCode, url).toBe(404);
      expect(res.json().error.code).toBe('not_found');
    }
  });
});
