// Suggested matches in a real browser, against a hub on a test database with an Autotask
// integration on the emulators: the Customer mapping tab's "Suggested matches" lists how many and
// which pairs before anything runs, with each pair's confidence; the sure one (same name but for case
// and a legal suffix) is ticked, the merely similar one is flagged and unticked; confirming maps the
// ticked pair only.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { useBrowserHub } from '../support/browser-hub.ts';
import type { TestBrowser } from '../support/browser.ts';
import { TEST_ADMIN, type TestHub } from '../support/hub.ts';
import { acronisApi } from '../support/world.ts';
import type { SyncWorld } from '../support/autotask-sync-world.ts';
import { signInToPortal } from '../support/demo-banner.ts';

const EXPECTED = [/Failed to load resource: the server responded with a status of 401 .*\[.*\/api\/v1\/auth\/me\]/];

describe('suggested matches (browser)', () => {
  let hub: TestHub;
  let world: SyncWorld;
  let browser: TestBrowser;
  let page: Page;

  useBrowserHub({ syncWorld: true }, (opened) => {
    ({ hub, browser, page } = opened);
    world = opened.world!;
  });

  it('lists the suggested pairs with their confidence, ticks only the sure one and maps what is confirmed', async () => {
    const api = async <T>(method: string, path: string): Promise<T> => (await hub.app.inject({ method: method as 'GET', url: `/api/v1${path}`, headers: await hub.tokenHeaders() })).json<T>();
    // Companies are read from Autotask; two unmapped ones get tenants named nearly like them.
    const rows = (await api<{ items: Array<{ companyId: string; companyName: string; companyActive: boolean | null }> }>('GET', `/integrations/${world.integrationId}/mappings?state=not_mapped&limit=1000`)).items;
    const [sure, similar] = rows.filter((r) => r.companyActive !== false && r.companyName.trim().split(/\s+/).length >= 2) as [(typeof rows)[0], (typeof rows)[0]];
    const sureTenant = `${sure.companyName.toUpperCase()} GmbH`;
    const similarTenant = similar.companyName.trim().split(/\s+/).reverse().join(' ');
    const vendor = acronisApi(world.acronis);
    for (const name of [sureTenant, similarTenant]) await vendor.call('POST', '/tenants', { name, kind: 'customer', parent_id: world.acronis.partnerId });
    const suggested = await api<{ suggestions: Array<{ companyName: string; tenantName: string; confidence: number }> }>('GET', `/integrations/${world.integrationId}/suggested-matches`);
    const n = suggested.suggestions.length;
    expect(n).toBeGreaterThanOrEqual(2);

    await signInToPortal(page, { portal: hub.url!, ...TEST_ADMIN });
    await page.goto(`${hub.url}/integrations/${world.integrationId}/mapping`);
    await page.getByRole('tab', { name: 'Customer mapping' }).waitFor();
    await page.getByRole('tabpanel').getByRole('button', { name: 'Suggested matches' }).click();

    const dialog = page.getByRole('dialog', { name: `Confirm ${n} suggested match${n === 1 ? '' : 'es'}?` });
    const table = dialog.getByRole('table', { name: 'Suggested matches' });
    await table.waitFor();
    await expect.poll(() => dialog.getByRole('checkbox').count(), { timeout: 15_000 }).toBe(n);
    const sureBox = dialog.getByRole('checkbox', { name: `Apply ${sure.companyName} → ${sureTenant}` });
    const similarBox = dialog.getByRole('checkbox', { name: `Apply ${similar.companyName} → ${similarTenant}` });
    await expect(sureBox.isChecked()).resolves.toBe(true);
    await expect(similarBox.isChecked()).resolves.toBe(false);
    const sureRow = table.locator('tbody tr').filter({ has: page.getByRole('checkbox', { name: `Apply ${sure.companyName} → ${sureTenant}` }) });
    await expect.poll(() => sureRow.textContent(), { timeout: 15_000 }).toContain('95 %');
    const similarRow = table.locator('tbody tr').filter({ has: page.getByRole('checkbox', { name: `Apply ${similar.companyName} → ${similarTenant}` }) });
    const percent = Math.round(suggested.suggestions.find((s) => s.tenantName === similarTenant)!.confidence * 100);
    await expect.poll(() => similarRow.textContent(), { timeout: 15_000 }).toContain(`The names are only similar (${percent} %): check it is the same customer.`);
    await browser.screenshot(page, 'suggested-matches');

    const ticked = await dialog.getByRole('checkbox', { checked: true }).count();
    await dialog.getByRole('button', { name: `Confirm ${ticked} suggested match${ticked === 1 ? '' : 'es'}` }).click();
    await page.getByText(`${ticked} suggested match${ticked === 1 ? '' : 'es'} confirmed.`).waitFor({ timeout: 30_000 });
    const after = (await api<{ items: Array<{ companyId: string; state: string; tenantName: string | null }> }>('GET', `/integrations/${world.integrationId}/mappings?limit=1000`)).items;
    expect(after.find((r) => r.companyId === sure.companyId)).toMatchObject({ state: 'mapped', tenantName: sureTenant });
    expect(after.find((r) => r.companyId === similar.companyId)?.state).toBe('not_mapped');
    browser.assertNoErrors(EXPECTED);
  });
});
