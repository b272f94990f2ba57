import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config/config.ts';
import { ConnectorError } from '../connectors/kit/errors.ts';
import { StoreError } from '../store/errors.ts';
import { SecretError } from '../secrets/errors.ts';
import { registerAlertsCommands } from './alerts.ts';
import { registerBillingCommands } from './billing.ts';
import { registerConnectionCommands } from './connection.ts';
import { registerDemoCommand } from './demo.ts';
import { registerEmulateCommand } from './emulate.ts';
import { registerIntegrationCommands } from './integration.ts';
import { registerMappingsCommands } from './mappings.ts';
import { registerMigrateCommand } from './migrate.ts';
import { registerServeCommand } from './serve.ts';
import { registerServiceManagerCommands } from './service-manager.ts';
import { registerStatusCommand } from './status.ts';
import { registerSyncCommand } from './sync.ts';
import { registerUserCommands } from './user.ts';
import { registerWorkerCommand } from './worker.ts';
import { hubVersion } from './version.ts';

export function buildProgram(): Command {
  const program = new Command('psa-bridge')
    .description('integration hub between the Acronis Cyber Protect Cloud platform and PSA / billing systems')
    .version(hubVersion())
    .showHelpAfterError('(run with --help for usage)');
  registerDemoCommand(program);
  registerServeCommand(program);
  registerWorkerCommand(program);
  registerMigrateCommand(program);
  registerEmulateCommand(program);
  registerUserCommands(program);
  registerConnectionCommands(program);
  registerStatusCommand(program);
  registerAlertsCommands(program);
  registerIntegrationCommands(program);
  registerSyncCommand(program);
  registerMappingsCommands(program);
  registerServiceManagerCommands(program);
  registerBillingCommands(program);
  return program;
}

/** Errors a person can act on are printed as one message; anything else is a bug and keeps its stack. */
function describeFailure(error: unknown): string {
  if (error instanceof ConfigError || error instanceof StoreError || error instanceof SecretError || error instanceof ConnectorError) return error.message;
  if (error instanceof Error) return process.env.PSA_BRIDGE_DEBUG ? (error.stack ?? error.message) : error.message;
  return String(error);
}

export async function main(argv: readonly string[]): Promise<void> {
  const program = buildProgram().exitOverride();
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
