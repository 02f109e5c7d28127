/** The site's roles, each including the ones before it: viewers read, operators act, admins configure. */
export const ROLES = ['viewer', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

const RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };

export const isRole = (value: unknown): value is Role => typeof value === 'string' && value in RANK;

/** Whether someone holding `roles` may do what needs `required` (an admin may do an operator's work). */
export function grants(roles: readonly string[], required: Role): boolean {
  return roles.some((role) => isRole(role) && RANK[role] >= RANK[required]);
}

/** The highest of `roles`, or null when none is a site role. */
export function highestRole(roles: readonly string[]): Role | null {
  let best: Role | null = null;
  for (const role of roles) if (isRole(role) && (best === null || RANK[role] > RANK[best])) best = role;
  return best;
}
