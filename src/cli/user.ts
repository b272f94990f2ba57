import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import { addUser, deleteUser, findUser, MIN_PASSWORD_LENGTH, resetPassword, setUserDisabled, type Actor } from '../sync/hub-users.ts';
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
      if (given !== undefined && given.length < MIN_PASSWORD_LENGTH) {
        throw new Error(`the password is too short: use at least ${MIN_PASSWORD_LENGTH} characters, or leave --password out to generate one`);
      }
      const password = given ?? generatePassword();
      await withHubContext(async ({ store }) => {
        await addUser(store.repos, OPERATOR, { username, password });
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
          users.map((u) => ({ username: u.username, created: u.createdAt, 'last sign-in': u.lastLoginAt, disabled: u.disabledAt })),
          ['username', 'created', 'last sign-in', 'disabled'],
        );
      });
    });

  user
    .command('disable')
    .description('disable a user: no login, their sessions end and their API tokens are refused until enabled again')
    .argument('<username>')
    .action(async (username: string) => {
      await withHubContext(async ({ store }) => {
        await setUserDisabled(store.repos, OPERATOR, (await findUser(store.repos, username)).id, true);
      });
      process.stdout.write(`user "${username}" disabled\n`);
    });

  user
    .command('enable')
    .description('enable a disabled user again')
    .argument('<username>')
    .action(async (username: string) => {
      await withHubContext(async ({ store }) => {
        await setUserDisabled(store.repos, OPERATOR, (await findUser(store.repos, username)).id, false);
      });
      process.stdout.write(`user "${username}" enabled\n`);
    });

  user
    .command('delete')
    .description('delete a user with their sessions and API tokens (the audit trail keeps the name)')
    .argument('<username>')
    .action(async (username: string) => {
      await withHubContext(async ({ store }) => {
        await deleteUser(store.repos, OPERATOR, (await findUser(store.repos, username)).id);
      });
      process.stdout.write(`user "${username}" deleted\n`);
    });

  user
    .command('passwd')
    .description("set a user's password (their sessions end); without --password a strong one is generated and printed once")
    .argument('<username>')
    .option('--password <password>', `the new password (at least ${MIN_PASSWORD_LENGTH} characters); PSA_BRIDGE_NEW_PASSWORD works too`)
    .action(async (username: string, options: { password?: string }) => {
      const given = options.password ?? process.env.PSA_BRIDGE_NEW_PASSWORD;
      const password = given ?? generatePassword();
      await withHubContext(async ({ store }) => {
        await resetPassword(store.repos, OPERATOR, (await findUser(store.repos, username)).id, password);
      });
      process.stdout.write(`password of "${username}" set; their sessions ended\n`);
      if (given === undefined) process.stdout.write(`password: ${password}\n(shown once; store it in a password manager)\n`);
    });
}

/** Someone with a shell on the server: may change any user, themselves included. */
const OPERATOR: Actor = { kind: 'operator', label: 'cli' };
