import { useState } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import { Alert, Button, Form, Input, Typography } from 'antd';
import { useI18n } from '../../i18n';
import { useSession } from '../../auth/session';
import { useMutation } from '../../api/hooks';
import { AcceptInvitationMutation } from '../../api/operations';
import { describeError } from '../../api/errors';
import AuthFrame from './AuthFrame';

export const MIN_PASSWORD = 10;

export function newPasswordRules(t: ReturnType<typeof useI18n>['t']) {
  return [
    { required: true, message: t('validation.required') },
    { min: MIN_PASSWORD, message: t('validation.passwordLength') },
  ];
}

export default function AcceptInvite() {
  const { t } = useI18n();
  const { token = '' } = useParams();
  const { adoptSession } = useSession();
  const navigate = useNavigate();
  const accept = useMutation(AcceptInvitationMutation);
  const [error, setError] = useState<unknown>(null);

  const onFinish = async (v: { password: string }) => {
    setError(null);
    try {
      const r = await accept.run({ token, password: v.password }, { quietAuth: true });
      await adoptSession(r.acceptInvitation.csrfToken);
      navigate('/', { replace: true });
    } catch (e) {
      setError(e);
    }
  };
  const err = error ? describeError(t, error) : null;
  return (
    <AuthFrame title={t('auth.inviteTitle')}>
      <Typography.Paragraph type="secondary">{t('auth.inviteIntro')}</Typography.Paragraph>
      {err && <Alert type="error" showIcon message={err.title} description={err.detail} style={{ marginBottom: 16 }} role="alert" />}
      <Form layout="vertical" onFinish={onFinish} requiredMark={false} disabled={accept.loading}>
        <Form.Item name="password" label={t('auth.newPassword')} rules={newPasswordRules(t)} hasFeedback>
          <Input.Password autoComplete="new-password" size="large" />
        </Form.Item>
        <Form.Item
          name="confirm"
          label={t('auth.confirmPassword')}
          dependencies={['password']}
          hasFeedback
          rules={[
            { required: true, message: t('validation.required') },
            ({ getFieldValue }) => ({
              validator: (_, v) => (!v || getFieldValue('password') === v ? Promise.resolve() : Promise.reject(new Error(t('validation.passwordMatch')))),
            }),
          ]}
        >
          <Input.Password autoComplete="new-password" size="large" />
        </Form.Item>
        <Button type="primary" htmlType="submit" block size="large" loading={accept.loading}>
          {t('auth.activate')}
        </Button>
      </Form>
    </AuthFrame>
  );
}
