// System callbacks (reference §B.4 "Callbacks"): when a company, contact, agreement or ticket is
// added, updated or deleted, every active callback of that type whose level/objectId matches gets
// a POST of
//   {MessageId, FromUrl, CompanyId, MemberId, Action, Type, ID, CallbackObjectRecId, Entity, Metadata:{key_url}}
// with `Entity` the entity JSON as a string [S:CWR Callback.ts; MessageId, CallbackObjectRecId: 3P Nango],
// signed `x-content-signature: base64(HMAC-SHA256(key = SHA-256(signing_key), raw body))` [S:CWR], where
// GET key_url answers `{"signing_key": "…"}`. The URL gets `?action=…&id=…` appended [3P:CWR README].
// Delivery is asynchronous, one at a time in change order, no retries [INF]; every attempt is logged
// for the control API.
import { createHash, createHmac, randomUUID } from 'node:crypto';
import type { EmulatorContext } from '../kit/server.ts';
import type { ResourceDef } from './model.ts';
import type { CwState, Row } from './state.ts';
import type { Action } from './writes.ts';

export const KEY_PATH = '/v4_6_release/system/callbackkey/index.rails';

export interface Delivery {
  seq: number;
  at: string;
  callbackId: number;
  url: string;
  type: string;
  action: Action;
  id: number;
  memberId: string;
  /** HTTP status from the receiver; 0 when it could not be reached. */
  status: number;
  error?: string;
  signature: string;
  body: string;
}

export function sign(signingKey: string, rawBody: string): string {
  const key = createHash('sha256').update(signingKey, 'utf8').digest();
  return createHmac('sha256', key).update(rawBody, 'utf8').digest('base64');
}

function matches(cb: Row, type: string, row: Row): boolean {
  const objectId = cb.objectId as number;
  switch (cb.level) {
    case 'owner':
      return true;
    case 'company':
      return type === 'company' ? row.id === objectId : row.company === objectId;
    case 'status':
      return row.status === objectId;
    case 'type':
      return Array.isArray(row.types) ? (row.types as number[]).includes(objectId) : row.type === objectId;
    case 'board':
      return row.board === objectId;
    default:
      // Record level (contact, agreement, ticket): one record.
      return cb.level === type && row.id === objectId;
  }
}

export class Deliveries {
  readonly log: Delivery[] = [];
  #chain: Promise<void> = Promise.resolve();
  #pending = 0;
  #generation = 0;
  #seq = 0;
  timeoutMs = 5000;

  get pending(): number {
    return this.#pending;
  }

  /** Drops queued deliveries and the log (re-seed). */
  reset(): void {
    this.#generation++;
    this.log.length = 0;
  }

  /** Resolves once everything queued so far was attempted. */
  async flush(): Promise<void> {
    let chain: Promise<void>;
    do {
      chain = this.#chain;
      await chain;
    } while (chain !== this.#chain);
  }

  enqueue(target: string, body: string, signature: string, meta: Omit<Delivery, 'seq' | 'at' | 'status' | 'signature' | 'body' | 'url'>): void {
    const generation = this.#generation;
    this.#pending++;
    this.#chain = this.#chain.then(async () => {
      if (generation !== this.#generation) return;
      const record: Delivery = { seq: ++this.#seq, at: new Date().toISOString(), url: target, status: 0, signature, body, ...meta };
      try {
        const res = await fetch(target, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-content-signature': signature },
          body,
          signal: AbortSignal.timeout(this.timeoutMs),
        });
        record.status = res.status;
        await res.arrayBuffer().catch(() => undefined);
      } catch (err) {
        record.error = err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
      } finally {
        this.#pending--;
      }
      if (generation !== this.#generation) return;
      this.log.push(record);
      if (this.log.length > 1000) this.log.shift();
    });
  }
}

export function keyUrl(ctx: EmulatorContext<CwState>): string {
  return `${ctx.url}${KEY_PATH}?id=${encodeURIComponent(ctx.state.currentKeyId)}`;
}

export interface ChangeEvent {
  def: ResourceDef;
  action: Action;
  row: Row;
  entity: Record<string, unknown>;
  actor: string;
  actorMemberId: number;
}

/** Queues a signed POST to every matching callback. */
export function fire(ctx: EmulatorContext<CwState>, deliveries: Deliveries, ev: ChangeEvent): void {
  const type = ev.def.callbackType;
  if (type === undefined) return;
  const state = ctx.state;
  const signingKey = state.signingKeys.get(state.currentKeyId) ?? '';
  for (const cb of state.table('callbacks').rows.values()) {
    if (cb.inactiveFlag === true || cb.type !== type) continue;
    if (cb.isSelfSuppressedFlag === true && cb.memberId === ev.actorMemberId) continue;
    if (!matches(cb, type, ev.row)) continue;
    const payload = {
      MessageId: randomUUID(),
      FromUrl: new URL(ctx.url).host,
      CompanyId: state.info.companyId,
      MemberId: ev.actor,
      Action: ev.action,
      Type: type,
      ID: ev.row.id,
      CallbackObjectRecId: cb.id,
      Entity: JSON.stringify(ev.entity),
      Metadata: { key_url: keyUrl(ctx) },
    };
    const body = JSON.stringify(payload);
    const target = new URL(String(cb.url));
    target.searchParams.set('action', ev.action);
    target.searchParams.set('id', String(ev.row.id));
    deliveries.enqueue(target.toString(), body, sign(signingKey, body), { callbackId: cb.id, type, action: ev.action, id: ev.row.id, memberId: ev.actor });
  }
}
