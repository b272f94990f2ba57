// The portal in a real browser against `psa-bridge demo` (the hub wired to every emulator):
// sign in, connections (status, add with a test before saving), integrations (add, tabs, a
// feature switch), phone width, sign out. One demo and one browser for the whole file; the
// steps build on each other like a person's session.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { launchBrowser, type TestBrowser } from '../support/browser.ts';
import { startCli, type LongRunningCli } from '../support/cli.ts';

// Code run in the page is written as strings: this project's TypeScript has no DOM library.

// Errors the tests provoke on purpose: Chromium logs every 4xx response of fetch as a console error.
const EXPECTED = [
  /Failed to load resource: the server responded with a status of 401 .*\[.*\/api\/v1\/auth\/(me|login)\]/,
  /Failed to load resource: the server responded with a status of 429 .*\[.*\/api\/v1\/auth\/login\]/,
  // An integration's tabs whose target cannot be reached answer 502/504 from the hub.
  /Failed to load resource: the server responded with a status of 50[24] .*\[.*\/api\/v1\/integrations\/[^/]+\/(catalog|alert-mappings|ticket-settings|mappings|summary|tenants)/,
];

interface Demo {
  portal: string;
  username: string;
  password: string;
  acronis: { url: string; clientId: string; clientSecret: string };
  autotask: { url: string; username: string; secret: string; integrationCode: string };
}

async function readDemo(cli: LongRunningCli): Promise<Demo> {
  const first = cli.firstLine as { portal: string; username: string; password: string };
  // The emulators are listed right after the first line.
  for (let i = 0; i < 100; i++) {
    const lines = cli.output().stdout.split('\n');
    const line = lines.find((l) => /^\s+acronis\s/.test(l));
    const autotaskLine = lines.find((l) => /^\s+autotask\s/.test(l));
    if (line && autotaskLine) {
      const [, url, json] = /^\s+acronis\s+(\S+)\s+(\{.*\})\s*$/.exec(line)!;
      const credentials = JSON.parse(json!) as { client_id: string; client_secret: string };
      const [, atUrl, atJson] = /^\s+autotask\s+(\S+)\s+(\{.*\})\s*$/.exec(autotaskLine)!;
      const at = JSON.parse(atJson!) as { username: string; secret: string; integration_code: string };
      return {
        ...first,
        acronis: { url: url!, clientId: credentials.client_id, clientSecret: credentials.client_secret },
        autotask: { url: atUrl!, username: at.username, secret: at.secret, integrationCode: at.integration_code },
      };
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`demo did not list the acronis emulator: ${cli.output().stdout}`);
}

describe('portal (browser, demo)', () => {
  let dataDir: string;
  let cli: LongRunningCli;
  let demo: Demo;
  let browser: TestBrowser;
  let page: Page;

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'psa-bridge-browser-'));
    cli = await startCli(['demo', '--data-dir', path.join(dataDir, 'demo')]);
    demo = await readDemo(cli);
    browser = await launchBrowser();
    page = await browser.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await cli?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const heading = (name: string | RegExp) => page.getByRole('heading', { level: 1, name });
  const navLink = (name: string) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name });

  it('serves the portal with its security headers at the URL the demo prints', async () => {
    const response = await page.goto(demo.portal);
    const headers = response!.headers();
    expect(headers['content-security-policy']).toMatch(/script-src 'self' 'sha256-[^']+'/);
    expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['referrer-policy']).toBe('no-referrer');
    await expect(heading('Sign in to psa-bridge').waitFor()).resolves.toBeUndefined();
    expect(new URL(page.url()).pathname).toBe('/sign-in');
  });

  it('says so on a wrong password, shows the throttle with its wait, then signs in', async () => {
    await page.getByLabel('User name').fill(demo.username);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert').filter({ hasText: 'Wrong username or password' }).waitFor()).resolves.toBeUndefined();
    await browser.screenshot(page, 'sign-in-wrong-password');

    // Another user name, so the admin is not the one locked out.
    for (let attempt = 0; attempt < 6; attempt++) {
      await page.getByLabel('User name').fill('mallory');
      await page.getByLabel('Password').fill(`guess-${attempt}`);
      const button = page.locator('form button[type=submit]');
      if (await button.isDisabled()) break;
      await button.click();
      await page.locator('.alert-error').waitFor();
      await page.waitForFunction(`!document.querySelector('form button[type=submit]')?.textContent?.includes('Signing in')`);
    }
    await expect(page.getByRole('alert').filter({ hasText: /Too many failed logins.*try again in \d+ s/ }).waitFor()).resolves.toBeUndefined();
    await expect.poll(() => page.locator('form button[type=submit]').textContent(), { timeout: 15_000 }).toMatch(/Try again in \d+ s/);
    await browser.screenshot(page, 'sign-in-throttled');

    await page.reload();
    await page.getByLabel('User name').fill(demo.username);
    await page.getByLabel('Password').fill(demo.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await heading('Integrations').waitFor();
    expect(new URL(page.url()).pathname).toBe('/integrations');
    browser.assertNoErrors(EXPECTED);
  });

  it('lists the demo connection as OK with the partner tenant it reaches', async () => {
    await navLink('Connections').click();
    await heading('Connections').waitFor();
    const row = page.locator('tbody tr', { hasText: 'demo-cloud' });
    await expect.poll(() => row.textContent(), { timeout: 15_000 }).toContain('Northwind MSP');
    await expect.poll(() => row.locator('.badge').textContent(), { timeout: 15_000 }).toBe('OK');

    await row.getByRole('button', { name: 'Test demo-cloud' }).click();
    await expect(page.getByRole('status').filter({ hasText: '"demo-cloud" reaches Northwind MSP' }).waitFor()).resolves.toBeUndefined();
    await browser.screenshot(page, 'connections');
    browser.assertNoErrors(EXPECTED);
  });

  it('adds a connection only after its test passes: a wrong secret shows the error', async () => {
    await page.getByRole('button', { name: 'Add connection' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'Add connection' });
    await dialog.getByLabel('Name').fill('eu-second');
    await dialog.getByLabel('Data-center URL').fill(demo.acronis.url);
    await dialog.getByLabel('Client id').fill(demo.acronis.clientId);
    await dialog.getByLabel('Client secret').fill('a-wrong-secret');
    await dialog.getByRole('button', { name: 'Test and save' }).click();
    const failure = dialog.locator('.alert-error');
    await failure.waitFor();
    expect((await failure.textContent())!.length).toBeGreaterThan(5);
    await browser.screenshot(page, 'connection-add-wrong-secret');
    expect(await page.locator('tbody tr', { hasText: 'eu-second' }).count()).toBe(0);

    await dialog.getByLabel('Client secret').fill(demo.acronis.clientSecret);
    await dialog.getByRole('button', { name: 'Test connection' }).click();
    await expect.poll(() => dialog.locator('.alert-success').textContent(), { timeout: 15_000 }).toContain('Northwind MSP');
    await dialog.getByRole('button', { name: 'Test and save' }).click();
    await dialog.waitFor({ state: 'hidden' });
    const row = page.locator('tbody tr', { hasText: 'eu-second' });
    await expect.poll(() => row.textContent(), { timeout: 15_000 }).toContain('Northwind MSP');
    await expect.poll(() => row.locator('.badge').textContent(), { timeout: 15_000 }).toBe('OK');

    // Edit: the secret is masked and kept unless replaced.
    await row.getByRole('button', { name: 'Edit eu-second' }).click();
    const edit = page.getByRole('dialog', { name: 'Edit connection "eu-second"' });
    await expect.poll(() => edit.getByText('Client secret: stored, hidden', { exact: false }).count(), { timeout: 15_000 }).toBe(0);
    expect(await edit.locator('input[type=password]').count()).toBe(0);
    expect(await edit.locator('.mask').count()).toBe(1);
    await page.keyboard.press('Escape');
    await edit.waitFor({ state: 'hidden' });

    // Delete asks first.
    await row.getByRole('button', { name: 'Delete eu-second' }).click();
    const confirmDialog = page.getByRole('dialog', { name: 'Delete connection' });
    await confirmDialog.getByRole('button', { name: 'Cancel' }).click();
    expect(await page.locator('tbody tr', { hasText: 'eu-second' }).count()).toBe(1);
    await row.getByRole('button', { name: 'Delete eu-second' }).click();
    await confirmDialog.getByRole('button', { name: 'Delete' }).click();
    await page.locator('tbody tr', { hasText: 'eu-second' }).waitFor({ state: 'detached' });
    browser.assertNoErrors(EXPECTED);
  });

  it('adds an Autotask integration, opens every tab and switches a feature on', async () => {
    await navLink('Integrations').click();
    await page.getByRole('link', { name: 'Add integration' }).first().click();
    await heading('Add integration').waitFor();
    await browser.screenshot(page, 'integration-new-empty');

    // Validation messages before anything is sent.
    await page.getByRole('button', { name: 'Add integration' }).click();
    await expect.poll(() => page.locator('.error-text').count(), { timeout: 15_000 }).toBeGreaterThan(0);

    await page.getByLabel('Name').fill('Autotask production');
    await page.getByLabel('Autotask').check();
    await page.getByLabel('Connection').selectOption({ label: 'demo-cloud (Northwind MSP)' });
    await page.getByLabel('API user name').fill(demo.autotask.username);
    await page.getByLabel('Secret').fill('autotask-secret');
    await page.getByLabel('Integration code').fill(demo.autotask.integrationCode);
    // Autotask credentials are tested before saving; the emulator is reached through the optional
    // zone discovery URL (empty = Autotask production).
    await page.getByLabel('Zone discovery URL (advanced)').fill(`${demo.autotask.url}/ATServicesRest/`);
    await page.getByRole('switch', { name: 'Product mapping and provisioning' }).click();
    await page.getByRole('button', { name: 'Test credentials' }).click();
    await page.locator('.alert-error').filter({ hasText: 'Autotask rejected the secret' }).waitFor();
    await page.getByLabel('Secret').fill(demo.autotask.secret);
    await page.getByRole('button', { name: 'Test credentials' }).click();
    await page.locator('.alert-success').filter({ hasText: `as ${demo.autotask.username}` }).waitFor();
    await browser.screenshot(page, 'integration-new-filled');
    await page.getByRole('button', { name: 'Add integration' }).click();

    await heading('Autotask production').waitFor();
    const tabs = page.getByRole('tab');
    expect(await tabs.allTextContents()).toEqual([
      'Integration settings',
      'Product mapping',
      'Provisioning',
      'Customer mapping',
      'Ticket creation',
      'Summary',
    ]);
    await expect(page.getByRole('switch', { name: 'Product mapping and provisioning' }).getAttribute('aria-checked')).resolves.toBe('true');
    const tickets = page.getByRole('switch', { name: 'Ticket creation' });
    expect(await tickets.getAttribute('aria-checked')).toBe('false');
    await tickets.click();
    await page.getByRole('status').filter({ hasText: 'Ticket creation turned on' }).waitFor();
    // Credentials are stored, masked, never shown back.
    expect(await page.locator('.secret-stored').count()).toBe(4);
    expect(await page.content()).not.toContain(demo.autotask.secret);
    await browser.screenshot(page, 'integration-settings');

    await page.reload();
    await heading('Autotask production').waitFor();
    await expect(page.getByRole('switch', { name: 'Ticket creation' }).getAttribute('aria-checked')).resolves.toBe('true');

    // Every tab has its screen now (test/browser/integration-tabs.test.ts drives them against the
    // demo's integrations); here only what needs no target is checked.
    for (const name of ['Product mapping', 'Provisioning', 'Customer mapping', 'Ticket creation']) {
      await page.getByRole('tab', { name }).click();
      await expect(page.getByRole('tab', { name }).getAttribute('aria-selected')).resolves.toBe('true');
      expect(await page.getByRole('tabpanel').getByText('arrives with the Autotask connector').count()).toBe(0);
    }
    await page.getByRole('tab', { name: 'Provisioning' }).click();
    await page.getByRole('heading', { name: 'Customer provisioning' }).waitFor();
    await browser.screenshot(page, 'integration-provisioning');
    await page.getByRole('tab', { name: 'Summary' }).click();
    await page.getByRole('heading', { name: 'Run history' }).waitFor();
    // The credentials are real (the demo's Autotask emulator): a run may already be listed, in any
    // state (running, succeeded, or a warning while the demo's own first passes are under way).
    await page.getByText('No runs yet').or(page.getByRole('table', { name: 'Run history' }).locator('tbody tr').first()).first().waitFor();
    await browser.screenshot(page, 'integration-summary');

    // Arrow keys move between tabs.
    await page.getByRole('tab', { name: 'Summary' }).focus();
    await page.keyboard.press('Home');
    await page.getByRole('heading', { name: 'Features' }).waitFor();
    expect(new URL(page.url()).pathname).toMatch(/\/integrations\/[^/]+\/settings$/);
    browser.assertNoErrors(EXPECTED);
  });

  it('shows the integrations with their health, without sideways scrolling at phone width', async () => {
    await navLink('Integrations').click();
    const row = page.locator('tbody tr', { hasText: 'Autotask production' });
    await expect.poll(() => row.textContent(), { timeout: 15_000 }).toMatch(/Never run|OK/);
    await browser.screenshot(page, 'integrations');

    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload();
    await row.waitFor();
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    await browser.screenshot(page, 'integrations-phone');
    await page.setViewportSize({ width: 1280, height: 800 });
    browser.assertNoErrors(EXPECTED);
  });

  it('signs out', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await heading('Sign in to psa-bridge').waitFor();
    await page.goto(`${demo.portal}/connections`);
    await heading('Sign in to psa-bridge').waitFor();
    expect(new URL(page.url()).searchParams.get('next')).toBe('/connections');
    browser.assertNoErrors(EXPECTED);
  });

  it('signs in and opens and closes a dialog with the keyboard only', async () => {
    await page.goto(`${demo.portal}/sign-in?next=%2Fconnections`);
    await heading('Sign in to psa-bridge').waitFor();
    await page.keyboard.press('Tab');
    expect(await page.evaluate<string | undefined>('document.activeElement?.id')).toBe('field-username');
    await page.keyboard.type(demo.username);
    await page.keyboard.press('Tab');
    await page.keyboard.type(demo.password);
    await page.keyboard.press('Enter');
    await heading('Connections').waitFor();

    const focusedText = () => page.evaluate<string>(`document.activeElement?.textContent?.trim() ?? ''`);
    for (let i = 0; i < 15 && (await focusedText()) !== 'Add connection'; i++) await page.keyboard.press('Tab');
    expect(await focusedText()).toBe('Add connection');
    await browser.screenshot(page, 'keyboard-focus-ring');
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Add connection' });
    await dialog.waitFor();
    expect(await page.evaluate<string | undefined>('document.activeElement?.id')).toBe('field-name');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    // Focus goes back on the next tick after the dialog closes (a busy machine may take a moment).
    await page.waitForFunction(`document.activeElement?.textContent?.trim() === 'Add connection'`);
    expect(await focusedText()).toBe('Add connection');
    browser.assertNoErrors(EXPECTED);
  });
});
