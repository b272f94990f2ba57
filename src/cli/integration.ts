import type { Command } from 'commander';
import { TARGET_SYSTEMS, type TargetSystem } from '../connectors/ports.ts';
import { createTarget } from '../connectors/registry.ts';
import { TARGETS, type TargetKind } from '../store/repositories/integrations.ts';
import { SyncSnapshotsRepository } from '../store/repositories/sync-snapshots.ts';
import { findIntegration } from '../sync/integration-runtime.ts';
import { SYNC_LOOP_NAMES } from '../sync/loops.ts';
import { integrationSettings } from '../sync/settings/settings.ts';
import { withHubContext } from './hub-context.ts';
import { printJson, printTable } from './output.ts';

/** Credential fields per target, from flags or PSA_BRIDGE_TARGET_<FIELD> (keeps secrets out of shell history). */
const CREDENTIAL_FIELDS: Record<TargetKind, readonly string[]> = {
  autotask: ['username', 'secret', 'integrationCode'],
  connectwise: ['site', 'companyId', 'publicKey', 'privateKey', 'clientId'],
  cloudblue: ['siteUrl', 'apiKey'],
  gradient: ['vendorKey', 'partnerKey'],
  interworks: ['url', 'clientId', 'clientSecret', 'username', 'password'],
};

const envName = (field: string) => `PSA_BRIDGE_TARGET_${field.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;

export function registerIntegrationCommands(program: Command): void {
  const integration = program.command('integration').description('integrations: one connection × one target (PSA / billing system)');

  integration
    .command('add')
    .description('store an integration (credentials encrypted at rest) after testing the target connection')
    .requiredOption('--name <name>', 'a name for it')
    .requiredOption('--target <target>', `one of ${TARGETS.join(', ')}`)
    .requiredOption('--connection <connection>', 'the vendor-cloud connection (name or id)')
    .option('--credential <field=value...>', `target credentials, e.g. --credential username=api@x (or ${envName('username')} …)`)
    .option('--discovery-url <url>', 'Autotask: zone discovery root (sandbox or emulator); stored as the discoveryUrl credential')
    .option('--features <list>', 'comma-separated features to switch on (provisioning, tickets)', 'provisioning')
    .option('--no-test', 'store without testing the target connection')
    .action(async (options: { name: string; target: string; connection: string; credential?: string[]; discoveryUrl?: string; features: string; test: boolean }) => {
      if (!(TARGETS as readonly string[]).includes(options.target)) throw new Error(`unknown target "${options.target}"; expected one of ${TARGETS.join(', ')}`);
      const target = options.target as TargetKind;
      const credentials: Record<string, string> = {};
      for (const field of CREDENTIAL_FIELDS[target]) {
        const fromEnv = process.env[envName(field)];
        if (fromEnv) credentials[field] = fromEnv;
      }
      for (const pair of options.credential ?? []) {
        const at = pair.indexOf('=');
        if (at <= 0) throw new Error(`--credential takes field=value, got "${pair}"`);
        credentials[pair.slice(0, at)] = pair.slice(at + 1);
      }
      const missing = CREDENTIAL_FIELDS[target].filter((f) => !credentials[f]);
      if (missing.length > 0) throw new Error(`missing ${target} credentials: ${missing.map((f) => `${f} (--credential ${f}=… or ${envName(f)})`).join(', ')}`);
      if (options.discoveryUrl !== undefined) {
        if (target !== 'autotask') throw new Error('--discovery-url is an Autotask credential; other targets take none');
        credentials.discoveryUrl = options.discoveryUrl;
      }
      if (options.test) {
        if (!(TARGET_SYSTEMS as readonly string[]).includes(target)) throw new Error(`no connector for ${target}`);
        const check = await createTarget(target as TargetSystem, { credentials, connectionName: options.name }).testConnection();
        process.stdout.write(`ok: ${check.displayName}\n`);
        for (const warning of check.warnings) process.stdout.write(`warning: ${warning}\n`);
      }
      await withHubContext(async ({ store }) => {
        const connection = (await store.repos.connections.getByName(options.connection)) ?? (await store.repos.connections.get(options.connection));
        if (!connection) throw new Error(`no connection named "${options.connection}"; "psa-bridge connection list" shows them`);
        const features = Object.fromEntries(options.features.split(',').map((f) => f.trim()).filter(Boolean).map((f) => [f, true]));
        const created = await store.repos.integrations.create({ name: options.name, connectionId: connection.id, target, credentials, features });
        await store.repos.auditLog.record({ actor: 'cli', action: 'integration.create', subjectType: 'integration', subjectId: created.id });
        process.stdout.write(`integration "${created.name}" stored (${created.id})\n`);
      });
    });

  integration
    .command('list')
    .description('list integrations (never their credentials)')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      await withHubContext(async ({ store }) => {
        const list = await store.repos.integrations.list();
        if (options.json) return printJson(list);
        const connections = new Map((await store.repos.connections.list()).map((c) => [c.id, c.name]));
        printTable(
          list.map((i) => ({ name: i.name, target: i.target, connection: connections.get(i.connectionId) ?? i.connectionId, enabled: i.enabled ? 'yes' : 'no', features: Object.keys(i.features).filter((f) => i.features[f]).join(',') })),
          ['name', 'target', 'connection', 'enabled', 'features'],
        );
      });
    });

  integration
    .command('show')
    .description('settings, mapping counts, plan problems and the last run of each loop')
    .argument('<integration>', 'name or id')
    .option('--json', 'print JSON')
    .action(async (nameOrId: string, options: { json?: boolean }) => {
      await withHubContext(async ({ store }) => {
        const found = await findIntegration(store, nameOrId);
        const settings = await integrationSettings(store.repos.settings).readAll(found.id);
        const mappings = await store.repos.mappings.countByState(found.id);
        const problems = await new SyncSnapshotsRepository(store.db).countProblems(found.id);
        const runs = [];
        for (const loop of SYNC_LOOP_NAMES) {
          const [last] = await store.repos.loopRuns.list(found.id, { loop, limit: 1 });
          if (last) runs.push(last);
        }
        if (options.json) return printJson({ integration: found, settings, mappings, problems, runs });
        process.stdout.write(`${found.name} (${found.id}): ${found.target}, ${found.enabled ? 'enabled' : 'disabled'}\n\nmappings\n`);
        printTable([mappings], ['mapped', 'ready', 'not_mapped', 'failed']);
        process.stdout.write(`\nplan problems\n`);
        printTable([{ error: problems.error ?? 0, warning: problems.warning ?? 0, info: problems.info ?? 0 }], ['error', 'warning', 'info']);
        process.stdout.write(`\nlast runs\n`);
        printTable(
          runs.map((r) => ({ loop: r.loop, status: r.status, started: r.startedAt, finished: r.finishedAt, error: r.error })),
          ['loop', 'status', 'started', 'finished', 'error'],
        );
        process.stdout.write(`\nsettings\n${JSON.stringify(settings, null, 2)}\n`);
      });
    });
}
