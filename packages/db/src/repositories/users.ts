// Queries about accounts.
import type { Role } from '@onward/domain';
import type { Db } from '../connection.ts';
import type { User } from '../schema.ts';

export type PublicUserColumns = Pick<User, 'id' | 'handle' | 'role' | 'verified_professional' | 'created_at'>;
const publicColumns = ['id', 'handle', 'role', 'verified_professional', 'created_at'] as const;

export function createUserRepository(db: Db) {
  return {
    /** Inserts a user; returns null when the handle (or e-mail) is taken, instead of throwing. */
    async insertUser(input: { handle: string; email: string | null; passwordHash: string; role?: Role }) {
      const row = await db
        .insertInto('users')
        .values({ handle: input.handle, email: input.email, password_hash: input.passwordHash, role: input.role ?? 'member' })
        .onConflict((oc) => oc.doNothing())
        .returning(publicColumns)
        .executeTakeFirst();
      return row ?? null;
    },

    async findUserForLogin(handle: string) {
      return db
        .selectFrom('users')
        .select([...publicColumns, 'password_hash'])
        .where('handle_normalized', '=', handle.toLowerCase())
        .executeTakeFirst();
    },

    async findUserById(id: string) {
      return db.selectFrom('users').select([...publicColumns, 'password_hash']).where('id', '=', id).executeTakeFirst();
    },

    async findUserByHandle(handle: string) {
      return db
        .selectFrom('users')
        .select(publicColumns)
        .where('handle_normalized', '=', handle.toLowerCase())
        .executeTakeFirst();
    },

    async updatePasswordHash(userId: string, passwordHash: string) {
      await db.updateTable('users').set({ password_hash: passwordHash, updated_at: new Date() }).where('id', '=', userId).execute();
    },

    async setRole(userId: string, role: Role) {
      return db
        .updateTable('users')
        .set({ role, updated_at: new Date() })
        .where('id', '=', userId)
        .returning(publicColumns)
        .executeTakeFirst();
    },

    async setVerifiedProfessional(userId: string, verified: boolean) {
      return db
        .updateTable('users')
        .set({ verified_professional: verified, updated_at: new Date() })
        .where('id', '=', userId)
        .returning(publicColumns)
        .executeTakeFirst();
    },

    /** Deletes the account; sessions, videos, reports, blocks go with it (foreign keys cascade). */
    async deleteUser(userId: string): Promise<boolean> {
      const result = await db.deleteFrom('users').where('id', '=', userId).executeTakeFirst();
      return result.numDeletedRows > 0n;
    },
  };
}

export type UserRepository = ReturnType<typeof createUserRepository>;
