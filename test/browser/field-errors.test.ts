// Errors a person can act on (issue 15, item 5), in a real browser against `psa-bridge demo`: on the
// ticket-creation tab (an alert enabled without the fields Autotask requires), the ticket lifecycle
// (recurrence days out of range), the connection form (a data-center URL with a path) and the
// provisioning settings (an activation email that is not one), the message sits inside its field's
// container in the user's words, the field is marked required, the internal path
// ("alert-mappings.types.BackupFailed.fields.priority", "tickets.recurrence.days", "body.baseUrl",
// "provisioning.adminAccount.activationEmail") is only behind "Details", and the error toast does
// not cover the Apply button. The "Alerts waiting" list names customers and alert types and leaves
// out the customers of another integration's PSA. One demo for the file; each step opens its own
// page and sets up what it needs, so one failing step does not fail the next.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { useBrowserDemo } from '../support/browser-demo.ts';
import type { TestBrowser } from '../support/browser.ts';
import { portalApi, readDemoBanner, type DemoBanner } from '../support/demo-banner.ts';

// The sign-in page asks who is signed in before anyone is; the refused saves answer 400 on purpose.
const EXPECTED = [
  /Failed to load resource: the server responded with a status of 401 .*\[.*\/api\/v1\/auth\/me\]/,
  /Failed to load resource: the server responded with a status of 400/,
];
// An internal path: dotted words such as "body.baseUrl" or "alert-mappings.types.X.fields.y".
const INTERNAL_PATH = /\b(body|alert-mappings|tickets|provisioning)\.[\w.-]+/;

describe('field errors (browser, demo)', () => {
  let demo: DemoBanner;
  let browser: TestBrowser;
  let page: Page;
  const ids: Record<string, string> = {};
  const api = portalApi(() => page, () => demo.portal);

  useBrowserDemo(
    { name: 'field-errors', read: (cli) => readDemoBanner(cli, ['acronis', 'autotask']) },
    async (opened) => {
      ({ demo, browser, page } = opened);
      for (const i of (await api<{ items: { id: string; name: string }[] }>('GET', '/integrations')).items) ids[i.name] = i.id;
    },
  );
  // A fresh page per step (the session cookie is the browser's): unsaved edits a failed step left
  // behind do not hold the next step at a "Discard unsaved changes?" question.
  beforeEach(async () => {
    await page?.close();
    page = await browser.newPage();
  });
  afterEach(() => browser.assertNoErrors(EXPECTED));

  const panel = () => page.getByRole('tabpanel');
  const open = async (name: string, tabName: string) => {
    await page.goto(`${demo.portal}/integrations/${ids[name]}/summary`);
    await page.getByRole('heading', { level: 1, name }).waitFor();
    await page.getByRole('tab', { name: tabName }).click();
  };
  const acronis = async <T>(pathname: string, body: unknown): Promise<T> => {
    const response = await fetch(`${demo.emulators.acronis!.url}/_emulator${pathname}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (!response.ok) throw new Error(`acronis ${pathname}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  };

  /** The error toast says it without paths, keeps the path behind "Details", and leaves `button` clear. */
  async function expectToast(button: Locator, path: string): Promise<void> {
    const toast = page.locator('.toast-error').last();
    await toast.waitFor();
    const said = (await toast.locator('.toast-body > span').textContent()) ?? '';
    expect(said).not.toMatch(INTERNAL_PATH);
    const detail = toast.locator('.error-detail p');
    await expect(detail.isVisible()).resolves.toBe(false);
    await toast.getByText('Details', { exact: true }).click();
    await expect.poll(() => detail.textContent(), { timeout: 15_000 }).toContain(path);
    // Opened, the toast still leaves the button free to click.
    const [a, b] = [await toast.boundingBox(), await button.boundingBox()];
    expect(a && b, 'toast and button on screen').toBeTruthy();
    const overlaps = a!.x < b!.x + b!.width && b!.x < a!.x + a!.width && a!.y < b!.y + b!.height && b!.y < a!.y + a!.height;
    expect(overlaps, `toast ${JSON.stringify(a)} covers the button ${JSON.stringify(b)}`).toBe(false);
    await button.click({ trial: true }); // nothing else receives the click at the button's centre
  }

  /** The nearest `.field` (or table cell) around an input: the field's own container. */
  const containerOf = (input: Locator, kind: 'field' | 'cell' = 'field') =>
    input.locator(kind === 'cell' ? 'xpath=ancestor::td[1]' : 'xpath=ancestor::*[contains(concat(" ", normalize-space(@class), " "), " field ")][1]');

  /** The message inside the field's own container (`.field`, a cell), in words, without a path. */
  async function expectFieldError(container: Locator, words: string | RegExp): Promise<string> {
    const message = container.locator('.error-text');
    await message.waitFor();
    const text = (await message.textContent()) ?? '';
    expect(text).toMatch(words);
    expect(text).not.toMatch(INTERNAL_PATH);
    return text;
  }

  it('ticket creation: an alert enabled without the fields Autotask requires says so in its row, next to each field', async () => {
    const integration = ids['demo-autotask']!;
    await api('PUT', `/integrations/${integration}/alert-mappings`, { defaults: {}, types: { BackupFailed: { enabled: false, fields: {} } } });
    await open('demo-autotask', 'Ticket creation');
    const table = panel().getByRole('table', { name: 'Alert mapping' });
    await table.waitFor();
    // Required fields are marked in the column headers and on the row's dropdowns once enabled.
    const header = (label: string) => table.locator('thead th').filter({ hasText: new RegExp(`^${label}( \\*)?$`) });
    for (const label of ['Status', 'Priority']) await expect.poll(() => header(label).locator('.required').count(), { timeout: 15_000 }).toBe(1);
    await expect.poll(() => header('Queue').locator('.required').count(), { timeout: 15_000 }).toBe(0);
    await panel().getByRole('checkbox', { name: 'Create tickets for Backup failed' }).check();
    const priority = panel().getByRole('combobox', { name: 'Priority for Backup failed' });
    await expect(priority.getAttribute('aria-required')).resolves.toBe('true');
    await panel().getByRole('combobox', { name: 'Status for Backup failed' }).selectOption({ label: 'New' });
    const apply = panel().getByRole('button', { name: 'Apply' });
    await apply.click();

    const cell = containerOf(priority, 'cell');
    const text = await expectFieldError(cell, /^Priority is required; choose one of: .*Critical/);
    expect(text).not.toContain('BackupFailed');
    await expect(priority.getAttribute('aria-invalid')).resolves.toBe('true');
    // Status was chosen: no message in its cell.
    await expect.poll(() => containerOf(panel().getByRole('combobox', { name: 'Status for Backup failed' }), 'cell').locator('.error-text').count(), { timeout: 15_000 }).toBe(0);
    // Note Type is set once for every ticket: its message is there, by the field marked required.
    const noteType = panel().getByRole('combobox', { name: 'Note Type', exact: true });
    await expect.poll(() => containerOf(noteType).locator('label .required').count(), { timeout: 15_000 }).toBe(1);
    await expectFieldError(containerOf(noteType), /^Note Type is required; choose one of: /);
    await expectToast(apply, 'alert-mappings.types.BackupFailed.fields.priority');
    await browser.screenshot(page, 'field-errors-alert-mapping');
  });

  it('ticket lifecycle: recurrence days out of range are said next to the days, in words', async () => {
    await open('demo-autotask', 'Ticket creation');
    const recurrence = panel().getByRole('group', { name: 'When an alert comes back after its ticket was closed' });
    await recurrence.getByRole('radio', { name: /Create a new ticket if the initial ticket has been closed for/ }).check();
    await recurrence.getByRole('spinbutton', { name: 'Number of days' }).fill('4000');
    const apply = panel().getByRole('button', { name: 'Apply' });
    await apply.click();
    await expectFieldError(recurrence, 'The number of days must be from 1 to 3650');
    await expect(recurrence.getByRole('spinbutton', { name: 'Number of days' }).getAttribute('aria-invalid')).resolves.toBe('true');
    await expectToast(apply, 'tickets.recurrence.days');
    await browser.screenshot(page, 'field-errors-recurrence');
  });

  it('connection form: a data-center URL with a path is said under the URL field, the path behind Details', async () => {
    await page.goto(`${demo.portal}/connections`);
    await page.getByRole('button', { name: 'Add connection' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'Add connection' });
    const url = dialog.getByRole('textbox', { name: 'Data-center URL', exact: true });
    // Required fields are marked: the label's star and the input's required state.
    for (const label of ['Name', 'Data-center URL', 'Client id']) {
      const input = dialog.getByRole('textbox', { name: label, exact: true });
      // count() does not wait: the dialog's fields must be rendered first.
      await input.waitFor();
      await expect.poll(() => containerOf(input).locator('label .required').count(), { timeout: 15_000 }).toBe(1);
      await expect(input.evaluate((el) => (el as unknown as { required: boolean }).required)).resolves.toBe(true);
    }
    await dialog.getByRole('textbox', { name: 'Name', exact: true }).fill('eu2');
    await url.fill('https://eu2-cloud.acronis.com/api/2');
    await dialog.getByRole('textbox', { name: 'Client id', exact: true }).fill('client');
    await dialog.getByLabel('Client secret').fill('secret');
    await dialog.getByRole('button', { name: 'Test connection' }).click();
    const field = containerOf(url);
    await expectFieldError(field, /^must be the data-center root without a path, such as https:\/\/eu2-cloud\.acronis\.com; remove "\/api\/2"$/);
    await expect(url.getAttribute('aria-invalid')).resolves.toBe('true');
    // The dialog's own notice says it without the path; its Details hold the API's words.
    const notice = dialog.getByRole('alert');
    await expect.poll(() => notice.textContent(), { timeout: 15_000 }).toContain('Check the marked field: must be the data-center root');
    const shown = await notice.evaluate((el) => [...el.childNodes].filter((n) => n.nodeType === 3 /* a text node */).map((n) => n.textContent).join(''));
    expect(shown).not.toMatch(INTERNAL_PATH);
    await notice.getByText('Details', { exact: true }).click();
    await expect.poll(() => notice.locator('.error-detail p').textContent(), { timeout: 15_000 }).toContain('body.baseUrl:');
    await browser.screenshot(page, 'field-errors-connection');
  });

  it('provisioning settings: an activation email that is not one is said next to it; the field is marked required', async () => {
    const integration = ids['demo-autotask']!;
    const stored = (await api<{ value: { adminAccount: Record<string, unknown> } & Record<string, unknown> }>('GET', `/integrations/${integration}/settings/provisioning`)).value;
    await api('PUT', `/integrations/${integration}/settings/provisioning`, { ...stored, adminAccount: { ...stored.adminAccount, basedOn: 'primary_contact' } });
    await open('demo-autotask', 'Provisioning');
    await panel().getByRole('radio', { name: 'Company name' }).check();
    const email = panel().getByRole('textbox', { name: 'Activation email' });
    const field = containerOf(email);
    await expect.poll(() => field.locator('label .required').count(), { timeout: 15_000 }).toBe(1);
    await expect(email.evaluate((el) => (el as unknown as { required: boolean }).required)).resolves.toBe(true);
    await email.fill('not-an-email');
    const apply = panel().getByRole('button', { name: 'Save provisioning settings' });
    await apply.click();
    await expectFieldError(field, /^must be an email address, such as /);
    await expect(email.getAttribute('aria-invalid')).resolves.toBe('true');
    await expectToast(apply, 'provisioning.adminAccount.activationEmail');
    await browser.screenshot(page, 'field-errors-provisioning');
  });

  it('"Alerts waiting" names the customer and the alert type, and leaves out the customers of another PSA', async () => {
    const autotask = ids['demo-autotask']!;
    // Alerts of one type raise tickets; ticket creation on, from now.
    await api('PUT', `/integrations/${autotask}/alert-mappings`, { defaults: {}, types: { BackupFailed: { enabled: true, fields: { status: '1', priority: '2', noteType: '1', publish: '1' } } } });
    const start = await api<{ enabled: boolean }>('GET', `/integrations/${autotask}/ticket-start`);
    if (!start.enabled) await api('POST', `/integrations/${autotask}/ticket-start`, { from: 'now' });
    // Two customers Autotask's integration does not map: one ConnectWise's integration maps (a
    // person maps it there now), and one no integration maps.
    const tenants = (await api<{ tenants: { id: string; name: string; enabled: boolean; mappedTo: unknown }[] }>('GET', `/integrations/${autotask}/tenants`)).tenants.filter((t) => t.mappedTo === null && t.enabled);
    expect(tenants.length, 'customers Autotask does not map').toBeGreaterThanOrEqual(2);
    const connectwise = ids['demo-connectwise']!;
    const mappedInCw = async () => (await api<{ items: { tenantId: string | null }[] }>('GET', `/integrations/${connectwise}/mappings?state=mapped&limit=1000`)).items.map((m) => m.tenantId);
    const already = await mappedInCw();
    let otherPsa = tenants.find((t) => already.includes(t.id));
    if (otherPsa === undefined) {
      const company = (await api<{ items: { companyId: string }[] }>('GET', `/integrations/${connectwise}/mappings?state=not_mapped&limit=1000`)).items[0]!;
      otherPsa = tenants.at(-1)!;
      await api('POST', `/integrations/${connectwise}/mappings/bulk`, { items: [{ action: 'map', companyId: company.companyId, tenantId: otherPsa.id }] });
    }
    const cwTenants = await mappedInCw();
    expect(cwTenants).toContain(otherPsa.id);
    const unmapped = tenants.find((t) => !cwTenants.includes(t.id))!;
    expect(unmapped, 'a customer no integration maps').toBeDefined();
    for (const tenantId of [unmapped.id, otherPsa.id]) await acronis('/alerts', { tenant_id: tenantId, type: 'BackupFailed', severity: 'error', details: { resourceName: 'FILESERVER-01' } });
    await api('POST', `/integrations/${autotask}/loops/alerts/run`);

    await open('demo-autotask', 'Ticket creation');
    const waiting = panel().getByRole('table', { name: 'Alerts waiting' });
    const row = waiting.getByRole('row').filter({ hasText: unmapped.name });
    await row.waitFor({ timeout: 20_000 });
    await expect.poll(() => row.textContent(), { timeout: 15_000 }).toContain('Backup failed');
    await expect.poll(() => row.textContent(), { timeout: 15_000 }).toContain(`"${unmapped.name}" is not mapped`);
    const all = (await waiting.textContent()) ?? '';
    expect(all).not.toContain(unmapped.id);
    expect(all).not.toContain('BackupFailed');
    expect(all).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/);
    expect(all).not.toContain(otherPsa.name);
    await browser.screenshot(page, 'field-errors-alerts-waiting');
  });
});
