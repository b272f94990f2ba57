// The Event Manager's tenant topic as the emulator keeps it (reference §6 "Other event channels";
// developer.acronis.com events/v1 OpenAPI): one ordered stream of tenant events, the subscriptions
// reading it with a tenant-depth filter, which consumer leads each subscription, and the long-polls
// waiting for the next event. Lives in AcronisState, so a re-seed starts an empty stream.
import { randomUUID } from 'node:crypto';

export const TENANT_TOPIC = 'cti.a.p.em.topic.v1.0~a.p.tenant.v1.0';
export const TASK_TOPIC = 'cti.a.p.em.topic.v1.0~a.p.task.v1.0';
export const EVENT_PREFIX = 'cti.a.p.em.event.v1.0~';

/**
 * The tenant event types. created/updated/enabled/disabled are the vendor's documented ids
 * (topics-events page); `deleted` is assumed from the same pattern (the page we saw lists no
 * deletion type, but the topic's description says tenant lifecycle and the schema example speaks of
 * `tenant.undeleted`).
 */
export const TENANT_EVENT = {
  created: `${EVENT_PREFIX}a.p.tenant.created.v1.0`,
  updated: `${EVENT_PREFIX}a.p.tenant.updated.v1.0`,
  enabled: `${EVENT_PREFIX}a.p.tenant.enabled.v1.0`,
  disabled: `${EVENT_PREFIX}a.p.tenant.disabled.v1.0`,
  deleted: `${EVENT_PREFIX}a.p.tenant.deleted.v1.0`,
} as const;
export type TenantChange = keyof typeof TENANT_EVENT;

export const TENANT_EVENT_DESCRIPTIONS: Record<TenantChange, string> = {
  created: 'Event is raised when tenant is created.',
  updated: 'Event is raised when tenant is updated.',
  enabled: 'Event is raised when tenant is enabled.',
  disabled: 'Event is raised when tenant is disabled.',
  deleted: 'Event is raised when tenant is deleted. (assumed by the emulator)',
};

export type TenantDepth = 'CURRENT' | 'DIRECT' | 'ALL';

export interface StreamEvent {
  id: string;
  type: string;
  source: string;
  subject: string;
  subject_type: string;
  tenant_id: string;
  time: string;
  ingest_time: string;
  sequence: number;
  previous?: number;
  data: Record<string, unknown>;
  /** Root-first ids of the tenant's lineage when the event happened (the depth filter reads it; not sent). */
  lineage: readonly string[];
}

export interface Subscription {
  subscription_id: string;
  topic_id: string;
  types: string[];
  tenant_id: string;
  tenant_depth: TenantDepth;
  auto_commit: boolean;
  auto_commit_interval: string;
  session_timeout: string;
  sessionTimeoutMs: number;
  /** The offset committed for the subscription (auto_commit: the offset of the latest poll). */
  committed: number;
  /** The consumer that may read now, and until when its session lasts without another poll. */
  leader: { consumerId: string; until: number } | null;
}

/** Whether an event type matches a subscription's type pattern (exact, `prefix.*`, `name.v1.*`). */
export function typeMatches(pattern: string, type: string): boolean {
  if (!pattern.endsWith('*')) return pattern === type;
  return type.startsWith(pattern.slice(0, -1));
}

export function depthMatches(sub: Pick<Subscription, 'tenant_id' | 'tenant_depth'>, event: Pick<StreamEvent, 'tenant_id' | 'lineage'>): boolean {
  if (event.tenant_id === sub.tenant_id) return true;
  if (sub.tenant_depth === 'CURRENT') return false;
  const at = event.lineage.indexOf(sub.tenant_id);
  if (at < 0) return false;
  return sub.tenant_depth === 'ALL' || at === event.lineage.length - 2;
}

/** Events kept per stream; the oldest go first (the real topic keeps P7D). */
const RETENTION = 100_000;

export class TenantEventStream {
  readonly events: StreamEvent[] = [];
  readonly subscriptions = new Map<string, Subscription>();
  private readonly waiters = new Set<() => void>();
  private lastSequence = 0;

  get latest(): number {
    return this.lastSequence;
  }

  get earliest(): number {
    return this.events[0]?.sequence ?? this.lastSequence + 1;
  }

  append(event: Omit<StreamEvent, 'id' | 'sequence' | 'previous'>): StreamEvent {
    const sequence = ++this.lastSequence;
    const full: StreamEvent = { id: randomUUID(), sequence, ...(sequence > 1 ? { previous: sequence - 1 } : {}), ...event };
    this.events.push(full);
    if (this.events.length > RETENTION) this.events.splice(0, this.events.length - RETENTION);
    for (const wake of [...this.waiters]) wake();
    return full;
  }

  /** Up to `limit` events after `offset` the subscription delivers, and the offset to poll next. */
  read(sub: Subscription, offset: number, limit: number): { events: StreamEvent[]; offset: number } {
    const out: StreamEvent[] = [];
    let next = offset;
    let lo = 0;
    let hi = this.events.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.events[mid] as StreamEvent).sequence <= offset) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < this.events.length && out.length < limit; i++) {
      const e = this.events[i] as StreamEvent;
      next = e.sequence;
      if (sub.types.some((p) => typeMatches(p, e.type)) && depthMatches(sub, e)) out.push(e);
    }
    // Nothing delivered: the offset still moves past what was filtered out, so the next poll skips it.
    return { events: out, offset: next };
  }

  /** Resolves on the next append, or after `ms`, or when `signal` fires; true when an event came. */
  waitForEvent(ms: number, signal?: AbortSignal): Promise<boolean> {
    return new Promise((resolve) => {
      const finish = (came: boolean): void => {
        clearTimeout(timer);
        this.waiters.delete(wake);
        signal?.removeEventListener('abort', onAbort);
        resolve(came);
      };
      const wake = (): void => finish(true);
      const onAbort = (): void => finish(false);
      const timer = setTimeout(() => finish(false), ms);
      this.waiters.add(wake);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}

/** ISO 8601 durations of the form the API accepts (PnYnMnWnDTnHnMnS), in milliseconds; undefined when malformed. */
export function isoDurationMs(text: string): number | undefined {
  const m = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/.exec(text);
  if (!m || text === 'P' || text.endsWith('T')) return undefined;
  const [, y, mo, w, d, h, mi, s] = m.map((v) => Number(v ?? 0)) as number[];
  return ((((y ?? 0) * 365 + (mo ?? 0) * 30 + (w ?? 0) * 7 + (d ?? 0)) * 24 + (h ?? 0)) * 60 + (mi ?? 0)) * 60_000 + (s ?? 0) * 1000;
}
