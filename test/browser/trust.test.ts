// Trust in what the portal says and what one click does (issue 15), in a real browser against
// `psa-bridge demo`: the dry run counts problems apart from changes; mapping a company to a tenant
// whose contract is smaller shows what it would do and asks first, the reduction then waits in
// "Waiting for approval" until approved; "Apply N ready mappings" lists the pairs and leaves the
// disabled tenant unticked; switching ticket creation on lists the open alerts and raises them only
// if chosen; the per-customer page; the run history pages back to the demo's first passes; a pass
// that left companies failed reads failed (count and first reason) in the list, the status card and
// the toast. One demo and one browser for the file; steps build on each other like a session.
import { describe, expect, it } from 'vitest';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { useBrowserDemo } from '../support/browser-demo.ts';
import type { TestBrowser } from '../support/browser.ts';
import type { LongRunningCli } from '../support/cli.ts';
import { portalApi, readDemoBanner, type DemoBanner } from '../support/demo-banner.ts';

const EXPECTED = [/Failed to load resource: the server responded with a status of 401 .*\[.*\/api\/v1\/auth\/me\]/];

type Demo = DemoBanner;

const readDemo = (cli: LongRunningCli): Promise<Demo> => readDemoBanner(cli, ['acronis', 'cloudblue']);

interface WireItem {
  name: string;
  usage_name: string;
  edition: string | null;
  status: number;
  type: string;
  quota: { value: number | null } | null;
}
interface MappingRow {
  companyId: string;
  companyName: string;
  tenantId: string | null;
  tenantName: string | null;
  state: string;
  tenantEnabled: boolean | null;
  companyActive: boolean | null;
}

describe('trust (browser, demo)', () => {
  let demo: Demo;
  let browser: TestBrowser;
  let page: Page;
  const ids: Record<string, string> = {};

  const api = portalApi(() => page, () => demo.portal);
  const acronis = async <T>(pathname: string, init?: { method: string; body?: unknown }): Promise<T> => {
    const response = await fetch(`${demo.emulators.acronis!.url}/_emulator${pathname}`, {
      method: init?.method ?? 'GET',
      ...(init?.body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(init.body) }),
    });
    if (!response.ok) throw new Error(`acronis ${pathname}: ${response.status} ${await response.text()}`);
    return (await response.json().catch(() => null)) as T;
  };
  const tab = (name: string) => page.getByRole('tab', { name });
  const panel = () => page.getByRole('tabpanel');
  const open = async (name: string, tabName: string) => {
    await page.goto(`${demo.portal}/integrations/${ids[name]}/summary`);
    await page.getByRole('heading', { level: 1, name }).waitFor();
    await tab(tabName).click();
  };
  const mappings = async (integration: string, state: string) =>
    (await api<{ items: MappingRow[] }>('GET', `/integrations/${ids[integration]}/mappings?state=${state}&limit=1000`)).items;

  useBrowserDemo(
    { name: 'trust', read: readDemo },
    async (opened) => {
      ({ demo, browser, page } = opened);
      for (const i of (await api<{ items: { id: string; name: string }[] }>('GET', '/integrations')).items) ids[i.name] = i.id;
    },
  );

  it('the dry run counts problems apart from changes, as the plan API does', async () => {
    await open('demo-autotask', 'Summary');
    await panel().getByRole('button', { name: 'Show what the next sync would do' }).click();
    const total = panel().locator('.plan-total');
    await total.waitFor({ timeout: 30_000 });
    const plan = (await api<{ plan: { loop: string; changes: number; problems: number; planned: number }[] }>('GET', `/integrations/${ids['demo-autotask']}/summary?plan=true`)).plan;
    const changes = plan.reduce((n, l) => n + l.changes, 0);
    const problems = plan.reduce((n, l) => n + l.problems, 0);
    // The demo's usage loop finds problems (lines without usage…): counted as problems, not as changes.
    expect(problems).toBeGreaterThan(0);
    await expect.poll(() => total.textContent(), { timeout: 15_000 }).toContain(changes === 0 ? 'Nothing to change' : `${changes} change`);
    await expect.poll(() => total.locator('.plan-problem-count').textContent(), { timeout: 15_000 }).toBe(`${problems} problem${problems === 1 ? '' : 's'}`);
    // Each problem is listed with its company, the service and what to do, not as a bare company name.
    const listed = plan.flatMap((l) => (l as unknown as { problemList: { companyName: string | null; service: string | null; message: string }[] }).problemList);
    expect(listed.length).toBeGreaterThan(0);
    const first = listed[0]!;
    const item = panel().getByRole('list', { name: 'Problems the next sync would leave open' }).getByRole('listitem').filter({ hasText: first.message }).first();
    await expect.poll(() => item.textContent(), { timeout: 15_000 }).toContain(first.companyName!);
    if (first.service !== null) await expect.poll(() => item.textContent(), { timeout: 15_000 }).toContain(first.service);
    await expect.poll(() => item.textContent(), { timeout: 15_000 }).toContain('What to do:');
    await browser.screenshot(page, 'trust-dry-run');
    browser.assertNoErrors(EXPECTED);
  });

  it('shows what mapping to a smaller tenant would do, asks first, and holds the reduction until it is approved', async () => {
    const integration = ids['demo-autotask']!;
    // Two mapped customers whose tenants differ on a counted service: X's contract sells fewer.
    const mapped = (await mappings('demo-autotask', 'mapped')).filter((m) => m.tenantId !== null);
    const items = new Map<string, WireItem[]>();
    for (const m of mapped) items.set(m.tenantId!, (await acronis<{ offering_items: WireItem[] }>(`/tenants/${m.tenantId}`)).offering_items);
    const quotaOf = (tenantId: string, usageName: string) => {
      const item = items.get(tenantId)!.find((i) => i.usage_name === usageName && i.status === 1 && i.type === 'count');
      return item === undefined ? 0 : (item.quota?.value ?? Number.POSITIVE_INFINITY);
    };
    let pair: { x: MappingRow; y: MappingRow; item: WireItem } | undefined;
    for (const y of mapped) {
      for (const item of items.get(y.tenantId!)!.filter((i) => i.status === 1 && i.type === 'count' && (i.quota?.value ?? 0) > 0)) {
        const x = mapped.find((m) => m !== y && quotaOf(m.tenantId!, item.usage_name) < item.quota!.value!);
        if (x) pair = { x, y, item };
        if (pair) break;
      }
      if (pair) break;
    }
    expect(pair, 'two demo customers with different contracts').toBeDefined();
    const { x, y, item } = pair!;
    const inUse = item.quota!.value!;
    await acronis('/usages', { method: 'PUT', body: { tenant_id: y.tenantId, usage_name: item.usage_name, value: inUse, ...(item.edition ? { edition: item.edition } : {}) } });
    await api('POST', `/integrations/${integration}/mappings/bulk`, { items: [{ action: 'unlink', companyId: x.companyId }, { action: 'unlink', companyId: y.companyId }] });

    await open('demo-autotask', 'Customer mapping');
    await panel().getByRole('searchbox').fill(x.companyName);
    await panel().getByRole('checkbox', { name: `Select ${x.companyId}`, exact: true }).check();
    await panel().getByRole('button', { name: 'Map to existing customer tenant' }).click();
    const picker = page.getByRole('dialog', { name: `Map "${x.companyName}" to an existing customer tenant` });
    await picker.getByRole('searchbox', { name: 'Customer' }).fill(y.tenantName!);
    await picker.getByRole('radio', { name: new RegExp(y.tenantName!) }).check();
    const preview = picker.getByRole('region', { name: 'What this mapping will do' });
    await preview.waitFor();
    await expect.poll(() => preview.textContent(), { timeout: 15_000 }).toContain(`Mapping "${x.companyName}" to "${y.tenantName}" will set`);
    await expect.poll(() => preview.textContent(), { timeout: 15_000 }).toMatch(new RegExp(`${inUse} → \\d+, ${inUse} in use`));
    // It takes service: the Map button waits for the person's confirmation.
    const map = picker.getByRole('button', { name: 'Map and hold the reductions' });
    await expect(map.isDisabled()).resolves.toBe(true);
    await browser.screenshot(page, 'trust-mapping-preview');
    await picker.getByRole('checkbox', { name: /I understand/ }).check();
    await map.click();
    await picker.waitFor({ state: 'detached' });

    // The next pass holds the reduction; the Summary lists it, and approving it applies it.
    await tab('Summary').click();
    await panel().getByRole('button', { name: 'Run Provisioning now' }).click();
    await page.getByText(/Provisioning ran with problems: .*waiting for approval/).waitFor({ timeout: 30_000 });
    const approvals = panel().getByRole('region', { name: /Waiting for approval/ });
    await approvals.waitFor();
    const change = approvals.getByRole('list', { name: `Changes waiting for ${x.companyName}` }).getByRole('listitem').filter({ hasText: `${inUse} in use` });
    await expect.poll(() => change.textContent(), { timeout: 15_000 }).toMatch(new RegExp(`→ \\d+, ${inUse} in use`));
    await browser.screenshot(page, 'trust-approvals');
    await change.getByRole('button', { name: /^Approve / }).click();
    await page.getByRole('dialog', { name: 'Approve taking service from the customer?' }).getByRole('button', { name: 'Approve the change' }).click();
    await page.getByText(/1 change approved/).waitFor({ timeout: 30_000 });
    const after = (await acronis<{ offering_items: WireItem[] }>(`/tenants/${y.tenantId}`)).offering_items.find((i) => i.name === item.name && i.edition === item.edition)!;
    expect(after.quota?.value ?? 0).toBeLessThan(inUse);
    const waiting = (await api<{ waiting: { company: { id: string }; description: string }[] }>('GET', `/integrations/${integration}/approvals`)).waiting;
    expect(waiting.filter((w) => w.company.id === x.companyId && w.description.includes(`${inUse} in use`))).toEqual([]);

    // The customer's page: its contract lines by service, quotas against usage, the mapping history.
    await page.goto(`${demo.portal}/integrations/${integration}/customers/${encodeURIComponent(x.companyId)}`);
    await page.getByRole('heading', { level: 1, name: x.companyName }).waitFor();
    const lines = page.getByRole('table', { name: 'Contract lines' });
    await lines.waitFor();
    const customer = await api<{ contracts: { lines: { service: string | null }[] }[]; quotas: { item: string }[] }>('GET', `/integrations/${integration}/customers/${encodeURIComponent(x.companyId)}`);
    const service = customer.contracts.flatMap((c) => c.lines).find((l) => l.service !== null)!.service!;
    await lines.getByRole('cell', { name: service, exact: true }).first().waitFor();
    await page.getByRole('table', { name: 'Quotas and usage' }).getByRole('cell', { name: customer.quotas[0]!.item, exact: true }).waitFor();
    const history = page.getByRole('table', { name: 'Mapping history' });
    await history.getByRole('cell', { name: 'Mapped to an existing tenant' }).waitFor();
    await history.getByRole('cell', { name: 'Mapping removed' }).waitFor();
    await browser.screenshot(page, 'trust-customer');
    browser.assertNoErrors(EXPECTED);
  });

  it('"Apply N ready mappings" lists the pairs first and leaves the disabled tenant unticked', async () => {
    const ready = await mappings('demo-cloudblue', 'ready');
    const flagged = ready.filter((r) => r.companyActive === false || r.tenantEnabled === false);
    expect(flagged.length).toBeGreaterThan(0);
    await open('demo-cloudblue', 'Customer mapping');
    await panel().getByRole('button', { name: `Apply ${ready.length} ready mappings` }).click();
    const dialog = page.getByRole('dialog', { name: `Apply ${ready.length} ready mappings?` });
    await dialog.getByRole('table', { name: 'Ready mappings' }).waitFor();
    await expect.poll(() => dialog.getByRole('checkbox').count(), { timeout: 15_000 }).toBe(ready.length);
    for (const r of flagged) {
      const box = dialog.getByRole('checkbox', { name: `Apply ${r.companyName} → ${r.tenantName}` });
      await expect(box.isChecked()).resolves.toBe(false);
    }
    await dialog.getByText(r(flagged[0]!)).first().waitFor();
    await browser.screenshot(page, 'trust-apply-ready');
    const n = ready.length - flagged.length;
    await dialog.getByRole('button', { name: `Apply ${n} mappings` }).click();
    await page.getByText(`${n} mappings applied.`).waitFor({ timeout: 30_000 });
    const still = await mappings('demo-cloudblue', 'ready');
    expect(still.map((s) => s.companyId).sort()).toEqual(flagged.map((f) => f.companyId).sort());
    browser.assertNoErrors(EXPECTED);

    function r(row: MappingRow): string | RegExp {
      return row.tenantEnabled === false ? `Tenant "${row.tenantName}" is disabled.` : /inactive in the PSA/;
    }
  });

  it('switching ticket creation on lists the open alerts with their count and, by default, raises tickets only for new ones', async () => {
    const integration = ids['demo-autotask']!;
    const customer = (await mappings('demo-autotask', 'mapped'))[0]!;
    await acronis('/alerts', { method: 'POST', body: { tenant_id: customer.tenantId, type: 'BackupFailed', severity: 'error', details: { resourceName: 'FILESERVER-01' } } });
    const existing = (await api<{ enabled: boolean; existing: { count: number } }>('GET', `/integrations/${integration}/ticket-start`)).existing.count;
    expect(existing).toBeGreaterThan(0);
    await open('demo-autotask', 'Ticket creation');
    await panel().getByRole('switch', { name: 'Ticket creation' }).click();
    const dialog = page.getByRole('dialog', { name: 'Turn ticket creation on' });
    await expect(dialog.locator('.ticket-start-count').textContent({ timeout: 20_000 })).resolves.toContain(`${existing} alert${existing === 1 ? ' is' : 's are'} open`);
    await dialog.getByRole('table', { name: 'Alerts open now' }).getByRole('cell', { name: customer.companyName }).first().waitFor();
    await expect(dialog.getByRole('radio', { name: 'Only alerts raised from now on' }).isChecked()).resolves.toBe(true);
    await dialog.getByRole('radio', { name: /Also the \d+ open alert/ }).check();
    await expect.poll(() => dialog.getByRole('button', { name: `Turn on and raise ${existing} ticket${existing === 1 ? '' : 's'}` }).count(), { timeout: 15_000 }).toBe(1);
    await dialog.getByRole('radio', { name: 'Only alerts raised from now on' }).check();
    await browser.screenshot(page, 'trust-ticket-start');
    await dialog.getByRole('button', { name: 'Turn on' }).click();
    await page.getByText('Ticket creation turned on: only alerts raised from now on raise tickets.').waitFor();
    const start = await api<{ enabled: boolean; start: { raiseFrom: string | null } | null }>('GET', `/integrations/${integration}/ticket-start`);
    expect(start.enabled).toBe(true);
    expect(start.start?.raiseFrom).toEqual(expect.any(String));
    // The tab reloads its settings after the toast: the switch reads on once they are back.
    await panel().getByRole('switch', { name: 'Ticket creation', checked: true }).waitFor();
    browser.assertNoErrors(EXPECTED);
  });

  it('a pass that leaves companies failed reads failed with the count and first reason: toast, status card, integrations list', async () => {
    const integration = ids['demo-autotask']!;
    // The cloud refuses every quota change; a changed setting makes every company plan one.
    await acronis('/faults', { method: 'POST', body: { kind: 'status', status: 403, method: 'PUT', path: '/api/2/tenants/*/offering_items' } });
    const settings = (await api<{ value: Record<string, unknown> }>('GET', `/integrations/${integration}/settings/provisioning`)).value;
    await api('PUT', `/integrations/${integration}/settings/provisioning`, { ...settings, freeProvisioning: true });
    await open('demo-autotask', 'Summary');
    await panel().getByRole('button', { name: 'Run Provisioning now' }).click();
    const toast = page.getByText(/^Provisioning failed: \d+ compan(y|ies) failed/);
    await toast.waitFor({ timeout: 30_000 });
    const failed = (await mappings('demo-autotask', 'failed')).length;
    expect(failed).toBeGreaterThan(0);
    await expect.poll(() => toast.textContent(), { timeout: 15_000 }).toMatch(new RegExp(`^Provisioning failed: ${failed} compan`));
    const card = panel().getByRole('region', { name: 'Status', exact: true });
    await expect.poll(() => card.textContent(), { timeout: 15_000 }).toMatch(/Failed · \d+/);
    await expect.poll(() => card.textContent(), { timeout: 15_000 }).toMatch(new RegExp(`${failed} compan(y is|ies are) failed and none of their changes were applied; first: "`));
    await browser.screenshot(page, 'trust-failed-summary');

    await page.goto(`${demo.portal}/integrations`);
    const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: 'demo-autotask' }) });
    await expect.poll(() => row.textContent(), { timeout: 15_000 }).toMatch(/Failed · \d+/);
    await expect.poll(() => row.textContent(), { timeout: 15_000 }).toContain(`${failed} compan`);
    expect(await row.getByText('OK', { exact: true }).count()).toBe(0);
    await acronis('/faults', { method: 'DELETE' });
    browser.assertNoErrors(EXPECTED);
  });

  it('pages the run history back to the demo\'s first passes, each with what it meant', async () => {
    const integration = ids['demo-autotask']!;
    const all = await api<{ total: number; items: { id: string; stats: { _run?: { trigger?: string } } }[] }>('GET', `/integrations/${integration}/runs?limit=500`);
    expect(all.items.filter((r) => r.stats._run?.trigger === 'demo').length).toBeGreaterThanOrEqual(2);
    // More than a page: run the directory loop until the history spans two pages.
    for (let i = all.total; i <= 25; i++) await api('POST', `/integrations/${integration}/loops/directory/run`);
    const total = (await api<{ total: number }>('GET', `/integrations/${integration}/runs?limit=1`)).total;
    expect(total).toBeGreaterThan(25);
    await open('demo-autotask', 'Summary');
    const history = panel().getByRole('region', { name: 'Run history' });
    // Scheduled passes keep running in the demo: the total only grows.
    await history.getByText(/^Runs 1–25 of \d+$/).waitFor();
    await expect(history.getByRole('button', { name: 'Newer' }).isDisabled()).resolves.toBe(true);
    while (!(await history.getByRole('button', { name: 'Older' }).isDisabled())) await history.getByRole('button', { name: 'Older' }).click();
    await history.getByText(/^Runs \d+–(\d+) of \1$/).waitFor();
    // The oldest runs are the demo's own first passes (directory, then provisioning).
    await expect.poll(() => history.getByRole('cell', { name: 'Demo setup' }).count(), { timeout: 15_000 }).toBeGreaterThanOrEqual(1);
    // The failed provisioning pass of the previous step reads failed though the pass returned.
    await history.getByRole('combobox', { name: 'Loop' }).selectOption('provisioning');
    await history.getByText(/Runs 1–\d+ of \d+/).waitFor();
    await history.getByRole('cell', { name: /failed · \d+ \(the pass returned\)/ }).first().waitFor();
    await browser.screenshot(page, 'trust-run-history');
    browser.assertNoErrors(EXPECTED);
  });
});
