import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCallCounter } from '../../src/connectors/kit/call-metrics.ts';
import type { CatalogItemKey } from '../../src/domain/offering-item-catalog.ts';
import { openStore } from '../../src/store/store.ts';
import { runDirectoryLoop } from '../../src/sync/directory-loop.ts';
import { buildIntegrationRuntime, type IntegrationRuntime } from '../../src/sync/integration-runtime.ts';
import { runProvisioningLoop } from '../../src/sync/provisioning-loop.ts';
import { runUsageLoop } from '../../src/sync/usage-loop.ts';
import { startCli } from '../../test/support/cli.ts';
import type { Measurement } from '../measure.ts';
import { mapCompanyIToTenantI, mapProductsByName, measuredSteps } from './large-sync-steps.ts';
import { count, largeSeedArgs, type BenchScale } from '../scale.ts';

const SERVICES: [CatalogItemKey, string][] = [
  ['workstations', 'Workstations'],
  ['servers', 'Servers'],
  ['vms', 'Virtual machines'],
  ['web_hosting_servers', 'Web hosting servers'],
  ['m365_seats', 'Microsoft 365 seats'],
  ['gworkspace_seats', 'Google Workspace seats'],
  ['mobiles', 'Mobile devices'],
  ['websites', 'Websites'],
  ['storage', 'Acronis Hosted storage (GB)'],
];

/**
 * The `large` datasets of both emulators (10,000 Autotask companies with recurring contracts, a
 * quarter PAYG; 10,000 customer tenants), each emulator in a child process so memory is the hub's:
 * the first sync (directory, provisioning, usage; company i mapped to tenant i by a person, since
 * the datasets share no names) and then an unchanged cycle. API calls are counted per system; the
 * Autotask steady state is extrapolated to calls per hour at the default schedule (provisioning every
 * 10 minutes, directory every 15, usage daily) against the database's 10,000 requests per hour.
 */
export async function syncLarge(scale: BenchScale): Promise<Measurement[]> {
  const [acronisCli, autotaskCli] = await Promise.all([
    startCli(['emulate', 'acronis', ...largeSeedArgs(scale)], {}, 120_000),
    startCli(['emulate', 'autotask', ...largeSeedArgs(scale)], {}, 120_000),
  ]);
  const dir = mkdtempSync(join(tmpdir(), 'psa-bridge-bench-'));
  const store = await openStore({ url: `sqlite:${join(dir, 'bench.db')}`, secretKey: Buffer.alloc(32, 3) });
  try {
    const acronis = acronisCli.firstLine as { url: string; credentials: { client_id: string; client_secret: string } };
    const autotask = autotaskCli.firstLine as { url: string; credentials: { username: string; secret: string; integration_code: string } };
    const connection = await store.repos.connections.create({ name: 'large', baseUrl: acronis.url, clientId: acronis.credentials.client_id, clientSecret: acronis.credentials.client_secret });
    const integration = await store.repos.integrations.create({
      name: 'large-autotask',
      connectionId: connection.id,
      target: 'autotask',
      // The zone discovery URL is a (non-secret) credential field since it decides where the secret goes.
      credentials: { username: autotask.credentials.username, secret: autotask.credentials.secret, integrationCode: autotask.credentials.integration_code, discoveryUrl: `${autotask.url}/ATServicesRest/` },
      features: { provisioning: true },
    });
    const vendorCalls = createCallCounter();
    const targetCalls = createCallCounter();
    const rt: IntegrationRuntime = await buildIntegrationRuntime(store, integration.id, { onVendorCall: vendorCalls.observe, onTargetCall: targetCalls.observe });
    await mapProductsByName(store, rt, integration.id, SERVICES.map(([itemKey, tail]) => [itemKey, `Acronis Cyber Protect - ${tail}`]));
    vendorCalls.reset();
    targetCalls.reset();

    const results: Measurement[] = [];
    const step = measuredSteps(vendorCalls, targetCalls, results, {
      statNames: ['companiesSeen', 'tenantsSeen', 'companiesPlanned', 'operationsPlanned', 'applied', 'writesPlanned', 'written', 'paygCompanies', 'problemErrors', 'mapped'],
      keepText: false,
      targetCallsName: 'autotaskCalls',
    });

    await step(`first sync: directory (${count(scale.customers)} × ${count(scale.customers)})`, () => runDirectoryLoop(rt));
    await step('map company i ↔ tenant i (store only)', () => mapCompanyIToTenantI(store, rt, integration.id));
    await step('first sync: provisioning', () => runProvisioningLoop(rt));
    if (scale.firstProvisioningOnly === true) return results;
    await step('first sync: usage write-back', () => runUsageLoop(rt));
    // An hour later (both emulators' clocks and the hub's): the first cycle re-reads what the first
    // sync itself changed (and the dataset, seeded minutes before); the second sees no change at all.
    const HOUR = 3_600_000;
    for (const url of [acronis.url, autotask.url]) {
      await fetch(`${url}/_emulator/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ advance_ms: HOUR }) });
    }
    const later = await buildIntegrationRuntime(store, integration.id, { onVendorCall: vendorCalls.observe, onTargetCall: targetCalls.observe, clock: () => new Date(Date.now() + HOUR) });
    await step('next cycle: directory', () => runDirectoryLoop(later));
    await step('next cycle: provisioning', () => runProvisioningLoop(later));
    await step('unchanged cycle: directory', () => runDirectoryLoop(later));
    await step('unchanged cycle: provisioning', () => runProvisioningLoop(later));
    await step('unchanged cycle: usage write-back', () => runUsageLoop(later));

    const byName = new Map(results.map((r) => [r.name, r]));
    const at = (name: string) => Number(byName.get(name)?.figures.autotaskCalls ?? 0);
    const perHour = at('unchanged cycle: provisioning') * 6 + at('unchanged cycle: directory') * 4 + at('unchanged cycle: usage write-back') / 24;
    results.push({ name: 'steady state: Autotask calls per hour', ms: 0, calls: Math.round(perHour), peakRssMiB: 0, peakHeapMiB: 0, heapGrowthMiB: 0, figures: { perHour: Math.round(perHour), threshold: 10_000, share: `${((perHour / 10_000) * 100).toFixed(1)} %` } });
    return results;
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
    await Promise.all([acronisCli.stop(), autotaskCli.stop()]);
  }
}
