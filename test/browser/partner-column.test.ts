// The Partner column in a real browser (issue 14 item 7): an Autotask integration serving two partner
// tenants shows, on the Customer mapping tab, which partner each mapped tenant belongs to; on the
// Summary tab the problems list and the dry run's problems name it too, and the Provisioning tab says
// which partner new customer tenants are created under, and Product mapping which partners offer an item.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { runDirectoryLoop } from '../../src/sync/directory-loop.ts';
import { addPartner } from '../../src/sync/integration-partners.ts';
import { SYNC_LOOPS } from '../../src/sync/loops.ts';
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
    await expect.poll(() => row.textContent(), { timeout: 15_000 }).toContain('nordics');
    await page.screenshot({ path: `${SCREENSHOT_DIR}partner-column.png`, fullPage: true });
  });

  it('names the partner in the problems list and the dry-run plan, and the partner of new tenants on the Provisioning tab', async () => {
    // A company with a contract, mapped to the second partner's other customer: its seeded usage is
    // above what the contract sells, so the reductions wait for approval (open problems).
    const rt = await world.runtime();
    const withContract = new Set<string>();
    for await (const c of rt.target.contracts!.listContracts({})) withContract.add(c.companyId);
    const [company] = (await hub.store.repos.mappings.list(world.integrationId, { state: 'not_mapped', limit: 500 })).filter((m) => withContract.has(m.companyId));
    const second = (await hub.store.repos.connections.getByName('nordics'))!;
    const tenantId = [...world.acronis.state.tenants.values()].find((t) => t.parent_id === second.tenantId && t.name === 'Oslo Dental Care')!.id;
    await hub.store.repos.mappings.map(world.integrationId, company!.companyId, { tenantId, tenantName: 'Oslo Dental Care' });
    await SYNC_LOOPS.provisioning(rt);

    await page.goto(`${hub.url}/integrations/${world.integrationId}/summary`);
    const panel = page.getByRole('tabpanel');
    const problems = panel.getByRole('table', { name: 'Problems' });
    await problems.getByRole('columnheader', { name: /Partner/ }).waitFor();
    const problemRow = problems.getByRole('row').filter({ hasText: company!.companyName }).first();
    await expect.poll(() => problemRow.textContent(), { timeout: 15_000 }).toContain('nordics');

    await panel.getByRole('button', { name: 'Show what the next sync would do' }).click();
    const planned = panel.getByRole('list', { name: 'Problems the next sync would leave open' }).getByRole('listitem').filter({ hasText: company!.companyName }).first();
    await expect.poll(() => planned.textContent(), { timeout: 15_000 }).toContain('partner nordics (Northwind MSP Nordics)');
    await page.screenshot({ path: `${SCREENSHOT_DIR}partner-summary.png`, fullPage: true });

    await page.getByRole('tab', { name: 'Provisioning' }).click();
    const note = page.getByRole('tabpanel').locator('.new-tenants-partner');
    await expect.poll(() => note.textContent(), { timeout: 15_000 }).toContain('New customer tenants are created under partner emu-cloud (partner)');

    // The product mapping catalog is the union of what both partners offer, each row saying who offers it.
    await page.getByRole('tab', { name: 'Product mapping' }).click();
    const workstations = page.getByRole('tabpanel').getByRole('row').filter({ has: page.getByText('Workstations', { exact: true }) }).first();
    await expect.poll(() => workstations.locator('.pm-offered-by').textContent(), { timeout: 15_000 }).toBe('Offered by emu-cloud, nordics');
  });
});
