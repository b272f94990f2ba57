// What a person or an API token may do in the hub. Two roles: `admin` may do everything;
// `read_only` may read everything (every GET) and change nothing. A token never has more than its
// user: a read-only user's admin token acts read-only (an admin demoted keeps no power through old
// tokens).
export const ROLES = ['admin', 'read_only'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** A stored role text as a role; anything unknown is treated as the lesser one. */
export function roleOf(stored: string | null | undefined): Role {
  return stored === 'admin' ? 'admin' : 'read_only';
}

/** The role a request acts with: the lesser of the user's and the token's. */
export function effectiveRole(userRole: Role, tokenRole?: Role): Role {
  return userRole === 'read_only' || tokenRole === 'read_only' ? 'read_only' : 'admin';
}

export const ROLE_LABELS: Record<Role, string> = { admin: 'Administrator', read_only: 'Read-only' };
