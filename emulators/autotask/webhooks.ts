// Webhook callouts (reference §A.6): when a company or a ticket is created, updated or deleted, every
// active, ready webhook of that entity (CompanyWebhooks, TicketWebhooks) subscribed to the event POSTs
// {Action, Guid, EntityType:"Account"|"Ticket", Id, Fields, EventTime, SequenceNumber, PersonID} to its
// webhookUrl, signed `X-Hook-Signature: sha1=<base64 HMAC-SHA1(secretKey, body)>` over the body
// serialized .NET-style. An update is sent only when a subscribed field changed. Field ids are the
// emulator's: the 1-based position of the field in {Entity}/entityInformation/fields [INF].
import { createHmac } from 'node:crypto';
import type { EmulatorContext } from '../kit/server.ts';
import { entity as entityDef, WEBHOOK_SOURCES, type EntityDef } from './entities.ts';
import type { AutotaskState, Row } from './state.ts';
import { formatDate } from './values.ts';

/** .NET's default JSON encoder escapes these; the signature is computed over that exact text. */
export function dotNetJson(value: unknown): string {
  return JSON.stringify(value).replace(/\\"|[&<>'`+]|[^\x00-\x7f]/g, (m) => {
    if (m === '\\"') return '\\u0022';
    return `\\u${m.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}

export function signature(secretKey: string, body: string): string {
  return `sha1=${createHmac('sha1', secretKey).update(body, 'utf8').digest('base64')}`;
}

/** The webhook field id of an entity's field: its 1-based position in the entity's fields. */
export function webhookFieldId(entityName: string, name: string): number {
  return entityDef(entityName).fields.findIndex((f) => f.name === name) + 1;
}

export function companyFieldId(name: string): number {
  return webhookFieldId('Companies', name);
}

export function entityChanged(
  ctx: EmulatorContext<AutotaskState>,
  entity: EntityDef,
  action: 'Create' | 'Update' | 'Delete',
  row: Row,
  changed: string[],
  personId: number,
): void {
  const source = WEBHOOK_SOURCES[entity.name];
  if (source === undefined) return;
  const state = ctx.state;
  const fields = entity.fields;
  const one = source.hooks.slice(0, -1);
  for (const hook of state.table(source.hooks).rows.values()) {
    if (hook.isActive !== true || typeof hook.webhookUrl !== 'string') continue;
    if (action === 'Create' && hook.isSubscribedToCreateEvents !== true) continue;
    if (action === 'Update' && hook.isSubscribedToUpdateEvents !== true) continue;
    if (action === 'Delete' && hook.isSubscribedToDeleteEvents !== true) continue;
    const hookFields = state.table(`${one}Fields`).children('webhookID', hook.id);
    const subscribed = hookFields.filter((f) => f.isSubscribedField === true).map((f) => fields[Number(f.fieldID) - 1]?.name);
    if (subscribed.length === 0) continue;
    if (state.table(`${one}ExcludedResources`).children('webhookID', hook.id).some((r) => r.resourceID === personId)) continue;
    if (action === 'Update' && !changed.some((c) => subscribed.includes(c))) continue;
    const shown = new Set([...subscribed, ...hookFields.filter((f) => f.isDisplayAlwaysField === true).map((f) => fields[Number(f.fieldID) - 1]?.name)]);
    const payload: Record<string, unknown> = {};
    for (const name of shown) if (name) payload[name] = row[name] ?? null;
    const body = dotNetJson({
      Action: action,
      Guid: hook.webhookGUID,
      EntityType: source.entityType,
      Id: row.id,
      Fields: action === 'Delete' ? {} : payload,
      EventTime: formatDate(ctx.clock.nowMs()),
      SequenceNumber: ++state.webhookSequence,
      PersonID: personId,
    });
    const sig = signature(String(hook.secretKey ?? ''), body);
    const record: AutotaskState['callouts'][number] = { webhookId: hook.id, url: hook.webhookUrl, status: null, body, signature: sig, at: formatDate(ctx.clock.nowMs()) };
    state.callouts.push(record);
    if (state.callouts.length > 500) state.callouts.shift();
    void fetch(hook.webhookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hook-signature': sig },
      body,
      signal: AbortSignal.timeout(5000),
    }).then(
      (res) => {
        record.status = res.status;
        return res.body?.cancel();
      },
      () => {
        record.status = 0;
      },
    );
  }
}
