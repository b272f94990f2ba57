// The vendor's provisioning options in a real browser against `psa-bridge demo`: a person sets the
// tenant mode and timed deprovisioning in the Provisioning tab; a company whose contract ended then
// shows its countdown ("Disabled in 10 days") and its tenant's mode in Customer mapping.
import { describe, expect, it } from 'vitest';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { useBrowserDemo } from '../support/browser-demo.ts';
import type { TestBrowser } from '../support/browser.ts';
import type { LongRunningCli } from '../support/cli.ts';
import { portalApi, readDemoBanner, type DemoBanner } from '../support/demo-banner.ts';

const EXPECTED = [/Failed to load resource: the server responded with a status of 401 .*\[.*\/api\/v1\/auth\/me\]/];

type Demo = DemoBanner;

const readDemo = (cli: LongRunningCli): Promise<Demo> => readDemoBanner(cli, ['acronis', 'autotask']);

describe('provisioning options (browser, demo)', () => {
  let demo: Demo;
  let browser: TestBrowser;
  let page: Page;
  let integrationId: string;

  const api = portalApi(() => page, () => demo.portal);

  useBrowserDemo(
    { name: 'provisioning', read: readDemo },
    async (opened) => {
      ({ demo, browser, page } = opened);
      const list = await api<{ items: { id: string; name: string }[] }>('GET', '/integrations');
      integrationId = list.items.find((i) => i.name === 'demo-autotask')!.id;
    },
  );

  it('sets Trial mode and "disable after 10 days" in the Provisioning tab; a lapsed contract shows its countdown and the tenant mode in Customer mapping', async () => {
    await page.goto(`${demo.portal}/integrations`);
    await page.getByRole('link', { name: 'demo-autotask' }).click();
    await page.getByRole('heading', { level: 1, name: 'demo-autotask' }).waitFor();
    await page.getByRole('tab', { name: 'Provisioning' }).click();
    const panel = page.getByRole('tabpanel');
    await panel.getByRole('radio', { name: 'Production' }).waitFor();
    expect(await panel.getByRole('radio', { name: 'Production' }).isChecked()).toBe(true);
    await panel.getByRole('radio', { name: 'Trial' }).check();
    await panel.getByRole('switch', { name: 'Disable the customer after' }).click();
    await panel.getByLabel('Disable the customer after (days)').fill('10');
    await browser.screenshot(page, 'provisioning-options-set');
    await page.getByRole('button', { name: 'Save provisioning settings' }).click();
    await page.getByRole('status').filter({ hasText: 'Provisioning settings saved' }).waitFor();
    const saved = await api<{ value: { tenantMode: string; timedDeprovisioning: { disable: { enabled: boolean; days: number }; delete: { enabled: boolean } } } }>(
      'GET',
      `/integrations/${integrationId}/settings/provisioning`,
    );
    expect(saved.value).toMatchObject({ tenantMode: 'trial', timedDeprovisioning: { disable: { enabled: true, days: 10 }, delete: { enabled: false } } });

    // A mapped company's contract ends (through the Autotask API), and provisioning runs now.
    const mappings = await api<{ items: { companyId: string; companyName: string; tenantId: string | null }[] }>('GET', `/integrations/${integrationId}/mappings?states=mapped&limit=500`);
    const at = demo.emulators.autotask!;
    const contracts = (await (await fetch(`${at.url}/_emulator/entities/Contracts?limit=1000`)).json()) as { items: { id: number; companyID: number; startDate: string }[] };
    const byCompany = new Map<string, number[]>();
    for (const c of contracts.items) byCompany.set(String(c.companyID), [...(byCompany.get(String(c.companyID)) ?? []), c.id]);
    const company = mappings.items.find((m) => m.tenantId !== null && byCompany.get(m.companyId)?.length === 1)!;
    const contractId = byCompany.get(company.companyId)![0]!;
    const ended = new Date(Date.now() - 2 * 86_400_000).toISOString().slice(0, 10) + 'T00:00:00Z';
    const patch = await fetch(`${at.url}/ATServicesRest/V1.0/Contracts`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', ApiIntegrationCode: at.credentials.integration_code!, UserName: at.credentials.username!, Secret: at.credentials.secret! },
      body: JSON.stringify({ id: contractId, endDate: ended }),
    });
    expect(patch.status).toBe(200);
    await api('POST', `/integrations/${integrationId}/loops/provisioning/run`);

    await page.getByRole('tab', { name: 'Customer mapping' }).click();
    await panel.getByRole('table', { name: 'Customer mapping' }).waitFor();
    await panel.getByRole('searchbox').fill(company.companyName);
    const row = panel.locator('tbody tr').filter({ hasText: company.companyName }).first();
    await row.getByText('Disabled in 10 days').waitFor();
    await expect.poll(() => row.textContent(), { timeout: 15_000 }).toMatch(/Production|Trial/);
    await expect.poll(() => panel.getByRole('columnheader', { name: 'Deprovisioning' }).count(), { timeout: 15_000 }).toBe(1);
    await browser.screenshot(page, 'provisioning-options-countdown');
    browser.assertNoErrors(EXPECTED);
  }, 180_000);

  it('shows prepaid usage against the contract in the Summary tab, customers over contract flagged', async () => {
    // Push one prepaid customer over: a workload's usage above what it bought.
    const report = await api<{ customers: { companyName: string; tenantId: string; rows: { itemKey: string; label: string; contracted: number }[] }[] }>('GET', `/integrations/${integrationId}/prepaid-usage`);
    const usageNames: Record<string, string> = { workstations: 'workstations', servers: 'servers', vms: 'vms', mobiles: 'mobiles', m365_seats: 'mailboxes', gworkspace_seats: 'gsuite_seats' };
    expect(report.customers.length).toBeGreaterThan(0);
    const customer = report.customers.find((c) => c.rows.some((r) => usageNames[r.itemKey] !== undefined))!;
    const item = customer.rows.find((r) => usageNames[r.itemKey] !== undefined)!;
    const contracted = item.contracted;
    const res = await fetch(`${demo.emulators.acronis!.url}/_emulator/usages`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ tenant_id: customer.tenantId, usage_name: usageNames[item.itemKey], value: contracted + 3 }),
    });
    expect(res.status).toBe(200);
    await page.getByRole('tab', { name: 'Summary' }).click();
    const table = page.getByRole('table', { name: 'Prepaid usage' });
    await table.waitFor();
    await page.getByPlaceholder('Search customers or services').fill(customer.companyName);
    const row = table.locator('tbody tr').filter({ hasText: item.label }).first();
    await row.getByText('Over contract').waitFor();
    await expect.poll(() => row.textContent(), { timeout: 15_000 }).toContain(String(contracted + 3));
    await browser.screenshot(page, 'prepaid-usage');
    browser.assertNoErrors(EXPECTED);
  }, 120_000);
  it('turns the tenant events watch off and on again with the switch under Synchronization in the Provisioning tab', async () => {
    const schedule = () => api<{ value: { tenantEvents: boolean; directory: { intervalMinutes: number } } }>('GET', `/integrations/${integrationId}/settings/schedule`);
    expect((await schedule()).value.tenantEvents).toBe(true);
    await page.goto(`${demo.portal}/integrations/${integrationId}`);
    await page.getByRole('tab', { name: 'Provisioning' }).click();
    const panel = page.getByRole('tabpanel');
    const watch = panel.getByRole('switch', { name: 'Follow tenant changes in Acronis as they happen' });
    await watch.waitFor();
    await expect(watch.getAttribute('aria-checked')).resolves.toBe('true');
    await expect(panel.getByText('Reads the Acronis tenant change feed').isVisible()).resolves.toBe(true);
    await watch.click();
    await expect(watch.getAttribute('aria-checked')).resolves.toBe('false');
    await browser.screenshot(page, 'provisioning-tenant-events-off');
    await page.getByRole('button', { name: 'Save provisioning settings' }).click();
    await page.getByRole('status').filter({ hasText: 'Provisioning settings saved' }).waitFor();
    const off = (await schedule()).value;
    expect(off.tenantEvents).toBe(false);
    // Only the switch changed: the intervals beside it are kept.
    expect(off.directory.intervalMinutes).toBe(15);

    await page.reload();
    await page.getByRole('tab', { name: 'Provisioning' }).click();
    await expect(page.getByRole('tabpanel').getByRole('switch', { name: 'Follow tenant changes in Acronis as they happen' }).getAttribute('aria-checked')).resolves.toBe('false');
    await page.getByRole('tabpanel').getByRole('switch', { name: 'Follow tenant changes in Acronis as they happen' }).click();
    await page.getByRole('button', { name: 'Save provisioning settings' }).click();
    await page.getByRole('status').filter({ hasText: 'Provisioning settings saved' }).last().waitFor();
    await expect.poll(async () => (await schedule()).value.tenantEvents).toBe(true);
    browser.assertNoErrors(EXPECTED);
  }, 120_000);
});
