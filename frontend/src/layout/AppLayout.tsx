import { Suspense, useMemo, useState } from 'react';
import { Link, Outlet, useLocation, useNavigate } from 'react-router-dom';
import { Avatar, Button, Drawer, Dropdown, Flex, Grid, Layout, Menu, Segmented, Spin, Typography } from 'antd';
import { KeyOutlined, LogoutOutlined, MenuOutlined, UserOutlined } from '@ant-design/icons';
import type { MenuProps } from 'antd';
import { useI18n, type Lang } from '../i18n';
import { useSession } from '../auth/session';
import { menuFor } from '../routes';

const { Header, Sider, Content } = Layout;

export function LanguageSwitch({ size }: { size?: 'small' | 'middle' }) {
  const { lang, setLang, t } = useI18n();
  return (
    <Segmented
      size={size ?? 'small'}
      aria-label={t('common.language')}
      value={lang}
      onChange={(v) => setLang(v as Lang)}
      options={[
        { label: '中文', value: 'zh-CN' },
        { label: 'EN', value: 'en' },
      ]}
    />
  );
}

function Brand({ collapsed }: { collapsed?: boolean }) {
  return (
    <Link to="/" className="brand" aria-label="creditloop">
      <img src="/favicon.svg" alt="" width={28} height={28} />
      {!collapsed && <span>creditloop</span>}
    </Link>
  );
}

export default function AppLayout() {
  const { t } = useI18n();
  const { viewer, canAny, signOut } = useSession();
  const location = useLocation();
  const navigate = useNavigate();
  const screens = Grid.useBreakpoint();
  const mobile = !screens.lg;
  const [drawerOpen, setDrawerOpen] = useState(false);

  const groups = useMemo(() => menuFor(canAny), [canAny]);
  const items: MenuProps['items'] = groups.map((g) =>
    g.routes.length === 1 && g.key === 'dashboard'
      ? { key: g.routes[0].path, icon: g.icon, label: <Link to={g.routes[0].path}>{t(g.routes[0].label)}</Link> }
      : {
          key: g.key,
          icon: g.icon,
          label: t(g.label),
          children: g.routes.map((r) => ({ key: r.path, label: <Link to={r.path}>{t(r.label)}</Link> })),
        },
  );
  const selected = groups.flatMap((g) => g.routes).filter((r) => location.pathname === r.path || location.pathname.startsWith(`${r.path}/`));
  const selectedKey = selected.sort((a, b) => b.path.length - a.path.length)[0]?.path ?? location.pathname;
  const openKeys = groups.filter((g) => g.routes.length > 1 || g.key !== 'dashboard').map((g) => g.key);

  const menu = (
    <Menu
      mode="inline"
      theme={mobile ? 'light' : 'dark'}
      items={items}
      selectedKeys={[selectedKey]}
      defaultOpenKeys={openKeys}
      onClick={() => setDrawerOpen(false)}
      aria-label={t('app.name')}
    />
  );

  const userMenu: MenuProps['items'] = [
    { key: 'pw', icon: <KeyOutlined />, label: t('nav.changePassword'), onClick: () => navigate('/account/password') },
    { type: 'divider' },
    {
      key: 'out',
      icon: <LogoutOutlined />,
      label: t('nav.signOut'),
      onClick: async () => {
        await signOut();
        navigate('/sign-in', { replace: true });
      },
    },
  ];
  const displayName = viewer?.user?.name ?? viewer?.apiKey?.name ?? '';

  return (
    <Layout style={{ minHeight: '100vh' }}>
      {!mobile && (
        <Sider width={224} theme="dark" className="app-sider">
          <Brand />
          {menu}
        </Sider>
      )}
      {mobile && (
        <Drawer open={drawerOpen} onClose={() => setDrawerOpen(false)} placement="left" width={260} title={<Brand />} styles={{ body: { padding: 0 } }}>
          {menu}
        </Drawer>
      )}
      <Layout>
        <Header className="app-header">
          <Flex align="center" gap={12} style={{ minWidth: 0 }}>
            {mobile && (
              <Button type="text" icon={<MenuOutlined />} onClick={() => setDrawerOpen(true)} aria-label={t('nav.menu')} />
            )}
            <Typography.Text strong ellipsis className="tenant-name">
              {viewer?.tenant.name}
            </Typography.Text>
          </Flex>
          <Flex align="center" gap={12}>
            <LanguageSwitch />
            <Dropdown menu={{ items: userMenu }} trigger={['click']}>
              <Button type="text" aria-label={t('nav.account')} data-testid="user-menu">
                <Avatar size="small" icon={<UserOutlined />} style={{ background: '#1f4fd1' }} />
                {!mobile && <span style={{ marginLeft: 8 }}>{displayName}</span>}
              </Button>
            </Dropdown>
          </Flex>
        </Header>
        <Content className="app-content">
          <Suspense
            fallback={
              <Flex justify="center" style={{ padding: 64 }}>
                <Spin />
              </Flex>
            }
          >
            <Outlet />
          </Suspense>
        </Content>
      </Layout>
    </Layout>
  );
}
