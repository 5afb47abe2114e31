import { describe, expect, it } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import { Route, Routes } from 'react-router-dom';
import { hasAny, hasPermission, permissionsForRoles, PERMISSIONS, ROLE_PERMISSIONS } from './permissions';
import { menuFor, homePath, ROUTES } from '../routes';
import { renderWith, viewerFor } from '../test/utils';
import AppLayout from '../layout/AppLayout';
import { AppRoutes } from '../App';

const canAnyFor = (roles: string[]) => (perms: readonly string[]) => hasAny(permissionsForRoles(roles), perms);
const menuPaths = (roles: string[]) => menuFor(canAnyFor(roles)).flatMap((g) => g.routes.map((r) => r.path));

describe('permission checks', () => {
  it('supports exact names and wildcards', () => {
    expect(hasPermission(['grants.create'], 'grants.create')).toBe(true);
    expect(hasPermission(['grants.read'], 'grants.create')).toBe(false);
    expect(hasPermission(['grants.*'], 'grants.create')).toBe(true);
    expect(hasPermission(['*'], 'audit.read')).toBe(true);
    expect(hasAny([], [])).toBe(true);
  });
  it('the role table only names known permissions', () => {
    for (const list of Object.values(ROLE_PERMISSIONS)) for (const p of list) expect(PERMISSIONS).toContain(p);
  });
});

describe('menu by permission', () => {
  it('an employee sees only the portal', () => {
    expect(menuPaths(['EMPLOYEE'])).toEqual(['/me/wallet', '/me/topup', '/me/cashout', '/me/disputes', '/me/notifications']);
    expect(homePath(canAnyFor(['EMPLOYEE']))).toBe('/me/wallet');
  });
  it('HR sees employees and distribution but not finance, audit or keys', () => {
    const p = menuPaths(['HR_ADMIN']);
    expect(p).toContain('/employees');
    expect(p).toContain('/employees/import');
    expect(p).toContain('/distribution/grant');
    expect(p).not.toContain('/finance/exports');
    expect(p).not.toContain('/audit');
    expect(p).not.toContain('/settings/api-keys');
    expect(homePath(canAnyFor(['HR_ADMIN']))).toBe('/dashboard');
  });
  it('finance gets finance pages; the auditor reads but cannot fund', () => {
    expect(menuPaths(['FINANCE'])).toEqual(expect.arrayContaining(['/finance/funding', '/finance/exports', '/finance/payouts', '/finance/reconciliation', '/finance/reviews', '/finance/disputes']));
    const a = menuPaths(['AUDITOR']);
    expect(a).toContain('/audit');
    expect(a).not.toContain('/finance/funding');
    expect(a).not.toContain('/distribution/grant');
  });
  it('the owner has settings; every route is reachable by some role', () => {
    expect(menuPaths(['OWNER'])).toEqual(expect.arrayContaining(['/settings/policy', '/settings/users', '/settings/api-keys', '/settings/webhooks']));
    const all = new Set(['OWNER', 'HR_ADMIN', 'FINANCE', 'AUDITOR', 'EMPLOYEE'].flatMap((r) => menuPaths([r])));
    for (const r of ROUTES.filter((x) => !x.hidden)) expect(all.has(r.path)).toBe(true);
  });
  it('renders only the allowed menu items', async () => {
    const { container } = renderWith(
      <Routes>
        <Route element={<AppLayout />}>
          <Route path="/" element={<div />} />
        </Route>
      </Routes>,
      { viewer: viewerFor(['EMPLOYEE']) },
    );
    await waitFor(() => expect(container.querySelector('[role=menu]')).not.toBeNull());
    const nav = container.querySelector('[role=menu]') as HTMLElement;
    expect(within(nav).getByText('手机充值')).toBeInTheDocument();
    expect(within(nav).queryByText('员工列表')).toBeNull();
    expect(within(nav).queryByText('审计日志')).toBeNull();
  });
  it('a direct URL to another role’s page shows the forbidden page', async () => {
    renderWith(<AppRoutes />, { viewer: viewerFor(['EMPLOYEE']), path: '/finance/exports' });
    expect(await screen.findByText('无权访问')).toBeInTheDocument();
  });
});
