// Every pass that changes an integration's health is announced, however it was run (issue 15,
// item 7): `psa-bridge sync` in a shell (a process of its own that exits right after its pass) and
// "Run now" through the HTTP API, not only the job runner's scheduled passes. On both databases,
// against a real local SMTP server and a local webhook receiver; the CLI's passes are in the run
// history as 'sync', and a dry run announces nothing.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startCwHub, type CwHub } from '../connectwise/hub.ts';
import { runCli } from '../support/cli.ts';
import { openTestStore, testDatabases, TEST_SECRET_KEY } from '../support/databases.ts';
import { SMTP_TEST_PASSWORD, SMTP_TEST_USER, startSmtpServer, startWebhookReceiver } from '../support/notification-receivers.ts';
import { startSyncWorld, type SyncWorld } from '../support/autotask-sync-world.ts';
import type { Store } from '../../src/store/store.ts';

async function control(base: string, method: string, path: string, body?: unknown): Promise<void> {
  const res = await fetch(`${base}/_emulator${path}`, { method, ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }) });
  expect(res.status, await res.clone().text()).toBeLessThan(300);
}

const COMPANIES_REFUSED = { kind: 'status', status: 403, path: '/ATServicesRest/V1.0/Companies' };

describe.each(testDatabases())('health notifications of passes run outside the job runner on $name', (db) => {
  let store: Store;
  let url: string;
  let cleanup: () => Promise<void>;
  let hub: CwHub;
  let world: SyncWorld;
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;

  beforeEach(async () => {
    ({ store, url, cleanup } = await openTestStore(db));
    hub = await startCwHub(store);
    world = await startSyncWorld(store);
    smtp = await startSmtpServer();
    receiver = await startWebhookReceiver();
    const email = await hub.api('POST', '/api/v1/notification-channels', {
      kind: 'email',
      name: 'Ops mail',
      email: { host: '127.0.0.1', port: smtp.port, secure: false, user: SMTP_TEST_USER, password: SMTP_TEST_PASSWORD, from: 'hub@msp.example', to: ['ops@msp.example'] },
    });
    expect(email.status, JSON.stringify(email.body)).toBe(201);
    const webhook = await hub.api('POST', '/api/v1/notification-channels', { kind: 'webhook', name: 'Ops chat', webhook: { url: receiver.url } });
    expect(webhook.status, JSON.stringify(webhook.body)).toBe(201);
  });
  afterEach(async () => {
    await smtp?.close();
    await receiver?.close();
    await world?.close();
    await hub?.close();
    await cleanup?.();
  });

  // The CLI as a person runs it against this hub's database; the webhook receiver is on 127.0.0.1.
  const sync = (...args: string[]) =>
    runCli(['sync', 'emu-autotask', '--loop', 'directory', ...args], { DATABASE_URL: url, PSA_BRIDGE_SECRET_KEY: TEST_SECRET_KEY.toString('hex'), PSA_BRIDGE_VENDOR_HOSTS: '127.0.0.1' });
  const webhookTexts = () => receiver.posts.map((p) => (p.body as { text: string }).text);

  it('psa-bridge sync announces turning failed and the recovery before it exits, and its passes are in the run history', { timeout: 120_000 }, async () => {
    const id = world.integrationId;
    const ok = await sync();
    expect(ok.code, ok.stderr).toBe(0);
    expect(smtp.mails).toHaveLength(0); // the first ok is nothing to report
    expect(receiver.posts).toHaveLength(0);

    await control(world.autotask.url, 'POST', '/faults', COMPANIES_REFUSED);
    // A dry run reads, fails the same way, and neither records a run nor announces anything.
    const dry = await sync('--dry-run');
    expect(dry.code).not.toBe(0);
    expect(smtp.mails).toHaveLength(0);
    expect(receiver.posts).toHaveLength(0);

    const failed = await sync();
    expect(failed.code).not.toBe(0);
    // Sent by the CLI process itself, which has exited: nothing is left to a later check.
    expect(smtp.mails).toHaveLength(1);
    expect(smtp.mails[0]!.data).toContain('Subject: psa-bridge: emu-autotask is failed');
    expect(webhookTexts()).toEqual([expect.stringMatching(/^\*psa-bridge: emu-autotask is failed\*\nThe integration "emu-autotask" turned failed \(was ok\): 1 thing is wrong\. The last directory pass failed: /)]);

    // The same failure again: still one message.
    expect((await sync()).code).not.toBe(0);
    expect(smtp.mails).toHaveLength(1);
    expect(receiver.posts).toHaveLength(1);

    await control(world.autotask.url, 'DELETE', '/faults');
    const recovered = await sync();
    expect(recovered.code, recovered.stderr).toBe(0);
    expect(smtp.mails).toHaveLength(2);
    expect(smtp.mails[1]!.data).toContain('Subject: psa-bridge: emu-autotask recovered');
    expect(webhookTexts()[1]).toContain('The integration "emu-autotask" recovered: it is ok again (was failed).');
    const deliveries = (await hub.api('GET', '/api/v1/notification-deliveries')).body.items as { toStatus: string; state: string }[];
    expect(deliveries.map((d) => `${d.toStatus}:${d.state}`).sort()).toEqual(['failed:sent', 'failed:sent', 'ok:sent', 'ok:sent']);

    // Every real pass the CLI ran is in the run history, started by 'sync'; the dry run is not.
    const runs = (await hub.api('GET', `/api/v1/integrations/${id}/runs?limit=100`)).body.items as { loop: string; status: string; stats: { _run?: { trigger?: string } } }[];
    const bySync = runs.filter((r) => r.stats._run?.trigger === 'sync');
    expect(bySync.map((r) => r.status)).toEqual(['succeeded', 'failed', 'failed', 'succeeded']);
  });

  it('"Run now" through the HTTP API announces turning failed and the recovery', { timeout: 90_000 }, async () => {
    const id = world.integrationId;
    const runNow = async () => (await hub.api('POST', `/api/v1/integrations/${id}/loops/directory/run`)).body as { status: string };
    expect((await runNow()).status).toBe('ok');
    await hub.notifier.idle();
    expect(smtp.mails).toHaveLength(0);

    await control(world.autotask.url, 'POST', '/faults', COMPANIES_REFUSED);
    expect((await runNow()).status).toBe('failed');
    await hub.notifier.idle();
    expect(smtp.mails).toHaveLength(1);
    expect(smtp.mails[0]!.data).toContain('Subject: psa-bridge: emu-autotask is failed');
    expect(webhookTexts()).toEqual([expect.stringMatching(/turned failed \(was ok\)/)]);

    await control(world.autotask.url, 'DELETE', '/faults');
    expect((await runNow()).status).toBe('ok');
    await hub.notifier.idle();
    expect(smtp.mails).toHaveLength(2);
    expect(webhookTexts()[1]).toContain('recovered: it is ok again (was failed)');
  });
});
