// The documented way to get the first admin: create the account, or promote an existing one.
import type { UserRepository } from '@onward/db';
import { assertAcceptablePassword, assertValidHandle } from '@onward/domain';
import { hashPassword } from './passwords.ts';

export async function createOrPromoteAdmin(users: UserRepository, handle: string, password: string) {
  assertValidHandle(handle);
  const existing = await users.findUserByHandle(handle);
  if (existing) {
    await users.setRole(existing.id, 'admin');
    return { created: false, handle: existing.handle };
  }
  assertAcceptablePassword(password, handle);
  const user = await users.insertUser({ handle, email: null, passwordHash: await hashPassword(password), role: 'admin' });
  if (!user) throw new Error(`could not create ${handle}`);
  return { created: true, handle: user.handle };
}
