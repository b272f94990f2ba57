import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import { withHubContext } from './hub-context.ts';
import { printTable } from './output.ts';

/** A password nobody has to invent: 18 random bytes, URL-safe. */
export function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}

export function registerUserCommands(program: Command): void {
  const user = program.command('user').description('portal and API users');

  user
    .command('add')
    .description('add a user; without --password a strong one is generated and printed once')
    .argument('<username>')
    .option('--password <password>', 'the password (at least 8 characters); PSA_BRIDGE_NEW_PASSWORD works too')
    .action(async (username: string, options: { password?: string }) => {
      const given = options.password ?? process.env.PSA_BRIDGE_NEW_PASSWORD;
      if (given !== undefined && given.length < 8) {
        throw new Error('the password is too short: use at least 8 characters, or leave --password out to generate one');
      }
      const password = given ?? generatePassword();
      await withHubContext(async ({ store }) => {
        await store.repos.users.create({ username, password });
        await store.repos.auditLog.record({ actor: 'cli', action: 'user.create', subjectType: 'user', subjectId: username });
      });
      process.stdout.write(`user "${username}" added\n`);
      if (given === undefined) process.stdout.write(`password: ${password}\n(shown once; store it in a password manager)\n`);
    });

  user
    .command('list')
    .description('list users')
    .action(async () => {
      await withHubContext(async ({ store }) => {
        const users = await store.repos.users.list();
        printTable(
          users.map((u) => ({ username: u.username, created: u.createdAt, 'last sign-in': u.lastLoginAt })),
          ['username', 'created', 'last sign-in'],
        );
      });
    });
}
