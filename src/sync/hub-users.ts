/**
 * The people who sign in to the hub (portal and API): add, disable, enable, delete, set a password.
 * One place for the rules, so the API and the CLI keep them alike:
 * - nobody locks the hub: the last enabled user cannot be disabled or deleted, and a person cannot
 *   disable or delete themselves (another user does it, or the CLI on the server);
 * - disabling a user or setting their password ends their sessions (a stolen session dies with the
 *   old password); a disabled user's API tokens are refused while disabled (authenticate.ts);
 * - a person changing their own password gives the current one first, and keeps the session they
 *   changed it in.
 * - the hub keeps an enabled administrator: the last one cannot be disabled, deleted or made
 *   read-only (nobody could manage users from the portal any more);
 * Every change is audit-logged, never with a password.
 */
import { randomBytes } from 'node:crypto';
import type { Role } from '../domain/roles.ts';
import type { Repositories } from '../store/store.ts';
import type { User } from '../store/repositories/users.ts';

export const MIN_PASSWORD_LENGTH = 8;
export const MAX_PASSWORD_LENGTH = 1000;

export type HubUserErrorCode =
  | 'not_found'
  | 'name_taken'
  | 'last_enabled_user'
  | 'last_admin'
  | 'cannot_change_self'
  | 'wrong_password'
  | 'weak_password';

/** A password nobody has to invent: 18 random bytes, URL-safe. */
export function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}

/** The HTTP status the API answers each refusal with. */
export const HUB_USER_ERROR_STATUS: Record<HubUserErrorCode, number> = {
  not_found: 404,
  name_taken: 409,
  last_enabled_user: 409,
  last_admin: 409,
  cannot_change_self: 409,
  wrong_password: 403,
  weak_password: 400,
};

export class HubUserError extends Error {
  override readonly name = 'HubUserError';
  constructor(
    readonly code: HubUserErrorCode,
    message: string,
  ) {
    super(message);
  }
}

type UserRepos = Pick<Repositories, 'users' | 'sessions' | 'auditLog'>;

/** Who asks for the change: a user of the hub (API), or an operator on the server (CLI). */
export type Actor = { kind: 'user'; userId: string; label: string } | { kind: 'operator'; label: string };

function checkPassword(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new HubUserError('weak_password', `The password is too short: use at least ${MIN_PASSWORD_LENGTH} characters`);
  }
  if (password.length > MAX_PASSWORD_LENGTH) {
    throw new HubUserError('weak_password', `The password is too long: use at most ${MAX_PASSWORD_LENGTH} characters`);
  }
}

async function requireUser(repos: UserRepos, id: string): Promise<User> {
  const user = await repos.users.get(id);
  if (user === undefined) throw new HubUserError('not_found', `No user with id "${id}"`);
  return user;
}

/** A user by id, or by username (the CLI names users). */
export async function findUser(repos: UserRepos, idOrUsername: string): Promise<User> {
  const user = (await repos.users.getByUsername(idOrUsername)) ?? (await repos.users.get(idOrUsername));
  if (user === undefined) throw new HubUserError('not_found', `No user named "${idOrUsername}"; \`psa-bridge user list\` shows them`);
  return user;
}

function refuseSelf(actor: Actor, user: User, what: string): void {
  if (actor.kind === 'user' && actor.userId === user.id) {
    throw new HubUserError('cannot_change_self', `You cannot ${what} yourself; another user can, or an operator with \`psa-bridge user\` on the server`);
  }
}

async function refuseLastEnabled(repos: UserRepos, user: User, what: string): Promise<void> {
  if (user.disabledAt === null && (await repos.users.countEnabled()) <= 1) {
    throw new HubUserError('last_enabled_user', `"${user.username}" is the only enabled user; add or enable another user before you ${what} it`);
  }
  if (user.disabledAt === null && user.role === 'admin' && (await repos.users.countEnabledAdmins()) <= 1) {
    throw new HubUserError('last_admin', `"${user.username}" is the only enabled administrator; make another user an administrator before you ${what} it`);
  }
}

/** Makes a user an administrator or read-only; their sessions stay (the role is read per request). */
export async function setUserRole(repos: UserRepos, actor: Actor, id: string, role: Role): Promise<User> {
  const user = await requireUser(repos, id);
  if (user.role === role) return user;
  if (role !== 'admin') {
    refuseSelf(actor, user, 'make read-only');
    await refuseLastEnabled(repos, user, 'make read-only');
  }
  const updated = (await repos.users.setRole(user.id, role)) ?? user;
  await repos.auditLog.record({
    actor: actor.label,
    action: 'user.role',
    subjectType: 'user',
    subjectId: user.id,
    details: { username: user.username, from: user.role, to: role },
  });
  return updated;
}

export async function addUser(repos: UserRepos, actor: Actor, input: { username: string; password: string; role?: Role }): Promise<User> {
  checkPassword(input.password);
  if ((await repos.users.getByUsername(input.username)) !== undefined) {
    throw new HubUserError('name_taken', `A user named "${input.username}" already exists; choose another name`);
  }
  const user = await repos.users.create(input);
  await repos.auditLog.record({ actor: actor.label, action: 'user.create', subjectType: 'user', subjectId: user.id, details: { username: user.username, role: user.role } });
  return user;
}

export async function setUserDisabled(repos: UserRepos, actor: Actor, id: string, disabled: boolean): Promise<User> {
  const user = await requireUser(repos, id);
  if (disabled) {
    refuseSelf(actor, user, 'disable');
    await refuseLastEnabled(repos, user, 'disable');
  }
  const updated = (await repos.users.setDisabled(user.id, disabled)) ?? user;
  if (disabled) await repos.sessions.deleteForUser(user.id);
  if ((user.disabledAt === null) === disabled) {
    await repos.auditLog.record({
      actor: actor.label,
      action: disabled ? 'user.disable' : 'user.enable',
      subjectType: 'user',
      subjectId: user.id,
      details: { username: user.username },
    });
  }
  return updated;
}

export async function deleteUser(repos: UserRepos, actor: Actor, id: string): Promise<User> {
  const user = await requireUser(repos, id);
  refuseSelf(actor, user, 'delete');
  await refuseLastEnabled(repos, user, 'delete');
  // Sessions and API tokens go with the row (foreign keys cascade).
  await repos.users.delete(user.id);
  await repos.auditLog.record({ actor: actor.label, action: 'user.delete', subjectType: 'user', subjectId: user.id, details: { username: user.username } });
  return user;
}

/** Another user's password, set by an administrator or an operator: their sessions end. */
export async function resetPassword(repos: UserRepos, actor: Actor, id: string, password: string): Promise<User> {
  checkPassword(password);
  const user = await requireUser(repos, id);
  await repos.users.setPassword(user.id, password);
  await repos.sessions.deleteForUser(user.id);
  await repos.auditLog.record({ actor: actor.label, action: 'user.password_reset', subjectType: 'user', subjectId: user.id, details: { username: user.username } });
  return user;
}

/**
 * A person's own password: the current one first. Their other sessions end; the one given in
 * `keepSessionToken` (the one they are using) stays.
 */
export async function changeOwnPassword(
  repos: UserRepos,
  actor: Extract<Actor, { kind: 'user' }>,
  input: { currentPassword: string; newPassword: string; keepSessionToken?: string },
): Promise<void> {
  const user = await requireUser(repos, actor.userId);
  if ((await repos.users.verifyPassword(user.username, input.currentPassword)) === null) {
    throw new HubUserError('wrong_password', 'The current password is wrong; the password was not changed');
  }
  checkPassword(input.newPassword);
  await repos.users.setPassword(user.id, input.newPassword);
  await repos.sessions.deleteForUser(user.id, input.keepSessionToken);
  await repos.auditLog.record({ actor: actor.label, action: 'user.password_change', subjectType: 'user', subjectId: user.id, details: { username: user.username } });
}
