import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { createAcronisVendor } from '../../src/connectors/acronis/vendor.ts';
import { createCallCounter } from '../../src/connectors/kit/call-metrics.ts';
import { buildApp } from '../../src/http/app.ts';
import { openStore } from '../../src/store/store.ts';
import { createRuntimeProvider } from '../../src/sync/integration-runtime.ts';
import { createServiceManagerHub } from '../../src/sync/service-manager/hub.ts';
import { registerApplication } from '../../src/sync/service-manager/overview.ts';
import { startCli } from '../../test/support/cli.ts';
import { measure, type Measurement } from '../measure.ts';
import { count, type BenchScale } from '../scale.ts';

const percentile = (sorted: readonly number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;

/**
 * interworks.cloud BSS calling the hub's Service Management API, timed as the BSS sees it (HTTP
 * round trips to a listening hub on SQLite; the Acronis emulator with the distributor dataset in a
 * child process): Get Services Definition over the full catalogue, order latency (Accounts/Synchronize
 * + the pre-checked and real Subscriptions/Create, what a reseller waits on at checkout, p50 and
 * p95), and Ppu/usages for a service provider with 1,000 customers (open window: read from the
 * vendor's usage report; closed window again: the kept answer).
 */
export async function interworks(scale: BenchScale): Promise<Measurement[]> {
  const orders = scale.name === 'full' ? 200 : scale.name === 'quick' ? 50 : 3;
  const customers = scale.name === 'smoke' ? scale.customers : 1000;
  const emulator = await startCli(['emulate', 'acronis', '--seed', 'distributor'], {}, 60_000);
  const dir = mkdtempSync(join(tmpdir(), 'psa-bridge-bench-'));
  const store = await openStore({ url: join(dir, 'hub.db'), secretKey: Buffer.alloc(32, 9) });
  const counter = createCallCounter();
  const log = pino({ level: 'silent' });
  const hub = createServiceManagerHub({ store, log, vendorFactory: (c) => createAcronisVendor({ ...c, onCall: counter.observe, reportPollMs: 20 }) });
  const app = await buildApp({ store, runtimes: createRuntimeProvider(store), version: 'bench', logger: log, serviceManagerHub: hub });
  try {
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    const hubUrl = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
    const { url: acronisUrl, credentials } = emulator.firstLine as { url: string; credentials: { client_id: string; client_secret: string } };
    const reg = await registerApplication(store, { name: 'bench', hubUrl });
    const headers: Record<string, string> = {
      'X-CloudPlatform-ApplicationId': reg.applicationId,
      'X-CloudPlatform-APIKey': Buffer.from(reg.applicationKey).toString('base64'),
      'X-CloudPlatform-Setting-SystemName': 'Acronis EU',
      'X-CloudPlatform-Setting-Gateway': acronisUrl,
      'X-CloudPlatform-Setting-ClientId': credentials.client_id,
      'X-CloudPlatform-Setting-ClientSecret': credentials.client_secret,
      'X-CloudPlatform-Setting-DistributorDiscount': '18',
      'X-CloudPlatform-Setting-PrimaryCurrency': 'EUR',
      'X-CloudPlatform-Setting-UpdateProductNames': 'continuous',
      'Content-Type': 'application/json',
    };
    const call = async (method: 'GET' | 'POST', route: string, body?: unknown): Promise<any> => {
      const res = await fetch(`${reg.baseUrl}/${route}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
      const json = (await res.json()) as any;
      if (res.status !== 200 || (typeof json?.Code === 'number' && json.Code !== 0 && !(route === 'Accounts/Exists' && json.Code === 1))) throw new Error(`${route}: ${res.status} ${JSON.stringify(json).slice(0, 300)}`);
      return json;
    };
    const errors = await call('POST', 'Fields/Validate', { Fields: [] });
    if (errors.length > 0) throw new Error(`the instance was not accepted: ${errors.join('; ')}`);
    const calls = () => counter.total();
    const results: Measurement[] = [];
    let productTypeId = '';

    results.push(
      await measure('Get Services Definition (full catalogue) ×10', async () => {
        const times: number[] = [];
        let products = 0;
        for (let i = 0; i < 10; i++) {
          const t0 = performance.now();
          const body = await call('GET', 'Fields/ServiceDefinition');
          times.push(performance.now() - t0);
          productTypeId = body.ProductTypes[0].ID;
          products = body.ProductTypes[0].ProductsCollection.Products.length + body.ProductTypes[0].ProductsCollection.Addons.length;
        }
        times.sort((a, b) => a - b);
        return { products, p50_ms: percentile(times, 50), p95_ms: percentile(times, 95) };
      }, calls),
    );

    let firstSp = '';
    results.push(
      await measure(`order latency: Synchronize + Create ×${orders}`, async () => {
        const times: number[] = [];
        for (let i = 1; i <= orders; i++) {
          const account = { ID: String(100000 + i), Name: `Bench Reseller ${i}`, Email: `admin@bench-reseller-${i}.example`, ContactDetails: { FirstName: 'Bench', LastName: `Reseller ${i}` }, SyncOptions: {} };
          const service = (checkOnly: boolean) => ({ ID: String(500000 + i), ServiceType: productTypeId, ProductID: `${productTypeId}.tier.250`, ActionType: 'Provision', Account: { ID: account.ID }, AttributeList: { Tier: { Value: '250' }, OI_pw_base_workstations: { Value: '50' }, OI_pw_base_storage: { Value: '' } }, CheckOnly: checkOnly });
          const t0 = performance.now();
          const sync = await call('POST', 'Accounts/Synchronize', account);
          await call('POST', 'Subscriptions/Create', service(true));
          await call('POST', 'Subscriptions/Create', service(false));
          times.push(performance.now() - t0);
          if (i === 1) firstSp = sync.Result;
        }
        times.sort((a, b) => a - b);
        return { orders, p50_ms: percentile(times, 50), p95_ms: percentile(times, 95), max_ms: times[times.length - 1] ?? 0 };
      }, calls),
    );

    await fetch(`${acronisUrl}/_emulator/partners/${firstSp}/customers`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ count: customers }) });
    const today = new Date();
    const monthStart = `${today.toISOString().slice(0, 8)}01`;
    const last = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), 0)).toISOString().slice(0, 10);
    const lastStart = `${last.slice(0, 8)}01`;
    const pull = (start: string, end: string) =>
      call('POST', 'Ppu/usages', { ID: '500001', ServiceType: productTypeId, Account: { ID: '100001' }, BillingCycle: { StartDate: `${start}T00:00:00`, EndDate: `${end}T23:59:59` }, Currency: 'EUR' });
    for (const [label, start, end] of [
      ['open window', monthStart, today.toISOString().slice(0, 10)],
      ['closed window, first pull', lastStart, last],
      ['closed window, again', lastStart, last],
    ] as const) {
      results.push(
        await measure(`Ppu/usages, ${count(customers)} customers, ${label}`, async () => {
          const t0 = performance.now();
          const answer = await pull(start, end);
          return { ms: performance.now() - t0, lines: answer.Usages.length, sell: answer.Totals.SellPrice, cost: answer.Totals.CostPrice };
        }, calls),
      );
    }
    return results;
  } finally {
    await app.close();
    await store.close();
    await emulator.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
