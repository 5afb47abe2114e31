import { useState } from 'react';
import { Navigate, useNavigate, useSearchParams } from 'react-router-dom';
import { Alert, Button, Form, Input } from 'antd';
import { LockOutlined, MailOutlined } from '@ant-design/icons';
import { useI18n } from '../../i18n';
import { useSession } from '../../auth/session';
import { describeError } from '../../api/errors';
import AuthFrame from './AuthFrame';
import { homePath } from '../../routes';

function safeNext(next: string | null): string | null {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/sign-in') ? next : null;
}

export default function SignIn() {
  const { t } = useI18n();
  const { status, signIn, expired, canAny } = useSession();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const next = safeNext(params.get('next'));

  if (status === 'ready') return <Navigate to={next ?? homePath(canAny)} replace />;

  const onFinish = async (v: { email: string; password: string }) => {
    setBusy(true);
    setError(null);
    try {
      await signIn(v.email.trim(), v.password);
      navigate(next ?? '/', { replace: true });
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const err = error ? describeError(t, error) : null;
  return (
    <AuthFrame title={t('auth.signInTitle')}>
      {expired && !error && <Alert type="warning" showIcon message={t('auth.sessionExpired')} style={{ marginBottom: 16 }} />}
      {err && <Alert type="error" showIcon message={err.title} description={err.detail} style={{ marginBottom: 16 }} role="alert" />}
      <Form layout="vertical" onFinish={onFinish} requiredMark={false} disabled={busy} name="sign-in">
        <Form.Item
          name="email"
          label={t('auth.email')}
          rules={[
            { required: true, message: t('validation.required') },
            { type: 'email', message: t('validation.email') },
          ]}
        >
          <Input prefix={<MailOutlined />} autoComplete="username" inputMode="email" size="large" />
        </Form.Item>
        <Form.Item name="password" label={t('auth.password')} rules={[{ required: true, message: t('validation.required') }]}>
          <Input.Password prefix={<LockOutlined />} autoComplete="current-password" size="large" />
        </Form.Item>
        <Button type="primary" htmlType="submit" block size="large" loading={busy}>
          {busy ? t('auth.signingIn') : t('auth.signIn')}
        </Button>
      </Form>
    </AuthFrame>
  );
}
