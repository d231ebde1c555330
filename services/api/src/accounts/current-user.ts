// The one mapping from a user row to what the API shows about the current user.
import type { CurrentUser } from '@onward/contract';

export function toCurrentUser(row: {
  id: string;
  handle: string;
  role: CurrentUser['role'];
  verified_professional: boolean;
  created_at: Date;
}): CurrentUser {
  return {
    id: row.id,
    handle: row.handle,
    role: row.role,
    verifiedProfessional: row.verified_professional,
    createdAt: row.created_at.toISOString(),
  };
}
