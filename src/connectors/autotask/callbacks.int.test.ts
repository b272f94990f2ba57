// The Autotask target's webhooks against the emulator over real HTTP: registration is idempotent and
// repairs a webhook found by URL (secret, active), the fields make it ready, unregistering removes
// both kinds; a callout is verified on its raw bytes with the secret and read as the port's event.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAutotaskHarness, type AutotaskHarness } from './test-support.ts';
import { webhookSignature } from './webhook-signature.ts';
import { connectorFailure as failure } from '../kit/connector-failure.test-support.ts';

describe('Autotask webhooks (callbacks)', () => {
  let h: AutotaskHarness;
  beforeAll(async () => {
    h = await startAutotaskHarness('demo');
  });
  afterAll(async () => {
    await h.close();
  });

  it('registers a company and a ticket webhook once, repairs them when found by URL, and removes them', async () => {
    const { target } = h.target();
    const url = 'http://127.0.0.1:9/api/v1/callbacks/autotask/x';
    const first = await target.callbacks.register(url, ['company', 'contract', 'ticket'], { secret: 's1' });
    expect(first.map((r) => r.entity).sort()).toEqual(['company', 'ticket']);
    expect(first.every((r) => r.active && r.url === url)).toBe(true);
    const ticketHooks = async () => (await h.control<{ items: Record<string, unknown>[] }>('GET', '/entities/TicketWebhooks')).items;
    expect(await ticketHooks()).toHaveLength(1);
    expect((await ticketHooks())[0]).toMatchObject({ name: 'psa-bridge', secretKey: 's1', isActive: true, isSubscribedToUpdateEvents: true, isSubscribedToCreateEvents: false });

    // Deactivated on Autotask's side and the hub's key changed: registering again repairs the same rows.
    const ticketHookId = Number((await ticketHooks())[0]!.id);
    await target.client.update('TicketWebhooks', '/TicketWebhooks', { id: ticketHookId, isActive: false }, { operation: 'test' });
    expect((await target.callbacks.list(url)).find((r) => r.entity === 'ticket')?.active).toBe(false);
    const second = await target.callbacks.register(url, ['company', 'contract', 'ticket'], { secret: 's2' });
    expect(second.map((r) => r.id).sort()).toEqual(first.map((r) => r.id).sort());
    expect(await ticketHooks()).toHaveLength(1);
    expect((await ticketHooks())[0]).toMatchObject({ secretKey: 's2', isActive: true });
    const fields = (await h.control<{ items: { webhookID: number }[] }>('GET', '/entities/TicketWebhookFields')).items.filter((f) => f.webhookID === ticketHookId);
    expect(fields).toHaveLength(2); // status subscribed, companyID shown: not added twice

    expect(await target.callbacks.unregister(url)).toBe(2);
    expect(await target.callbacks.list(url)).toEqual([]);
    expect(await target.callbacks.unregister(url)).toBe(0);
  });

  it('verifies X-Hook-Signature with the secret and reads a ticket or company callout; refuses unsigned and wrongly signed ones', async () => {
    const { target } = h.target();
    const ticket = '{"Action":"Update","Guid":"g","EntityType":"Ticket","Id":77,"Fields":{"status":5,"companyID":250},"EventTime":"2026-12-03T09:00:00.000Z","SequenceNumber":3,"PersonID":4}';
    expect(await target.callbacks.verify({ rawBody: ticket, headers: { 'x-hook-signature': webhookSignature('k', ticket) } }, { secret: 'k' })).toEqual({
      entity: 'ticket',
      action: 'updated',
      id: '77',
      companyId: '250',
      occurredAt: '2026-12-03T09:00:00.000Z',
    });
    const company = '{"Action":"Create","Guid":"g","EntityType":"Account","Id":12,"Fields":{"companyName":"A \\u0026 B"},"EventTime":"2026-12-03T09:00:00.000Z","SequenceNumber":4,"PersonID":4}';
    expect(await target.callbacks.verify({ rawBody: company, headers: { 'x-hook-signature': webhookSignature('k', company) } }, { secret: 'k' })).toMatchObject({ entity: 'company', action: 'added', id: '12', companyId: '12' });
    expect((await failure(target.callbacks.verify({ rawBody: ticket, headers: {} }, { secret: 'k' }))).message).toMatch(/no X-Hook-Signature/);
    expect((await failure(target.callbacks.verify({ rawBody: ticket, headers: { 'x-hook-signature': webhookSignature('other', ticket) } }, { secret: 'k' }))).code).toBe('auth_failed');
    const contact = ticket.replace('"Ticket"', '"Contact"');
    expect((await failure(target.callbacks.verify({ rawBody: contact, headers: { 'x-hook-signature': webhookSignature('k', contact) } }, { secret: 'k' }))).code).toBe('bad_request');
  });
});
