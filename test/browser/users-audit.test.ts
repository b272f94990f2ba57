// Users & tokens and the audit trail in a real browser, against a hub on a test database: an
// administrator adds a read-only user (the generated password shown once), disables and enables
// them, creates an API token with a role (shown once, then listed without its value) and revokes
// it, deletes a user; the read-only user signs in with the generated password, sees no write
// controls, changes their own password, and reads on the Audit page who did what, filtered. The
// mapping tab and the summary's prepaid usage download their tables as CSV. Leaving a settings
// form with unsaved edits (another tab, a link, Back, a reload) asks before discarding them.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { useBrowserHub } from '../support/browser-hub.ts';
import type { TestBrowser } from '../support/browser.ts';
import { TEST_ADMIN, type TestHub } from '../support/hub.ts';
import type { SyncWorld } from '../support/autotask-sync-world.ts';
import { parseCsv } from '../../src/connectors/acronis/csv.ts';
import { readFileSync } from 'node:fs';

// The sign-in page asks who is signed in before anyone is: Chromium logs that 401 as an error.
const EXPECTED = [/Failed to load resource: the server responded with a status of 401 .*\[.*\/api\/v1\/auth\/me\]/];

describe('users, tokens and audit (browser)', () => {
  let hub: TestHub;
  let browser: TestBrowser;
  let page: Page;
  let viewerPassword = '';
  let world: SyncWorld;

  useBrowserHub({ syncWorld: true }, (opened) => {
    ({ hub, browser, page } = opened);
    world = opened.world!;
  });

  const heading = (name: string | RegExp) => page.getByRole('heading', { level: 1, name });
  const navLink = (name: string) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name });
  const toast = (text: string | RegExp) => page.getByRole('status').filter({ hasText: text }).waitFor();

  async function signIn(username: string, password: string): Promise<void> {
    await page.goto(`${hub.url}/sign-in`);
    await page.getByLabel('User name').fill(username);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await heading('Integrations').waitFor();
  }

  it('an administrator adds a read-only user and sees the generated password once', async () => {
    await signIn(TEST_ADMIN.username, TEST_ADMIN.password);
    await navLink('Users & tokens').click();
    await heading('Users & tokens').waitFor();
    await page.getByRole('button', { name: 'Add user' }).click();
    await page.getByLabel('Username').fill('viewer');
    await page.getByLabel('Role').selectOption('read_only');
    await page.getByRole('dialog').getByRole('button', { name: 'Add user' }).click();
    const shown = page.getByRole('dialog', { name: 'User "viewer" added' });
    await shown.waitFor();
    viewerPassword = await shown.getByLabel('Password').inputValue();
    expect(viewerPassword).toMatch(/^\S{20,}$/);
    await browser.screenshot(page, 'users-password-shown-once');
    await shown.getByRole('button', { name: 'Done' }).click();
    const row = page.locator('tbody tr', { hasText: 'viewer' });
    await expect.poll(() => row.textContent(), { timeout: 15_000 }).toContain('Read-only');
    expect(await page.content()).not.toContain(viewerPassword);

    await row.getByRole('button', { name: 'Disable viewer' }).click();
    await toast('"viewer" disabled.');
    await expect.poll(() => row.textContent(), { timeout: 15_000 }).toContain('Disabled');
    await row.getByRole('button', { name: 'Enable viewer' }).click();
    await toast('"viewer" enabled.');
    await expect.poll(() => row.textContent(), { timeout: 15_000 }).toContain('Enabled');
    // Your own row has no controls: nobody disables or demotes themselves.
    await expect.poll(() => page.locator('tbody tr', { hasText: '(you)' }).getByRole('button').count(), { timeout: 15_000 }).toBe(0);
    browser.assertNoErrors(EXPECTED);
  });

  it('creates an API token with a role, shows it once, lists it without its value, revokes it; deletes a user', async () => {
    await page.getByRole('button', { name: 'Create API token' }).click();
    await page.getByLabel('Name').fill('monitoring');
    await page.getByLabel('Role').selectOption('read_only');
    await page.getByRole('dialog').getByRole('button', { name: 'Create token' }).click();
    const shown = page.getByRole('dialog', { name: 'API token "monitoring" created' });
    await shown.waitFor();
    const token = await shown.getByLabel('Token').inputValue();
    expect(token).toMatch(/^psab_/);
    await shown.getByRole('button', { name: 'Done' }).click();
    const row = page.locator('table[aria-label="API tokens"] tbody tr', { hasText: 'monitoring' });
    await expect.poll(() => row.textContent(), { timeout: 15_000 }).toContain('Read-only');
    expect(await page.content()).not.toContain(token);
    // The token works, read-only.
    const me = await fetch(`${hub.url}/api/v1/auth/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(((await me.json()) as { user: { role: string } }).user.role).toBe('read_only');

    await row.getByRole('button', { name: 'Revoke monitoring' }).click();
    await page.getByRole('dialog', { name: 'Revoke API token' }).getByRole('button', { name: 'Revoke' }).click();
    await toast('Token "monitoring" revoked.');
    await page.locator('table[aria-label="API tokens"] tbody tr', { hasText: 'monitoring' }).waitFor({ state: 'detached' });
    expect((await fetch(`${hub.url}/api/v1/auth/me`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);

    // Another user's token is listed to the administrator with its owner, and can be revoked there.
    const viewer = (await hub.store.repos.users.getByUsername('viewer'))!;
    const { token: viewerToken } = await hub.store.repos.apiTokens.create(viewer.id, 'viewer-script', 'read_only');
    await page.reload();
    await heading('Users & tokens').waitFor();
    const theirs = page.locator('table[aria-label="API tokens"] tbody tr', { hasText: 'viewer-script' });
    await theirs.waitFor();
    const ownerColumn = await page.locator('table[aria-label="API tokens"] thead th').allTextContents();
    const ownerIndex = ownerColumn.findIndex((text) => text.trim().startsWith('Owner'));
    expect(ownerIndex).toBeGreaterThanOrEqual(0);
    await expect.poll(() => theirs.locator('td').nth(ownerIndex).textContent(), { timeout: 15_000 }).toBe('viewer');
    await theirs.getByRole('button', { name: 'Revoke viewer-script' }).click();
    await page.getByRole('dialog', { name: 'Revoke API token' }).getByRole('button', { name: 'Revoke' }).click();
    await toast('Token "viewer-script" revoked.');
    await theirs.waitFor({ state: 'detached' });
    expect((await fetch(`${hub.url}/api/v1/auth/me`, { headers: { authorization: `Bearer ${viewerToken}` } })).status).toBe(401);

    await hub.store.repos.users.create({ username: 'temp', password: 'temp-password' });
    await page.reload();
    await heading('Users & tokens').waitFor();
    await page.getByRole('button', { name: 'Delete temp' }).click();
    await page.getByRole('dialog', { name: 'Delete user' }).getByRole('button', { name: 'Delete' }).click();
    await toast('"temp" deleted.');
    await page.locator('tbody tr', { hasText: 'temp' }).waitFor({ state: 'detached' });
    browser.assertNoErrors(EXPECTED);
  });

  it('the read-only user sees no write controls and changes their own password', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await heading('Sign in to psa-bridge').waitFor();
    await signIn('viewer', viewerPassword);
    await expect.poll(() => page.locator('.user-menu').textContent(), { timeout: 15_000 }).toContain('read-only');
    await navLink('Users & tokens').click();
    await heading('Users & tokens').waitFor();
    await page.locator('tbody tr', { hasText: 'admin' }).waitFor();
    for (const name of ['Add user', 'Create API token', 'Disable admin', 'Delete admin', 'Make admin read-only']) {
      await expect(page.getByRole('button', { name }).count(), name).resolves.toBe(0);
    }
    await expect.poll(() => page.locator('.page-lead').textContent(), { timeout: 15_000 }).toMatch(/You are read-only/);

    await page.getByLabel('Current password').fill(viewerPassword);
    await page.getByLabel('New password').fill('viewer chose this one');
    await page.getByRole('button', { name: 'Change password' }).click();
    await toast('Password changed.');
    expect(await hub.store.repos.users.verifyPassword('viewer', 'viewer chose this one')).not.toBeNull();
    await browser.screenshot(page, 'users-read-only');
    browser.assertNoErrors(EXPECTED);
  });

  it('the Audit page says who did what by name, filtered by person and kind, and pages back', async () => {
    await navLink('Audit').click();
    await heading('Audit').waitFor();
    const table = page.locator('table[aria-label="Audit trail"]');
    await table.waitFor();
    const created = table.locator('tbody tr', { hasText: 'user create' }).filter({ hasText: 'viewer' });
    await expect.poll(() => created.first().textContent(), { timeout: 15_000 }).toMatch(/admin.*Users.*user create · viewer/);
    await expect.poll(() => table.textContent(), { timeout: 15_000 }).toContain('api token revoke · monitoring');

    await page.getByLabel('Kind').selectOption('user');
    await expect.poll(() => new URL(page.url()).searchParams.get('kind')).toBe('user');
    await expect.poll(async () => (await table.locator('tbody tr').allTextContents()).every((t) => t.includes('Users'))).toBe(true);
    await expect.poll(() => table.textContent(), { timeout: 15_000 }).not.toContain('api token');

    await page.getByLabel('Who').selectOption('viewer');
    await expect.poll(() => table.locator('tbody tr').count()).toBe(1);
    await expect.poll(() => table.textContent(), { timeout: 15_000 }).toContain('user password change · viewer');
    await browser.screenshot(page, 'audit-filtered');

    // More than a page: 60 recorded changes, then "Older" shows the rest.
    for (let i = 0; i < 60; i++) await hub.store.repos.auditLog.record({ actor: 'admin', action: 'connection.update', subjectType: 'connection', subjectId: `c${i}`, details: { name: `conn-${i}` } });
    await page.goto(`${hub.url}/audit?kind=connection`);
    await table.waitFor();
    await expect.poll(() => table.locator('tbody tr').count(), { timeout: 15_000 }).toBe(50);
    await page.getByRole('button', { name: 'Older' }).click();
    await page.getByText('Page 2').waitFor();
    await expect.poll(() => table.locator('tbody tr').count()).toBe(10);
    await expect.poll(() => table.textContent(), { timeout: 15_000 }).toContain('conn-0');
    browser.assertNoErrors(EXPECTED);
  });

  it('downloads the mapping table and the prepaid usage as CSV from their tabs', async () => {
    const id = world.integrationId;
    await page.goto(`${hub.url}/integrations/${id}/mapping`);
    const mappingLink = page.getByRole('link', { name: 'Download mapping CSV' });
    await mappingLink.waitFor();
    const [mappingFile] = await Promise.all([page.waitForEvent('download'), mappingLink.click()]);
    expect(mappingFile.suggestedFilename()).toBe('emu-autotask-mappings.csv');
    const mappingRows = parseCsv(readFileSync((await mappingFile.path())!, 'utf8')).filter((r) => r.length > 1);
    expect(mappingRows[0]![0]).toBe('Company');
    expect(mappingRows.length - 1).toBe((await hub.store.repos.mappings.list(id)).length);

    await page.goto(`${hub.url}/integrations/${id}/summary`);
    const usageLink = page.getByRole('link', { name: 'Download usage CSV' });
    await usageLink.waitFor();
    const [usageFile] = await Promise.all([page.waitForEvent('download'), usageLink.click()]);
    expect(usageFile.suggestedFilename()).toBe('emu-autotask-prepaid-usage.csv');
    expect(readFileSync((await usageFile.path())!, 'utf8').split('\r\n')[0]).toBe('Company,Tenant,Service,Unit,Contracted,Usage,Quota,Overage,Over contract');
    await browser.screenshot(page, 'summary-usage-csv');
    browser.assertNoErrors([...EXPECTED, /status of 50[24]/]);
  });

  it('asks before leaving a settings form with unsaved edits: another tab, a link, Back, and the browser’s own prompt on reload', async () => {
    const id = world.integrationId;
    // Arrive in the portal (not by a fresh load), so Back stays in the page.
    await page.goto(`${hub.url}/integrations/${id}/summary`);
    await page.getByRole('tab', { name: 'Provisioning' }).click();
    const toggle = page.getByRole('switch', { name: 'Automatically create customers' });
    await toggle.waitFor();
    const before = await toggle.getAttribute('aria-checked');
    await toggle.click();
    await page.getByText('Unsaved changes').waitFor();

    // Another tab: asked; "Cancel" keeps the page and the edit.
    const ask = page.getByRole('dialog', { name: 'Discard unsaved changes?' });
    await page.getByRole('tab', { name: 'Summary' }).click();
    await ask.waitFor();
    await expect.poll(() => ask.textContent(), { timeout: 15_000 }).toContain('You have unsaved changes in the provisioning settings');
    await browser.screenshot(page, 'unsaved-changes-prompt');
    await ask.getByRole('button', { name: 'Cancel' }).click();
    expect(new URL(page.url()).pathname).toBe(`/integrations/${id}/provisioning`);
    await expect(toggle.getAttribute('aria-checked')).resolves.not.toBe(before);

    // A navigation link: asked the same way.
    await navLink('Audit').click();
    await ask.waitFor();
    await ask.getByRole('button', { name: 'Cancel' }).click();
    expect(new URL(page.url()).pathname).toBe(`/integrations/${id}/provisioning`);

    // Back: the address returns to the form while the question is open.
    await page.goBack();
    await ask.waitFor();
    expect(new URL(page.url()).pathname).toBe(`/integrations/${id}/provisioning`);
    await ask.getByRole('button', { name: 'Cancel' }).click();
    await expect(toggle.getAttribute('aria-checked')).resolves.not.toBe(before);

    // A reload gets the browser's "Leave site?" (beforeunload); accepting it discards the edit.
    const prompt = new Promise<string>((resolve) => page.once('dialog', (dialog) => { resolve(dialog.type()); void dialog.accept(); }));
    await page.reload();
    expect(await prompt).toBe('beforeunload');
    await toggle.waitFor();
    await expect(toggle.getAttribute('aria-checked')).resolves.toBe(before);

    // Nothing unsaved: a tab changes without a question; with an edit, "Discard changes" leaves.
    await page.getByRole('tab', { name: 'Summary' }).click();
    await page.waitForURL(`**/integrations/${id}/summary`);
    await page.getByRole('tab', { name: 'Provisioning' }).click();
    await toggle.waitFor();
    await toggle.click();
    await page.getByRole('tab', { name: 'Summary' }).click();
    await ask.getByRole('button', { name: 'Discard changes' }).click();
    await page.waitForURL(`**/integrations/${id}/summary`);
    browser.assertNoErrors([...EXPECTED, /status of 50[24]/]);
  });
});
