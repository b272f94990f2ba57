import type { Command } from 'commander';
import { registerApplication, serviceManagerOverview } from '../sync/service-manager/overview.ts';
import { withHubContext } from './hub-context.ts';
import { printTable } from './output.ts';

/** `psa-bridge service-manager`: application registrations for systems that call the hub, and what their instances did. */
export function registerServiceManagerCommands(program: Command): void {
  const sm = program.command('service-manager').description('billing platforms that call the hub as their service manager (application registrations, instances)');

  sm.command('register')
    .description('create an application registration; prints the base URL, application id and key to enter in the platform (the key is shown once)')
    .option('--name <name>', 'what the registration is for', 'BSS')
    .option('--hub-url <url>', 'the URL the platform reaches the hub at (default: http://HOST:PORT of this configuration)')
    .option('--connector <id>', 'which service manager (default: the only one)')
    .option('--application-id <guid>', 'store a pair the platform issued instead of making one (with --application-key; PSA_BRIDGE_APPLICATION_KEY works too)')
    .option('--application-key <key>', 'the key the platform issued')
    .option('--json', 'print JSON')
    .action(async (options: { name: string; hubUrl?: string; connector?: string; json?: boolean; applicationId?: string; applicationKey?: string }) => {
      const key = options.applicationKey ?? process.env.PSA_BRIDGE_APPLICATION_KEY;
      if ((options.applicationId === undefined) !== (key === undefined)) throw new Error('give both --application-id and --application-key, or neither (the hub then makes a pair)');
      await withHubContext(async ({ config, store }) => {
        const hubUrl = options.hubUrl ?? `http://${config.host}:${config.port}`;
        const created = await registerApplication(store, {
          name: options.name,
          hubUrl,
          ...(options.connector === undefined ? {} : { connector: options.connector }),
          ...(options.applicationId === undefined || key === undefined ? {} : { applicationId: options.applicationId, applicationKey: key }),
        });
        if (options.json === true) {
          process.stdout.write(`${JSON.stringify({ baseUrl: created.baseUrl, applicationId: created.applicationId, applicationKey: created.applicationKey })}\n`);
          return;
        }
        process.stdout.write(
          [
            `application registered for ${created.connector}`,
            `base URL:        ${created.baseUrl}`,
            `application id:  ${created.applicationId}`,
            `application key: ${created.applicationKey}`,
            '(the key is shown once; the hub keeps it encrypted)',
            '',
          ].join('\n'),
        );
      });
    });

  sm.command('show')
    .description('instances with their settings (never the secret), service providers and subscriptions, usage pulls and refused calls')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      await withHubContext(async ({ store }) => {
        const overview = await serviceManagerOverview(store);
        if (options.json === true) {
          process.stdout.write(`${JSON.stringify(overview, null, 2)}\n`);
          return;
        }
        printTable(overview.registrations.map((r) => ({ registration: r.name, connector: r.connector, 'application id': r.applicationId, 'application key': r.applicationKey, 'last used': r.lastUsedAt })), ['registration', 'connector', 'application id', 'application key', 'last used']);
        for (const i of overview.instances) {
          process.stdout.write(`\n${i.settings.systemName}: ${i.settings.gateway} (client ${i.settings.clientId}, secret ${i.settings.clientSecret}), distributor ${i.distributor.name}, discount ${i.settings.discountPercent} %, ${i.settings.currency}, names ${i.settings.updateNames}, product type ${i.productTypeId}\n`);
          if (i.lastDefinition !== null) {
            const definition = i.lastDefinition as { at: string | null; products?: Array<{ id: string; name: string; sell: number; cost: number; unit: string }> };
            process.stdout.write(`last service definition ${definition.at ?? ''}: ${definition.products?.length ?? 0} products\n`);
          }
          printTable(
            i.serviceProviders.flatMap((a) =>
              (a.subscriptions.length === 0 ? [null] : a.subscriptions).map((s) => ({ 'service provider': a.name, account: a.accountId, state: a.state, subscription: s?.subscriptionId ?? '', 'subscription state': s?.state ?? '', services: s === null ? '' : Object.entries(s.services).map(([k, v]) => `${k}=${v ?? '∞'}`).join(' ') })),
            ),
            ['service provider', 'account', 'state', 'subscription', 'subscription state', 'services'],
          );
          if (i.usagePulls.length > 0) printTable(i.usagePulls.map((p) => ({ subscription: p.subscriptionId, window: `${p.window.start}..${p.window.end}`, currency: p.currency, items: p.items, cost: p.cost, sell: p.sell, pulls: p.pulls })), ['subscription', 'window', 'currency', 'items', 'cost', 'sell', 'pulls']);
          if (i.failedCalls.length > 0) printTable(i.failedCalls.map((f) => ({ at: f.at, 'track id': f.trackId, route: f.route, code: f.code, message: f.message })), ['at', 'track id', 'route', 'code', 'message']);
        }
      });
    });
}
