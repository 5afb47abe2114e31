import rolePermissions from './role-permissions.json';

/**
 * Permission names the web app checks against `viewer.permissions` (dotted names, as in the
 * contract's example "grants.create"). A permission list entry may also be a wildcard:
 * "*" grants everything and "users.*" every permission of the users resource.
 */
export const PERMISSIONS = [
  'balances.read',
  'users.read',
  'users.invite',
  'users.update',
  'users.deactivate',
  'users.roles',
  'imports.create',
  'grants.create',
  'schedules.read',
  'schedules.manage',
  'purchases.read',
  'purchases.request',
  'purchases.approve',
  'recycles.read',
  'recycles.create',
  'funding.create',
  'entries.read',
  'entries.reverse',
  'accounts.read',
  'exports.read',
  'cashouts.read',
  'cashouts.pay',
  'reviews.read',
  'reviews.decide',
  'disputes.read',
  'disputes.resolve',
  'audit.read',
  'verify.run',
  'policy.read',
  'policy.update',
  'apikeys.manage',
  'webhooks.manage',
  'wallet.read',
  'topups.create',
  'cashouts.create',
  'disputes.create',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

/**
 * The role → permission table the frontend was designed with. The server is the authority
 * (it sends `viewer.permissions`); this table feeds the mock server and the tests.
 */
export const ROLE_PERMISSIONS = rolePermissions as Record<'OWNER' | 'HR_ADMIN' | 'FINANCE' | 'AUDITOR' | 'EMPLOYEE', Permission[]>;

export function permissionsForRoles(roles: readonly string[]): string[] {
  const set = new Set<string>();
  for (const r of roles) for (const p of ROLE_PERMISSIONS[r as keyof typeof ROLE_PERMISSIONS] ?? []) set.add(p);
  return [...set];
}

export function hasPermission(granted: readonly string[], needed: string): boolean {
  for (const g of granted) {
    if (g === needed || g === '*') return true;
    if (g.endsWith('.*') && needed.startsWith(g.slice(0, -1))) return true;
  }
  return false;
}

/** True when any of `needed` is granted; an empty list means "any signed-in user". */
export function hasAny(granted: readonly string[], needed: readonly string[]): boolean {
  return needed.length === 0 || needed.some((n) => hasPermission(granted, n));
}
