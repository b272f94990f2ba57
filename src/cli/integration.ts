import type { Command } from 'commander';
import type { CredentialField } from '../connectors/manifest-schema.ts';
import { isTargetSystem, manifestOf, TARGET_MANIFESTS, TARGET_SYSTEMS, type TargetSystem } from '../connectors/registry.ts';
import { findIntegration } from '../sync/integration-runtime.ts';
import { SYNC_LOOP_NAMES } from '../sync/loops.ts';
import { integrationSettings } from '../sync/settings/settings.ts';
import { withHubContext } from './hub-context.ts';
import { registerPartnerCommands } from './integration-partners.ts';
import { printJson, printTable } from './output.ts';

/** Credentials come from flags or PSA_BRIDGE_TARGET_<FIELD> (keeps secrets out of shell history). */
export const credentialEnvName = (field: string) => `PSA_BRIDGE_TARGET_${field.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;
const flagOf = (field: string) => field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** The optional credential fields of every target, each offered as its own flag (`--discovery-url`). */
const OPTIONAL_FIELDS: ReadonlyMap<string, { field: CredentialField; targets: string[] }> = (() => {
  const out = new Map<string, { field: CredentialField; targets: string[] }>();
  for (const manifest of TARGET_MANIFESTS) {
    for (const field of manifest.credentials) {
      if (field.optional !== true) continue;
      const entry = out.get(field.name) ?? { field, targets: [] };
      entry.targets.push(manifest.label);
      out.set(field.name, entry);
    }
  }
  return out;
})();

export interface CredentialInput {
  target: string;
  /** `--credential field=value` pairs. */
  pairs: readonly string[];
  /** Values of the per-field flags, by field name. */
  flags: Readonly<Record<string, string | undefined>>;
  env: Readonly<Record<string, string | undefined>>;
}

/** The target's credentials from the environment, then flags (flags win); every required field must be given. */
export function credentialsFrom(input: CredentialInput): { target: TargetSystem; credentials: Record<string, string> } {
  if (!isTargetSystem(input.target)) throw new Error(`unknown target "${input.target}"; expected one of ${TARGET_SYSTEMS.join(', ')}`);
  const manifest = manifestOf(input.target);
  const fields = manifest.credentials;
  const credentials: Record<string, string> = {};
  for (const field of fields) {
    const fromEnv = input.env[credentialEnvName(field.name)];
    if (fromEnv) credentials[field.name] = fromEnv;
  }
  for (const pair of input.pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new Error(`--credential takes field=value, got "${pair}"`);
    const name = pair.slice(0, at);
    if (!fields.some((field) => field.name === name)) throw new Error(`"${name}" is not a ${manifest.label} credential; its fields are ${fields.map((f) => f.name).join(', ')}`);
    credentials[name] = pair.slice(at + 1);
  }
  for (const [name, value] of Object.entries(input.flags)) {
    if (value === undefined) continue;
    if (!fields.some((field) => field.name === name)) {
      throw new Error(`--${flagOf(name)} is a credential of ${OPTIONAL_FIELDS.get(name)?.targets.join(', ') ?? 'other targets'}; ${manifest.label} takes none`);
    }
    credentials[name] = value;
  }
  const missing = fields.filter((f) => f.optional !== true && !credentials[f.name]).map((f) => f.name);
  if (missing.length > 0) throw new Error(`missing ${manifest.id} credentials: ${missing.map((f) => `${f} (--credential ${f}=… or ${credentialEnvName(f)})`).join(', ')}`);
  return { target: input.target, credentials };
}

export function registerIntegrationCommands(program: Command): void {
  const integration = program.command('integration').description('integrations: one connection × one target (PSA / billing system)');

  const add = integration
    .command('add')
    .description('store an integration (credentials encrypted at rest) after testing the target connection')
    .requiredOption('--name <name>', 'a name for it')
    .requiredOption('--target <target>', `one of ${TARGET_SYSTEMS.join(', ')}`)
    .requiredOption('--connection <connection>', 'the vendor-cloud connection (name or id)')
    .option('--credential <field=value...>', `target credentials, e.g. --credential username=api@x (or ${credentialEnvName('username')} …)`);
  for (const [name, { field, targets }] of OPTIONAL_FIELDS) {
    add.option(`--${flagOf(name)} <value>`, `${targets.join(', ')}: ${field.label}${field.help === undefined ? '' : ` (${field.help})`}; stored as the ${name} credential`);
  }
  add
    .option('--features <list>', 'comma-separated features to switch on (provisioning, tickets)', 'provisioning')
    .option('--no-test', 'store without testing the target connection')
    .action(async (options: { name: string; target: string; connection: string; credential?: string[]; features: string; test: boolean } & Record<string, unknown>) => {
      // commander camel-cases `--discovery-url` back to `discoveryUrl`, the field's name.
      const flags = Object.fromEntries([...OPTIONAL_FIELDS.keys()].map((name) => [name, typeof options[name] === 'string' ? (options[name] as string) : undefined]));
      const { target, credentials } = credentialsFrom({ target: options.target, pairs: options.credential ?? [], flags, env: process.env });
      if (options.test) {
        const check = await manifestOf(target).checkCredentials({ credentials, connectionName: options.name });
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
        const problems = await store.repos.syncSnapshots.countProblems(found.id);
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

  registerPartnerCommands(integration);
}
