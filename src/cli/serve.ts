import type { Command } from 'commander';
import { openHubContext } from './hub-context.ts';
import { startHub } from './hub-process.ts';
import { waitForShutdownSignal } from './process-lifecycle.ts';

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('run the hub: HTTP API, /healthz, /metrics and the sync loops (configuration from the environment)')
    .option('--no-loops', 'serve HTTP only and leave the loops to `psa-bridge worker` processes (PostgreSQL)')
    .action(async (options: { loops: boolean }) => {
      const { config, store } = await openHubContext();
      try {
        const hub = await startHub({ config, store, loops: options.loops });
        process.stdout.write(`psa-bridge listening on ${hub.url}${config.apiDocs ? ` (API docs at ${hub.url}/api/docs)` : ''}\n`);
        const signal = await waitForShutdownSignal();
        hub.logger.info({ signal }, 'shutting down');
        await hub.stop();
      } finally {
        await store.close();
      }
    });
}
