// The Partner tenants card in a real browser (issue 14 rule 7): a person adds a second partner account
// (data center, API client and secret, tested before it is stored) to an Autotask integration, sees
// it listed with its tenant and check, chooses it for new customer tenants, and removes it again
// after a confirmation that says what becomes of the companies mapped to its tenants.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { listPartners } from '../../src/sync/integration-partners.ts';
import { useBrowserHub } from '../support/browser-hub.ts';
import type { TestBrowser } from '../support/browser.ts';
import { signInToPortal } from '../support/demo-banner.ts';
import { TEST_ADMIN, type TestHub } from '../support/hub.ts';
import type { SyncWorld } from '../support/autotask-sync-world.ts';
import { emulatorControl } from '../support/world.ts';

// Signing in asks who is signed in first: a 401 before the sign-in.
const EXPECTED = [/Failed to load resource: the server responded with a status of 401 .*\[.*\/api\/v1\/auth\/me\]/];

describe('Partner tenants card (browser)', () => {
  let hub: TestHub;
  let world: SyncWorld;
  let browser: TestBrowser;
  let page: Page;

  useBrowserHub({ syncWorld: true }, (opened) => {
    ({ hub, browser, page } = opened);
    world = opened.world!;
  });

  it('adds a partner tenant, lists it, chooses it for new tenants and removes it', async () => {
    // A second partner account of the MSP in the emulated vendor cloud: only its API client exists so far.
    const account = await emulatorControl(world.acronis.url)<{ partner_id: string; client_id: string; client_secret: string }>('POST', '/partners', {
      name: 'Northwind MSP Nordics',
      customers: ['Fjord Shipping'],
    });

    await signInToPortal(page, { portal: hub.url!, ...TEST_ADMIN });
    await page.goto(`${hub.url}/integrations/${world.integrationId}/settings`);
    const card = page.getByRole('region', { name: 'Partner tenants' });
    const table = card.getByRole('table', { name: 'Partner tenants' });
    await table.getByRole('row').nth(1).waitFor();
    expect(await table.getByRole('row').count()).toBe(2); // header + the primary
    await expect.poll(() => table.getByRole('row').nth(1).textContent(), { timeout: 15_000 }).toContain('Primary');

    await card.getByRole('button', { name: 'Add partner tenant' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add partner tenant' });
    await dialog.getByLabel('Name').fill('nordics');
    await dialog.getByLabel('Data-center URL').fill(world.acronis.url);
    await dialog.getByLabel('Client id').fill(account.client_id);
    await dialog.getByLabel('Client secret').fill(account.client_secret);
    await dialog.getByRole('button', { name: 'Test and save' }).click();
    await dialog.waitFor({ state: 'hidden' });

    const row = table.getByRole('row').filter({ hasText: 'nordics' });
    await row.waitFor();
    const text = (await row.textContent())!;
    expect(text).toContain('Northwind MSP Nordics');
    expect(text).toContain(world.acronis.url);
    expect(text).toContain(account.partner_id);
    await expect.poll(() => row.locator('.badge').textContent(), { timeout: 15_000 }).toBe('OK');
    // The secret is never shown back, neither in the card nor in what the API sent it.
    expect(await card.textContent()).not.toContain(account.client_secret);
    const stored = await listPartners(hub.store, world.integrationId);
    expect(stored.map((p) => p.connectionName)).toEqual(['emu-cloud', 'nordics']);
    await browser.screenshot(page, 'partner-tenants-added');

    await row.getByRole('radio', { name: 'Create new tenants under nordics' }).check();
    await page.getByRole('status').filter({ hasText: 'New customer tenants are created under "nordics"' }).waitFor();
    expect((await listPartners(hub.store, world.integrationId)).map((p) => [p.connectionName, p.newTenants])).toEqual([
      ['emu-cloud', false],
      ['nordics', true],
    ]);
    expect(await table.getByRole('radio', { name: 'Create new tenants under emu-cloud' }).isChecked()).toBe(false);

    await row.getByRole('button', { name: 'Remove nordics' }).click();
    const confirmDialog = page.getByRole('dialog', { name: 'Remove partner tenant' });
    await expect.poll(() => confirmDialog.textContent(), { timeout: 15_000 }).toMatch(/Companies mapped to its tenants keep their mapping.*unlink them/);
    await confirmDialog.getByRole('button', { name: 'Cancel' }).click();
    expect(await table.getByRole('row').filter({ hasText: 'nordics' }).count()).toBe(1);
    await row.getByRole('button', { name: 'Remove nordics' }).click();
    await confirmDialog.getByRole('button', { name: 'Remove partner' }).click();
    await row.waitFor({ state: 'detached' });
    expect((await listPartners(hub.store, world.integrationId)).map((p) => [p.connectionName, p.newTenants])).toEqual([['emu-cloud', true]]);
    expect(await table.getByRole('radio', { name: 'Create new tenants under emu-cloud' }).isChecked()).toBe(true);
    browser.assertNoErrors(EXPECTED);
  });
});
