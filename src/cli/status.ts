import type { Command } from 'commander';
import { withHubContext } from './hub-context.ts';
import { printJson, printTable } from './output.ts';
import { hubVersion } from './version.ts';

export function registerStatusCommand(program: Command): void {
  program
    .command('status')
    .description('what the hub holds: database, connections, integrations and their last loop runs')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      await withHubContext(async ({ store }) => {
        const connections = await store.repos.connections.list();
        const integrations = await store.repos.integrations.list();
        const runs = (
          await Promise.all(
            integrations.map(async (integration) =>
              (await store.repos.loopRuns.latestPerLoop(integration.id)).map((run) => ({ integration: integration.name, ...run })),
            ),
          )
        ).flat();
        if (options.json) {
          return printJson({ version: hubVersion(), database: { dialect: store.dialect, location: store.location }, connections, integrations, runs });
        }
        process.stdout.write(`psa-bridge ${hubVersion()}, database ${store.location} (${store.dialect})\n\nconnections\n`);
        printTable(
          connections.map((c) => ({ name: c.name, url: c.baseUrl, tenant: c.tenantName, status: c.status, error: c.lastError })),
          ['name', 'url', 'tenant', 'status', 'error'],
        );
        process.stdout.write('\nintegrations\n');
        printTable(
          integrations.map((i) => ({ name: i.name, target: i.target, enabled: i.enabled ? 'yes' : 'no' })),
          ['name', 'target', 'enabled'],
        );
        process.stdout.write('\nlast runs\n');
        printTable(
          runs.map((r) => ({ integration: r.integration, loop: r.loop, status: r.status, started: r.startedAt, error: r.error })),
          ['integration', 'loop', 'status', 'started', 'error'],
        );
      });
    });
}
