import { beforeEach, describe, expect, it } from 'vitest';
import { startHarness } from './test-support.ts';
import { harnessPerFile } from '../kit/harness-per-file.test-support.ts';

const h = harnessPerFile(startHarness, 'demo', { reseedEachTest: true });
beforeEach(async () => {
  await h.api('POST', '/organization/accounts', [{ id: 't-coho', name: 'Coho Winery' }, { id: 't-new', name: 'Not In The PSA' }]);
  await h.api('PATCH', '/organization/status/pending');
});

const alert = (alertId: string, extra: Record<string, unknown> = {}) => ({ title: 'Backup failed', description: 'The backup location is not accessible.', alertId, priority: 3, status: 1, ...extra });

describe('alerting', () => {
  it('queues a message (201 {messageId, alertId, correlationID}), debug goes pending → success with a ticket', async () => {
    const r = await h.api('POST', '/alerting/t-coho', alert('acr:1'));
    expect(r.status).toBe(201);
    expect(Object.keys(r.body).sort()).toEqual(['alertId', 'correlationID', 'messageId']);
    expect((await h.api('GET', '/organization')).body.status).toBe('active');
    const first = await h.api('GET', `/alerting/debug/${r.body.messageId}`);
    expect(first.body).toMatchObject({ status: 'pending', ticketId: null, messageId: r.body.messageId });
    const second = await h.api('GET', `/alerting/debug/${r.body.messageId}`);
    expect(second.body).toMatchObject({ status: 'success', ticketId: expect.any(String), message: 'Ticket created' });
    const tickets = (await h.control('GET', '/tickets')).body.items;
    expect(tickets).toEqual([expect.objectContaining({ alertId: 'acr:1', priority: 3, title: 'Backup failed' })]);
  });

  it('fails an unmapped account with Gradient\'s errors, and the PSA refusing on demand', async () => {
    const r = await h.api('POST', '/alerting/t-new', alert('acr:2'));
    await h.control('POST', '/alerts/process');
    const d = await h.api('GET', `/alerting/debug/${r.body.messageId}`);
    expect(d.body).toMatchObject({ status: 'failed', statusCode: 404, errors: ['No account map found with id: t-new'] });
    await h.control('PUT', '/alerting', { failNext: 1, failStatusCode: 502, failErrors: ['ConnectWise answered 502'], pendingReads: 0 });
    const r2 = await h.api('POST', '/alerting/t-coho', alert('acr:3'));
    expect((await h.api('GET', `/alerting/debug/${r2.body.messageId}`)).body).toMatchObject({ status: 'failed', statusCode: 502, errors: ['ConnectWise answered 502'] });
  });

  it('validates priority 1..4 and the required fields; a repeated alertId answers the first message unless switched off', async () => {
    const bad = await h.api('POST', '/alerting/t-coho', { title: '', alertId: 'x', priority: 5 });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toEqual(['title should not be empty', 'description must be a string', 'priority must not be greater than 4']);
    await h.control('PUT', '/alerting', { pendingReads: 0 });
    const ids = new Set<string>();
    for (let i = 0; i < 2; i++) {
      const r = await h.api('POST', '/alerting/t-coho', alert('acr:same'));
      ids.add(r.body.messageId);
      await h.api('GET', `/alerting/debug/${r.body.messageId}`);
    }
    expect(ids.size).toBe(1);
    expect((await h.control('GET', '/tickets')).body.items).toHaveLength(1);
    await h.control('PUT', '/alerting', { dedupeAlertIds: false });
    const again = await h.api('POST', '/alerting/t-coho', alert('acr:same'));
    await h.api('GET', `/alerting/debug/${again.body.messageId}`);
    expect((await h.control('GET', '/tickets')).body.items).toHaveLength(2);
    expect((await h.api('GET', '/alerting/debug/unknown')).status).toBe(404);
  });
});
