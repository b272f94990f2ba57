// Creates the first administrator from PSA_BRIDGE_ADMIN_USER / PSA_BRIDGE_ADMIN_PASSWORD when the
// database has no user yet. Called by `serve` and `demo` before the server starts; once any user
// exists the variables are ignored (they never overwrite a password).
import type { Logger } from 'pino';
import type { Store } from '../../store/store.ts';

export const MIN_PASSWORD_LENGTH = 8;

export type EnsureAdminResult =
  | { created: true; username: string }
  | { created: false; reason: 'users_exist' | 'not_configured' };

export class AdminSetupError extends Error {
  readonly code = 'invalid_admin_credentials';
  constructor(message: string) {
    super(message);
    this.name = 'AdminSetupError';
  }
}

export async function ensureAdminFromEnv(options: {
  store: Pick<Store, 'repos'>;
  env?: Record<string, string | undefined>;
  log?: Pick<Logger, 'info' | 'warn'>;
}): Promise<EnsureAdminResult> {
  const env = options.env ?? process.env;
  const { users, auditLog } = options.store.repos;
  if ((await users.count()) > 0) return { created: false, reason: 'users_exist' };

  const username = env.PSA_BRIDGE_ADMIN_USER?.trim();
  const password = env.PSA_BRIDGE_ADMIN_PASSWORD;
  if (!username && !password) {
    options.log?.warn(
      'No user exists yet. Set PSA_BRIDGE_ADMIN_USER and PSA_BRIDGE_ADMIN_PASSWORD, or run `psa-bridge user add`, to be able to log in',
    );
    return { created: false, reason: 'not_configured' };
  }
  if (!username || !password) {
    throw new AdminSetupError('PSA_BRIDGE_ADMIN_USER and PSA_BRIDGE_ADMIN_PASSWORD must be set together');
  }
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new AdminSetupError(`PSA_BRIDGE_ADMIN_PASSWORD must have at least ${MIN_PASSWORD_LENGTH} characters`);
  }
  try {
    await users.create({ username, password });
  } catch (error) {
    // Another process (a second `serve`) created it between count() and create(): fine.
    if ((await users.getByUsername(username)) !== undefined) return { created: false, reason: 'users_exist' };
    throw error;
  }
  await auditLog.record({ actor: 'system', action: 'user.create', subjectType: 'user', subjectId: username, details: { source: 'environment' } });
  options.log?.info({ username }, 'created the first administrator from the environment');
  return { created: true, username };
}
