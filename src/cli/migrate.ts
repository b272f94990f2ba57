import type { Command } from 'commander';
import { withHubContext } from './hub-context.ts';

export function registerMigrateCommand(program: Command): void {
  program
    .command('migrate')
    .description('bring the database schema to the latest version (serve and demo do this too)')
    .action(async () => {
      // Opening the store applies pending migrations; there is nothing else to do.
      await withHubContext(async ({ store }) => {
        process.stdout.write(`database ${store.location} (${store.dialect}) is up to date\n`);
      });
    });
}
