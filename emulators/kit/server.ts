// Builds an emulator: a Fastify server holding in-memory state seeded from a named dataset, with
// the shared control API under /_emulator/, a bounded request log and fault injection in front of
// every non-control route. Each emulator supplies its dataset builder, its routes and the error body
// its real API uses; everything else is here so the six emulators behave alike.
import type { Socket } from 'node:net';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { z } from 'zod';
import { createClock, type Clock } from './clock.ts';
import { FaultInjector, faultRequestSchema, type FaultRule } from './faults.ts';
import { RequestLog } from './request-log.ts';
import { datasetNames, LARGE_DATASET_SIZE, type DatasetName, type EmulatorOptions, type RunningEmulator, type SeedOptions } from './types.ts';

export const CONTROL_PREFIX = '/_emulator';

export interface EmulatorContext<S> {
  readonly system: string;
  /** The current state; replaced on every re-seed, so read it per request. */
  readonly state: S;
  readonly dataset: DatasetName;
  readonly clock: Clock;
  readonly faults: FaultInjector;
  readonly requests: RequestLog;
  /** Base URL once the server listens ('' before). */
  readonly url: string;
  /**
   * Fresh state from a dataset; also clears faults, the request log and any clock advance. `size`
   * (customers of `large`) defaults to the size the emulator was started with.
   */
  reseed(dataset: DatasetName, size?: number): void;
}

/** What `onApiRequest` sees of a request (after fault injection, before routing). */
export type ApiRequestHook<S> = (request: FastifyRequest, reply: FastifyReply, ctx: EmulatorContext<S>) => void | Promise<void>;

export interface EmulatorDefinition<S> {
  system: string;
  /** Builds the whole state for a dataset. Must be deterministic (for one dataset and size). */
  seed(dataset: DatasetName, clock: Clock, options: SeedOptions): S;
  /** The credentials a client of this dataset uses (printed by `psa-bridge emulate`). */
  credentials(state: S): Record<string, string>;
  /** The body the real API sends with an error status; used for injected faults and unknown routes. */
  errorBody(status: number, message: string): unknown;
  /** The emulated API. Registered in its own encapsulated scope: set its error handler there. */
  routes(app: FastifyInstance, ctx: EmulatorContext<S>): void | Promise<void>;
  /** Extra control routes; registered under /_emulator (paths relative to it). */
  controlRoutes?(app: FastifyInstance, ctx: EmulatorContext<S>): void | Promise<void>;
  /** What GET /_emulator/state returns (keep it small: counts, ids). */
  inspect?(state: S): unknown;
  requestLogCapacity?: number;
  faultSeed?: number;
  /**
   * Match API routes and fault-rule paths without regard to case (APIs served by IIS/.NET ignore it;
   * route parameters keep the case they were sent in).
   */
  caseInsensitivePaths?: boolean;
  /**
   * Runs for every API request (never for control routes) after fault injection and before the
   * route: the place for request-rate limits and other refusals that must not depend on the route.
   * Answer through `reply` to stop the request there.
   */
  onApiRequest?: ApiRequestHook<S>;
  /** Runs after every re-seed (the new state is in place): drop what lives outside the state. */
  onReseed?(ctx: EmulatorContext<S>): void;
}

export interface EmulatorServer<S> extends RunningEmulator {
  readonly app: FastifyInstance;
  readonly context: EmulatorContext<S>;
}

/** What an emulator's start function hands its caller: the server, its credentials and its live state. */
export interface StartedEmulator<S, C extends Record<string, string>> extends EmulatorServer<S> {
  credentials: C;
  /** Live state, for tests that look or poke directly (re-read after a re-seed). */
  readonly state: S;
}

/**
 * The handle every emulator returns from `start…Emulator`: credentials and state read afresh on each
 * access (a re-seed replaces both), plus the emulator's own `extra` members (getters stay getters).
 */
export function startedEmulator<S, C extends Record<string, string>, X extends object = object>(
  server: EmulatorServer<S>,
  credentials: (state: S) => C,
  extra?: X,
): StartedEmulator<S, C> & X {
  const handle: StartedEmulator<S, C> = {
    system: server.system,
    url: server.url,
    get credentials() {
      return credentials(server.context.state);
    },
    get state() {
      return server.context.state;
    },
    context: server.context,
    app: server.app,
    close: () => server.close(),
  };
  return Object.defineProperties(handle, Object.getOwnPropertyDescriptors(extra ?? {})) as StartedEmulator<S, C> & X;
}

/** An error answered by a control route: `{error:{code,message,issues?}}`. */
export class ControlError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly issues?: unknown,
  ) {
    super(message);
  }
}

/** zod-parse a control-route input, answering 400 with the issues when it does not fit. */
export function parseControl<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new ControlError(400, 'invalid control request', result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
  }
  return result.data;
}

const seedBodySchema = z.object({ dataset: z.enum(datasetNames), size: z.number().int().min(1).max(1_000_000).optional() });
const requestsQuerySchema = z.object({
  clear: z.enum(['true', 'false']).optional(),
  limit: z.coerce.number().int().positive().optional(),
});
const clockBodySchema = z.union([
  z.strictObject({ advance_ms: z.number().int().min(0) }),
  /** Move the clock forward to a date (ISO 8601); it never goes back. */
  z.strictObject({ now: z.iso.datetime({ offset: true }).or(z.iso.date()) }),
]);

// Malformed on purpose: a body cut off mid-string, as a proxy dropping the tail would leave it.
const MALFORMED_BODY = '{"items":[{"id":"8c1f2d3e-5a6b-4c7d-8e9f-0a1b2c3d4e5f","name":"trunc';

export async function startEmulatorServer<S>(
  def: EmulatorDefinition<S>,
  options: EmulatorOptions = {},
): Promise<EmulatorServer<S>> {
  const clock = createClock();
  const faults = new FaultInjector(def.faultSeed ?? 1, { caseInsensitive: def.caseInsensitivePaths ?? false });
  const requests = new RequestLog(def.requestLogCapacity ?? 1000);
  let dataset: DatasetName = options.seed ?? 'demo';
  const startSize = options.size ?? LARGE_DATASET_SIZE;
  let state = def.seed(dataset, clock, { size: startSize });
  let url = '';

  const context: EmulatorContext<S> = {
    system: def.system,
    get state() {
      return state;
    },
    get dataset() {
      return dataset;
    },
    clock,
    faults,
    requests,
    get url() {
      return url;
    },
    reseed(next, size) {
      clock.reset();
      faults.clear();
      requests.clear();
      state = def.seed(next, clock, { size: size ?? startSize });
      dataset = next;
      def.onReseed?.(context);
    },
  };

  const app = Fastify({
    logger: false,
    // A hung ("timeout" fault) request must not keep close() waiting.
    forceCloseConnections: true,
    bodyLimit: 10 * 1024 * 1024,
    routerOptions: { caseSensitive: !(def.caseInsensitivePaths ?? false) },
  });

  // Some clients send `Content-Type: application/json` with no body on action POSTs; accept that.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text) as unknown);
    } catch {
      done(Object.assign(new Error('The request body is not valid JSON.'), { statusCode: 400 }), undefined);
    }
  });

  const held = new Set<Socket>();
  const sleepers = new Set<() => void>();
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        sleepers.delete(done);
        resolve();
      }
      sleepers.add(done);
    });

  const isControl = (path: string) => path === CONTROL_PREFIX || path.startsWith(`${CONTROL_PREFIX}/`);
  const splitUrl = (raw: string) => {
    const q = raw.indexOf('?');
    return q < 0 ? { path: raw, query: '' } : { path: raw.slice(0, q), query: raw.slice(q + 1) };
  };
  const runApiHook = async (request: FastifyRequest, reply: FastifyReply) => {
    if (def.onApiRequest === undefined) return;
    await def.onApiRequest(request, reply, context);
    if (reply.sent) return reply;
    return;
  };
  const faulted = new WeakSet<FastifyRequest>();
  const faultLabel = new WeakMap<FastifyRequest, string>();
  const logEntry = (request: FastifyRequest, status: number, durationMs: number) => {
    const { path, query } = splitUrl(request.url);
    const fault = faultLabel.get(request);
    requests.add({
      at: new Date(clock.nowMs()).toISOString(),
      method: request.method,
      path,
      query,
      status,
      durationMs: Math.round(durationMs * 1000) / 1000,
      ...(fault === undefined ? {} : { fault }),
    });
  };

  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const { path } = splitUrl(request.url);
    if (isControl(path)) return;
    const decision = faults.decide(request.method, path);
    if (decision.fired.length === 0) return runApiHook(request, reply);
    faultLabel.set(request, decision.fired.map((r) => r.kind).join('+'));
    if (decision.latencyMs > 0) await sleep(decision.latencyMs);
    const rule: FaultRule | undefined = decision.terminal;
    if (rule === undefined) return;
    switch (rule.kind) {
      case 'status': {
        const status = rule.status ?? 500;
        return reply.code(status).type('application/json').send(def.errorBody(status, 'Injected fault'));
      }
      case 'rate_limit':
        return reply
          .code(429)
          .header('retry-after', String(rule.retryAfterSeconds ?? 1))
          .type('application/json')
          .send(def.errorBody(429, 'Too many requests'));
      case 'malformed':
        return reply.code(200).type('application/json').send(MALFORMED_BODY);
      case 'drop':
        faulted.add(request);
        logEntry(request, 0, reply.elapsedTime);
        reply.hijack();
        request.raw.socket.destroy();
        return reply;
      case 'timeout': {
        faulted.add(request);
        logEntry(request, 0, reply.elapsedTime);
        reply.hijack();
        const socket = request.raw.socket;
        held.add(socket);
        socket.once('close', () => held.delete(socket));
        return reply;
      }
      case 'latency':
        return runApiHook(request, reply);
    }
  });

  app.addHook('onResponse', async (request, reply) => {
    if (faulted.has(request)) return;
    if (isControl(splitUrl(request.url).path)) return;
    logEntry(request, reply.statusCode, reply.elapsedTime);
  });

  app.addHook('onClose', async () => {
    for (const wake of [...sleepers]) wake();
    for (const socket of held) socket.destroy();
    held.clear();
  });

  app.setNotFoundHandler((request, reply) => {
    const status = 404;
    if (isControl(splitUrl(request.url).path)) {
      return reply.code(status).send({ error: { code: 'not_found', message: `No control route ${request.method} ${request.url}` } });
    }
    return reply.code(status).type('application/json').send(def.errorBody(status, 'Not found'));
  });

  await app.register(async (control) => {
    control.setErrorHandler((error: Error & { statusCode?: number; issues?: unknown }, _request, reply) => {
      const status = error instanceof ControlError ? error.statusCode : (error.statusCode ?? 500);
      return reply.code(status).send({
        error: { code: status, message: error.message, ...(error.issues === undefined ? {} : { issues: error.issues }) },
      });
    });

    control.get('/health', async () => ({ status: 'ok', system: def.system, dataset, url }));

    control.post('/seed', async (request) => {
      const { dataset: next, size } = parseControl(seedBodySchema, request.body);
      context.reseed(next, size);
      return { system: def.system, dataset: next, credentials: def.credentials(state) };
    });

    control.get('/requests', async (request) => {
      const query = parseControl(requestsQuerySchema, request.query);
      let items = requests.list();
      if (query.limit !== undefined) items = items.slice(-query.limit);
      const body = { items, total: requests.total, capacity: requests.capacity };
      if (query.clear === 'true') requests.clear();
      return body;
    });
    control.delete('/requests', async (_request, reply) => {
      requests.clear();
      return reply.code(204).send();
    });

    control.get('/state', async () => ({ system: def.system, dataset, ...(def.inspect ? { state: def.inspect(state) } : {}) }));

    control.post('/faults', async (request, reply) => {
      const input = parseControl(faultRequestSchema, request.body);
      let rules;
      if (Array.isArray(input)) rules = input;
      else if ('rules' in input) {
        if (input.seed !== undefined) faults.reseed(input.seed);
        rules = input.rules;
      } else rules = [input];
      const items = rules.map((r) => faults.add(r));
      return reply.code(201).send({ items });
    });
    control.get('/faults', async () => ({ items: faults.list() }));
    control.delete('/faults', async (_request, reply) => {
      faults.clear();
      return reply.code(204).send();
    });
    control.delete('/faults/:id', async (request, reply) => {
      const { id } = request.params as { id: string };
      if (!faults.remove(id)) throw new ControlError(404, `no fault rule ${id}`);
      return reply.code(204).send();
    });

    control.get('/clock', async () => ({ now: new Date(clock.nowMs()).toISOString(), offset_ms: clock.offsetMs }));
    control.post('/clock', async (request) => {
      const body = parseControl(clockBodySchema, request.body);
      if ('advance_ms' in body) clock.advance(body.advance_ms);
      else {
        const delta = Date.parse(body.now) - clock.nowMs();
        if (delta < 0) throw new ControlError(400, `the clock only moves forward (it is ${new Date(clock.nowMs()).toISOString()})`);
        clock.advance(Math.ceil(delta));
      }
      return { now: new Date(clock.nowMs()).toISOString(), offset_ms: clock.offsetMs };
    });

    if (def.controlRoutes) await def.controlRoutes(control, context);
  }, { prefix: CONTROL_PREFIX });

  await app.register(async (api) => {
    await def.routes(api, context);
  });

  const host = options.host ?? '127.0.0.1';
  await app.listen({ port: options.port ?? 0, host });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error(`${def.system} emulator: unexpected listen address`);
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  url = `http://${urlHost}:${address.port}`;

  return {
    system: def.system,
    url,
    get credentials() {
      return def.credentials(state);
    },
    app,
    context,
    close: async () => {
      await app.close();
    },
  };
}
