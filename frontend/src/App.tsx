import { Suspense, lazy, useEffect, type ReactNode } from 'react';
import { BrowserRouter, Navigate, Route, Routes, useLocation } from 'react-router-dom';
import { App as AntApp, Button, ConfigProvider, Flex, Result, Spin } from 'antd';
import zhCNLocale from 'antd/es/locale/zh_CN';
import enUSLocale from 'antd/es/locale/en_US';
import { I18nProvider, useI18n } from './i18n';
import { ApiProvider } from './api/hooks';
import { fetchRequester, type Requester } from './api/client';
import { SessionProvider, useSession } from './auth/session';
import AppLayout from './layout/AppLayout';
import { ROUTES, homePath } from './routes';
import { describeError } from './api/errors';
import { Forbidden, NotFound } from './pages/Status';

const SignIn = lazy(() => import('./pages/auth/SignIn'));
const AcceptInvite = lazy(() => import('./pages/auth/AcceptInvite'));

export const theme = {
  token: {
    colorPrimary: '#1f4fd1',
    borderRadius: 6,
    fontFamily:
      "-apple-system, BlinkMacSystemFont, 'Segoe UI', 'PingFang SC', 'Hiragino Sans GB', 'Microsoft YaHei', 'Noto Sans CJK SC', 'Helvetica Neue', Arial, sans-serif",
  },
};

function FullPageSpin() {
  return (
    <Flex justify="center" align="center" style={{ minHeight: '60vh' }}>
      <Spin size="large" />
    </Flex>
  );
}

function RequireSession({ children }: { children: ReactNode }) {
  const { status, error, refresh } = useSession();
  const { t } = useI18n();
  const location = useLocation();
  if (status === 'loading') return <FullPageSpin />;
  if (status === 'error')
    return (
      <Result
        status="warning"
        title={describeError(t, error).title}
        extra={<Button type="primary" onClick={() => void refresh()}>{t('common.retry')}</Button>}
      />
    );
  if (status === 'anonymous') {
    const next = location.pathname + location.search;
    return <Navigate to={`/sign-in${next && next !== '/' ? `?next=${encodeURIComponent(next)}` : ''}`} replace />;
  }
  return <>{children}</>;
}

function Guard({ perms, children }: { perms: string[]; children: ReactNode }) {
  const { canAny } = useSession();
  return canAny(perms) ? <>{children}</> : <Forbidden />;
}

function Home() {
  const { canAny } = useSession();
  return <Navigate to={homePath(canAny)} replace />;
}

export function AppRoutes() {
  return (
    <Suspense fallback={<FullPageSpin />}>
      <Routes>
        <Route path="/sign-in" element={<SignIn />} />
        <Route path="/invite/:token" element={<AcceptInvite />} />
        <Route
          element={
            <RequireSession>
              <AppLayout />
            </RequireSession>
          }
        >
          <Route index element={<Home />} />
          {ROUTES.map((r) => (
            <Route
              key={r.path}
              path={r.path}
              element={
                <Guard perms={r.perms}>
                  <r.component />
                </Guard>
              }
            />
          ))}
          <Route path="/forbidden" element={<Forbidden />} />
          <Route path="*" element={<NotFound />} />
        </Route>
      </Routes>
    </Suspense>
  );
}

function Localized({ children }: { children: ReactNode }) {
  const { lang } = useI18n();
  useEffect(() => {
    document.title = lang === 'zh-CN' ? 'creditloop 话费管理' : 'creditloop';
  }, [lang]);
  return (
    <ConfigProvider locale={lang === 'zh-CN' ? zhCNLocale : enUSLocale} theme={theme} button={{ autoInsertSpace: false }}>
      <AntApp>{children}</AntApp>
    </ConfigProvider>
  );
}

/** Providers shared by the app and the component tests. */
export function Providers({ children, requester = fetchRequester }: { children: ReactNode; requester?: Requester }) {
  return (
    <I18nProvider>
      <Localized>
        <ApiProvider requester={requester}>{children}</ApiProvider>
      </Localized>
    </I18nProvider>
  );
}

export default function App() {
  return (
    <Providers>
      <BrowserRouter>
        <SessionProvider>
          <AppRoutes />
        </SessionProvider>
      </BrowserRouter>
    </Providers>
  );
}
