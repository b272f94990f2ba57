// The Notifications screen in a real browser, against a hub on a test database, a real SMTP server
// and a webhook receiver: an administrator adds an email channel and a chat webhook, sees neither
// the SMTP password nor the webhook URL shown back, gets a field error for a webhook inside the
// network, sends a test notification to each (it arrives), and sees a failing receiver's error in
// the channel list and the recent notifications; pointing the channel at another SMTP server asks for
// the password again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { useBrowserHub } from '../support/browser-hub.ts';
import type { TestBrowser } from '../support/browser.ts';
import { TEST_ADMIN, type TestHub } from '../support/hub.ts';
import { SMTP_TEST_PASSWORD, SMTP_TEST_USER, startSmtpServer, startWebhookReceiver, WEBHOOK_TEST_KEY } from '../support/notification-receivers.ts';
import { signInToPortal } from '../support/demo-banner.ts';

// The sign-in page asks who is signed in before anyone is: Chromium logs that 401 as an error; the
// refused webhook is a 400 the page shows beside the field.
const EXPECTED = [/Failed to load resource: the server responded with a status of 401 .*\[.*\/api\/v1\/auth\/me\]/, /status of 400 .*notification-channels/];

describe('notification settings (browser)', () => {
  let hub: TestHub;
  let browser: TestBrowser;
  let page: Page;
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;

  useBrowserHub({}, (opened) => ({ hub, browser, page } = opened));
  beforeAll(async () => {
    smtp = await startSmtpServer();
    receiver = await startWebhookReceiver();
  });
  afterAll(async () => {
    await smtp?.close();
    await receiver?.close();
  });

  const heading = (name: string | RegExp) => page.getByRole('heading', { level: 1, name });
  const toast = (text: string | RegExp) => page.getByRole('status').filter({ hasText: text }).waitFor();
  const channelRow = (name: string) => page.getByRole('table', { name: 'Notification channels' }).locator('tbody tr', { hasText: name });

  it('adds an email channel, keeps its password hidden and sends a test message that arrives', async () => {
    await signInToPortal(page, { portal: hub.url!, ...TEST_ADMIN });
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Notifications' }).click();
    await heading('Notifications').waitFor();
    await page.getByText('No channels yet: nobody is told when an integration fails.').waitFor();

    await page.getByRole('button', { name: 'Add channel' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add notification channel' });
    await dialog.getByRole('textbox', { name: 'Name', exact: true }).fill('Service desk mail');
    await dialog.getByLabel('SMTP server').fill('127.0.0.1');
    await dialog.getByRole('textbox', { name: 'Port', exact: true }).fill(String(smtp.port));
    await dialog.getByLabel('User name').fill(SMTP_TEST_USER);
    await dialog.getByLabel('Password', { exact: true }).fill(SMTP_TEST_PASSWORD);
    await dialog.getByRole('textbox', { name: 'From', exact: true }).fill('hub@msp.example');
    // Required fields are marked and checked before anything is sent.
    await dialog.getByRole('button', { name: 'Save channel' }).click();
    await dialog.getByText('At least one address').waitFor();
    await dialog.getByRole('textbox', { name: 'To', exact: true }).fill('ops@msp.example, oncall@msp.example');
    await dialog.getByRole('button', { name: 'Save channel' }).click();
    await toast('"Service desk mail" saved.');
    const row = channelRow('Service desk mail');
    await expect.poll(() => row.textContent(), { timeout: 15_000 }).toContain('ops@msp.example, oncall@msp.example');
    expect(await page.content()).not.toContain(SMTP_TEST_PASSWORD);

    await row.getByRole('button', { name: 'Send a test notification to Service desk mail' }).click();
    await toast('Test notification sent to "Service desk mail".');
    expect(smtp.mails).toHaveLength(1);
    expect(smtp.mails[0]!.to).toEqual(['ops@msp.example', 'oncall@msp.example']);
    await page.getByRole('table', { name: 'Recent notifications' }).locator('tbody tr', { hasText: 'psa-bridge: test notification' }).filter({ hasText: 'sent' }).waitFor();

    // Editing shows the password as stored, not its value.
    await row.getByRole('button', { name: 'Edit Service desk mail' }).click();
    const edit = page.getByRole('dialog', { name: 'Edit "Service desk mail"' });
    await edit.getByLabel('Password: stored, hidden').waitFor();
    // Another server needs the password again: the form says so beside the password.
    await edit.getByLabel('SMTP server').fill('smtp.elsewhere.example');
    await edit.getByRole('button', { name: 'Save channel' }).click();
    await edit.locator('.field-invalid', { hasText: 'Password' }).getByText(/give the password again: the SMTP server or its encryption changed/).waitFor();
    await edit.getByRole('button', { name: 'Cancel' }).click();
    await browser.screenshot(page, 'notifications-email-channel');
    browser.assertNoErrors(EXPECTED);
  });

  it('adds a chat webhook (one inside the network is refused beside the field), tests it and shows a failing receiver', async () => {
    await page.getByRole('button', { name: 'Add channel' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add notification channel' });
    await dialog.getByLabel('Send by').selectOption('webhook');
    await dialog.getByRole('textbox', { name: 'Name', exact: true }).fill('Ops chat');
    await dialog.getByLabel('Webhook URL').fill('http://10.0.0.5/hook');
    await dialog.getByRole('button', { name: 'Save channel' }).click();
    await dialog.locator('.field-invalid', { hasText: 'Webhook URL' }).getByText(/10\.0\.0\.5 is inside the network/).waitFor();
    await dialog.getByLabel('Webhook URL').fill(receiver.url);
    await dialog.getByRole('button', { name: 'Save channel' }).click();
    await toast('"Ops chat" saved.');
    const row = channelRow('Ops chat');
    await expect.poll(() => row.textContent(), { timeout: 15_000 }).toContain(new URL(receiver.url).host);
    expect(await page.content()).not.toContain(WEBHOOK_TEST_KEY);

    await row.getByRole('button', { name: 'Send a test notification to Ops chat' }).click();
    await toast('Test notification sent to "Ops chat".');
    expect(receiver.posts).toEqual([{ path: `/services/${WEBHOOK_TEST_KEY}`, body: { text: expect.stringContaining('test notification from psa-bridge') } }]);

    receiver.setStatus(410);
    await row.getByRole('button', { name: 'Send a test notification to Ops chat' }).click();
    await page.locator('.toast-error', { hasText: /The test notification to "Ops chat" failed: the webhook at .* answered 410/ }).waitFor();
    await row.getByText(/answered 410: channel_is_archived/).waitFor();
    await page.getByRole('table', { name: 'Recent notifications' }).locator('tbody tr', { hasText: 'answered 410' }).filter({ hasText: 'failed' }).waitFor();
    await browser.screenshot(page, 'notifications-failed-webhook');
    browser.assertNoErrors(EXPECTED);
  });
});
