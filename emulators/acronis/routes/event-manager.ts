// /api/event_manager/v1 (reference §6 "Other event channels"; the vendor's events/v1 OpenAPI): the
// topics and event types, subscriptions with a tenant-depth filter, the subscription's committed
// offset, and the long-poll read of events. Only the tenant topic carries events here; the task
// topic is listed (the platform has it) but stays empty.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { EmulatorContext } from '../../kit/server.ts';
import { ApiError } from '../errors.ts';
import {
  EVENT_PREFIX,
  isoDurationMs,
  TASK_TOPIC,
  TENANT_EVENT,
  TENANT_EVENT_DESCRIPTIONS,
  TENANT_TOPIC,
  type StreamEvent,
  type Subscription,
  type TenantChange,
} from '../event-stream.ts';
import type { AcronisState } from '../state.ts';
import { callerOf } from './auth.ts';
import { qs } from './common.ts';

export const EVENT_MANAGER_DOMAIN = 'EventManager';

/** The Event Manager's error body: `{error:{domain:"EventManager", code:<string>, message, context?}}`. */
export class EventManagerError extends ApiError {
  override body(): { error: Record<string, unknown> } {
    return { error: { domain: EVENT_MANAGER_DOMAIN, code: String(this.code), message: this.message, ...(this.context ? { context: this.context } : {}) } };
  }
}

const invalid = (message: string, context?: Record<string, unknown>) => new EventManagerError(400, 'invalidRequest', message, undefined, context);

/** How long a long-poll may wait, and what a 202 tells the client to wait (the control API sets both). */
export interface LongPollSettings {
  maxWaitMs: number;
  retryAfterSeconds: number;
}
export const DEFAULT_LONG_POLL: LongPollSettings = { maxWaitMs: 20_000, retryAfterSeconds: 1 };
const longPollSettings = new WeakMap<EmulatorContext<AcronisState>, LongPollSettings>();
export function longPollOf(ctx: EmulatorContext<AcronisState>): LongPollSettings {
  let s = longPollSettings.get(ctx);
  if (s === undefined) longPollSettings.set(ctx, (s = { ...DEFAULT_LONG_POLL }));
  return s;
}

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const duration = z.string().refine((v) => isoDurationMs(v) !== undefined, 'must be an ISO 8601 duration such as PT30S');

const subscriptionSchema = z.strictObject({
  subscription_id: z.string().regex(UUID, 'must be a UUID'),
  topic_id: z.string().min(1),
  types: z.array(z.string().startsWith(EVENT_PREFIX, `must start with ${EVENT_PREFIX}`)).min(1).max(32),
  tenant_id: z.string().regex(UUID, 'must be a UUID').optional(),
  tenant_depth: z.enum(['CURRENT', 'DIRECT', 'ALL']),
  auto_commit: z.boolean().optional(),
  auto_commit_interval: duration.optional(),
  session_timeout: duration.optional(),
  cel: z.string().max(4096).optional(),
  subject_types: z.array(z.string()).max(32).optional(),
});

const TOPICS = [
  { id: TASK_TOPIC, description: "Task manager's events topic", ordering: 'EVENTMANAGER', persistency: true, producer_consolidation: 'NONE', archive_consolidation: 'NONE', retention: 'P7D' },
  { id: TENANT_TOPIC, description: 'Tenant lifecycle events topic', ordering: 'EVENTMANAGER', persistency: true, producer_consolidation: 'TTS', archive_consolidation: 'TTS', retention: 'P7D' },
];

const TYPES = (Object.keys(TENANT_EVENT) as TenantChange[]).map((change) => ({
  id: TENANT_EVENT[change],
  topic_id: TENANT_TOPIC,
  description: TENANT_EVENT_DESCRIPTIONS[change],
  subject_ref_template: '/api/2/tenants/{{subjectId}}',
}));

const subscriptionView = (s: Subscription) => ({
  subscription_id: s.subscription_id,
  topic_id: s.topic_id,
  types: s.types,
  tenant_id: s.tenant_id,
  tenant_depth: s.tenant_depth,
  auto_commit: s.auto_commit,
  auto_commit_interval: s.auto_commit_interval,
  session_timeout: s.session_timeout,
});

const eventView = ({ lineage: _lineage, ...event }: StreamEvent) => event;

function uuidParam(request: FastifyRequest, name: string): string {
  const v = qs(request, name);
  if (v === undefined || v === '') throw invalid(`Query parameter '${name}' is required.`, { parameter: name });
  if (!UUID.test(v)) throw invalid(`Query parameter '${name}' must be a UUID.`, { parameter: name });
  return v.toLowerCase();
}

function topicParam(request: FastifyRequest, required: boolean): string | undefined {
  const v = qs(request, 'topic_id');
  if (v === undefined || v === '') {
    if (required) throw invalid("Query parameter 'topic_id' is required.", { parameter: 'topic_id' });
    return undefined;
  }
  if (!TOPICS.some((t) => t.id === v)) throw new EventManagerError(404, 'topicNotFound', `Topic ${v} not found.`, undefined, { topic_id: v });
  return v;
}

export function eventManagerRoutes(app: FastifyInstance, ctx: EmulatorContext<AcronisState>): void {
  const subscriptionOr404 = (id: string): Subscription => {
    const s = ctx.state.events.subscriptions.get(id);
    if (!s) throw new EventManagerError(404, 'subscriptionNotFound', `Subscription ${id} not found.`, undefined, { subscription_id: id });
    return s;
  };

  app.get('/topics', async (request) => {
    const id = topicParam(request, false);
    return id === undefined ? TOPICS : TOPICS.filter((t) => t.id === id);
  });

  app.get('/types', async (request) => {
    const topic = topicParam(request, false);
    const typeId = qs(request, 'type_id');
    return TYPES.filter((t) => (topic === undefined || t.topic_id === topic) && (typeId === undefined || t.id === typeId));
  });

  app.get('/topics/offsets', async (request) => {
    const topic = topicParam(request, true) as string;
    const position = qs(request, 'position');
    const stream = ctx.state.events;
    if (position === 'CURRENT') return { topic_id: topic, offset: topic === TENANT_TOPIC ? stream.latest : 0 };
    if (position === 'EARLIEST') return { topic_id: topic, offset: topic === TENANT_TOPIC ? stream.earliest - 1 : 0 };
    if (position === 'TIMESTAMP') {
      const at = Date.parse(qs(request, 'timestamp') ?? '');
      if (Number.isNaN(at)) throw invalid("position TIMESTAMP needs 'timestamp' (RFC 3339).", { parameter: 'timestamp' });
      const first = stream.events.find((e) => Date.parse(e.time) >= at);
      return { topic_id: topic, offset: topic === TENANT_TOPIC ? (first === undefined ? stream.latest : first.sequence - 1) : 0 };
    }
    throw invalid("Query parameter 'position' must be EARLIEST, TIMESTAMP or CURRENT.", { parameter: 'position' });
  });

  app.post('/subscriptions', async (request, reply) => {
    const parsed = subscriptionSchema.safeParse(request.body ?? {});
    if (!parsed.success) {
      throw invalid('The subscription is invalid.', { errors: parsed.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message })) });
    }
    const body = parsed.data;
    if (!TOPICS.some((t) => t.id === body.topic_id)) throw new EventManagerError(404, 'topicNotFound', `Topic ${body.topic_id} not found.`, undefined, { topic_id: body.topic_id });
    const caller = callerOf(request);
    const tenantId = (body.tenant_id ?? caller.tenant_id).toLowerCase();
    if (!ctx.state.liveTenant(tenantId) || !ctx.state.isWithin(tenantId, caller.tenant_id)) {
      throw new EventManagerError(403, 'accessDenied', 'The subscription tenant is not one this client may read.', undefined, { tenant_id: tenantId });
    }
    const id = body.subscription_id.toLowerCase();
    if (ctx.state.events.subscriptions.has(id)) throw new EventManagerError(409, 'subscriptionExists', `Subscription ${id} already exists.`, undefined, { subscription_id: id });
    const sessionTimeout = body.session_timeout ?? 'PT30S';
    const sub: Subscription = {
      subscription_id: id,
      topic_id: body.topic_id,
      types: body.types,
      tenant_id: tenantId,
      tenant_depth: body.tenant_depth,
      auto_commit: body.auto_commit ?? false,
      auto_commit_interval: body.auto_commit_interval ?? 'PT5M',
      session_timeout: sessionTimeout,
      sessionTimeoutMs: isoDurationMs(sessionTimeout) as number,
      committed: 0,
      leader: null,
    };
    ctx.state.events.subscriptions.set(id, sub);
    return reply.code(201).send(subscriptionView(sub));
  });

  app.get('/subscriptions/offset', async (request) => {
    const sub = subscriptionOr404(uuidParam(request, 'subscription_id'));
    return { subscription_id: sub.subscription_id, offset: sub.committed };
  });

  app.get('/events', async (request, reply) => {
    const sub = subscriptionOr404(uuidParam(request, 'subscription_id'));
    const consumerId = uuidParam(request, 'consumer_id');
    const offsetText = qs(request, 'offset');
    const offset = Number(offsetText);
    if (offsetText === undefined || offsetText === '' || !Number.isSafeInteger(offset) || offset < 0) {
      throw invalid("Query parameter 'offset' is required and must be a non-negative integer.", { parameter: 'offset' });
    }
    const limitText = qs(request, 'limit');
    const limit = limitText === undefined ? 100 : Number(limitText);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw invalid("Query parameter 'limit' must be an integer from 1 to 100.", { parameter: 'limit' });
    const timeoutText = qs(request, 'timeout') ?? 'PT30S';
    const asked = isoDurationMs(timeoutText);
    if (asked === undefined) throw invalid("Query parameter 'timeout' must be an ISO 8601 duration such as PT30S.", { parameter: 'timeout' });

    const settings = longPollOf(ctx);
    const now = ctx.clock.nowMs();
    // One leader per subscription: another consumer waits until the leader's session lapses.
    if (sub.leader !== null && sub.leader.consumerId !== consumerId && sub.leader.until > now) {
      return reply.code(429).header('retry-after', String(Math.max(1, Math.ceil((sub.leader.until - now) / 1000)))).send();
    }
    sub.leader = { consumerId, until: now + sub.sessionTimeoutMs };
    if (sub.auto_commit) sub.committed = Math.max(sub.committed, offset);

    const stream = ctx.state.events;
    const wait = Math.min(asked, sub.sessionTimeoutMs, settings.maxWaitMs);
    const deadline = Date.now() + wait;
    const gone = new AbortController();
    request.raw.once('close', () => gone.abort());
    let batch = stream.read(sub, offset, limit);
    while (batch.events.length === 0 && Date.now() < deadline && !gone.signal.aborted) {
      await stream.waitForEvent(deadline - Date.now(), gone.signal);
      batch = stream.read(sub, offset, limit);
    }
    if (sub.leader?.consumerId === consumerId) sub.leader.until = ctx.clock.nowMs() + sub.sessionTimeoutMs;
    if (batch.events.length === 0) {
      return reply.code(202).header('retry-after', String(settings.retryAfterSeconds)).send({ events: [], offset: batch.offset });
    }
    return { events: batch.events.map(eventView), offset: batch.offset };
  });
}
