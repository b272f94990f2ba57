import { rmSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import pino from 'pino';
import type { RunningEmulator } from '../../emulators/kit/types.ts';
import { emulators, serviceManagerDemos } from '../../emulators/registry.ts';
import { serviceManagerManifests } from '../connectors/registry.ts';
import { registerApplication } from '../sync/service-manager/overview.ts';
import { loadConfig } from '../config/config.ts';
import { loadSecretKey } from '../secrets/secret-key.ts';
import { createAcronisVendor } from '../connectors/acronis/vendor.ts';
import type { BillingPlatformManifest, DemoSetup, PsaManifest } from '../connectors/manifest-schema.ts';
import { TARGET_MANIFESTS, type TargetSystem } from '../connectors/registry.ts';
import { checkConnection } from '../sync/connection-check.ts';
import { createLogger } from '../http/logger.ts';
import { openStore } from '../store/store.ts';
import type { CatalogItemKey } from '../domain/offering-item-catalog.ts';
import { setCallbacks } from '../sync/callback-intake.ts';
import { runAccountPush } from '../sync/billing/account-push.ts';
import { buildBillingRuntime } from '../sync/billing/billing-runtime.ts';
import { runCountPush } from '../sync/billing/count-push.ts';
import type { BillingLoop } from '../sync/loops.ts';
import { runDirectoryLoop } from '../sync/directory-loop.ts';
import { buildIntegrationRuntime, type IntegrationRuntime } from '../sync/integration-runtime.ts';
import { runMarketplaceWizardOnce } from '../sync/marketplace-wizard.ts';
import { runProvisioningLoop } from '../sync/provisioning-loop.ts';
import type { LoopOutcome } from '../sync/loop-result.ts';
import { runRecorded } from '../sync/recorded-run.ts';
import { createHealthNotifier, type HealthNotifier } from '../sync/health-notifier.ts';
import { targetHostPolicy } from '../config/vendor-hosts.ts';
import { integrationSettings } from '../sync/settings/settings.ts';
import { writeHubPointer } from './hub-locator.ts';
import { startHub } from './hub-process.ts';
import { parsePort, waitForShutdownSignal } from './process-lifecycle.ts';
import { generatePassword } from './user.ts';

export const DEMO_USERNAME = 'admin';

/**
 * Wires the hub to one running emulator of every external system. Everything a user would do by
 * hand after `serve` (an admin account, a connection per vendor data center) is done here through
 * the same repositories, so the demo shows the product as it is.
 */
export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('start every emulator with the demo dataset and the hub on a fresh SQLite database wired to them')
    .option('-p, --port <port>', 'port of the hub (0 = any free port)', parsePort, 0)
    .option('--data-dir <dir>', 'where the demo database lives (wiped at start)', './data/demo')
    .action(async (options: { port: number; dataDir: string }) => {
      const dataDir = path.resolve(options.dataDir);
      rmSync(dataDir, { recursive: true, force: true });
      const config = {
        ...loadConfig({
          // The emulators listen on 127.0.0.1, and the demo shows the API docs.
          PSA_BRIDGE_VENDOR_HOSTS: '*.acronis.com,*.acronis.cloud,127.0.0.1',
          PSA_BRIDGE_API_DOCS: 'on',
          ...process.env,
          PSA_BRIDGE_DATA_DIR: dataDir,
          DATABASE_URL: path.join(dataDir, 'psa-bridge.db'),
        }),
        port: options.port,
      };

      const running: RunningEmulator[] = [];
      for (const start of Object.values(emulators)) running.push(await start({ port: 0, seed: 'demo' }));
      const { key } = loadSecretKey({ env: {}, dataDir });
      const store = await openStore({ url: config.databaseUrl, secretKey: key });

      const password = process.env.PSA_BRIDGE_ADMIN_PASSWORD || generatePassword();
      await store.repos.users.create({ username: DEMO_USERNAME, password });

      // Logs go to stderr: stdout is for the first JSON line and what a person reads.
      const logger = createLogger({ level: config.logLevel, destination: pino.destination(2) });
      // The demo's first passes are passes like any other: their health is announced too.
      const notifier = createHealthNotifier({ store, logger, webhookHosts: targetHostPolicy(config.vendorHosts) });
      const acronis = running.find((e) => e.system === 'acronis');
      const connectionId = acronis ? await connectVendor(store, acronis) : undefined;
      const connected: { manifest: PsaManifest<TargetSystem>; integrationId: string }[] = [];
      for (const manifest of TARGET_MANIFESTS) {
        if (manifest.kind !== 'psa' || manifest.demo === undefined || connectionId === undefined) continue;
        const { emulator: name } = manifest.demo;
        const emulator = running.find((e) => e.system === name);
        if (emulator !== undefined) connected.push({ manifest, integrationId: await connectTarget(store, notifier, connectionId, manifest, manifest.demo, emulator) });
      }
      const billing: string[] = [];
      // Billing platforms (Gradient): the hub pushes accounts, services and counts to their emulator.
      for (const manifest of TARGET_MANIFESTS) {
        if (manifest.kind !== 'billing-platform' || manifest.demo === undefined || connectionId === undefined) continue;
        const emulator = running.find((e) => e.system === manifest.demo!.emulator);
        if (emulator !== undefined) billing.push(await connectBillingPlatform(store, notifier, connectionId, manifest, manifest.demo, emulator));
      }

      const hub = await startHub({ config, store, env: {}, logger });
      // A target with callbacks (ConnectWise, Autotask) pushes technicians' changes once the hub listens (polling stays the fallback).
      for (const { manifest, integrationId } of connected) {
        if (!manifest.capabilities.callbacks) continue;
        await setCallbacks(await buildIntegrationRuntime(store, integrationId), { enabled: true, publicUrl: hub.url }).catch((error: unknown) => logger.warn({ err: error }, `demo: ${manifest.label} callbacks not registered`));
      }
      // Platforms that call the hub (service managers): their demo instance, activated against the
      // hub's inbound API with an application registration, printed below.
      const serviceManagers: Array<{ label: string; baseUrl: string; applicationId: string; applicationKey: string; instance: string; productTypeId: string | null; errors: string[] }> = [];
      for (const manifest of serviceManagerManifests()) {
        const platform = running.find((e) => e.system === manifest.id);
        const activate = (serviceManagerDemos as Record<string, (typeof serviceManagerDemos)[keyof typeof serviceManagerDemos] | undefined>)[manifest.id];
        if (platform === undefined || activate === undefined) continue;
        let registered = { baseUrl: '', applicationId: '', applicationKey: '' };
        const demo = await activate(platform, async (pair) => {
          registered = await registerApplication(store, { name: `${manifest.label} (demo)`, hubUrl: hub.url, connector: manifest.id, ...pair });
          return registered.baseUrl;
        }).catch((error: unknown) => {
          logger.warn({ err: error }, `demo: ${manifest.label} instance not activated`);
          return null;
        });
        if (demo === null) continue;
        running.push(demo.gateway);
        serviceManagers.push({ label: manifest.label, ...registered, instance: demo.instanceId, productTypeId: demo.productTypeId, errors: demo.errors });
      }
      // The CLI in this folder finds this hub through ./data/hub.json (hub-locator.ts).
      const removePointer = writeHubPointer({ dataDir, database: store.location, databaseUrl: config.databaseUrl, portal: hub.url, command: 'demo' });
      // Scripts and browser tests read this first line to find the portal and sign in.
      process.stdout.write(`${JSON.stringify({ portal: hub.url, username: DEMO_USERNAME, password })}\n`);
      process.stdout.write(`\npsa-bridge demo is running.\n  portal     ${hub.url}\n  API docs   ${hub.url}/api/docs\n  sign in    ${DEMO_USERNAME} / ${password}\n\nemulators (control API under /_emulator/):\n`);
      for (const emulator of running) {
        process.stdout.write(`  ${emulator.system.padEnd(13)}${emulator.url}  ${JSON.stringify(emulator.credentials)}\n`);
      }
      if (billing.length > 0) process.stdout.write(`\nbilling platforms (the hub pushes accounts, services and counts):\n${billing.map((line) => `  ${line}\n`).join('')}`);
      for (const sm of serviceManagers) {
        process.stdout.write(
          `\n${sm.label} calls the hub (instance ${sm.instance} ${sm.errors.length === 0 ? `activated, product type ${sm.productTypeId ?? '?'}` : `not saved: ${sm.errors.join('; ')}`}):\n  base URL         ${sm.baseUrl}\n  application id   ${sm.applicationId}\n  application key  ${sm.applicationKey}\n`,
        );
      }
      process.stdout.write(
        `\nthe CLI (in this folder it finds this hub by itself; from elsewhere name its data folder):\n  npx psa-bridge status\n  PSA_BRIDGE_DATA_DIR=${dataDir} npx psa-bridge status\n`,
      );
      process.stdout.write('\nPress Ctrl+C to stop.\n');

      await waitForShutdownSignal();
      removePointer();
      await hub.stop();
      await store.close();
      await Promise.all(running.map((emulator) => emulator.close()));
    });
}

async function connectVendor(store: Awaited<ReturnType<typeof openStore>>, acronis: RunningEmulator): Promise<string> {
  const clientId = acronis.credentials.client_id ?? '';
  const clientSecret = acronis.credentials.client_secret ?? '';
  const connection = await store.repos.connections.create({ name: 'demo-cloud', baseUrl: acronis.url, clientId, clientSecret });
  const check = await checkConnection(createAcronisVendor, { baseUrl: acronis.url, clientId, clientSecret }, console);
  await store.repos.connections.recordCheck(
    connection.id,
    check.ok ? { ok: true, tenantId: check.tenant.id, tenantName: check.tenant.name } : { ok: false, error: check.error.message },
  );
  return connection.id;
}

/**
 * An integration of a target against its running emulator, as a person would set it up (the
 * manifest's `demo` says how): credentials, product mapping of the demo services with the platform
 * storage as default, automatic provisioning with 2FA where the target provisions; then a directory
 * pass (and a provisioning pass), and the marketplace wizard's first run where the target has one,
 * so the portal opens on companies, mappings and tenants.
 */
async function connectTarget(store: Awaited<ReturnType<typeof openStore>>, notifier: HealthNotifier, connectionId: string, manifest: PsaManifest<TargetSystem>, demo: DemoSetup, emulator: RunningEmulator): Promise<string> {
  const integration = await store.repos.integrations.create({
    name: `demo-${manifest.id}`,
    connectionId,
    target: manifest.id,
    credentials: demo.credentials({ url: emulator.url, credentials: emulator.credentials }),
    features: { provisioning: true },
  });
  const settings = integrationSettings(store.repos.settings);
  const rt = await buildIntegrationRuntime(store, integration.id);
  if (demo.products !== undefined) {
    const { entries, storage } = await mapDemoProducts(rt, demo.products);
    await settings.write(integration.id, 'product-mapping', { entries });
    await settings.write(integration.id, 'provisioning', {
      ...(demo.provisions === true ? { automaticProvisioning: true, mfaForNewCustomers: true } : {}),
      defaultStorageInfraId: storage?.id ?? null,
    });
  }
  const passes: [string, (rt: IntegrationRuntime) => Promise<LoopOutcome>][] = [['directory', runDirectoryLoop]];
  if (demo.provisions === true) passes.push(['provisioning', runProvisioningLoop]);
  const said: string[] = [];
  for (const [name, loop] of passes) {
    const outcome = await runRecorded(store, integration.id, name, 'demo', () => loop(rt), notifier);
    said.push(`${outcome.loop} pass: ${Object.entries(outcome.stats).map(([k, v]) => `${k}=${String(v)}`).join(' ')}`);
  }
  if (manifest.capabilities.marketplace) said.push(`marketplace wizard: ${JSON.stringify(await runMarketplaceWizardOnce(rt)).slice(0, 200)}`);
  process.stderr.write(`demo: ${manifest.id} ${said.join('; ')}\n`);
  return integration.id;
}

/**
 * A billing-platform integration against its running emulator (the manifest's `demo` gives the
 * credentials), then the account push, what a person maps in the platform (the manifest's demo),
 * and a count push, so the portal opens on accounts, services and counts: some taken, some waiting
 * for a mapping in the platform, as after a first mapping session.
 */
async function connectBillingPlatform(store: Awaited<ReturnType<typeof openStore>>, notifier: HealthNotifier, connectionId: string, manifest: BillingPlatformManifest<TargetSystem>, demo: DemoSetup, emulator: RunningEmulator): Promise<string> {
  const name = `demo-${manifest.id}`;
  const integration = await store.repos.integrations.create({
    name,
    connectionId,
    target: manifest.id,
    credentials: demo.credentials({ url: emulator.url, credentials: emulator.credentials }),
    features: {},
  });
  const said: string[] = [];
  try {
    const rt = await buildBillingRuntime(store, integration.id);
    const passes: [string, BillingLoop][] = [['directory', runAccountPush], ['usage', runCountPush]];
    for (const [loopName, loop] of passes) {
      // Between the push and the counts, a person maps some of what was pushed in the platform.
      if (loopName === 'usage' && demo.mapInPlatform !== undefined) said.push(await demo.mapInPlatform({ url: emulator.url, credentials: emulator.credentials }));
      const outcome = await runRecorded(store, integration.id, loopName, 'demo', () => loop(rt), notifier);
      said.push(`${loopName} pass: ${Object.entries(outcome.stats).map(([k, v]) => `${k}=${String(v)}`).join(' ')}`);
    }
  } catch (error) {
    // The demo still starts; the failed pass is in the run history and the status.
    said.push(`failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  process.stderr.write(`demo: ${manifest.id} ${said.join('; ')}\n`);
  const pushed = store.repos.billingPush;
  const [accounts, services, counts] = await Promise.all([pushed.accounts(integration.id), pushed.services(integration.id), pushed.counts(integration.id)]);
  const waiting = counts.filter((c) => c.state === 'waiting').length;
  return `${name.padEnd(16)}${manifest.label}: ${accounts.length} accounts, ${services.length} services, ${counts.length} counts (${waiting} waiting for mapping in ${manifest.shortLabel})`;
}

/**
 * The product mapping a person would pick for the demo: each offering item on the target service
 * of that name, storage on the partner's platform-owned storage.
 */
async function mapDemoProducts(rt: IntegrationRuntime, services: readonly (readonly [CatalogItemKey, string])[]) {
  const storages = await rt.vendor.listStorages(rt.partnerTenantId);
  const storage = storages.find((s) => s.platformOwned === true) ?? storages[0];
  const entries = [];
  for (const [itemKey, name] of services) {
    const product = await rt.target.catalog?.findServiceByName(name);
    if (!product) continue;
    const perStorage = itemKey === 'storage';
    if (perStorage && storage === undefined) continue;
    entries.push({ itemKey, infraId: perStorage ? storage!.id : null, service: { kind: 'existing' as const, productId: product.id }, periodType: 'monthly' as const, serviceCode: null });
  }
  return { entries, storage };
}
