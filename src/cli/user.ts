import type { Command } from 'commander';
import { isRole, ROLES, type Role } from '../domain/roles.ts';
import {
  addUser,
  deleteUser,
  findUser,
  generatePassword,
  MIN_PASSWORD_LENGTH,
  resetPassword,
  setUserDisabled,
  setUserRole,
  type Actor,
} from '../sync/hub-users.ts';
import { withHubContext } from './hub-context.ts';
import { printTable } from './output.ts';

export { generatePassword };

/** `read-only` and `read_only` both name the read-only role on the command line. */
function parseRole(text: string): Role {
  const role = text.trim().toLowerCase().replace('-', '_');
  if (!isRole(role)) throw new Error(`unknown role "${text}": use one of ${ROLES.map((r) => r.replace('_', '-')).join(', ')}`);
  return role;
}

export function registerUserCommands(program: Command): void {
  const user = program.command('user').description('portal and API users');

  user
    .command('add')
    .description('add a user; without --password a strong one is generated and printed once')
    .argument('<username>')
    .option('--password <password>', 'the password (at least 8 characters); PSA_BRIDGE_NEW_PASSWORD works too')
    .option('--role <role>', 'admin (default) or read-only (may read everything, change nothing)', 'admin')
    .action(async (username: string, options: { password?: string; role: string }) => {
      const role = parseRole(options.role);
      const given = options.password ?? process.env.PSA_BRIDGE_NEW_PASSWORD;
      if (given !== undefined && given.length < MIN_PASSWORD_LENGTH) {
        throw new Error(`the password is too short: use at least ${MIN_PASSWORD_LENGTH} characters, or leave --password out to generate one`);
      }
      const password = given ?? generatePassword();
      await withHubContext(async ({ store }) => {
        await addUser(store.repos, OPERATOR, { username, password, role });
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
          users.map((u) => ({ username: u.username, role: u.role.replace('_', '-'), created: u.createdAt, 'last sign-in': u.lastLoginAt, disabled: u.disabledAt })),
          ['username', 'role', 'created', 'last sign-in', 'disabled'],
        );
      });
    });

  user
    .command('role')
    .description('make a user an administrator or read-only (read-only users and their tokens cannot change anything)')
    .argument('<username>')
    .argument('<role>', 'admin or read-only')
    .action(async (username: string, roleText: string) => {
      const role = parseRole(roleText);
      await withHubContext(async ({ store }) => {
        await setUserRole(store.repos, OPERATOR, (await findUser(store.repos, username)).id, role);
      });
      process.stdout.write(`user "${username}" is now ${role.replace('_', '-')}\n`);
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
