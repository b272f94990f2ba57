// Notifications when an integration turns failed or degraded and when it recovers (issue 15, item 7),
// on both databases over real HTTP: channels added through the API (a real SMTP server, smtp-server,
// that requires the stored password; a local webhook receiver that records each POST), secrets
// never shown nor stored in clear, a webhook inside the network refused unless listed, one message
// per transition (not per pass, not twice when two processes check), a test message, and a
// receiver that fails recorded and shown without failing the pass, then sent once it answers; a
// channel switched off hears nothing more.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseVendorHosts, targetHostPolicy } from '../../src/config/vendor-hosts.ts';
import { createHealthNotifier } from '../../src/sync/health-notifier.ts';
import { testDatabases } from '../support/databases.ts';
import { useAutotaskHub, type AutotaskHubWorld } from './autotask-hub.ts';
import { SMTP_TEST_PASSWORD, SMTP_TEST_USER, startSmtpServer, startWebhookReceiver, WEBHOOK_TEST_KEY } from '../support/notification-receivers.ts';

const SMTP_USER = SMTP_TEST_USER;
const SMTP_PASSWORD = SMTP_TEST_PASSWORD;
const HOOK_KEY = WEBHOOK_TEST_KEY;

async function control(base: string, method: string, path: string, body?: unknown): Promise<void> {
  const res = await fetch(`${base}/_emulator${path}`, { method, ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }) });
  expect(res.status, await res.clone().text()).toBeLessThan(300);
}

describe.each(testDatabases())('health notifications on $name', (db) => {
  let w: AutotaskHubWorld;
  useAutotaskHub(db, (opened) => (w = opened));
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
  beforeEach(async () => {
    smtp = await startSmtpServer();
    receiver = await startWebhookReceiver();
  });
  afterEach(async () => {
    await smtp.close();
    await receiver.close();
  });

  async function addChannels(): Promise<{ emailId: string; webhookId: string }> {
    const email = await w.hub.api('POST', '/api/v1/notification-channels', {
      kind: 'email',
      name: 'Ops mail',
      email: { host: '127.0.0.1', port: smtp.port, secure: false, user: SMTP_USER, password: SMTP_PASSWORD, from: 'hub@msp.example', to: ['ops@msp.example', 'oncall@msp.example'] },
    });
    expect(email.status, JSON.stringify(email.body)).toBe(201);
    const webhook = await w.hub.api('POST', '/api/v1/notification-channels', { kind: 'webhook', name: 'Ops chat', webhook: { url: receiver.url } });
    expect(webhook.status, JSON.stringify(webhook.body)).toBe(201);
    return { emailId: email.body.id, webhookId: webhook.body.id };
  }

  it('keeps the SMTP password and the webhook URL secret, refuses a webhook inside the network, and sends a test message', { timeout: 60_000 }, async () => {
    const { emailId, webhookId } = await addChannels();

    const listed = await w.hub.api('GET', '/api/v1/notification-channels');
    const text = JSON.stringify(listed.body);
    expect(text).not.toContain(SMTP_PASSWORD);
    expect(text).not.toContain(HOOK_KEY);
    expect(listed.body.items.find((c: { id: string }) => c.id === emailId).email).toMatchObject({ user: SMTP_USER, password: { set: true }, to: ['ops@msp.example', 'oncall@msp.example'] });
    expect(listed.body.items.find((c: { id: string }) => c.id === webhookId).webhook).toEqual({ url: { set: true, host: new URL(receiver.url).host } });
    const rows = await w.store.db.selectFrom('notification_channels').select('config').execute();
    for (const row of rows) {
      expect(row.config).not.toContain(SMTP_PASSWORD);
      expect(row.config).not.toContain(HOOK_KEY);
    }
    const audit = await w.store.repos.auditLog.list({ limit: 50 });
    expect(JSON.stringify(audit)).not.toContain(SMTP_PASSWORD);
    expect(w.hub.logs.join('\n')).not.toContain(SMTP_PASSWORD);

    // The hub calls a webhook like a target: inside the network only what PSA_BRIDGE_VENDOR_HOSTS lists (here 127.0.0.1).
    const inside = await w.hub.api('POST', '/api/v1/notification-channels', { kind: 'webhook', name: 'Internal', webhook: { url: 'http://10.0.0.5/hook' } });
    expect(inside.status).toBe(400);
    expect(inside.body.error).toMatchObject({ code: 'webhook_host_not_allowed', details: [{ field: 'webhook.url' }] });
    expect(inside.body.error.message).toMatch(/10\.0\.0\.5 is inside the network.*PSA_BRIDGE_VENDOR_HOSTS/);
    const notUrl = await w.hub.api('POST', '/api/v1/notification-channels', { kind: 'email', name: 'Bad', email: { host: 'smtp.example.com', from: 'hub', to: [] } });
    expect(notUrl.status).toBe(400);
    expect(notUrl.body.error.message).toMatch(/from: must be an email address/);
    expect(notUrl.body.error.message).toMatch(/to: needs at least one address/);

    const mailTest = await w.hub.api('POST', `/api/v1/notification-channels/${emailId}/test`);
    expect(mailTest.body).toMatchObject({ kind: 'test', state: 'sent', attempts: 1, lastError: null });
    expect(smtp.mails).toHaveLength(1);
    expect(smtp.mails[0]).toMatchObject({ from: 'hub@msp.example', to: ['ops@msp.example', 'oncall@msp.example'] });
    expect(smtp.mails[0]!.data).toContain('Subject: psa-bridge: test notification');
    const hookTest = await w.hub.api('POST', `/api/v1/notification-channels/${webhookId}/test`);
    expect(hookTest.body.state).toBe('sent');
    expect(receiver.posts).toEqual([{ path: `/services/${HOOK_KEY}`, body: { text: expect.stringMatching(/test notification from psa-bridge/) } }]);

    // The stored password goes only to the server it was entered for: another server needs it again.
    const moved = await w.hub.api('PATCH', `/api/v1/notification-channels/${emailId}`, { email: { host: 'smtp.elsewhere.example' } });
    expect(moved.status).toBe(400);
    expect(moved.body.error).toMatchObject({ code: 'secrets_required', details: [{ field: 'email.password' }] });
    expect((await w.hub.api('PATCH', `/api/v1/notification-channels/${emailId}`, { email: { port: smtp.port } })).status).toBe(200);

    // A wrong password: the test says so, and the channel shows the error.
    expect((await w.hub.api('PATCH', `/api/v1/notification-channels/${emailId}`, { email: { password: 'wrong' } })).status).toBe(200);
    const failed = await w.hub.api('POST', `/api/v1/notification-channels/${emailId}/test`);
    expect(failed.body).toMatchObject({ state: 'failed', lastError: expect.stringMatching(/Invalid username or password/) });
    const channel = (await w.hub.api('GET', '/api/v1/notification-channels')).body.items.find((c: { id: string }) => c.id === emailId);
    expect(channel.lastError).toMatch(/Invalid username or password/);
    expect(channel.email.password).toEqual({ set: true });
  });

  it('announces turning failed once (not on every pass, not twice when two processes check), and the recovery', { timeout: 90_000 }, async () => {
    const id = w.world.integrationId;
    await addChannels();
    expect((await w.hub.runner.runNow(id, 'directory')).status).toBe('ok');
    await w.hub.notifier.idle();
    expect(smtp.mails).toHaveLength(0); // the first ok is nothing to report
    expect(receiver.posts).toHaveLength(0);

    // Autotask refuses the company query: the directory pass cannot read a side.
    await control(w.world.autotask.url, 'POST', '/faults', { kind: 'status', status: 403, path: '/ATServicesRest/V1.0/Companies' });
    expect((await w.hub.runner.runNow(id, 'directory')).status).toBe('failed');
    await w.hub.notifier.idle();
    expect(smtp.mails).toHaveLength(1);
    expect(smtp.mails[0]!.data).toContain('Subject: psa-bridge: emu-autotask is failed');
    expect(smtp.mails[0]!.data).toMatch(/turned failed \(was ok\)/);
    expect(receiver.posts).toHaveLength(1);
    expect((receiver.posts[0]!.body as { text: string }).text).toMatch(/^\*psa-bridge: emu-autotask is failed\*\nThe integration "emu-autotask" turned failed \(was ok\): 1 thing is wrong\. The last directory pass failed: /);

    // The same failure again, and a second process checking at the same moment: nothing more.
    expect((await w.hub.runner.runNow(id, 'directory')).status).toBe('failed');
    const other = createHealthNotifier({ store: w.store, webhookHosts: targetHostPolicy(parseVendorHosts('127.0.0.1')) });
    await Promise.all([w.hub.notifier.check(id), other.check(id)]);
    await w.hub.notifier.idle();
    expect(smtp.mails).toHaveLength(1);
    expect(receiver.posts).toHaveLength(1);

    await control(w.world.autotask.url, 'DELETE', '/faults');
    expect((await w.hub.runner.runNow(id, 'directory')).status).toBe('ok');
    await w.hub.notifier.idle();
    expect(smtp.mails).toHaveLength(2);
    expect(smtp.mails[1]!.data).toContain('Subject: psa-bridge: emu-autotask recovered');
    expect((receiver.posts[1]!.body as { text: string }).text).toContain('The integration "emu-autotask" recovered: it is ok again (was failed).');

    const deliveries = (await w.hub.api('GET', '/api/v1/notification-deliveries')).body.items;
    expect(deliveries.map((d: { toStatus: string; state: string }) => `${d.toStatus}:${d.state}`).sort()).toEqual(['failed:sent', 'failed:sent', 'ok:sent', 'ok:sent']);
  });

  it('records a delivery that fails and shows it, does not fail the pass, and sends it once the receiver answers', { timeout: 90_000 }, async () => {
    const id = w.world.integrationId;
    const { webhookId } = await addChannels();
    expect((await w.hub.runner.runNow(id, 'directory')).status).toBe('ok');
    await w.hub.notifier.idle();

    receiver.setStatus(410);
    await control(w.world.autotask.url, 'POST', '/faults', { kind: 'status', status: 403, path: '/ATServicesRest/V1.0/Companies' });
    const run = await w.hub.runner.runNow(id, 'directory');
    expect(run.status).toBe('failed'); // failed because of Autotask, not because of the webhook
    expect(run.error?.message).not.toMatch(/webhook/);
    await w.hub.notifier.idle();
    expect(smtp.mails).toHaveLength(1);
    const channel = (await w.hub.api('GET', '/api/v1/notification-channels')).body.items.find((c: { id: string }) => c.id === webhookId);
    expect(channel.lastError).toBe(`the webhook at ${new URL(receiver.url).host} answered 410: channel_is_archived`);
    expect(channel.lastError).not.toContain(HOOK_KEY);
    const pending = (await w.hub.api('GET', `/api/v1/notification-deliveries?channelId=${webhookId}`)).body.items;
    expect(pending).toEqual([expect.objectContaining({ toStatus: 'failed', state: 'pending', attempts: 1, lastError: channel.lastError })]);

    // The receiver answers again and the pause before the retry has passed: sent once, at the next check.
    receiver.setStatus(200);
    await w.store.db.updateTable('notification_deliveries').set({ claimed_until: null }).where('channel_id', '=', webhookId).execute();
    await w.hub.notifier.check(id);
    await w.hub.notifier.check(id);
    expect(receiver.posts).toHaveLength(1);
    expect((receiver.posts[0]!.body as { text: string }).text).toMatch(/turned failed/);
    const sent = (await w.hub.api('GET', `/api/v1/notification-deliveries?channelId=${webhookId}`)).body.items;
    expect(sent).toEqual([expect.objectContaining({ state: 'sent', attempts: 2 })]);
    expect((await w.hub.api('GET', '/api/v1/notification-channels')).body.items.find((c: { id: string }) => c.id === webhookId).lastError).toBeNull();
    expect(smtp.mails).toHaveLength(1);

    // A channel switched off hears nothing more; the others do.
    expect((await w.hub.api('PATCH', `/api/v1/notification-channels/${webhookId}`, { enabled: false })).body.enabled).toBe(false);
    await control(w.world.autotask.url, 'DELETE', '/faults');
    expect((await w.hub.runner.runNow(id, 'directory')).status).toBe('ok');
    await w.hub.notifier.idle();
    expect(smtp.mails).toHaveLength(2);
    expect(receiver.posts).toHaveLength(1);
  });
});
