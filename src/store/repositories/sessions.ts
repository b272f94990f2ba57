import type { Kysely, Selectable } from 'kysely';
import type { Schema, SessionsTable } from '../schema.ts';
import { isoAt, systemClock, type Clock } from '../columns.ts';
import { hashToken, newToken } from './token-hash.ts';

export interface Session {
  /** The hash of the token, usable as a handle (e.g. to revoke) but not as a credential. */
  id: string;
  userId: string;
  expiresAt: string;
  createdAt: string;
}

const toSession = (row: Selectable<SessionsTable>): Session => ({
  id: row.id,
  userId: row.user_id,
  expiresAt: row.expires_at,
  createdAt: row.created_at,
});

export class SessionsRepository {
  constructor(
    private readonly db: Kysely<Schema>,
    private readonly clock: Clock = systemClock,
  ) {}

  /** Creates a session; the returned `token` goes into the cookie and is never stored. */
  async create(userId: string, ttlMs: number): Promise<{ token: string; session: Session }> {
    const token = newToken();
    const row = { id: hashToken(token), user_id: userId, expires_at: isoAt(this.clock, ttlMs), created_at: isoAt(this.clock) };
    await this.db.insertInto('sessions').values(row).execute();
    return { token, session: toSession(row) };
  }

  /** The live session for a cookie token, or undefined when unknown or expired. */
  async findByToken(token: string): Promise<Session | undefined> {
    const row = await this.db
      .selectFrom('sessions')
      .selectAll()
      .where('id', '=', hashToken(token))
      .where('expires_at', '>', isoAt(this.clock))
      .executeTakeFirst();
    return row && toSession(row);
  }

  /** Slides the expiry forward (for sessions kept alive by use). */
  async extend(token: string, ttlMs: number): Promise<void> {
    await this.db.updateTable('sessions').set({ expires_at: isoAt(this.clock, ttlMs) }).where('id', '=', hashToken(token)).execute();
  }

  async deleteByToken(token: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('id', '=', hashToken(token)).execute();
  }

  /** Ends a user's sessions, but the one of `exceptToken` (the session a person is using) when given. */
  async deleteForUser(userId: string, exceptToken?: string): Promise<number> {
    let query = this.db.deleteFrom('sessions').where('user_id', '=', userId);
    if (exceptToken !== undefined) query = query.where('id', '!=', hashToken(exceptToken));
    const result = await query.executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async deleteExpired(): Promise<number> {
    const result = await this.db.deleteFrom('sessions').where('expires_at', '<=', isoAt(this.clock)).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
