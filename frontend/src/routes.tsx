import { lazy, type ComponentType, type LazyExoticComponent, type ReactNode } from 'react';
import {
  AuditOutlined, BankOutlined, DashboardOutlined, GiftOutlined, MobileOutlined, SettingOutlined,
  ShoppingCartOutlined, TeamOutlined, WalletOutlined,
} from '@ant-design/icons';
import type { MessageKey } from './i18n';

export interface AppRoute {
  path: string;
  label: MessageKey;
  /** Any of these permissions opens the page; [] = any signed-in user. */
  perms: string[];
  component: LazyExoticComponent<ComponentType>;
  /** Menu group; routes without a group are reachable but not in the menu. */
  group?: MenuGroupKey;
  hidden?: boolean;
}

export type MenuGroupKey = 'dashboard' | 'portal' | 'employees' | 'distribution' | 'purchasing' | 'finance' | 'audit' | 'settings';

export const MENU_GROUPS: Array<{ key: MenuGroupKey; label: MessageKey; icon: ReactNode }> = [
  { key: 'dashboard', label: 'nav.dashboard', icon: <DashboardOutlined /> },
  { key: 'portal', label: 'nav.portal', icon: <MobileOutlined /> },
  { key: 'employees', label: 'nav.employees', icon: <TeamOutlined /> },
  { key: 'distribution', label: 'nav.distribution', icon: <GiftOutlined /> },
  { key: 'purchasing', label: 'nav.purchasing', icon: <ShoppingCartOutlined /> },
  { key: 'finance', label: 'nav.finance', icon: <BankOutlined /> },
  { key: 'audit', label: 'nav.audit', icon: <AuditOutlined /> },
  { key: 'settings', label: 'nav.settings', icon: <SettingOutlined /> },
];
export const WalletIcon = WalletOutlined;

const p = {
  Dashboard: lazy(() => import('./pages/Dashboard')),
  Employees: lazy(() => import('./pages/employees/EmployeeList')),
  EmployeeDetail: lazy(() => import('./pages/employees/EmployeeDetail')),
  RosterImport: lazy(() => import('./pages/employees/RosterImport')),
  Grant: lazy(() => import('./pages/distribution/Grant')),
  BatchGrant: lazy(() => import('./pages/distribution/BatchGrant')),
  Schedules: lazy(() => import('./pages/distribution/Schedules')),
  Purchases: lazy(() => import('./pages/purchasing/Purchases')),
  Recycles: lazy(() => import('./pages/purchasing/Recycles')),
  Funding: lazy(() => import('./pages/finance/Funding')),
  Exports: lazy(() => import('./pages/finance/Exports')),
  Payouts: lazy(() => import('./pages/finance/Payouts')),
  Reconciliation: lazy(() => import('./pages/finance/Reconciliation')),
  Reviews: lazy(() => import('./pages/finance/Reviews')),
  Disputes: lazy(() => import('./pages/finance/Disputes')),
  AuditLog: lazy(() => import('./pages/audit/AuditLog')),
  Policy: lazy(() => import('./pages/settings/Policy')),
  Users: lazy(() => import('./pages/settings/Users')),
  ApiKeys: lazy(() => import('./pages/settings/ApiKeys')),
  Webhooks: lazy(() => import('./pages/settings/Webhooks')),
  Wallet: lazy(() => import('./pages/portal/MyWallet')),
  Topup: lazy(() => import('./pages/portal/Topup')),
  Cashout: lazy(() => import('./pages/portal/Cashout')),
  MyDisputes: lazy(() => import('./pages/portal/MyDisputes')),
  Notifications: lazy(() => import('./pages/portal/Notifications')),
  ChangePassword: lazy(() => import('./pages/auth/ChangePassword')),
};

export const ROUTES: AppRoute[] = [
  { path: '/dashboard', label: 'nav.dashboard', perms: ['tenant.read'], component: p.Dashboard, group: 'dashboard' },

  { path: '/me/wallet', label: 'nav.wallet', perms: ['wallet.own'], component: p.Wallet, group: 'portal' },
  { path: '/me/topup', label: 'nav.topup', perms: ['topups.create_own'], component: p.Topup, group: 'portal' },
  { path: '/me/cashout', label: 'nav.cashout', perms: ['cashouts.own'], component: p.Cashout, group: 'portal' },
  { path: '/me/disputes', label: 'nav.myDisputes', perms: ['disputes.own'], component: p.MyDisputes, group: 'portal' },
  { path: '/me/notifications', label: 'nav.notifications', perms: ['notifications.own'], component: p.Notifications, group: 'portal' },

  { path: '/employees', label: 'nav.employeeList', perms: ['users.read'], component: p.Employees, group: 'employees' },
  { path: '/employees/import', label: 'nav.rosterImport', perms: ['imports.run'], component: p.RosterImport, group: 'employees' },
  { path: '/employees/:id', label: 'employees.detail', perms: ['users.read'], component: p.EmployeeDetail, hidden: true },

  { path: '/distribution/grant', label: 'nav.grant', perms: ['grants.create'], component: p.Grant, group: 'distribution' },
  { path: '/distribution/batch', label: 'nav.batchGrant', perms: ['grants.create'], component: p.BatchGrant, group: 'distribution' },
  { path: '/distribution/schedules', label: 'nav.schedules', perms: ['schedules.read', 'schedules.manage'], component: p.Schedules, group: 'distribution' },

  { path: '/purchasing/purchases', label: 'nav.purchases', perms: ['purchases.read', 'purchases.request', 'purchases.approve'], component: p.Purchases, group: 'purchasing' },
  { path: '/purchasing/recycles', label: 'nav.recycles', perms: ['recycles.read', 'recycles.manage'], component: p.Recycles, group: 'purchasing' },

  { path: '/finance/funding', label: 'nav.funding', perms: ['funding.create'], component: p.Funding, group: 'finance' },
  { path: '/finance/exports', label: 'nav.exports', perms: ['exports.read'], component: p.Exports, group: 'finance' },
  { path: '/finance/payouts', label: 'nav.payouts', perms: ['payouts.read', 'payouts.manage'], component: p.Payouts, group: 'finance' },
  { path: '/finance/reconciliation', label: 'nav.reconciliation', perms: ['entries.read', 'accounts.read'], component: p.Reconciliation, group: 'finance' },
  { path: '/finance/reviews', label: 'nav.reviews', perms: ['reviews.decide'], component: p.Reviews, group: 'finance' },
  { path: '/finance/disputes', label: 'nav.disputes', perms: ['disputes.read', 'disputes.resolve'], component: p.Disputes, group: 'finance' },

  { path: '/audit', label: 'nav.auditLog', perms: ['audit.read'], component: p.AuditLog, group: 'audit' },

  { path: '/settings/policy', label: 'nav.policy', perms: ['policy.read', 'policy.manage'], component: p.Policy, group: 'settings' },
  { path: '/settings/users', label: 'nav.users', perms: ['roles.manage'], component: p.Users, group: 'settings' },
  { path: '/settings/api-keys', label: 'nav.apiKeys', perms: ['apikeys.manage'], component: p.ApiKeys, group: 'settings' },
  { path: '/settings/webhooks', label: 'nav.webhooks', perms: ['webhooks.manage'], component: p.Webhooks, group: 'settings' },

  { path: '/account/password', label: 'nav.changePassword', perms: [], component: p.ChangePassword, hidden: true },
];

/** The routes the menu shows for a set of permissions, grouped in menu order. */
export function menuFor(canAny: (perms: readonly string[]) => boolean) {
  return MENU_GROUPS.map((g) => ({
    ...g,
    routes: ROUTES.filter((r) => r.group === g.key && !r.hidden && canAny(r.perms)),
  })).filter((g) => g.routes.length > 0);
}

/** Where a user lands after signing in: the first page their permissions open. */
export function homePath(canAny: (perms: readonly string[]) => boolean): string {
  const first = menuFor(canAny)[0]?.routes[0];
  return first?.path ?? '/account/password';
}
