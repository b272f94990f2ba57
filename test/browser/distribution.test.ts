// The Distribution page in a real browser against `psa-bridge demo`, whose interworks.cloud BSS
// emulator has a distributor instance activated: the BSS orders for a reseller, pulls a billing
// cycle's usage, suspends the subscription and has an order refused; a person opens Distribution
// from the navigation and sees the instance's settings (the secret only as "set"), a product's
// price, the service provider with its subscription state, the pull's totals and the refused
// call's track id with its message; phone width too.
import { describe, expect, it } from 'vitest';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { useBrowserDemo } from '../support/browser-demo.ts';
import type { TestBrowser } from '../support/browser.ts';
import type { LongRunningCli } from '../support/cli.ts';
import { lastMonth } from '../interworks/harness.ts';

// The sign-in page asks who is signed in before anyone is: Chromium logs that 401 as an error.
const EXPECTED = [/Failed to load resource: the server responded with a status of 401 .*\[.*\/api\/v1\/auth\/me\]/];

interface Emulator {
  url: string;
  credentials: Record<string, string>;
}

interface Demo {
  portal: string;
  username: string;
  password: string;
  bss: Emulator;
  /** The distributor's own Acronis (the second acronis line: the first serves the PSA integrations). */
  gateway: Emulator;
  instanceId: string;
}

async function readDemo(cli: LongRunningCli): Promise<Demo> {
  const first = cli.firstLine as { portal: string; username: string; password: string };
  for (let i = 0; i < 200; i++) {
    const stdout = cli.output().stdout;
    const lines = [...stdout.matchAll(/^\s+(acronis|interworks)\s*(http\S+)\s+(\{.*\})\s*$/gm)].map((m) => ({ system: m[1]!, url: m[2]!, credentials: JSON.parse(m[3]!) as Record<string, string> }));
    const bss = lines.find((l) => l.system === 'interworks');
    const gateway = lines.filter((l) => l.system === 'acronis')[1];
    const instance = /instance (\S+) activated/.exec(stdout);
    if (bss && gateway && instance) return { ...first, bss, gateway, instanceId: instance[1]! };
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`demo did not list its BSS and distributor instance: ${cli.output().stdout}`);
}

describe('distribution page (browser, demo)', () => {
  let demo: Demo;
  let browser: TestBrowser;
  let page: Page;
  let refused: { ok: boolean; code: number; message: string; track_id: string };
  let billed: { subscription_id: string; ok: boolean; usages: number; sell: number };

  const control = async <T = any>(base: string, method: string, pathname: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${base}/_emulator${pathname}`, { method, ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }) });
    if (!response.ok) throw new Error(`${method} ${pathname}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  };
  const instanceSection = () => page.getByRole('region', { name: 'Acronis Cyber Cloud EU' });
  const noSidewaysScroll = async () => expect(await page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth')).toBeLessThanOrEqual(0);

  useBrowserDemo(
    {
      name: 'distribution',
      read: readDemo,
      timeoutMs: 120_000,
      // What the BSS does: a reseller's order, customers with usage, a billing cycle, a suspension, a refused order.
      prepare: async (ready) => {
        demo = ready;
        const order = await control(demo.bss.url, 'POST', '/orders', { instance_id: demo.instanceId, account: { id: '7201', name: 'Adventure Works Resellers', email: 'ops@adventure-works.example' }, subscription_id: '9201', tier: '500', quotas: { pw_base_workstations: '', pw_base_storage: '' } });
        expect(order.ok).toBe(true);
        await control(demo.gateway.url, 'POST', `/partners/${order.tenant_id}/customers`, { count: 2 });
        const run = await control(demo.bss.url, 'POST', '/billing-runs', { instance_id: demo.instanceId, ...lastMonth(), currency: 'EUR' });
        billed = run.subscriptions.find((s: { subscription_id: string }) => s.subscription_id === '9201');
        expect(billed.ok).toBe(true);
        expect(billed.sell).toBeGreaterThan(0);
        expect((await control(demo.bss.url, 'POST', '/subscriptions/9201/suspend')).ok).toBe(true);
        refused = await control(demo.bss.url, 'POST', '/orders', { instance_id: demo.instanceId, account: { id: '7202', name: 'Wingtip Partners', email: 'it@wingtip.example' }, subscription_id: '9202', quotas: { pw_base_workstations: 'lots' } });
        expect(refused.ok).toBe(false);
      },
    },
    (opened) => ({ demo, browser, page } = opened),
  );

  it('opens from the navigation and shows the registration and the instance settings, the secrets only as "set"', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Distribution' }).click();
    await page.getByRole('heading', { level: 1, name: 'Distribution' }).waitFor();
    expect(await page.title()).toBe('Distribution · psa-bridge');
    const registrations = page.getByRole('table', { name: 'Application registrations' });
    await expect.poll(() => registrations.textContent(), { timeout: 15_000 }).toContain(demo.bss.credentials.application_id);
    await instanceSection().waitFor();
    const settings = instanceSection().getByRole('definition');
    const text = (await instanceSection().textContent()) ?? '';
    expect(text).toContain(demo.gateway.url);
    expect(text).toContain(demo.gateway.credentials.client_id);
    expect(text).toContain('18 %');
    expect(text).toContain('Continuously update names');
    expect(await settings.filter({ hasText: /^set$/ }).count()).toBe(1);
    const whole = (await page.locator('body').textContent()) ?? '';
    expect(whole).not.toContain(demo.gateway.credentials.client_secret);
    expect(whole).not.toContain(demo.bss.credentials.application_key);
    await browser.screenshot(page, 'distribution-instance');
    browser.assertNoErrors(EXPECTED);
  });

  it('shows a product of the last Get Services Definition with its sell and cost', async () => {
    const products = instanceSection().getByRole('table', { name: 'Products of Acronis Cyber Cloud EU' });
    await instanceSection().getByRole('searchbox', { name: 'Search products' }).fill('Workstations');
    const row = products.locator('tbody tr').filter({ hasText: 'Cyber Protection – Workstations' }).first();
    await expect.poll(() => row.locator('td').nth(2).textContent(), { timeout: 15_000 }).toBe('3.22');
    await expect.poll(() => row.locator('td').nth(3).textContent(), { timeout: 15_000 }).toBe('2.6404');
    browser.assertNoErrors(EXPECTED);
  });

  it('shows the service provider with its suspended subscription, and the usage pull with its totals', async () => {
    const providers = instanceSection().getByRole('table', { name: 'Service providers of Acronis Cyber Cloud EU' });
    const row = providers.locator('tbody tr').filter({ hasText: 'Adventure Works Resellers' });
    await expect.poll(() => row.count(), { timeout: 15_000 }).toBe(1);
    await expect.poll(() => row.locator('td').nth(2).textContent(), { timeout: 15_000 }).toContain('9201');
    await expect.poll(() => row.locator('td').nth(3).textContent(), { timeout: 15_000 }).toBe('suspended');
    await instanceSection().getByRole('combobox', { name: 'State' }).selectOption({ label: 'suspended' });
    await expect.poll(() => providers.locator('tbody tr').count(), { timeout: 15_000 }).toBe(1);

    const pulls = instanceSection().getByRole('table', { name: 'Usage pulls of Acronis Cyber Cloud EU' });
    const pull = pulls.locator('tbody tr').filter({ hasText: '9201' });
    await expect.poll(() => pull.locator('td').nth(1).textContent(), { timeout: 15_000 }).toContain(lastMonth().start);
    await expect.poll(() => pull.locator('td').nth(2).textContent(), { timeout: 15_000 }).toBe(String(billed.usages));
    const sell = billed.sell.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 4 });
    await expect.poll(() => pull.locator('td').nth(4).textContent(), { timeout: 15_000 }).toBe(`${sell} EUR`);
    await expect.poll(() => instanceSection().getByLabel('Usage totals of Acronis Cyber Cloud EU').textContent(), { timeout: 15_000 }).toContain(`sell ${sell} EUR`);
    browser.assertNoErrors(EXPECTED);
  });

  it("lists the refused order's call by its track id with the message the BSS was given", async () => {
    const failed = instanceSection().getByRole('table', { name: 'Failed calls of Acronis Cyber Cloud EU' });
    await instanceSection().getByRole('searchbox', { name: 'Search by track id or message' }).fill(refused.track_id);
    const row = failed.locator('tbody tr');
    await expect.poll(() => row.count(), { timeout: 15_000 }).toBe(1);
    await expect.poll(() => row.locator('td').nth(1).textContent(), { timeout: 15_000 }).toBe(refused.track_id);
    await expect.poll(() => row.locator('td').nth(2).textContent(), { timeout: 15_000 }).toBe('Subscriptions/Create');
    await expect.poll(() => row.locator('td').nth(4).textContent(), { timeout: 15_000 }).toBe(refused.message);
    await browser.screenshot(page, 'distribution-failed-calls');
    browser.assertNoErrors(EXPECTED);
  });

  it('reads at phone width without sideways scrolling', async () => {
    const phone = await browser.newPage({ width: 390, height: 844 });
    await phone.goto(`${demo.portal}/distribution`);
    await phone.getByRole('region', { name: 'Acronis Cyber Cloud EU' }).waitFor();
    expect(await phone.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth')).toBeLessThanOrEqual(0);
    await browser.screenshot(phone, 'distribution-phone');
    await phone.close();
    await noSidewaysScroll();
    browser.assertNoErrors(EXPECTED);
  });
});
