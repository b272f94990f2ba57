// The Partner column in a real browser (issue 14 item 7): an Autotask integration serving two partner
// tenants shows, on the Customer mapping tab, which partner each mapped tenant belongs to.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { runDirectoryLoop } from '../../src/sync/directory-loop.ts';
import { addPartner } from '../../src/sync/integration-partners.ts';
import { launchBrowser, SCREENSHOT_DIR, type TestBrowser } from '../support/browser.ts';
import { startHub, TEST_ADMIN, type TestHub } from '../support/hub.ts';
import { testDatabases } from '../support/databases.ts';
import { startSyncWorld, type SyncWorld } from '../support/autotask-sync-world.ts';
import { addSecondPartner } from '../partners/second-partner.ts';
import { signInToPortal } from '../support/demo-banner.ts';

describe('Partner column (browser)', () => {
  let hub: TestHub;
  let world: SyncWorld;
  let browser: TestBrowser;
  let page: Page;

  beforeAll(async () => {
    hub = await startHub(testDatabases()[0]!, { listen: true, logLevel: 'warn' });
    world = await startSyncWorld(hub.store);
    browser = await launchBrowser();
    page = await browser.newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await world?.close();
    await hub?.close();
  });

  it('names the partner of each mapped tenant on the Customer mapping tab', async () => {
    const second = await addSecondPartner(hub.store, world);
    await addPartner(hub.store, world.integrationId, second.connection.id);
    await runDirectoryLoop(await world.runtime());
    const [company] = await hub.store.repos.mappings.list(world.integrationId, { state: 'not_mapped', limit: 1 });
    await hub.store.repos.mappings.map(world.integrationId, company!.companyId, { tenantId: second.customers[0]!, tenantName: 'Fjord Shipping' });

    await signInToPortal(page, { portal: hub.url!, ...TEST_ADMIN });
    await page.goto(`${hub.url}/integrations/${world.integrationId}/mapping`);
    await page.getByRole('tab', { name: 'Customer mapping' }).waitFor();
    const panel = page.getByRole('tabpanel');
    await panel.getByRole('columnheader', { name: /Partner/ }).waitFor();
    const row = panel.getByRole('row').filter({ hasText: 'Fjord Shipping' });
    await expect(row.textContent()).resolves.toContain('nordics');
    await page.screenshot({ path: `${SCREENSHOT_DIR}partner-column.png`, fullPage: true });
  });
});
