// The integration tabs in a real browser against `psa-bridge demo` (Acronis + Autotask + ConnectWise
// + CloudBlue emulators): map a company to a new tenant and find the tenant in the Acronis emulator;
// edit a product mapping (inline validation, persisted); enable an alert mapping and see a raised
// alert become an Autotask ticket; the summary with its dry-run plan and charts; the ConnectWise
// and CloudBlue screens (dependent board fields, marketplace wizard); phone width. One demo and one
// browser for the file; steps build on each other like a person's session.
import { describe, expect, it } from 'vitest';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { useBrowserDemo } from '../support/browser-demo.ts';
import type { TestBrowser } from '../support/browser.ts';
import type { LongRunningCli } from '../support/cli.ts';
import { portalApi, readDemoBanner, type DemoBanner } from '../support/demo-banner.ts';

// Code run in the page is written as strings: this project's TypeScript has no DOM library.

// The sign-in page asks who is signed in before anyone is: Chromium logs that 401 as an error.
// The pushed-changes step sends an address that is not http(s) on purpose: that 400 is logged too.
const EXPECTED = [
  /Failed to load resource: the server responded with a status of 401 .*\[.*\/api\/v1\/auth\/me\]/,
  /Failed to load resource: the server responded with a status of 400 .*\[.*\/api\/v1\/integrations\/[^/]+\/callbacks\]/,
];


type Demo = DemoBanner;

const readDemo = (cli: LongRunningCli): Promise<Demo> => readDemoBanner(cli, ['acronis', 'autotask', 'cloudblue']);

const until = async <T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
};

describe('integration tabs (browser, demo)', () => {
  let demo: Demo;
  let browser: TestBrowser;
  let page: Page;
  let autotaskId: string;

  const api = portalApi(() => page, () => demo.portal);
  const emulator = async <T>(name: string, pathname: string, init?: { method: string; body: unknown }): Promise<T> => {
    const response = await fetch(`${demo.emulators[name]!.url}/_emulator${pathname}`, {
      method: init?.method ?? 'GET',
      ...(init ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(init.body) } : {}),
    });
    if (!response.ok) throw new Error(`${name} ${pathname}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  };
  const tab = (name: string) => page.getByRole('tab', { name });
  const panel = () => page.getByRole('tabpanel');
  const openIntegration = async (name: string, tabName: string) => {
    await page.goto(`${demo.portal}/integrations`);
    await page.getByRole('link', { name }).click();
    await page.getByRole('heading', { level: 1, name }).waitFor();
    await tab(tabName).click();
  };
  const noSidewaysScroll = async () => expect(await page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth')).toBeLessThanOrEqual(0);

  useBrowserDemo(
    { name: 'tabs', read: readDemo },
    async (opened) => {
      ({ demo, browser, page } = opened);
      const list = await api<{ items: { id: string; name: string }[] }>('GET', '/integrations');
      autotaskId = list.items.find((i) => i.name === 'demo-autotask')!.id;
    },
  );

  it('maps an Autotask company to a new customer tenant, which appears in the Acronis emulator', async () => {
    await openIntegration('demo-autotask', 'Customer mapping');
    await panel().getByRole('table', { name: 'Customer mapping' }).waitFor();
    await panel().getByRole('combobox', { name: 'Mapping', exact: true }).selectOption({ label: 'Not mapped' });
    const row = panel().locator('tbody tr').first();
    const name = (await row.locator('td').nth(1).locator('strong').textContent())!.trim();
    await row.getByRole('checkbox').check();
    await expect.poll(() => page.getByRole('region', { name: 'Bulk actions' }).textContent(), { timeout: 15_000 }).toContain('1 item is selected');
    await browser.screenshot(page, 'tabs-mapping-selected');
    await page.getByRole('button', { name: 'Map to new customer tenant' }).click();
    await page.getByRole('status').filter({ hasText: 'The mapping has been saved' }).waitFor();

    const tenant = await until(`tenant "${name}" in the Acronis emulator`, async () => {
      const found = await emulator<{ items: { id: string; name: string }[] }>('acronis', `/tenants?name=${encodeURIComponent(name)}&kind=customer`);
      return found.items.find((t) => t.name === name);
    });
    expect(tenant.id).toMatch(/[0-9a-f-]{36}/);
    // The row shows the tenant once the mapping job is done.
    await until('the row to show Mapped', async () => {
      await page.getByRole('button', { name: 'Reload list' }).click();
      await page.getByRole('button', { name: 'Reload list' }).waitFor();
      await panel().getByRole('combobox', { name: 'Mapping', exact: true }).selectOption({ label: 'Mapped' });
      await panel().getByRole('searchbox').fill(name);
      const text = await panel().locator('tbody').textContent().catch(() => '');
      return text?.includes(name) ? true : undefined;
    });
    await browser.screenshot(page, 'tabs-mapping-mapped');
    browser.assertNoErrors(EXPECTED);
  });

  it('maps to an existing tenant through the partner → customer picker, and removes a mapping after confirming', async () => {
    await panel().getByRole('button', { name: 'Clear filters' }).click();
    await panel().getByRole('combobox', { name: 'Mapping', exact: true }).selectOption({ label: 'Mapped' });
    const row = panel().locator('tbody tr').first();
    const name = (await row.locator('td').nth(1).locator('strong').textContent())!.trim();
    await row.getByRole('checkbox').check();
    await page.getByRole('button', { name: 'Remove mapping' }).click();
    const confirmDialog = page.getByRole('dialog', { name: 'Remove mapping' });
    await confirmDialog.getByRole('button', { name: 'Remove' }).click();
    await page.getByRole('status').filter({ hasText: 'mapping removed' }).waitFor();

    await panel().getByRole('combobox', { name: 'Mapping', exact: true }).selectOption({ label: 'Not mapped' });
    await panel().getByRole('searchbox').fill(name);
    const unmapped = panel().locator('tbody tr', { hasText: name });
    await unmapped.getByRole('checkbox').check();
    await page.getByRole('button', { name: 'Map to existing customer tenant' }).click();
    const picker = page.getByRole('dialog', { name: `Map "${name}" to an existing customer tenant` });
    await picker.getByLabel('Partner').waitFor();
    await picker.getByRole('searchbox', { name: 'Customer' }).fill(name.split(' ')[0]!);
    await picker.locator('.picker-item', { hasText: name }).first().click();
    await browser.screenshot(page, 'tabs-mapping-picker');
    await picker.getByRole('button', { name: 'Map', exact: true }).click();
    await picker.waitFor({ state: 'hidden' });
    await panel().getByRole('combobox', { name: 'Mapping', exact: true }).selectOption({ label: 'Mapped' });
    await panel().locator('tbody tr', { hasText: name }).waitFor();
    browser.assertNoErrors(EXPECTED);
  });

  it('edits a product mapping: an Advanced pack without its Standard item is refused inline, a period type change is saved', async () => {
    await tab('Product mapping').click();
    await panel().getByRole('heading', { name: 'Standard protection' }).waitFor();
    // Web hosting servers off, then its Advanced Backup on: refused before saving.
    await panel().getByRole('checkbox', { name: 'Map Web hosting servers' }).uncheck();
    await panel().getByRole('checkbox', { name: 'Map Advanced Backup - Web hosting servers' }).check();
    await expect.poll(() => panel().getByRole('alert').filter({ hasText: 'Advanced pack: map Web hosting servers first' }).count(), { timeout: 15_000 }).toBe(1);
    await browser.screenshot(page, 'tabs-product-mapping-invalid');
    await panel().getByRole('checkbox', { name: 'Map Advanced Backup - Web hosting servers' }).uncheck();
    await panel().getByRole('checkbox', { name: 'Map Web hosting servers' }).check();

    await panel().getByLabel('Period type for Workstations').selectOption('quarterly');
    await panel().getByRole('checkbox', { name: 'Map Advanced Backup - Workstations' }).check();
    await panel().getByLabel('Service for Advanced Backup - Workstations').selectOption('new');
    await panel().getByLabel('New service name for Advanced Backup - Workstations').fill('Acronis Advanced Backup (workstations)');
    await panel().getByRole('switch', { name: 'Free provisioning' }).click();
    await page.getByRole('button', { name: 'Save product mapping' }).click();
    await page.getByRole('status').filter({ hasText: 'Product mapping saved' }).waitFor();

    const saved = await api<{ value: { entries: { itemKey: string; periodType: string; service: { kind: string; name?: string } }[] } }>('GET', `/integrations/${autotaskId}/settings/product-mapping`);
    expect(saved.value.entries.find((e) => e.itemKey === 'workstations')?.periodType).toBe('quarterly');
    expect(saved.value.entries.find((e) => e.itemKey === 'adv_backup_workstations')?.service).toEqual({ kind: 'new', name: 'Acronis Advanced Backup (workstations)' });
    const provisioning = await api<{ value: { freeProvisioning: boolean } }>('GET', `/integrations/${autotaskId}/settings/provisioning`);
    expect(provisioning.value.freeProvisioning).toBe(true);
    await page.reload();
    await expect(panel().getByLabel('Period type for Workstations').inputValue()).resolves.toBe('quarterly');
    await browser.screenshot(page, 'tabs-product-mapping');
    browser.assertNoErrors(EXPECTED);
  });

  it('maps storage per location with its classes, and hides the items the partner does not offer until asked', async () => {
    await page.reload();
    await tab('Product mapping').click();
    await panel().getByRole('heading', { name: 'Storage by location' }).waitFor();
    // The demo's storages are at two locations, each a heading with its storages' rows (storage, class 1, class 2).
    await panel().getByRole('heading', { name: 'Acronis Data Center Frankfurt', level: 3 }).waitFor();
    await panel().getByRole('heading', { name: 'Northwind DC Hamburg', level: 3 }).waitFor();
    const frankfurt = panel().getByRole('table', { name: 'Storage at Acronis Data Center Frankfurt' });
    await expect.poll(() => frankfurt.getByRole('checkbox', { name: /^Map Cloud storage - Class 1 \(free\) — / }).count(), { timeout: 15_000 }).toBe(1);
    await expect.poll(() => frankfurt.getByRole('checkbox', { name: /^Map Cloud storage - Class 2 \(billable\) — / }).count(), { timeout: 15_000 }).toBe(1);
    // Geo-redundancy is off for the demo partner: its items are hidden, then shown marked.
    await expect.poll(() => panel().getByRole('checkbox', { name: /^Map Geo-redundant cloud storage/ }).count(), { timeout: 15_000 }).toBe(0);
    await panel().getByRole('checkbox', { name: /items? the partner does not offer to customers/ }).check();
    await expect.poll(() => panel().getByRole('checkbox', { name: /^Map Geo-redundant cloud storage/ }).count(), { timeout: 15_000 }).toBeGreaterThan(0);
    await expect(panel().getByText('Not offered to the partner').first().isVisible()).resolves.toBe(true);
    await browser.screenshot(page, 'tabs-product-mapping-storage');
    browser.assertNoErrors(EXPECTED);
  });

  it('changes provisioning settings: company-name accounts need the activation email, deletion asks first', async () => {
    await tab('Provisioning').click();
    await panel().getByRole('heading', { name: 'Customer provisioning' }).waitFor();
    await panel().getByLabel('Company name').check();
    await page.getByRole('button', { name: 'Save provisioning settings' }).click();
    await panel().locator('.error-text', { hasText: 'Required when accounts are based on the company name' }).waitFor();
    await panel().getByRole('textbox', { name: 'Activation email' }).fill('backup-admins@example.com');
    await panel().getByLabel('Define manually').check();
    await panel().locator('#field-admin-password').fill('Str0ng-pass-phrase');
    await panel().getByRole('switch', { name: 'Delete the customer', exact: true }).click();
    await panel().getByText('deprovisioned customers will be deleted').waitFor();
    await browser.screenshot(page, 'tabs-provisioning');
    await page.getByRole('button', { name: 'Save provisioning settings' }).click();
    const ask = page.getByRole('dialog', { name: 'Delete customers on deprovisioning?' });
    await ask.getByRole('button', { name: 'Cancel' }).click();
    await panel().getByRole('switch', { name: 'Delete the customer', exact: true }).click();
    await page.getByRole('button', { name: 'Save provisioning settings' }).click();
    await page.getByRole('status').filter({ hasText: 'Provisioning settings saved' }).waitFor();
    const saved = await api<{ value: { adminAccount: { basedOn: string; activationEmail: string; password: string }; deprovisioning: { deleteTenant: boolean } } }>('GET', `/integrations/${autotaskId}/settings/provisioning`);
    expect(saved.value.adminAccount).toEqual({ basedOn: 'company_name', activationEmail: 'backup-admins@example.com', password: 'manual' });
    expect(saved.value.deprovisioning.deleteTenant).toBe(false);
    // The password is stored, masked, never shown back.
    await panel().locator('.secret-stored').waitFor();
    expect(await page.content()).not.toContain('Str0ng-pass-phrase');
    browser.assertNoErrors(EXPECTED);
  });

  it('enables an alert mapping; a raised alert becomes a ticket in the Autotask emulator and in the tickets list', async () => {
    await tab('Ticket creation').click();
    await panel().getByRole('table', { name: 'Alert mapping' }).waitFor();
    await panel().getByLabel('Source').selectOption({ label: 'Monitoring Alert' }).catch(() => panel().getByLabel('Source').selectOption({ index: 1 }));
    await panel().getByLabel('Note Type').selectOption({ label: 'Task Notes' });
    await panel().getByLabel('Note Publish').selectOption({ label: 'All Autotask Users' });
    await panel().getByPlaceholder('Filter alerts by name').fill('Backup failed');
    await panel().getByRole('checkbox', { name: 'Create tickets for Backup failed' }).check();
    await panel().getByLabel('Status for Backup failed').selectOption({ label: 'New' });
    await panel().getByLabel('Priority for Backup failed').selectOption({ label: 'High' });
    // Sub-issue type follows the issue type.
    expect(await panel().getByLabel('Sub-Issue Type for Backup failed').isDisabled()).toBe(true);
    await panel().getByLabel('Issue Type for Backup failed', { exact: true }).selectOption({ label: 'Backup' });
    const subOptions = await panel().getByLabel('Sub-Issue Type for Backup failed').locator('option').allTextContents();
    expect(subOptions).toContain('Backup failed');
    expect(subOptions).not.toContain('Malware detected');
    await panel().getByLabel('Sub-Issue Type for Backup failed').selectOption({ label: 'Backup failed' });
    await browser.screenshot(page, 'tabs-ticket-creation');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.getByRole('status').filter({ hasText: 'Ticket creation settings saved' }).waitFor();
    await panel().getByRole('switch', { name: 'Ticket creation' }).click();
    // Turning on lists the alerts already open and raises tickets from now on unless told otherwise.
    // The dialog first lists the open alerts (read from Acronis): on a busy machine that takes a while.
    await page.getByRole('dialog', { name: 'Turn ticket creation on' }).getByRole('button', { name: /^Turn on/ }).click({ timeout: 30_000 });
    await page.getByRole('status').filter({ hasText: 'Ticket creation turned on' }).waitFor();

    // Raise the alert for a mapped customer, then run the alerts loop instead of waiting a minute.
    const mapped = await api<{ items: { companyName: string; tenantId: string }[] }>('GET', `/integrations/${autotaskId}/mappings?state=mapped&limit=1`);
    const customer = mapped.items[0]!;
    const before = await emulator<{ total: number }>('autotask', '/entities/Tickets?limit=1');
    await api('POST', `/integrations/${autotaskId}/loops/alerts/run`); // moves the cursor past the demo's old alerts
    await emulator('acronis', '/alerts', { method: 'POST', body: { tenant_id: customer.tenantId, type: 'BackupFailed', severity: 'error', details: { resourceName: 'FILESERVER-01' } } });
    const ticket = await until('the ticket in the Autotask emulator', async () => {
      await api('POST', `/integrations/${autotaskId}/loops/alerts/run`);
      const tickets = await emulator<{ total: number; items: { id: number; title: string; priority: number }[] }>('autotask', '/entities/Tickets?limit=1000');
      return tickets.total > before.total ? [...tickets.items].sort((a, b) => b.id - a.id).find((t) => /backup/i.test(t.title)) : undefined;
    });
    expect(ticket.priority).toBe(1);

    await page.getByRole('button', { name: 'Refresh' }).click();
    const listed = panel().getByRole('table', { name: 'Tickets created from alerts' }).locator('tbody tr', { hasText: customer.companyName });
    await listed.first().waitFor();
    await expect.poll(() => listed.first().textContent(), { timeout: 15_000 }).toMatch(/Open/);
    await browser.screenshot(page, 'tabs-tickets-list');
    browser.assertNoErrors(EXPECTED);
  });

  it('filters the alert catalogue by category and enables the shown alerts with one mapping', async () => {
    await tab('Ticket creation').click();
    await panel().getByRole('table', { name: 'Alert mapping' }).waitFor();
    await panel().getByRole('button', { name: 'Clear filters' }).click().catch(() => undefined);
    const category = panel().getByRole('combobox', { name: 'Alert category' });
    const options = await category.locator('option').allTextContents();
    expect(options.length).toBeGreaterThan(2);
    // The category with the fewest alerts not yet enabled: its rows are the only ones shown.
    await category.selectOption({ index: options.length - 1 });
    const chosen = (await category.inputValue()).trim();
    const rows = panel().getByRole('table', { name: 'Alert mapping' }).locator('tbody tr');
    const shown = await rows.count();
    expect(shown).toBe(Number(/\((\d+)\)$/.exec(options[options.length - 1]!)?.[1]));
    for (const hint of await rows.locator('.hint').allTextContents()) expect(hint).toContain(chosen);
    // One mapping for all of them: each field of the bulk row, parents first.
    const bulk = panel().getByRole('group', { name: new RegExp(`^All ${shown} alerts? shown`) });
    for (const select of await bulk.getByRole('combobox').all()) {
      if (await select.isDisabled()) continue;
      if ((await select.locator('option').count()) > 1) await select.selectOption({ index: 1 });
    }
    await bulk.getByRole('button', { name: /^Enable the / }).click();
    for (const box of await rows.getByRole('checkbox').all()) expect(await box.isChecked()).toBe(true);
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.getByRole('status').filter({ hasText: 'Ticket creation settings saved' }).waitFor();
    const saved = await api<{ alertTypes: { category: string | null; enabled: boolean; fields: Record<string, string> }[] }>('GET', `/integrations/${autotaskId}/alert-mappings`);
    const inCategory = saved.alertTypes.filter((t) => t.category === chosen);
    expect(inCategory).toHaveLength(shown);
    expect(inCategory.every((t) => t.enabled && Object.keys(t.fields).length > 0)).toBe(true);
    await browser.screenshot(page, 'tabs-ticket-creation-bulk');
    browser.assertNoErrors(EXPECTED);
  });

  it('shows the summary with accounts, tickets, the dry-run plan grouped by company, and the charts', { timeout: 90_000 }, async () => {
    await tab('Summary').click();
    await panel().getByRole('region', { name: 'Accounts', exact: true }).waitFor();
    await expect.poll(() => panel().getByRole('region', { name: 'Accounts', exact: true }).textContent(), { timeout: 15_000 }).toMatch(/Linked: \d+/);
    await expect.poll(() => panel().getByRole('region', { name: 'Tickets', exact: true }).textContent(), { timeout: 15_000 }).toMatch(/new\s*[1-9]/i);
    // The usage loop records the chart history: run it now.
    await panel().getByRole('button', { name: 'Run Usage now' }).click();
    await page.getByRole('status').filter({ hasText: 'Usage ran' }).waitFor({ timeout: 30_000 });
    // An alert the next alerts pass would raise: the scheduled pass and its watch are paused first
    // (a person's run waits for the watch to end), so only the dry run sees it.
    const schedule = (await api<{ value: Record<string, unknown> & { alerts: Record<string, unknown> } }>('GET', `/integrations/${autotaskId}/settings/schedule`)).value;
    await api('PUT', `/integrations/${autotaskId}/settings/schedule`, { ...schedule, alerts: { ...schedule.alerts, enabled: false }, alertsWatchSeconds: 0 });
    await api('POST', `/integrations/${autotaskId}/loops/alerts/run`);
    const mapped = (await api<{ items: { companyName: string; tenantId: string }[] }>('GET', `/integrations/${autotaskId}/mappings?state=mapped&limit=1`)).items[0]!;
    const ticketsBefore = await emulator<{ total: number }>('autotask', '/entities/Tickets?limit=1');
    await emulator('acronis', '/alerts', { method: 'POST', body: { tenant_id: mapped.tenantId, type: 'BackupFailed', severity: 'error', details: { resourceId: 'DRYRUN-NAS', resourceName: 'DRYRUN-NAS' } } });
    const planned = await api<{ plan: { loop: string; sample: { kind: string; companyName: string | null }[]; error?: string }[] }>('GET', `/integrations/${autotaskId}/summary?plan=true`);
    expect(planned.plan.find((l) => l.loop === 'alerts')).toMatchObject({ sample: [expect.objectContaining({ kind: 'create_ticket', companyName: mapped.companyName })] });
    await panel().getByRole('button', { name: 'Show what the next sync would do' }).click();
    // Free provisioning was turned on: unmapped items of every mapped customer become unlimited.
    await panel().locator('.plan-total', { hasText: /changes? planned/ }).waitFor({ timeout: 30_000 });
    await expect.poll(() => panel().locator('.plan-company').count(), { timeout: 15_000 }).toBeGreaterThan(0);
    await expect.poll(() => panel().locator('.plan-loop[open]').first().textContent(), { timeout: 15_000 }).toContain('Set offering items');
    // The alerts loop's plan: the ticket it would create, under the customer's company, in words.
    const alertsPlan = panel().locator('.plan-loop', { has: page.locator('summary strong', { hasText: /^Alerts → tickets$/ }) });
    const company = alertsPlan.locator('.plan-groups > li', { hasText: mapped.companyName });
    await expect.poll(() => company.locator('.plan-op', { hasText: 'Create ticket' }).count(), { timeout: 15_000 }).toBe(1);
    await expect.poll(() => company.textContent(), { timeout: 15_000 }).toMatch(/Create ticket\s*Backup failed · .*DRYRUN-NAS/);
    await browser.screenshot(page, 'tabs-summary-alerts-plan');
    // A dry run: no ticket in the Autotask emulator.
    await expect(emulator<{ total: number }>('autotask', '/entities/Tickets?limit=1')).resolves.toEqual(expect.objectContaining({ total: ticketsBefore.total }));
    await api('PUT', `/integrations/${autotaskId}/settings/schedule`, schedule);
    await page.getByRole('heading', { name: 'Contracted vs used, per customer' }).waitFor();
    await panel().locator('.chart-box canvas').first().waitFor();
    await browser.screenshot(page, 'tabs-summary');
    await expect.poll(() => panel().locator('.chart-box canvas').count(), { timeout: 15_000 }).toBeGreaterThan(1);
    browser.assertNoErrors(EXPECTED);
  });

  it("shows pushed changes as the demo registered them, refuses a bad address, and a ticket completed in Autotask is applied with no poll", async () => {
    await tab('Integration settings').click();
    const card = panel().getByRole('region', { name: 'Pushed changes' });
    await card.waitFor();
    const toggle = card.getByRole('switch', { name: 'Push changes to the hub' });
    const registrations = card.getByRole('table', { name: 'Registrations' });
    const activeHooks = async () =>
      (await emulator<{ items: { webhookUrl?: string; isActive: boolean }[] }>('autotask', '/entities/TicketWebhooks')).items.filter((h) => h.isActive && (h.webhookUrl ?? '').includes(`/api/v1/callbacks/autotask/${autotaskId}`));
    // The demo turned them on at the hub's address: what Autotask holds is listed.
    await expect(toggle.getAttribute('aria-checked')).resolves.toBe('true');
    await registrations.getByRole('row').filter({ hasText: 'Ticket changes' }).getByText('Active').waitFor();
    await registrations.getByRole('row').filter({ hasText: 'Company changes' }).getByText('Active').waitFor();
    expect(await activeHooks()).toHaveLength(1);
    const publicUrl = card.getByLabel("Hub's public URL");
    const registeredAt = await publicUrl.inputValue();
    // Not an http(s) address: said next to the field; what Autotask holds is left as it was.
    await publicUrl.fill('ftp://hub.example.com');
    await card.getByRole('button', { name: 'Register at the new address' }).click();
    await card.getByText("The hub's public URL must be an http(s) address").waitFor();
    await expect(toggle.getAttribute('aria-checked')).resolves.toBe('true');
    expect((await activeHooks()).map((h) => h.webhookUrl!.startsWith(registeredAt))).toEqual([true]);

    // Off removes the registrations from Autotask (the polls go on); on again at the portal's address.
    await publicUrl.fill(registeredAt);
    await toggle.click();
    await page.getByRole('status').filter({ hasText: 'Pushed changes turned off' }).waitFor();
    expect(await activeHooks()).toHaveLength(0);
    await expect.poll(() => card.getByRole('table', { name: 'Registrations' }).count(), { timeout: 15_000 }).toBe(0);
    await publicUrl.fill(demo.portal);
    await toggle.click();
    await page.getByRole('status').filter({ hasText: 'now pushes its changes to the hub' }).waitFor();
    await registrations.getByRole('row').filter({ hasText: 'Ticket changes' }).getByText('Active').waitFor();
    expect((await activeHooks()).map((h) => h.webhookUrl!.startsWith(`${demo.portal}/api/v1/callbacks/autotask/`))).toEqual([true]);
    await browser.screenshot(page, 'tabs-pushed-changes');

    // A technician completes the ticket of the alert raised before: Autotask calls the hub, whose
    // tickets pass sees it closed at once (the scheduled tickets pass runs every 5 minutes).
    const at = demo.emulators.autotask!;
    const atApi = async <T>(method: string, pathname: string, body?: unknown): Promise<T> => {
      const response = await fetch(`${at.url}/ATServicesRest/V1.0${pathname}`, {
        method,
        headers: { ApiIntegrationCode: at.credentials.integration_code!, UserName: at.credentials.username!, Secret: at.credentials.secret!, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      if (!response.ok) throw new Error(`autotask ${method} ${pathname}: ${response.status} ${await response.text()}`);
      return (await response.json()) as T;
    };
    const open = await atApi<{ items: { id: number; externalID: string | null; title: string }[] }>('POST', '/Tickets/query', { filter: [{ op: 'beginsWith', field: 'externalID', value: 'pb:' }] });
    const ticket = open.items.find((t) => /backup/i.test(t.title))!;
    const hubTicket = async () => (await api<{ items: { ticketId: string; state: string; closedAt: string | null }[] }>('GET', `/integrations/${autotaskId}/tickets?limit=1000`)).items.find((t) => t.ticketId === String(ticket.id));
    expect((await hubTicket())?.closedAt).toBeNull();
    await atApi('PATCH', '/Tickets', { id: ticket.id, status: 5 });
    await until('the hub to see the ticket closed', async () => (((await hubTicket())?.closedAt ?? null) !== null ? true : undefined), 15_000);
    const callouts = await emulator<{ items: { url: string; status: number | null }[] }>('autotask', '/callouts');
    expect(callouts.items.some((c) => c.url.includes(`/api/v1/callbacks/autotask/${autotaskId}`) && c.status === 202)).toBe(true);

    browser.assertNoErrors(EXPECTED);
  });

  it('shows the ConnectWise ticket fields following the board', async () => {
    await openIntegration('demo-connectwise', 'Ticket creation');
    await panel().getByRole('table', { name: 'Alert mapping' }).waitFor();
    const firstAlert = panel().locator('tbody tr').first();
    await firstAlert.getByRole('checkbox').check();
    const typeSelect = firstAlert.locator('select').first();
    expect(await typeSelect.isDisabled()).toBe(true); // no board yet
    await panel().getByLabel('Service Board').selectOption({ index: 1 });
    await expect(typeSelect.isDisabled()).resolves.toBe(false);
    expect(await typeSelect.locator('option').count()).toBeGreaterThan(1);
    await browser.screenshot(page, 'tabs-connectwise-tickets');
    // The board and the checked alert are unsaved edits: leaving the tab asks before discarding them.
    await tab('Company mapping').click();
    await page.getByRole('dialog', { name: 'Discard unsaved changes?' }).getByRole('button', { name: 'Discard changes' }).click();
    await panel().getByRole('table', { name: 'Company mapping' }).waitFor();
    await browser.screenshot(page, 'tabs-connectwise-company-mapping');
    browser.assertNoErrors(EXPECTED);
  });

  it("opens the demo's CloudBlue integration and confirms the Ingram Cloud Marketplace proposals", async () => {
    const integrations = await api<{ items: { id: string; name: string }[] }>('GET', '/integrations');
    const created = integrations.items.find((i) => i.name === 'demo-cloudblue')!;
    expect(created).toBeDefined();
    await page.goto(`${demo.portal}/integrations/${created.id}/mapping`);
    await tab('Customer mapping').waitFor();
    await expect(page.getByRole('tab').allTextContents()).resolves.toEqual(['Integration settings', 'Provisioning', 'Customer mapping', 'Ticket creation', 'Summary']);
    // The first list read starts the directory; wait until the customers are there.
    await until('CloudBlue customers', async () => {
      await page.getByRole('button', { name: 'Reload list' }).click();
      await page.getByRole('button', { name: 'Reload list' }).waitFor();
      return (await panel().locator('tbody tr').count()) > 0 ? true : undefined;
    }, 30_000);
    await page.getByRole('button', { name: 'Map through Ingram Marketplace' }).click();
    const wizard = page.getByRole('dialog', { name: 'Ingram Cloud Marketplace customer mapping' });
    await wizard.getByRole('table', { name: 'Proposed pairs' }).or(wizard.getByText('Nothing to propose')).first().waitFor({ timeout: 20_000 });
    await browser.screenshot(page, 'tabs-cloudblue-marketplace');
    const confirmButton = wizard.getByRole('button', { name: /^Confirm \d+ pair/ });
    if (await confirmButton.isEnabled()) {
      await confirmButton.click();
      await page.getByRole('status').filter({ hasText: 'mapped through Ingram Cloud Marketplace' }).waitFor();
    } else await wizard.getByRole('button', { name: 'Cancel' }).click();
    await browser.screenshot(page, 'tabs-cloudblue-mapping');
    browser.assertNoErrors(EXPECTED);
  });

  it("shows the demo's Gradient integration as Gradient answered: its status, accounts waiting for mapping by name, services with the storage note, the last counts", async () => {
    const gradient = (await api<{ items: { id: string; name: string }[] }>('GET', '/integrations')).items.find((i) => i.name === 'demo-gradient')!;
    const overview = await api<{
      accounts: { mapped: number; waitingNames: string[] };
      services: { items: { name: string; storage: boolean; mapping: string }[] };
      counts: { account: string; service: string; state: string }[];
      storageNote: string;
    }>('GET', `/integrations/${gradient.id}/billing-overview`);
    // The demo maps some services in Gradient as a person would: some counts taken, some waiting.
    expect(overview.accounts.mapped).toBeGreaterThan(0);
    expect(overview.services.items.filter((s) => s.mapping === 'mapped').length).toBeGreaterThan(0);
    expect(overview.services.items.filter((s) => s.mapping !== 'mapped').length).toBeGreaterThan(0);
    const taken = overview.counts.find((c) => c.state === 'counted')!;
    expect(taken).toBeDefined();
    expect(overview.counts.some((c) => c.state === 'waiting')).toBe(true);
    await page.goto(`${demo.portal}/integrations/${gradient.id}/summary`);
    await page.getByRole('heading', { level: 1, name: 'demo-gradient' }).waitFor();
    await tab('Accounts in Gradient').click();
    await panel().getByRole('heading', { name: 'Gradient Synthesize' }).waitFor();
    await expect.poll(() => panel().getByText('Integration status').count(), { timeout: 15_000 }).toBe(1);
    expect(overview.accounts.waitingNames.length).toBeGreaterThan(0);
    await panel().getByRole('heading', { name: 'Waiting for mapping in Gradient' }).waitFor();
    await panel().getByRole('listitem').filter({ hasText: overview.accounts.waitingNames[0]! }).first().waitFor();
    await panel().getByRole('table', { name: 'Services' }).getByText(overview.services.items[0]!.name, { exact: true }).first().waitFor();
    if (overview.services.items.some((s) => s.storage)) await panel().getByRole('note').filter({ hasText: 'Microsoft 365' }).waitFor();
    await panel().getByRole('table', { name: 'Last counts' }).getByText(overview.counts[0]!.account).first().waitFor();
    // The services table shows both states: one mapped in Gradient and one waiting.
    const servicesTable = panel().getByRole('table', { name: 'Services' });
    await servicesTable.getByRole('row').filter({ hasText: overview.services.items.find((s) => s.mapping === 'mapped')!.name }).getByText('Mapped', { exact: true }).first().waitFor();
    await servicesTable.getByText('Waiting for mapping in Gradient').first().waitFor();
    await browser.screenshot(page, 'tabs-gradient-accounts');
    browser.assertNoErrors(EXPECTED);
  });

  it("configures Gradient's tickets on the shared ticket screen: a priority 1–4 per alert type, and no reopen, auto-close or clear-alert options", async () => {
    const gradient = (await api<{ items: { id: string; name: string }[] }>('GET', '/integrations')).items.find((i) => i.name === 'demo-gradient')!;
    await page.goto(`${demo.portal}/integrations/${gradient.id}/summary`);
    await page.getByRole('heading', { level: 1, name: 'demo-gradient' }).waitFor();
    // No PSA feature switches for a billing platform: nothing there would change what runs.
    await tab('Integration settings').click();
    await panel().getByRole('switch', { name: 'Integration enabled' }).waitFor();
    await expect.poll(() => panel().getByRole('switch').count(), { timeout: 15_000 }).toBe(1);
    await tab('Ticket creation').click();
    await panel().getByRole('table', { name: 'Alert mapping' }).waitFor();
    await panel().getByRole('note').filter({ hasText: 'Gradient only creates tickets: it cannot close or reopen them' }).waitFor();
    // Nothing is offered that Gradient cannot do.
    for (const text of ['Reopen the initial ticket', 'Status of a reopened ticket', 'Auto-close tickets', 'Clear the alert in Acronis']) await expect.poll(() => panel().getByText(text).count(), { timeout: 15_000 }).toBe(0);
    // The Acronis emulator's alert type "Backup failed" gets priority 4 (very high).
    await panel().getByPlaceholder('Filter alerts by name').fill('Backup failed');
    await panel().getByRole('checkbox', { name: 'Create tickets for Backup failed' }).check();
    const priority = panel().getByLabel('Priority for Backup failed');
    expect(await priority.locator('option').allTextContents()).toEqual(['—', '1 Low', '2 Medium', '3 High', '4 Very high']);
    await priority.selectOption({ label: '4 Very high' });
    await browser.screenshot(page, 'tabs-gradient-ticket-creation');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.getByRole('status').filter({ hasText: 'Ticket creation settings saved' }).waitFor();
    const saved = await api<{ alertTypes: { id: string; enabled: boolean; fields: Record<string, string> }[] }>('GET', `/integrations/${gradient.id}/alert-mappings`);
    expect(saved.alertTypes.filter((t) => t.enabled).map((t) => ({ id: t.id, priority: t.fields.priority }))).toEqual([{ id: 'BackupFailed', priority: '4' }]);
    browser.assertNoErrors(EXPECTED);
  });

  it('is readable at phone width without sideways scrolling', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    for (const [tabName, shot] of [
      ['Customer mapping', 'tabs-phone-mapping'],
      ['Product mapping', 'tabs-phone-product-mapping'],
      ['Ticket creation', 'tabs-phone-tickets'],
      ['Summary', 'tabs-phone-summary'],
    ] as const) {
      await page.goto(`${demo.portal}/integrations/${autotaskId}/${tabName === 'Customer mapping' ? 'mapping' : tabName === 'Product mapping' ? 'product-mapping' : tabName === 'Ticket creation' ? 'tickets' : 'summary'}`);
      await panel().locator('table, .summary-cards').first().waitFor();
      await page.waitForTimeout(300);
      await noSidewaysScroll();
      await browser.screenshot(page, shot);
    }
    await page.setViewportSize({ width: 1280, height: 800 });
    browser.assertNoErrors(EXPECTED);
  });
});
