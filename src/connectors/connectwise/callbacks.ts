/** System callbacks (company, agreement, ticket) registered once per URL, and deliveries verified by their signature. */
import { ConnectorError } from '../kit/errors.ts';
import { collect } from '../kit/paging.ts';
import { parseJsonText, parsePayload } from '../kit/payload.ts';
import { lookUpThenWrite } from '../kit/look-up-then-write.ts';
import type { CallbackDelivery, CallbackEntity, CallbackRegistration, TargetCallbackEvent, TargetCallbacks } from '../ports.ts';
import { callbackSignatureMatches, callbackSigningKey, trustedKeyUrl } from './callback-signature.ts';
import { CONNECTWISE_SYSTEM } from './client.ts';
import { and, where } from './conditions.ts';
import { badInput, PATHS, type ConnectWiseParts } from './target-parts.ts';
import * as wire from './wire.ts';

const CALLBACK_DESCRIPTION = 'psa-bridge';
/** Port entity → ConnectWise callback type. */
const CALLBACK_TYPES: Record<CallbackEntity, string> = { company: 'company', contract: 'agreement', ticket: 'ticket' };
const KEY_TTL_MS = 60 * 60_000;
/**
 * Signing keys by key URL, shared by every target of the process (a key URL names one key). Bounded:
 * a delivery is unauthenticated until verified, and anyone can name any URL on the site, so an
 * unbounded cache (and a fetch per new URL) let a flood of forged deliveries grow memory and make the
 * hub fetch from ConnectWise on their behalf. ConnectWise rotates keys rarely; a few entries suffice.
 */
const MAX_CACHED_KEYS = 32;
/** Keys the hub has not seen yet, fetched per site and minute at most; more are refused until the minute passes. */
const NEW_KEY_FETCHES_PER_MINUTE = 5;
/** A known key is fetched again (rotation) at most this often, however many signatures fail against it. */
const KEY_REFRESH_MIN_MS = 60_000;
const signingKeys = new Map<string, { key: Buffer; at: number }>();
const newKeyFetches = new Map<string, number[]>();

function remember(keyUrl: string, entry: { key: Buffer; at: number }): void {
  signingKeys.delete(keyUrl);
  signingKeys.set(keyUrl, entry);
  while (signingKeys.size > MAX_CACHED_KEYS) {
    const oldest = signingKeys.keys().next().value;
    if (oldest === undefined) break;
    signingKeys.delete(oldest);
  }
}

/** Whether one more unseen key may be fetched from `origin` now (a sliding minute). */
function mayFetchNewKey(origin: string, at: number): boolean {
  const recent = (newKeyFetches.get(origin) ?? []).filter((t) => at - t < 60_000);
  if (recent.length >= NEW_KEY_FETCHES_PER_MINUTE) {
    newKeyFetches.set(origin, recent);
    return false;
  }
  recent.push(at);
  newKeyFetches.set(origin, recent);
  return true;
}

export function createConnectWiseCallbacks(parts: ConnectWiseParts): TargetCallbacks {
  const { client, now } = parts;

  const entityOfType = (type: string): CallbackEntity | undefined => (Object.entries(CALLBACK_TYPES) as [CallbackEntity, string][]).find(([, t]) => t === type.toLowerCase())?.[0];

  const toRegistration = (c: wire.WireCallbackEntry): CallbackRegistration | null => {
    const entity = entityOfType(c.type);
    return entity === undefined ? null : { id: String(c.id), url: c.url, entity, active: c.inactiveFlag !== true };
  };

  async function listCallbacks(url?: string): Promise<CallbackRegistration[]> {
    const conditions = and([url === undefined ? where.eq('description', CALLBACK_DESCRIPTION) : where.eq('url', url)]);
    const rows = await collect(client.list(PATHS.callbacks, wire.callbackEntry, { conditions }, { operation: 'list callbacks' }));
    return rows.filter((r) => url === undefined || r.url === url).flatMap((r) => toRegistration(r) ?? []);
  }

  const refused = (message: string, context: Record<string, string> = {}): ConnectorError =>
    new ConnectorError({ code: 'auth_failed', system: CONNECTWISE_SYSTEM, message, context: { operation: 'verify callback', ...context } });

  /** The key of `keyUrl`: cached, or fetched within the limits above; a key that cannot be read refuses the delivery. */
  async function signingKey(keyUrl: string, fresh: boolean): Promise<Buffer | undefined> {
    const known = signingKeys.get(keyUrl);
    const at = now();
    if (known !== undefined && (!fresh ? at - known.at < KEY_TTL_MS : at - known.at < KEY_REFRESH_MIN_MS)) return fresh ? undefined : known.key;
    if (known === undefined && !mayFetchNewKey(client.siteOrigin, at)) {
      throw refused('The callback names a signing key the hub has not seen, and too many such deliveries arrived this minute; refused.');
    }
    let body: { signing_key: string };
    try {
      body = await client.getPublic(keyUrl, wire.signingKey, { operation: 'read the callback signing key' });
    } catch (error) {
      // Which URL failed and how is for the log and the audit trail, not for an unauthenticated caller.
      throw refused(`The signing key the callback names could not be read from ConnectWise (${error instanceof Error ? error.message : String(error)}); refused.`);
    }
    const key = callbackSigningKey(body.signing_key);
    remember(keyUrl, { key, at });
    return key;
  }

  async function verify(delivery: CallbackDelivery): Promise<TargetCallbackEvent> {
    const signature = delivery.headers['x-content-signature']?.trim() ?? '';
    if (signature === '') throw refused('The callback carries no x-content-signature header: it does not come from ConnectWise, and is refused.');
    const body = parsePayload(wire.callbackDelivery, parseJsonText(delivery.rawBody, 'a ConnectWise callback', { system: CONNECTWISE_SYSTEM }), 'a ConnectWise callback', { system: CONNECTWISE_SYSTEM });
    const trusted = trustedKeyUrl(body.Metadata.key_url, client.siteOrigin);
    if ('problem' in trusted) throw refused(trusted.problem, trusted.keyOrigin === undefined ? {} : { keyOrigin: trusted.keyOrigin });
    const keyUrl = trusted.url;
    const matches = (key: Buffer) => callbackSignatureMatches(delivery.rawBody, signature, key);
    let ok = matches((await signingKey(keyUrl.href, false))!);
    if (!ok) {
      // Perhaps rotated: read once more, unless it was read just now.
      const refreshed = await signingKey(keyUrl.href, true);
      ok = refreshed !== undefined && matches(refreshed);
    }
    if (!ok) throw refused('The callback signature does not match its body and ConnectWise signing key; refused.');

    const entity = entityOfType(body.Type);
    if (entity === undefined) throw badInput(`A ${body.Type} callback is not one the hub registers (company, agreement, ticket)`, 'verify callback');
    const action = body.Action.toLowerCase();
    if (action !== 'added' && action !== 'updated' && action !== 'deleted') throw badInput(`Unknown callback action "${body.Action}"`, 'verify callback');
    let companyId: string | null = entity === 'company' ? String(body.ID) : null;
    if (entity !== 'company' && body.Entity !== undefined && body.Entity !== null && body.Entity !== '') {
      try {
        const record = JSON.parse(body.Entity) as { company?: { id?: unknown } };
        if (typeof record.company?.id === 'number') companyId = String(record.company.id);
      } catch {
        // The event stands without its company; the loop reads the record anyway.
      }
    }
    return { entity, action, id: String(body.ID), companyId };
  }

  const callbacks: TargetCallbacks = {
    list: listCallbacks,
    register: async (url, entities) => {
      const operation = 'register callbacks';
      for (const entity of entities) {
        const existing = (await listCallbacks(url)).find((c) => c.entity === entity);
        if (existing !== undefined) {
          if (!existing.active) await client.patch(`${PATHS.callbacks}/${existing.id}`, [{ op: 'replace', path: 'inactiveFlag', value: false }], wire.callbackEntry, { operation, repeatable: true });
          continue;
        }
        const body = { url, objectId: 1, type: CALLBACK_TYPES[entity], level: 'owner', description: CALLBACK_DESCRIPTION, isSelfSuppressedFlag: true, inactiveFlag: false };
        await lookUpThenWrite({
          lookUp: async () => ((await listCallbacks(url)).some((c) => c.entity === entity) ? entity : null),
          lookUpFirst: false,
          write: async () => {
            await client.create(PATHS.callbacks, body, wire.callbackEntry, { operation });
            return entity;
          },
        });
      }
      return listCallbacks(url);
    },
    unregister: async (url) => {
      const found = await listCallbacks(url);
      for (const c of found) await client.remove(`${PATHS.callbacks}/${c.id}`, { operation: 'remove callback' });
      return found.length;
    },
    verify,
  };

  return callbacks;
}
