import type { Kysely, Selectable } from 'kysely';
import type { ApiTokensTable, Schema } from '../schema.ts';
import { isoAt, newId, systemClock, type Clock } from '../columns.ts';
import { hashToken, newToken } from './token-hash.ts';
import { roleOf, type Role } from '../../domain/roles.ts';

export interface ApiToken {
  id: string;
  userId: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
  /** What the token may do; a request acts with the lesser of this and its user's role. */
  role: Role;
}

/** Recognisable in logs and by secret scanners, like ghp_ for GitHub. */
export const API_TOKEN_PREFIX = 'psab_';

const toApiToken = (row: Selectable<ApiTokensTable>): ApiToken => ({
  id: row.id,
  userId: row.user_id,
  name: row.name,
  createdAt: row.created_at,
  lastUsedAt: row.last_used_at,
  role: roleOf(row.role),
});

export class ApiTokensRepository {
  constructor(
    private readonly db: Kysely<Schema>,
    private readonly clock: Clock = systemClock,
  ) {}

  /** Creates a token; the returned `token` is shown once and never stored. */
  async create(userId: string, name: string, role: Role = 'admin'): Promise<{ token: string; apiToken: ApiToken }> {
    const token = newToken(API_TOKEN_PREFIX);
    const row = { id: newId(), user_id: userId, name, role, token_hash: hashToken(token), created_at: isoAt(this.clock), last_used_at: null };
    await this.db.insertInto('api_tokens').values(row).execute();
    return { token, apiToken: toApiToken(row) };
  }

  /** The token's record when it is valid (and marks it used), else undefined. */
  async verify(token: string): Promise<ApiToken | undefined> {
    const row = await this.db.selectFrom('api_tokens').selectAll().where('token_hash', '=', hashToken(token)).executeTakeFirst();
    if (!row) return undefined;
    const lastUsedAt = isoAt(this.clock);
    await this.db.updateTable('api_tokens').set({ last_used_at: lastUsedAt }).where('id', '=', row.id).execute();
    return toApiToken({ ...row, last_used_at: lastUsedAt });
  }

  async list(userId?: string): Promise<ApiToken[]> {
    let query = this.db.selectFrom('api_tokens').selectAll();
    if (userId !== undefined) query = query.where('user_id', '=', userId);
    return (await query.orderBy('created_at').orderBy('id').execute()).map(toApiToken);
  }

  async revoke(id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('api_tokens').where('id', '=', id).executeTakeFirst();
    return result.numDeletedRows > 0n;
  }
}
