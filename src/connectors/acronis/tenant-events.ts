/**
 * The Event Manager's tenant topic (reference acronis.md §6 "Other event channels"; the vendor's
 * events/v1 OpenAPI) as the port's `tenantEvents`: one subscription per integration to every tenant
 * type (`…~a.p.tenant.*`) at depth ALL below the partner, read by long-poll with the offset the hub
 * keeps (no auto-commit: the hub's cursor is the truth, so a restart resumes where it stopped).
 *
 * A 202 means nothing new arrived within the wait; its Retry-After says when to ask again.
 */
import { z } from 'zod';
import { parsePayload } from '../kit/payload.ts';
import type { TenantEventBatch, TenantEventKind, VendorTenantEvents } from '../ports.ts';
import type { AcronisClient } from './client.ts';

export const EVENT_API = '/api/event_manager/v1';
export const TENANT_TOPIC = 'cti.a.p.em.topic.v1.0~a.p.tenant.v1.0';
const TENANT_TYPES = 'cti.a.p.em.event.v1.0~a.p.tenant.*';
const TYPE_PATTERN = /^cti\.a\.p\.em\.event\.v1\.0~a\.p\.tenant\.([a-z_]+)\.v\d+\.\d+$/;
const KNOWN: readonly TenantEventKind[] = ['created', 'updated', 'enabled', 'disabled', 'deleted'];

const offsetResponse = z.looseObject({ offset: z.number().int() });
const eventsResponse = z.looseObject({
  offset: z.number().int(),
  events: z.array(
    z.looseObject({
      id: z.string(),
      type: z.string(),
      tenant_id: z.string(),
      subject: z.string().optional(),
      time: z.string(),
      sequence: z.number().int().optional(),
    }),
  ),
});

/** `cti.a.p.em.event.v1.0~a.p.tenant.disabled.v1.0` → `disabled`. */
export function tenantEventKind(type: string): TenantEventKind {
  const name = TYPE_PATTERN.exec(type)?.[1] as TenantEventKind | undefined;
  return name !== undefined && KNOWN.includes(name) ? name : 'other';
}

export function createAcronisTenantEvents(client: AcronisClient): VendorTenantEvents {
  return {
    async subscribe({ subscriptionId, tenantId }) {
      // 409: the subscription exists already (a restart, another worker): keep it.
      await client.request({
        method: 'POST',
        path: `${EVENT_API}/subscriptions`,
        json: { subscription_id: subscriptionId, topic_id: TENANT_TOPIC, types: [TENANT_TYPES], tenant_id: tenantId, tenant_depth: 'ALL', auto_commit: false, session_timeout: 'PT5M' },
        acceptStatus: [409],
        repeatable: true,
        operation: 'subscribe to tenant events',
      });
    },

    async latestOffset() {
      const body = await client.requestJson(
        { method: 'GET', path: `${EVENT_API}/topics/offsets`, query: { topic_id: TENANT_TOPIC, position: 'CURRENT' }, operation: 'read the tenant topic offset' },
        offsetResponse,
      );
      return String(body.offset);
    },

    async poll({ subscriptionId, consumerId, offset, waitSeconds, signal }): Promise<TenantEventBatch> {
      const res = await client.request({
        method: 'GET',
        path: `${EVENT_API}/events`,
        query: { subscription_id: subscriptionId, consumer_id: consumerId, offset, timeout: `PT${Math.max(1, Math.round(waitSeconds))}S` },
        acceptStatus: [202],
        // The server holds the request for the wait; give it that plus a margin before calling it a timeout.
        timeoutMs: (waitSeconds + 15) * 1000,
        ...(signal === undefined ? {} : { signal }),
        operation: 'read tenant events',
      });
      if (res.status === 202) {
        const retryAfter = Number(res.headers.get('retry-after'));
        const parsed = offsetResponse.safeParse(res.body);
        return { events: [], offset: parsed.success ? String(parsed.data.offset) : offset, ...(Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfterMs: retryAfter * 1000 } : {}) };
      }
      const body = parsePayload(eventsResponse, res.body, 'tenant events from the Event Manager', { system: 'acronis' });
      return {
        offset: String(body.offset),
        events: body.events.map((e) => ({ id: e.id, sequence: e.sequence ?? body.offset, kind: tenantEventKind(e.type), type: e.type, tenantId: e.subject ?? e.tenant_id, time: e.time })),
      };
    },
  };
}
