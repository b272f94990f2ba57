import type { Command } from 'commander';
import { createAcronisVendor } from '../connectors/acronis/vendor.ts';
import { checkDataCenterUrl } from '../domain/data-center-url.ts';
import { checkConnection } from '../sync/connection-check.ts';
import { withHubContext } from './hub-context.ts';
import { printJson, printTable } from './output.ts';

export function registerConnectionCommands(program: Command): void {
  const connection = program.command('connection').description('vendor-cloud connections (data-center URL + API client)');

  connection
    .command('add')
    .description('store a connection (the secret is encrypted at rest) and test it')
    .requiredOption('--name <name>', 'a name for it, e.g. eu2')
    .requiredOption('--url <url>', 'the data-center URL, e.g. https://eu2-cloud.acronis.com')
    .requiredOption('--client-id <id>', 'the API client id')
    .option('--client-secret <secret>', 'the API client secret; PSA_BRIDGE_CLIENT_SECRET works too (keeps it out of shell history)')
    .option('--no-test', 'store without testing the credentials')
    .action(async (options: { name: string; url: string; clientId: string; clientSecret?: string; test: boolean }) => {
      const clientSecret = options.clientSecret ?? process.env.PSA_BRIDGE_CLIENT_SECRET;
      if (!clientSecret) throw new Error('give the API client secret with --client-secret or PSA_BRIDGE_CLIENT_SECRET');
      const baseUrl = normaliseDataCenterUrl(options.url);
      await withHubContext(async ({ store }) => {
        const created = await store.repos.connections.create({ name: options.name, baseUrl, clientId: options.clientId, clientSecret });
        await store.repos.auditLog.record({ actor: 'cli', action: 'connection.create', subjectType: 'connection', subjectId: created.id });
        process.stdout.write(`connection "${created.name}" stored (${created.id})\n`);
        if (options.test) await testAndReport(store, created.id);
      });
    });

  connection
    .command('list')
    .description('list connections (never their secrets)')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      await withHubContext(async ({ store }) => {
        const connections = await store.repos.connections.list();
        if (options.json) return printJson(connections);
        printTable(
          connections.map((c) => ({ name: c.name, url: c.baseUrl, client: c.clientId, tenant: c.tenantName, status: c.status, checked: c.lastCheckedAt })),
          ['name', 'url', 'client', 'tenant', 'status', 'checked'],
        );
      });
    });

  connection
    .command('test')
    .description('authenticate against the vendor cloud and name the partner tenant reached')
    .argument('<name>', 'connection name or id')
    .action(async (nameOrId: string) => {
      await withHubContext(async ({ store }) => {
        const found = (await store.repos.connections.getByName(nameOrId)) ?? (await store.repos.connections.get(nameOrId));
        if (!found) throw new Error(`no connection named "${nameOrId}"; "psa-bridge connection list" shows them`);
        await testAndReport(store, found.id);
      });
    });
}

type StoreLike = Parameters<Parameters<typeof withHubContext>[0]>[0]['store'];

async function testAndReport(store: StoreLike, id: string): Promise<void> {
  const credentials = await store.repos.connections.getCredentials(id);
  const result = await checkConnection(createAcronisVendor, credentials, console);
  if (result.ok) {
    await store.repos.connections.recordCheck(id, { ok: true, tenantId: result.tenant.id, tenantName: result.tenant.name });
    process.stdout.write(`ok: reaches ${result.tenant.kind} tenant "${result.tenant.name}" (${result.tenant.id})\n`);
  } else {
    await store.repos.connections.recordCheck(id, { ok: false, error: result.error.message });
    process.exitCode = 1;
    process.stdout.write(`failed (${result.error.code}): ${result.error.message}\n`);
  }
}

/** The data-center URL's origin, by the rule the API applies; its message otherwise. */
export function normaliseDataCenterUrl(value: string): string {
  const checked = checkDataCenterUrl(value);
  if (!checked.ok) throw new Error(`--url "${value}" ${checked.message}`);
  return checked.url;
}
