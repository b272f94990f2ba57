/**
 * Autotask webhooks (reference psa.md §A.6) as the port's callbacks: one `CompanyWebhooks` and one
 * `TicketWebhooks` row per hub URL, created with the secret key the hub chose, and callouts verified
 * by their `X-Hook-Signature` over the raw body.
 *
 * - company: subscribed to the fields the directory reads (name, type, number, active, web address),
 *   create, update and delete events → the directory loop;
 * - ticket: subscribed to `status` on update, with `companyID` shown always → the tickets loop, which
 *   clears the alert when the status is the configured clear status;
 * - contract: Autotask has no webhook entity for contracts or contract services, so contract changes
 *   stay with the provisioning loop's incremental poll.
 *
 * Webhook field ids are what `{Entity}/entityInformation/fields` lists, by position (1-based): the
 * documentation names `fieldID` without saying where it comes from [INF, like the emulator].
 */
import { ConnectorError } from '../kit/errors.ts';
import { lookUpThenWrite } from '../kit/look-up-then-write.ts';
import { parseJsonText, parsePayload } from '../kit/payload.ts';
import type { CallbackDelivery, CallbackEntity, CallbackRegistration, CallbackSecret, TargetCallbackEvent, TargetCallbacks } from '../ports.ts';
import { buildQuery, where } from './query.ts';
import { badInput, type AutotaskParts } from './target-parts.ts';
import { webhookSignatureMatches } from './webhook-signature.ts';
import * as wire from './wire.ts';

/** The name every webhook of the hub carries (Autotask allows 50 characters). */
export const WEBHOOK_NAME = 'psa-bridge';

interface WebhookKind {
  /** The webhook entity (`CompanyWebhooks`) and the entity whose changes it sends. */
  hooks: string;
  source: string;
  /** Fields whose change sends a callout. */
  subscribed: readonly string[];
  /** Fields sent with every callout, changed or not. */
  shown: readonly string[];
  events: { create: boolean; update: boolean; delete: boolean };
}

const KINDS: Partial<Record<CallbackEntity, WebhookKind>> = {
  company: {
    hooks: 'CompanyWebhooks',
    source: 'Companies',
    subscribed: ['companyName', 'companyType', 'companyNumber', 'isActive', 'webAddress'],
    shown: [],
    events: { create: true, update: true, delete: true },
  },
  ticket: {
    hooks: 'TicketWebhooks',
    source: 'Tickets',
    subscribed: ['status'],
    shown: ['companyID'],
    events: { create: false, update: true, delete: false },
  },
};

/** Callout `EntityType` → port entity; Autotask still says `Account` for a company. */
const ENTITY_TYPES: Record<string, CallbackEntity> = { account: 'company', company: 'company', ticket: 'ticket' };
const ACTIONS: Record<string, TargetCallbackEvent['action']> = { create: 'added', update: 'updated', delete: 'deleted' };

export function createAutotaskCallbacks(parts: AutotaskParts): TargetCallbacks {
  const { client } = parts;
  const kinds = Object.entries(KINDS) as [CallbackEntity, WebhookKind][];

  async function hooksOf(kind: WebhookKind, url: string | undefined): Promise<wire.WireWebhook[]> {
    const body = buildQuery([url === undefined ? where.eq('name', WEBHOOK_NAME) : where.eq('webhookUrl', url)]);
    const rows: wire.WireWebhook[] = [];
    for await (const row of client.query(kind.hooks, body, wire.webhook, { operation: `list ${kind.hooks}` })) rows.push(row);
    // The query compares case-insensitively; a URL differs by case only on purpose.
    return rows.filter((r) => (url === undefined ? true : r.webhookUrl === url));
  }

  async function list(url?: string): Promise<CallbackRegistration[]> {
    const out: CallbackRegistration[] = [];
    for (const [entity, kind] of kinds) {
      for (const row of await hooksOf(kind, url)) out.push({ id: `${kind.hooks}/${row.id}`, url: row.webhookUrl ?? '', entity, active: row.isActive === true && row.isReady !== false });
    }
    return out;
  }

  /** Subscribes the kind's fields on webhook `id` (those not subscribed yet), which makes it ready. */
  async function subscribeFields(kind: WebhookKind, id: number): Promise<void> {
    const operation = `subscribe ${kind.hooks} fields`;
    const fields = await client.fields(kind.source);
    const fieldId = (name: string): number => {
      const at = fields.findIndex((f) => f.name.toLowerCase() === name.toLowerCase());
      if (at < 0) throw badInput(`Autotask ${kind.source} has no field ${name} to subscribe a webhook to`, operation, { field: name });
      return at + 1;
    };
    const fieldsEntity = `${kind.hooks.slice(0, -1)}Fields`;
    const existing = await client.requestJson(fieldsEntity, { method: 'GET', path: `/${kind.hooks}/${id}/Fields`, operation }, wire.queryPage(wire.webhookField));
    const have = new Set(existing.items.map((f) => f.fieldID));
    const wanted = [...kind.subscribed.map((name) => ({ name, subscribed: true })), ...kind.shown.map((name) => ({ name, subscribed: false }))];
    for (const field of wanted) {
      const fid = fieldId(field.name);
      if (have.has(fid)) continue;
      await client.create(fieldsEntity, `/${kind.hooks}/${id}/Fields`, { webhookID: id, fieldID: fid, isSubscribedField: field.subscribed, isDisplayAlwaysField: !field.subscribed }, { operation });
    }
  }

  async function registerOne(kind: WebhookKind, url: string, secret: string): Promise<void> {
    const operation = `register ${kind.hooks}`;
    const settings = {
      isActive: true,
      webhookUrl: url,
      secretKey: secret,
      isSubscribedToCreateEvents: kind.events.create,
      isSubscribedToUpdateEvents: kind.events.update,
      isSubscribedToDeleteEvents: kind.events.delete,
      sendThresholdExceededNotification: false,
    };
    const [existing] = await hooksOf(kind, url);
    let id: number;
    if (existing !== undefined) {
      // Found by URL: set the secret and events again (the hub's key may have changed), keep the row.
      id = existing.id;
      await client.update(kind.hooks, `/${kind.hooks}`, { id, name: WEBHOOK_NAME, ...settings }, { operation });
    } else {
      const written = await lookUpThenWrite({
        lookUp: async () => (await hooksOf(kind, url))[0]?.id ?? null,
        lookUpFirst: false,
        write: async () => client.create(kind.hooks, `/${kind.hooks}`, { name: WEBHOOK_NAME, ...settings }, { operation }),
      });
      id = written.value;
    }
    await subscribeFields(kind, id);
  }

  const refused = (message: string): ConnectorError => new ConnectorError({ code: 'auth_failed', system: 'autotask', message, context: { operation: 'verify webhook callout' } });

  async function verify(delivery: CallbackDelivery, secret: CallbackSecret): Promise<TargetCallbackEvent> {
    const signature = delivery.headers['x-hook-signature']?.trim() ?? '';
    if (signature === '') throw refused('The callout carries no X-Hook-Signature header: it does not come from Autotask, and is refused.');
    if (!webhookSignatureMatches(delivery.rawBody, signature, secret.secret)) throw refused('The callout signature does not match its body and the webhook secret key; refused.');
    const origin = { system: 'autotask' };
    const body = parsePayload(wire.webhookDelivery, parseJsonText(delivery.rawBody, 'an Autotask webhook callout', origin), 'an Autotask webhook callout', origin);
    const entity = ENTITY_TYPES[body.EntityType.toLowerCase()];
    if (entity === undefined) throw badInput(`A ${body.EntityType} callout is not one the hub registers (Account, Ticket)`, 'verify webhook callout');
    const action = ACTIONS[body.Action.toLowerCase()];
    if (action === undefined) throw badInput(`Unknown callout action "${body.Action}"`, 'verify webhook callout');
    const fieldCompany = Object.entries(body.Fields ?? {}).find(([k]) => k.toLowerCase() === 'companyid')?.[1];
    const companyId = entity === 'company' ? String(body.Id) : typeof fieldCompany === 'number' ? String(fieldCompany) : null;
    return { entity, action, id: String(body.Id), companyId, ...(typeof body.EventTime === 'string' && body.EventTime !== '' ? { occurredAt: body.EventTime } : {}) };
  }

  return {
    list,
    register: async (url, entities, secret) => {
      for (const entity of entities) {
        const kind = KINDS[entity];
        if (kind !== undefined) await registerOne(kind, url, secret.secret);
      }
      return list(url);
    },
    unregister: async (url) => {
      let removed = 0;
      for (const [, kind] of kinds) {
        for (const row of await hooksOf(kind, url)) {
          await client.request(kind.hooks, { method: 'DELETE', path: `/${kind.hooks}/${row.id}`, operation: `remove ${kind.hooks}` });
          removed += 1;
        }
      }
      return removed;
    },
    verify,
  };
}
