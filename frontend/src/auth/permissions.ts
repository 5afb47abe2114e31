import rolePermissions from './role-permissions.json';

/**
 * Permission names the web app checks against `viewer.permissions`: the server's closed set
 * (crates/domain/src/role.rs, documented in docs/permissions.md). A permission list entry may also be a wildcard:
 * "*" grants everything and "users.*" every permission of the users resource.
 */
export const PERMISSIONS = [
  'tenant.read',
  'users.read',
  'users.invite',
  'users.update',
  'users.deactivate',
  'roles.manage',
  'apikeys.manage',
  'accounts.read',
  'entries.read',
  'entries.reverse',
  'funding.create',
  'purchases.read',
  'purchases.request',
  'purchases.approve',
  'grants.create',
  'schedules.read',
  'schedules.manage',
  'sweeps.run',
  'topups.read',
  'topups.create_for',
  'recycles.read',
  'recycles.manage',
  'payouts.read',
  'payouts.manage',
  'reviews.decide',
  'disputes.read',
  'disputes.resolve',
  'policy.read',
  'policy.manage',
  'audit.read',
  'ledger.verify',
  'exports.read',
  'imports.run',
  'webhooks.manage',
  'wallet.own',
  'topups.create_own',
  'cashouts.own',
  'disputes.own',
  'notifications.own',
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
