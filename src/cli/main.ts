import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config/config.ts';
import { ConnectorError } from '../connectors/kit/errors.ts';
import { StoreError } from '../store/errors.ts';
import { SecretError } from '../secrets/errors.ts';
import { hubVersion } from './version.ts';

type Register = (program: Command) => void;

/**
 * Every command, by name, with the module that registers it. Each is imported only when needed:
 * loading every command's module (the emulators, every loop, the HTTP server) cost a `psa-bridge
 * user list` most of its second, so a command loads its own module and help loads them all.
 */
const COMMANDS: ReadonlyArray<readonly [name: string, load: () => Promise<Register>]> = [
  ['demo', async () => (await import('./demo.ts')).registerDemoCommand],
  ['serve', async () => (await import('./serve.ts')).registerServeCommand],
  ['worker', async () => (await import('./worker.ts')).registerWorkerCommand],
  ['migrate', async () => (await import('./migrate.ts')).registerMigrateCommand],
  ['emulate', async () => (await import('./emulate.ts')).registerEmulateCommand],
  ['user', async () => (await import('./user.ts')).registerUserCommands],
  ['connection', async () => (await import('./connection.ts')).registerConnectionCommands],
  ['status', async () => (await import('./status.ts')).registerStatusCommand],
  ['alerts', async () => (await import('./alerts.ts')).registerAlertsCommands],
  ['integration', async () => (await import('./integration.ts')).registerIntegrationCommands],
  ['sync', async () => (await import('./sync.ts')).registerSyncCommand],
  ['mappings', async () => (await import('./mappings.ts')).registerMappingsCommands],
  ['service-manager', async () => (await import('./service-manager.ts')).registerServiceManagerCommands],
  ['billing', async () => (await import('./billing.ts')).registerBillingCommands],
];

export const COMMAND_NAMES: readonly string[] = COMMANDS.map(([name]) => name);

/**
 * The program with the commands `argv` can reach: the named command alone when the first argument
 * names one, every command otherwise (help, a typo that commander answers with a suggestion).
 */
export async function buildProgram(argv: readonly string[] = []): Promise<Command> {
  const program = new Command('psa-bridge')
    .description('integration hub between the Acronis Cyber Protect Cloud platform and PSA / billing systems')
    .version(hubVersion())
    .showHelpAfterError('(run with --help for usage)');
  const named = COMMANDS.find(([name]) => name === argv[2]);
  for (const [, load] of named ? [named] : COMMANDS) (await load())(program);
  return program;
}

/** Errors a person can act on are printed as one message; anything else is a bug and keeps its stack. */
function describeFailure(error: unknown): string {
  if (error instanceof ConfigError || error instanceof StoreError || error instanceof SecretError || error instanceof ConnectorError) return error.message;
  if (error instanceof Error) return process.env.PSA_BRIDGE_DEBUG ? (error.stack ?? error.message) : error.message;
  return String(error);
}

export async function main(argv: readonly string[]): Promise<void> {
  const program = (await buildProgram(argv)).exitOverride();
  try {
    await program.parseAsync(argv as string[]);
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander already printed its message (or the help/version text).
      process.exitCode = error.exitCode;
      return;
    }
    process.stderr.write(`psa-bridge: ${describeFailure(error)}\n`);
    process.exitCode = 1;
  }
}
