// Login sessions: only a hash of each opaque token is stored.
import { sql } from 'kysely';
import type { Db } from '../connection.ts';

export function createSessionRepository(db: Db) {
  return {
    async insertSession(input: { userId: string; tokenHash: Buffer; expiresAt: Date }) {
      await db
        .insertInto('sessions')
        .values({ user_id: input.userId, token_hash: input.tokenHash, expires_at: input.expiresAt })
        .execute();
    },

    /** The live session for a token hash with its user, touching last_seen_at at most once a minute. */
    async findActiveSession(tokenHash: Buffer) {
      const row = await db
        .selectFrom('sessions')
        .innerJoin('users', 'users.id', 'sessions.user_id')
        .select([
          'sessions.id as session_id',
          'sessions.last_seen_at',
          'sessions.expires_at',
          'users.id',
          'users.handle',
          'users.role',
          'users.verified_professional',
          'users.created_at',
        ])
        .where('sessions.token_hash', '=', tokenHash)
        .where('sessions.expires_at', '>', sql<Date>`now()`)
        .executeTakeFirst();
      if (row && Date.now() - row.last_seen_at.getTime() > 60_000) {
        await db.updateTable('sessions').set({ last_seen_at: new Date() }).where('id', '=', row.session_id).execute();
      }
      return row;
    },

    async deleteSessionByTokenHash(tokenHash: Buffer) {
      await db.deleteFrom('sessions').where('token_hash', '=', tokenHash).execute();
    },

    /** Signs the user out everywhere, optionally keeping the current session. */
    async deleteSessionsOfUser(userId: string, exceptSessionId?: string) {
      let query = db.deleteFrom('sessions').where('user_id', '=', userId);
      if (exceptSessionId) query = query.where('id', '<>', exceptSessionId);
      await query.execute();
    },

    async deleteExpiredSessions() {
      const result = await db.deleteFrom('sessions').where('expires_at', '<=', sql<Date>`now()`).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}

export type SessionRepository = ReturnType<typeof createSessionRepository>;
