// Who may do what. Roles are exclusive; "verified professional" is a separate flag an admin grants.
export const ROLES = ['member', 'reviewer', 'admin'] as const;
export type Role = (typeof ROLES)[number];

const RANK: Record<Role, number> = { member: 0, reviewer: 1, admin: 2 };

/** Admins can do everything reviewers can; reviewers everything members can. */
export function hasRole(actual: Role, required: Role): boolean {
  return RANK[actual] >= RANK[required];
}

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}
