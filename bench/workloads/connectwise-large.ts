import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCallCounter } from '../../src/connectors/kit/call-metrics.ts';
import { catalogItem, type CatalogItemKey } from '../../src/domain/offering-item-catalog.ts';
import { openStore } from '../../src/store/store.ts';
import { runDirectoryLoop } from '../../src/sync/directory-loop.ts';
import { buildIntegrationRuntime, type IntegrationRuntime } from '../../src/sync/integration-runtime.ts';
import { runProvisioningLoop } from '../../src/sync/provisioning-loop.ts';
import { runUsageLoop } from '../../src/sync/usage-loop.ts';
import { startCli } from '../../test/support/cli.ts';
import { startCwHub } from '../../test/connectwise/hub.ts';
import type { Measurement } from '../measure.ts';
import { mapCompanyIToTenantI, mapProductsByName, measuredSteps } from './large-sync-steps.ts';
import { count, largeSeedArgs, type BenchScale } from '../scale.ts';

const PRODUCTS: [CatalogItemKey, string][] = [
  ['workstations', 'AcronisPhysicalWorkstations'],
  ['servers', 'AcronisServers'],
  ['vms', 'AcronisVirtualMachines'],
  ['storage', 'AcronisStorageQuota'],
];
const CALLBACK_SAMPLES = 5;

/**
 * The `large` datasets of the Acronis and ConnectWise emulators (10,000 ConnectWise companies, each
 * with an agreement of three additions, every 4th PAYG; 10,000 customer tenants), each emulator in a
 * child process so memory is the hub's: the first sync (directory, provisioning, usage; company i
 * mapped to tenant i by a person), an unchanged cycle, and the callback-to-applied latency: a
 * technician changes a prepaid addition's quantity in ConnectWise, the signed agreement callback
 * reaches the hub over HTTP, and the tenant's quota is measured until it shows the new quantity.
 * ConnectWise reads an agreement's additions with one call per agreement (the API has no
 * cross-agreement listing), so a full contract pass costs ~10,000 calls; incremental passes read
 * changed agreements only.
 */
export async function connectwiseLarge(scale: BenchScale): Promise<Measurement[]> {
  const [acronisCli, cwCli] = await Promise.all([
    startCli(['emulate', 'acronis', ...largeSeedArgs(scale)], {}, 120_000),
    startCli(['emulate', 'connectwise', ...largeSeedArgs(scale)], {}, 120_000),
  ]);
  const dir = mkdtempSync(join(tmpdir(), 'psa-bridge-bench-cw-'));
  const store = await openStore({ url: `sqlite:${join(dir, 'bench.db')}`, secretKey: Buffer.alloc(32, 5) });
  try {
    const acronis = acronisCli.firstLine as { url: string; credentials: { client_id: string; client_secret: string } };
    const cw = cwCli.firstLine as { url: string; credentials: { company_id: string; public_key: string; private_key: string; client_id: string } };
    const connection = await store.repos.connections.create({ name: 'large', baseUrl: acronis.url, clientId: acronis.credentials.client_id, clientSecret: acronis.credentials.client_secret });
    const integration = await store.repos.integrations.create({
      name: 'large-connectwise',
      connectionId: connection.id,
      target: 'connectwise',
      credentials: { site: cw.url, companyId: cw.credentials.company_id, publicKey: cw.credentials.public_key, privateKey: cw.credentials.private_key, clientId: cw.credentials.client_id },
      features: { provisioning: true },
    });
    const vendorCalls = createCallCounter();
    const targetCalls = createCallCounter();
    const rt: IntegrationRuntime = await buildIntegrationRuntime(store, integration.id, { onVendorCall: vendorCalls.observe, onTargetCall: targetCalls.observe });
    const entries = await mapProductsByName(store, rt, integration.id, PRODUCTS);
    vendorCalls.reset();
    targetCalls.reset();

    const results: Measurement[] = [];
    const step = measuredSteps(vendorCalls, targetCalls, results, {
      statNames: ['companiesSeen', 'tenantsSeen', 'contractsSeen', 'companiesPlanned', 'operationsPlanned', 'applied', 'writesPlanned', 'written', 'paygCompanies', 'problemErrors', 'mapped'],
      keepText: true,
      targetCallsName: 'connectwiseCalls',
    });

    await step(`first sync: directory (${count(scale.customers + 36)} × ${count(scale.customers)})`, () => runDirectoryLoop(rt));
    await step('map company i ↔ tenant i (store only)', () => mapCompanyIToTenantI(store, rt, integration.id));
    await step('first sync: provisioning', () => runProvisioningLoop(rt));
    if (scale.firstProvisioningOnly === true) return results;
    await step('first sync: usage write-back', () => runUsageLoop(rt));
    await step('unchanged cycle: directory', () => runDirectoryLoop(rt));
    await step('unchanged cycle: provisioning', () => runProvisioningLoop(rt));
    await step('unchanged cycle: usage write-back', () => runUsageLoop(rt));

    // ── callback → applied ──
    const hub = await startCwHub(store, { logLevel: 'warn' });
    try {
      const on = await hub.api('PUT', `/api/v1/integrations/${integration.id}/callbacks`, { enabled: true, publicUrl: hub.url });
      if (on.status !== 200) throw new Error(`enabling callbacks failed: ${on.status} ${JSON.stringify(on.body)}`);
      const mapped = (await store.repos.mappings.list(integration.id, { state: ['mapped'] })).filter((m) => m.tenantId !== null && /^\d+$/.test(m.companyId));
      const latencies: number[] = [];
      const names = catalogItem('workstations').names;
      const workstations = entries.find((e) => e.itemKey === 'workstations')!.service.productId;
      for (const m of mapped.slice(Math.min(100, Math.floor(mapped.length / 2)))) {
        if (latencies.length >= CALLBACK_SAMPLES) break;
        const contracts: { id: string; lines: { lineId: string; productId: string; billing: string; quantity: number }[] }[] = [];
        for await (const c of rt.target.contracts!.listContracts({ companyIds: [m.companyId] })) contracts.push(c);
        const agreement = contracts[0];
        const line = agreement?.lines.find((l) => l.billing === 'prepaid' && l.productId === workstations);
        if (agreement === undefined || line === undefined) continue;
        const quantity = line.quantity + 7;
        const started = performance.now();
        const res = await fetch(`${cw.url}/_emulator/changes`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ resource: 'additions', parentId: Number(agreement.id), id: Number(line.lineId), set: { quantity } }),
        });
        if (!res.ok) throw new Error(`technician change failed: ${res.status}`);
        for (;;) {
          const items = await rt.vendor.getOfferingItems(m.tenantId as string);
          if (items.find((i) => names.includes(i.name))?.quota?.value === quantity) break;
          if (performance.now() - started > 120_000) throw new Error('the callback was not applied within 2 minutes');
          await new Promise((r) => setTimeout(r, 20));
        }
        latencies.push(performance.now() - started);
      }
      latencies.sort((a, b) => a - b);
      const median = latencies[Math.floor(latencies.length / 2)] ?? 0;
      results.push({
        name: 'callback → applied (technician change → quota)',
        ms: median,
        calls: 0,
        peakRssMiB: process.memoryUsage().rss / 1024 / 1024,
        peakHeapMiB: process.memoryUsage().heapUsed / 1024 / 1024,
        heapGrowthMiB: 0,
        figures: { samples: latencies.length, medianMs: Math.round(median), minMs: Math.round(latencies[0] ?? 0), maxMs: Math.round(latencies[latencies.length - 1] ?? 0) },
      });
    } finally {
      await hub.close();
    }
    return results;
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
    await Promise.all([acronisCli.stop(), cwCli.stop()]);
  }
}
