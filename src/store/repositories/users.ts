import { randomBytes, scrypt as scryptCallback, timingSafeEqual } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { Schema, UsersTable } from '../schema.ts';
import { isoAt, newId, systemClock, type Clock } from '../columns.ts';
import { StoreError, isUniqueViolation } from '../errors.ts';
import { roleOf, type Role } from '../../domain/roles.ts';

export interface User {
  id: string;
  username: string;
  createdAt: string;
  lastLoginAt: string | null;
  /** Set while the user is disabled: no login, and their sessions and tokens are refused. */
  disabledAt: string | null;
  role: Role;
}

/**
 * scrypt cost N=2^15, r=8, p=1: 32 MiB and tens of milliseconds per login. OWASP suggests up to
 * N=2^17; the parameters are stored in each hash, so they can be raised later without a migration.
 */
const SCRYPT = { N: 2 ** 15, r: 8, p: 1, keylen: 32, saltBytes: 16 } as const;

function scrypt(password: string, salt: Buffer, keylen: number, options: { N: number; r: number; p: number }): Promise<Buffer> {
  // maxmem must exceed 128·N·r or node refuses; twice that leaves headroom.
  return new Promise((resolve, reject) =>
    scryptCallback(password, salt, keylen, { ...options, maxmem: 256 * options.N * options.r }, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );
}

/** `scrypt$N$r$p$<salt b64>$<hash b64>`: parameters travel with the hash so they can be raised later. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SCRYPT.saltBytes);
  const hash = await scrypt(password, salt, SCRYPT.keylen, { N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p });
  return ['scrypt', SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString('base64'), hash.toString('base64')].join('$');
}

export async function verifyPasswordHash(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, saltText, hashText] = stored.split('$');
  if (scheme !== 'scrypt' || !n || !r || !p || !saltText || !hashText) return false;
  // Parameters come from the database; bound them so an edited row cannot make a login eat the host.
  if (!(Number(n) >= 2 && Number(n) <= 2 ** 20 && Number(r) <= 32 && Number(p) <= 16)) return false;
  const expected = Buffer.from(hashText, 'base64');
  const actual = await scrypt(password, Buffer.from(saltText, 'base64'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
  });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

// Hashed against when the user does not exist, so a wrong username costs as long as a wrong password.
let decoyHash: Promise<string> | undefined;

const toUser = (row: Selectable<UsersTable>): User => ({
  id: row.id,
  username: row.username,
  createdAt: row.created_at,
  lastLoginAt: row.last_login_at,
  disabledAt: row.disabled_at ?? null,
  role: roleOf(row.role),
});

export class UsersRepository {
  constructor(
    private readonly db: Kysely<Schema>,
    private readonly clock: Clock = systemClock,
  ) {}

  async create(input: { username: string; password: string; role?: Role }): Promise<User> {
    const row = {
      role: input.role ?? 'admin',
      id: newId(),
      username: input.username,
      password_hash: await hashPassword(input.password),
      created_at: isoAt(this.clock),
      last_login_at: null,
      disabled_at: null,
    };
    try {
      await this.db.insertInto('users').values(row).execute();
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new StoreError('conflict', `a user named "${input.username}" already exists`, { username: input.username });
      }
      throw error;
    }
    return toUser(row);
  }

  /** The user when the password matches, else null; takes as long whether or not the user exists. */
  async verifyPassword(username: string, password: string): Promise<User | null> {
    const row = await this.db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
    if (!row) {
      decoyHash ??= hashPassword(randomBytes(16).toString('hex'));
      await verifyPasswordHash(password, await decoyHash);
      return null;
    }
    return (await verifyPasswordHash(password, row.password_hash)) ? toUser(row) : null;
  }

  async recordLogin(id: string): Promise<void> {
    await this.db.updateTable('users').set({ last_login_at: isoAt(this.clock) }).where('id', '=', id).execute();
  }

  async setPassword(id: string, password: string): Promise<void> {
    const result = await this.db
      .updateTable('users')
      .set({ password_hash: await hashPassword(password) })
      .where('id', '=', id)
      .executeTakeFirst();
    if (result.numUpdatedRows === 0n) throw new StoreError('not_found', `no user with id ${id}`, { id });
  }

  /** Disables (or enables again) a user; returns the user as it is now, undefined when unknown. */
  async setDisabled(id: string, disabled: boolean): Promise<User | undefined> {
    await this.db
      .updateTable('users')
      .set({ disabled_at: disabled ? isoAt(this.clock) : null })
      .where('id', '=', id)
      // Disabling twice keeps the first time.
      .where((eb) => (disabled ? eb('disabled_at', 'is', null) : eb('disabled_at', 'is not', null)))
      .execute();
    return this.get(id);
  }

  async setRole(id: string, role: Role): Promise<User | undefined> {
    await this.db.updateTable('users').set({ role }).where('id', '=', id).execute();
    return this.get(id);
  }

  /** Enabled administrators: the hub needs one left to be managed from the portal. */
  async countEnabledAdmins(): Promise<number> {
    const row = await this.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<string | number>().as('n'))
      .where('disabled_at', 'is', null)
      .where('role', '=', 'admin')
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  /** Users that can log in. */
  async countEnabled(): Promise<number> {
    const row = await this.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<string | number>().as('n'))
      .where('disabled_at', 'is', null)
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  async get(id: string): Promise<User | undefined> {
    const row = await this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toUser(row);
  }

  async getByUsername(username: string): Promise<User | undefined> {
    const row = await this.db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
    return row && toUser(row);
  }

  async list(): Promise<User[]> {
    const rows = await this.db.selectFrom('users').selectAll().orderBy('username').execute();
    return rows.map(toUser);
  }

  async count(): Promise<number> {
    const row = await this.db.selectFrom('users').select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('users').where('id', '=', id).executeTakeFirst();
    return result.numDeletedRows > 0n;
  }
}
