import Fastify from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConnectorError } from '../connectors/kit/errors.ts';
import { StoreError } from '../store/errors.ts';
import { ApiError } from './api-error.ts';
import { installErrorHandling } from './error-handler.ts';

const app = Fastify({ logger: false });

beforeAll(async () => {
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandling(app);
  const throwing = (error: unknown) => async () => {
    throw error;
  };
  app.get('/timeout', throwing(new ConnectorError({ code: 'timeout', system: 'acronis', message: 'Acronis did not answer within 15 s' })));
  app.get('/unavailable', throwing(new ConnectorError({ code: 'unavailable', system: 'autotask', message: 'Autotask answered 503' })));
  app.get('/conflict', throwing(new StoreError('conflict', 'a connection named "x" already exists')));
  app.get('/bug', throwing(new Error('secret internals at /srv/app.js:12')));
  app.get('/api-error', throwing(new ApiError(429, 'slow_down', 'Slow down', { headers: { 'retry-after': '3' } })));
  app.withTypeProvider<ZodTypeProvider>().post(
    '/validated',
    { schema: { body: z.object({ name: z.string().min(1, 'is required'), count: z.number().int().max(5) }), querystring: z.object({ page: z.coerce.number().int().min(1) }) } },
    async () => ({ ok: true }),
  );
  await app.ready();
});
afterAll(() => app.close());

describe('error handling', () => {
  it('maps connector timeouts to 504 and other connector errors to 502, keeping their message', async () => {
    const timeout = await app.inject('/timeout');
    expect(timeout.statusCode).toBe(504);
    expect(timeout.json()).toEqual({ error: { code: 'timeout', message: 'Acronis did not answer within 15 s', details: { system: 'acronis' } } });
    const unavailable = await app.inject('/unavailable');
    expect(unavailable.statusCode).toBe(502);
    expect(unavailable.json().error.code).toBe('unavailable');
  });

  it('maps store conflicts to 409 and keeps headers of API errors', async () => {
    expect((await app.inject('/conflict')).statusCode).toBe(409);
    const limited = await app.inject('/api-error');
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBe('3');
  });

  it('hides unexpected errors behind a 500 that points to the log', async () => {
    const res = await app.inject('/bug');
    expect(res.statusCode).toBe(500);
    expect(res.json().error.code).toBe('internal_error');
    expect(res.body).not.toContain('secret internals');
    expect(res.body).not.toContain('.js:');
  });

  it('names every invalid field and where it is', async () => {
    const body = await app.inject({ method: 'POST', url: '/validated?page=0', payload: { count: 9 } });
    expect(body.statusCode).toBe(400);
    // The body is validated first; the first failing part of the request is reported.
    expect(body.json().error.message).toBe('body.name: is required; body.count: Too big: expected number to be <=5');
    const query = await app.inject({ method: 'POST', url: '/validated?page=0', payload: { name: 'n', count: 1 } });
    expect(query.json().error.message).toMatch(/^querystring\.page: /);
    expect(body.json().error.details).toEqual([
      { field: 'body.name', message: expect.any(String) },
      { field: 'body.count', message: expect.any(String) },
    ]);
  });
});
